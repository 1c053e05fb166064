package workshop

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/territory"
)

// Limits of a session's fields.
const (
	MaxTitleLen       = 200
	MaxHostLen        = 200
	MaxAddressLen     = 300
	MaxDescriptionLen = 2000
	MaxCapacity       = 500
	MaxDuration       = 12 * time.Hour
)

// LocalLayout is how start and end are written in the form (an <input type="datetime-local">),
// in the campaign's time zone.
const LocalLayout = "2006-01-02T15:04"

// Form is the session form as typed: every field a string, kept to re-display it.
type Form struct {
	Title       string
	Description string
	Topics      []string
	Host        string
	Address     string
	Commune     string // a postcode, "Name (INSEE code)", an INSEE code or the exact name of a commune (territory.Resolve)
	Start, End  string // LocalLayout, campaign time zone
	Capacity    string
	Animators   []string // account ids
}

// FormOf fills the form from a saved session, times in loc. Its Commune is the INSEE code:
// a form shows it as "Name (code)", since five digits alone are read as a postcode first.
func FormOf(s Session, loc *time.Location) Form {
	f := Form{Title: s.Title, Description: s.Description, Host: s.Host, Address: s.Address, Commune: s.Commune,
		Start: s.StartsAt.In(loc).Format(LocalLayout), End: s.EndsAt.In(loc).Format(LocalLayout),
		Capacity: strconv.Itoa(s.Capacity)}
	for _, t := range s.Topics {
		f.Topics = append(f.Topics, string(t))
	}
	for _, a := range s.Animators {
		f.Animators = append(f.Animators, strconv.FormatInt(a, 10))
	}
	return f
}

// HasTopic reports whether the form ticks topic t (for the checkboxes).
func (f Form) HasTopic(t string) bool {
	for _, x := range f.Topics {
		if x == t {
			return true
		}
	}
	return false
}

// HasAnimator reports whether the form ticks the animator id.
func (f Form) HasAnimator(id int64) bool {
	s := strconv.FormatInt(id, 10)
	for _, x := range f.Animators {
		if x == s {
			return true
		}
	}
	return false
}

// Rules are what a session is checked against: the campaign's territory and time zone, the
// accounts that may animate, and the seats already taken (capacity cannot go below them).
type Rules struct {
	Territory   *territory.Data
	Departement string
	Location    *time.Location
	Animators   map[int64]bool
	Registered  int
}

// Parse checks the form and returns the session it describes (without ID nor campaign), or
// the message of each invalid field.
func Parse(f Form, r Rules) (Session, apperr.FieldErrors) {
	fe := apperr.FieldErrors{}
	s := Session{
		Title: clean(f.Title), Description: strings.TrimSpace(f.Description), Host: clean(f.Host),
		Address: clean(f.Address),
	}
	text := func(field, value string, maxLen int) {
		switch {
		case value == "":
			fe.Add(field, "workshop.error."+field+"_required")
		case utf8.RuneCountInString(value) > maxLen:
			fe.Add(field, "workshop.error.too_long", maxLen)
		}
	}
	text("title", s.Title, MaxTitleLen)
	text("host", s.Host, MaxHostLen)
	text("address", s.Address, MaxAddressLen)
	if utf8.RuneCountInString(s.Description) > MaxDescriptionLen {
		fe.Add("description", "workshop.error.too_long", MaxDescriptionLen)
	}

	s.Topics = ParseTopics(strings.Join(f.Topics, ","))
	for _, t := range f.Topics {
		if !Topic(t).Valid() {
			fe.Add("topics", "workshop.error.topic_unknown")
		}
	}
	if len(s.Topics) == 0 {
		fe.Add("topics", "workshop.error.topics_required")
	}

	if c, key := ResolveCommune(r.Territory, r.Departement, f.Commune); key == "workshop.error.commune_ambiguous" {
		// Name the communes, written the way the field reads them back.
		var labels []string
		for _, m := range r.Territory.Resolve(f.Commune, r.Departement) {
			labels = append(labels, "«\u00a0"+m.Name+" ("+m.Code+")\u00a0»")
		}
		fe.Add("commune", "workshop.error.commune_choose", strings.Join(labels, ", "))
	} else if key != "" {
		fe.Add("commune", key)
	} else {
		s.Commune = c.Code
	}

	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	start, okStart := parseLocal(fe, "start", f.Start, loc)
	end, okEnd := parseLocal(fe, "end", f.End, loc)
	if okStart && okEnd {
		switch {
		case !end.After(start):
			fe.Add("end", "workshop.error.end_before_start")
		case end.Sub(start) > MaxDuration:
			fe.Add("end", "workshop.error.too_long_duration", int(MaxDuration/time.Hour))
		}
	}
	s.StartsAt, s.EndsAt = start.UTC(), end.UTC()

	capacity, err := strconv.Atoi(strings.TrimSpace(f.Capacity))
	switch {
	case strings.TrimSpace(f.Capacity) == "":
		fe.Add("capacity", "workshop.error.capacity_required")
	case err != nil || capacity < 1:
		fe.Add("capacity", "workshop.error.capacity_invalid")
	case capacity > MaxCapacity:
		fe.Add("capacity", "workshop.error.capacity_too_large", MaxCapacity)
	case capacity < r.Registered:
		fe.Add("capacity", "workshop.error.capacity_below_registered", r.Registered)
	}
	s.Capacity = capacity

	seen := map[int64]bool{}
	for _, a := range f.Animators {
		id, err := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
		if err != nil || !r.Animators[id] {
			fe.Add("animators", "workshop.error.animator_unknown")
			continue
		}
		if !seen[id] {
			seen[id] = true
			s.Animators = append(s.Animators, id)
		}
	}
	return s, fe
}

// ResolveCommune finds the commune of the département named by a postcode, an INSEE code
// or its exact name (accents and case ignored): see territory.Resolve (five digits are a
// postcode first). It returns the message key of the problem, if any: required, unknown,
// outside the territory, or several communes (a shared postcode, homonyms).
func ResolveCommune(t *territory.Data, departement, input string) (territory.Commune, string) {
	input = strings.TrimSpace(input)
	if input == "" {
		return territory.Commune{}, "workshop.error.commune_required"
	}
	if t == nil {
		return territory.Commune{}, "workshop.error.commune_unknown"
	}
	switch found := t.Resolve(input, departement); len(found) {
	case 1:
		return found[0], ""
	case 0:
		// A known commune of another département reads better than "unknown".
		if len(t.Resolve(input, "")) > 0 {
			return territory.Commune{}, "workshop.error.commune_outside"
		}
		return territory.Commune{}, "workshop.error.commune_unknown"
	default:
		return territory.Commune{}, "workshop.error.commune_ambiguous"
	}
}

func parseLocal(fe apperr.FieldErrors, field, value string, loc *time.Location) (time.Time, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		fe.Add(field, "workshop.error."+field+"_required")
		return time.Time{}, false
	}
	// Browsers without datetime-local send what the person typed: accept a space or seconds.
	value = strings.Replace(value, " ", "T", 1)
	for _, layout := range []string{LocalLayout, "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, value, loc); err == nil {
			return t, true
		}
	}
	fe.Add(field, "workshop.error.datetime_invalid")
	return time.Time{}, false
}

// clean trims and folds runs of white space (including newlines) into one space.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }
