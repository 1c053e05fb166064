package campaign

import (
	"fmt"
	"sync"
	"time"
)

// Phase is one step of a campaign's year. Its value is a stable key used in URLs, form field
// names and the database: never rename one.
type Phase string

// The eight phases, in order.
const (
	PhaseIdeas        Phase = "idees"         // Dépôt des idées
	PhaseComptoirs    Phase = "comptoirs"     // Comptoirs à initiatives citoyennes
	PhaseDossiers     Phase = "dossiers"      // Dépôt des dossiers
	PhaseLabelling    Phase = "labellisation" // Comité de labellisation
	PhaseCommission   Phase = "commission"    // Présentation en commission (C1)
	PhaseVote         Phase = "vote"          // Vote des citoyens
	PhaseWinners      Phase = "laureats"      // Présentation des lauréats
	PhaseProclamation Phase = "proclamation"  // Commission permanente et proclamation
)

// AllPhases returns the eight phases in order (a new slice each call).
func AllPhases() []Phase {
	return []Phase{PhaseIdeas, PhaseComptoirs, PhaseDossiers, PhaseLabelling,
		PhaseCommission, PhaseVote, PhaseWinners, PhaseProclamation}
}

// Index returns the phase's position (0 for the ideas), or -1 for an unknown phase.
func (p Phase) Index() int {
	for i, q := range AllPhases() {
		if q == p {
			return i
		}
	}
	return -1
}

// Valid reports whether p is one of the eight phases.
func (p Phase) Valid() bool { return p.Index() >= 0 }

// ParsePhase returns the phase whose key is s.
func ParsePhase(s string) (Phase, bool) {
	p := Phase(s)
	return p, p.Valid()
}

// PhaseWindow is when a phase is open: from Start to End, both included, to the second.
// Both are instants (kept in UTC); a phase set from calendar days starts at 00:00:00 on its
// first day and ends at 23:59:59 on its last day, local time (see DayWindow).
type PhaseWindow struct {
	Phase Phase
	Start time.Time
	End   time.Time
}

// Contains reports whether the phase is open at now. The end is inclusive to the second, so
// that 23:59:59.7 is still the last second of the day and 00:00:00 the next day is closed.
func (w PhaseWindow) Contains(now time.Time) bool {
	return !now.Before(w.Start) && !now.Truncate(time.Second).After(w.End)
}

// LocalDays returns the local calendar days of the window's first and last instants.
func (w PhaseWindow) LocalDays(loc *time.Location) (first, last Date) {
	return DateOf(w.Start.In(loc)), DateOf(w.End.In(loc))
}

// Date is a calendar day, without a time or a zone (a form's <input type="date">).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads a day written YYYY-MM-DD (what browsers send for a date field).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// String writes the day as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// DayStart returns 00:00:00 of d in loc.
func (d Date) DayStart(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// DayEnd returns 23:59:59 of d in loc, the last second of the day.
func (d Date) DayEnd(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 59, 0, loc)
}

// AddYears returns the same day years later (29 February becomes 1 March).
func (d Date) AddYears(years int) Date {
	return DateOf(time.Date(d.Year+years, d.Month, d.Day, 0, 0, 0, 0, time.UTC))
}

// DayWindow returns the instants (in UTC) at which a phase running from the local day first
// to the local day last, both included, opens and closes: 00:00:00 on first and 23:59:59 on
// last, in loc. Building them from local days keeps a window right across a DST change.
func DayWindow(loc *time.Location, first, last Date) (start, end time.Time) {
	return first.DayStart(loc).UTC(), last.DayEnd(loc).UTC()
}

// Location returns the campaign's time zone, or UTC when TimeZone is not a known zone (which
// Validate reports; nothing valid is stored with an unknown zone).
func (c *Campaign) Location() *time.Location {
	loc, err := loadLocation(c.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// locations caches the zones already loaded: pages format many dates, and loading a zone
// reads and parses its file each time. Zones are immutable, so sharing them is safe.
var locations sync.Map // string → *time.Location

// loadLocation is time.LoadLocation without its two surprises: "" and "Local" would give UTC
// and the server's zone, neither of which is a campaign's territory.
func loadLocation(name string) (*time.Location, error) {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location), nil
	}
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("time zone %q: want an IANA name such as Europe/Paris", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	locations.Store(name, loc)
	return loc, nil
}

// Window returns the window of phase p, if the campaign has one.
func (c *Campaign) Window(p Phase) (PhaseWindow, bool) {
	for _, w := range c.Phases {
		if w.Phase == p {
			return w, true
		}
	}
	return PhaseWindow{}, false
}

// SetWindow sets (or adds) the window of phase p, keeping Phases in phase order.
func (c *Campaign) SetWindow(p Phase, start, end time.Time) {
	w := PhaseWindow{Phase: p, Start: start.UTC(), End: end.UTC()}
	for i := range c.Phases {
		if c.Phases[i].Phase == p {
			c.Phases[i] = w
			return
		}
	}
	c.Phases = append(c.Phases, w)
	sortWindows(c.Phases)
}

// SetDays sets the window of phase p from local calendar days, both included.
func (c *Campaign) SetDays(p Phase, first, last Date) {
	start, end := DayWindow(c.Location(), first, last)
	c.SetWindow(p, start, end)
}

// Days returns the local calendar days of phase p's window, for forms and calendars.
func (c *Campaign) Days(p Phase) (first, last Date, ok bool) {
	w, ok := c.Window(p)
	if !ok {
		return Date{}, Date{}, false
	}
	first, last = w.LocalDays(c.Location())
	return first, last, true
}

// IsOpen reports whether phase p is open at now.
func (c *Campaign) IsOpen(p Phase, now time.Time) bool {
	w, ok := c.Window(p)
	return ok && w.Contains(now)
}

// OpenPhases returns, in phase order, every phase open at now (phases overlap: in 2018 the
// ideas, comptoirs and dossiers ran at the same time).
func (c *Campaign) OpenPhases(now time.Time) []Phase {
	var out []Phase
	for _, p := range AllPhases() {
		if c.IsOpen(p, now) {
			out = append(out, p)
		}
	}
	return out
}

// sortWindows orders windows by phase (insertion sort: there are eight).
func sortWindows(ws []PhaseWindow) {
	for i := 1; i < len(ws); i++ {
		for j := i; j > 0 && ws[j].Phase.Index() < ws[j-1].Phase.Index(); j-- {
			ws[j], ws[j-1] = ws[j-1], ws[j]
		}
	}
}
