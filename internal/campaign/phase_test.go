package campaign

import (
	"reflect"
	"testing"
	"time"
)

func paris(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func preset2018(t testing.TB) *Campaign {
	t.Helper()
	c, err := Preset(PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOpenPhases2018(t *testing.T) {
	c := preset2018(t)
	loc := paris(t)
	at := func(y int, m time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, m, d, h, mi, s, ns, loc)
	}
	tests := []struct {
		name string
		now  time.Time
		want []Phase
	}{
		{"before everything", at(2018, 2, 28, 23, 59, 59, 999999999), nil},
		{"ideas open at 00:00 local", at(2018, 3, 1, 0, 0, 0, 0), []Phase{PhaseIdeas, PhaseComptoirs}},
		{"ideas last second", at(2018, 3, 30, 23, 59, 59, 0), []Phase{PhaseIdeas, PhaseComptoirs}},
		{"ideas last second, fraction", at(2018, 3, 30, 23, 59, 59, 999999999), []Phase{PhaseIdeas, PhaseComptoirs}},
		{"ideas closed next midnight", at(2018, 3, 31, 0, 0, 0, 0), []Phase{PhaseComptoirs}},
		{"four phases overlap", at(2018, 5, 20, 12, 0, 0, 0), []Phase{PhaseComptoirs, PhaseDossiers, PhaseLabelling}},
		{"commission last second", at(2018, 9, 4, 23, 59, 59, 0), []Phase{PhaseCommission}},
		{"vote opens", at(2018, 9, 5, 0, 0, 0, 0), []Phase{PhaseVote}},
		{"vote last second", at(2018, 9, 30, 23, 59, 59, 500000000), []Phase{PhaseVote}},
		{"vote closed", at(2018, 10, 1, 0, 0, 0, 0), []Phase{PhaseWinners}},
		{"winners across the October DST change", at(2018, 10, 28, 2, 30, 0, 0), []Phase{PhaseWinners}},
		{"proclamation last second", at(2018, 11, 30, 23, 59, 59, 0), []Phase{PhaseProclamation}},
		{"after everything", at(2018, 12, 1, 0, 0, 0, 0), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.OpenPhases(tt.now); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("OpenPhases(%v) = %v, want %v", tt.now, got, tt.want)
			}
			// The answer depends on the instant only, not on the zone now is written in.
			if got := c.OpenPhases(tt.now.UTC()); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("OpenPhases(UTC %v) = %v, want %v", tt.now.UTC(), got, tt.want)
			}
		})
	}
}

func TestDayWindowAcrossDST(t *testing.T) {
	loc := paris(t)
	tests := []struct {
		name       string
		day        Date
		start, end time.Time // UTC
		hours      float64
	}{
		// 25 March 2018: clocks go from 02:00 CET to 03:00 CEST, a 23-hour day.
		{"spring forward", Date{2018, 3, 25},
			time.Date(2018, 3, 24, 23, 0, 0, 0, time.UTC), time.Date(2018, 3, 25, 21, 59, 59, 0, time.UTC), 23},
		// 28 October 2018: clocks go from 03:00 CEST back to 02:00 CET, a 25-hour day.
		{"fall back", Date{2018, 10, 28},
			time.Date(2018, 10, 27, 22, 0, 0, 0, time.UTC), time.Date(2018, 10, 28, 22, 59, 59, 0, time.UTC), 25},
		// 31 March 2019 and 27 October 2019, the next edition's changes.
		{"spring forward 2019", Date{2019, 3, 31},
			time.Date(2019, 3, 30, 23, 0, 0, 0, time.UTC), time.Date(2019, 3, 31, 21, 59, 59, 0, time.UTC), 23},
		{"fall back 2019", Date{2019, 10, 27},
			time.Date(2019, 10, 26, 22, 0, 0, 0, time.UTC), time.Date(2019, 10, 27, 22, 59, 59, 0, time.UTC), 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end := DayWindow(loc, tt.day, tt.day)
			if !start.Equal(tt.start) || !end.Equal(tt.end) {
				t.Fatalf("DayWindow = %v – %v, want %v – %v", start, end, tt.start, tt.end)
			}
			if start.Location() != time.UTC || end.Location() != time.UTC {
				t.Errorf("DayWindow must return UTC instants")
			}
			if h := end.Add(time.Second).Sub(start).Hours(); h != tt.hours {
				t.Errorf("day lasts %v h, want %v", h, tt.hours)
			}
			w := PhaseWindow{Phase: PhaseVote, Start: start, End: end}
			for _, c := range []struct {
				now  time.Time
				open bool
			}{
				{start.Add(-time.Nanosecond), false},
				{start, true},
				{end, true},
				{end.Add(999 * time.Millisecond), true},
				{end.Add(time.Second), false},
			} {
				if got := w.Contains(c.now); got != c.open {
					t.Errorf("Contains(%v local) = %v, want %v", c.now.In(loc), got, c.open)
				}
			}
			first, last := w.LocalDays(loc)
			if first != tt.day || last != tt.day {
				t.Errorf("LocalDays = %v, %v, want %v", first, last, tt.day)
			}
		})
	}
}

func TestWindowHelpers(t *testing.T) {
	c := New()
	c.SetDays(PhaseVote, Date{2018, 9, 5}, Date{2018, 9, 30})
	c.SetDays(PhaseIdeas, Date{2018, 3, 1}, Date{2018, 3, 30})
	if c.Phases[0].Phase != PhaseIdeas || c.Phases[1].Phase != PhaseVote {
		t.Errorf("windows not kept in phase order: %v", c.Phases)
	}
	first, last, ok := c.Days(PhaseVote)
	if !ok || first != (Date{2018, 9, 5}) || last != (Date{2018, 9, 30}) {
		t.Errorf("Days(vote) = %v %v %v", first, last, ok)
	}
	if _, _, ok := c.Days(PhaseCommission); ok {
		t.Error("Days of a missing phase reported ok")
	}
	c.SetDays(PhaseVote, Date{2018, 9, 6}, Date{2018, 9, 30})
	if len(c.Phases) != 2 {
		t.Errorf("SetDays added a second vote window: %v", c.Phases)
	}
	if c.IsOpen(PhaseCommission, time.Now()) {
		t.Error("a phase without a window is open")
	}
	if got := c.Location().String(); got != "Europe/Paris" {
		t.Errorf("Location = %s", got)
	}
	c.TimeZone = "Mars/Olympus"
	if c.Location() != time.UTC {
		t.Error("unknown zone should fall back to UTC")
	}
}

func TestPhases(t *testing.T) {
	want := []Phase{"idees", "comptoirs", "dossiers", "labellisation", "commission", "vote", "laureats", "proclamation"}
	if got := AllPhases(); !reflect.DeepEqual(got, want) {
		t.Errorf("AllPhases = %v", got)
	}
	for i, p := range want {
		if p.Index() != i {
			t.Errorf("%s.Index() = %d", p, p.Index())
		}
		if q, ok := ParsePhase(string(p)); !ok || q != p {
			t.Errorf("ParsePhase(%s) failed", p)
		}
	}
	if _, ok := ParsePhase("Vote"); ok {
		t.Error("ParsePhase is case-sensitive: keys are lowercase")
	}
}

func TestParseDate(t *testing.T) {
	d, err := ParseDate("2018-09-05")
	if err != nil || d != (Date{2018, 9, 5}) || d.String() != "2018-09-05" {
		t.Errorf("ParseDate = %v, %v", d, err)
	}
	for _, bad := range []string{"", "05/09/2018", "2018-9-5", "2018-02-30", "2018-09-05T00:00"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	if got := (Date{2020, 2, 29}).AddYears(1); got != (Date{2021, 3, 1}) {
		t.Errorf("29 Feb + 1 year = %v", got)
	}
}
