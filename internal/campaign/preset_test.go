package campaign

import (
	"reflect"
	"testing"
	"time"
)

// TestPreset2018 checks the preset against docs/product.md, value by value.
func TestPreset2018(t *testing.T) {
	if got := PresetNames(); !reflect.DeepEqual(got, []string{"pas-de-calais-2018"}) {
		t.Errorf("PresetNames = %v", got)
	}
	if _, err := Preset("lille-2030"); err == nil {
		t.Error("unknown preset accepted")
	}
	c := preset2018(t)
	loc := paris(t)
	windows := []struct {
		p           Phase
		first, last string
	}{
		{PhaseIdeas, "2018-03-01", "2018-03-30"},
		{PhaseComptoirs, "2018-03-01", "2018-06-22"},
		{PhaseDossiers, "2018-04-03", "2018-06-22"},
		{PhaseLabelling, "2018-05-14", "2018-07-08"},
		{PhaseCommission, "2018-07-09", "2018-09-04"},
		{PhaseVote, "2018-09-05", "2018-09-30"},
		{PhaseWinners, "2018-10-01", "2018-10-31"},
		{PhaseProclamation, "2018-11-01", "2018-11-30"},
	}
	if len(c.Phases) != len(windows) {
		t.Fatalf("%d phases, want 8", len(c.Phases))
	}
	for i, w := range windows {
		got := c.Phases[i]
		first, _ := time.ParseInLocation(time.DateOnly, w.first, loc)
		last, _ := time.ParseInLocation(time.DateOnly, w.last, loc)
		wantStart := first
		wantEnd := last.Add(23*time.Hour + 59*time.Minute + 59*time.Second)
		if got.Phase != w.p || !got.Start.Equal(wantStart) || !got.End.Equal(wantEnd) {
			t.Errorf("phase %d = %s %v – %v, want %s %v – %v", i, got.Phase,
				got.Start.In(loc), got.End.In(loc), w.p, wantStart, wantEnd)
		}
		if got.Start.Location() != time.UTC {
			t.Errorf("phase %s is not stored in UTC", got.Phase)
		}
	}
	// 5 September 2018, 00:00 in Paris (CEST, UTC+2) is 22:00 UTC the day before.
	if w, _ := c.Window(PhaseVote); !w.Start.Equal(time.Date(2018, 9, 4, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("vote opens at %v UTC", w.Start)
	}
	if c.EnvelopeCents != 35_215_100 {
		t.Errorf("envelope = %d cents, want 352 151 €", c.EnvelopeCents)
	}
	wantCats := []struct {
		name string
		rule SupportRule
	}{
		{"Démarche de bonnes pratiques", SupportRule{Kind: "flat", FlatCents: 450_000}},
		{"Innovation sociale", SupportRule{Kind: "percent", RateBP: 1000, CapCents: 1_500_000}},
		{"Coopération entre structures", SupportRule{Kind: "percent", RateBP: 2000, CapCents: 2_000_000}},
	}
	if len(c.Categories) != 3 {
		t.Fatalf("%d categories", len(c.Categories))
	}
	for i, w := range wantCats {
		got := c.Categories[i]
		if got.Name != w.name || got.Rule != w.rule || got.Position != i || got.Description == "" || got.EnvelopeCents != nil || got.ID != 0 {
			t.Errorf("category %d = %+v, want %s %+v", i, got, w.name, w.rule)
		}
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"slug", c.Slug, "pas-de-calais-2018"},
		{"territory", c.Territory, "62"},
		{"time zone", c.TimeZone, "Europe/Paris"},
		{"vote rule", c.VoteRule, VoteRule{Kind: "one-per-category"}},
		{"aggregation", c.AggregationRule, "greedy_cost"},
		{"one global envelope", c.PerCategoryEnvelopes, false},
		{"tie-break", c.TieBreak, "cost,order"},
		{"min age", c.MinVoterAge, 11},
		{"comptoir required", c.ComptoirRequired, true},
		{"publication", c.BallotPublication, "receipts"},
		{"ideas public", c.IdeasPublic, true},
		{"archived", c.Archived, false},
		{"copied from", c.CopiedFrom, (*int64)(nil)},
		{"id", c.ID, int64(0)},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	// Each call gives a fresh value.
	c.Categories[0].Name = "changed"
	c.Phases[0].Start = time.Time{}
	if d := preset2018(t); d.Categories[0].Name == "changed" || d.Phases[0].Start.IsZero() {
		t.Error("Preset shares its data between calls")
	}
}

func TestCopyForEdition(t *testing.T) {
	src := preset2018(t)
	src.ID = 7
	src.Archived = true
	env := int64(100_000_00)
	src.Categories[0].EnvelopeCents = &env
	src.Categories[0].ID = 70
	src.CreatedAt = time.Date(2017, 12, 19, 10, 0, 0, 0, time.UTC)

	c := CopyForEdition(src, "budget-citoyen-2019", "Budget citoyen 2019", 1)
	if c.ID != 0 || c.Archived || c.CopiedFrom == nil || *c.CopiedFrom != 7 || !c.CreatedAt.IsZero() {
		t.Errorf("copy: id %d archived %v copied from %v created %v", c.ID, c.Archived, c.CopiedFrom, c.CreatedAt)
	}
	if c.Slug != "budget-citoyen-2019" || c.Name != "Budget citoyen 2019" {
		t.Errorf("slug %q name %q", c.Slug, c.Name)
	}
	if c.Categories[0].ID != 0 || len(c.Categories) != 3 || c.Categories[2].Rule != src.Categories[2].Rule {
		t.Errorf("categories: %+v", c.Categories)
	}
	// A deep copy: changing the copy leaves the source alone.
	*c.Categories[0].EnvelopeCents = 1
	c.Categories[1].Name = "x"
	*c.CopiedFrom = 99
	if env != 100_000_00 || src.Categories[1].Name != "Innovation sociale" || src.ID != 7 {
		t.Error("the copy shares data with its source")
	}
	// Same local days a year later, from 00:00 to 23:59:59 local time, although 2018 and
	// 2019 change to and from summer time on different dates.
	loc := paris(t)
	for _, p := range AllPhases() {
		f0, l0, _ := src.Days(p)
		f1, l1, _ := c.Days(p)
		if f1 != f0.AddYears(1) || l1 != l0.AddYears(1) {
			t.Errorf("%s: %v–%v became %v–%v", p, f0, l0, f1, l1)
		}
		w, _ := c.Window(p)
		s, e := w.Start.In(loc), w.End.In(loc)
		if s.Hour() != 0 || s.Minute() != 0 || s.Second() != 0 || e.Hour() != 23 || e.Minute() != 59 || e.Second() != 59 {
			t.Errorf("%s: window %v – %v is not 00:00 – 23:59:59 local", p, s, e)
		}
	}
	if w, _ := c.Window(PhaseVote); !w.Start.Equal(time.Date(2019, 9, 4, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("2019 vote opens at %v", w.Start)
	}
	if fe := c.Validate(); len(fe) != 0 {
		t.Errorf("copy is invalid: %v", fe)
	}
	// A copy of an unsaved campaign remembers nothing.
	if d := CopyForEdition(preset2018(t), "x-2019", "x", 1); d.CopiedFrom != nil {
		t.Error("copy of an unsaved campaign has CopiedFrom")
	}
}

func TestCopyAcrossDSTWindow(t *testing.T) {
	// A window whose days fall on a DST change in one year and not in the other keeps its
	// local boundaries: 25 March 2018 (23-hour day) to 25 March 2019 (24-hour day), and
	// 28 October 2018 (25 hours) to 28 October 2019 (24 hours).
	loc := paris(t)
	c := preset2018(t)
	c.SetDays(PhaseIdeas, Date{2018, 3, 25}, Date{2018, 3, 25})
	c.SetDays(PhaseWinners, Date{2018, 10, 28}, Date{2018, 10, 28})
	d := CopyForEdition(c, "copie-2019", "Copie", 1)
	for _, tt := range []struct {
		p     Phase
		day   Date
		hours float64
	}{
		{PhaseIdeas, Date{2019, 3, 25}, 24},
		{PhaseWinners, Date{2019, 10, 28}, 24},
	} {
		w, _ := d.Window(tt.p)
		first, last := w.LocalDays(loc)
		if first != tt.day || last != tt.day {
			t.Errorf("%s: days %v–%v, want %v", tt.p, first, last, tt.day)
		}
		if h := w.End.Add(time.Second).Sub(w.Start).Hours(); h != tt.hours {
			t.Errorf("%s: %v hours, want %v", tt.p, h, tt.hours)
		}
	}
	// And back: a shift by -1 year returns the original instants.
	back := CopyForEdition(d, "retour", "Retour", -1)
	if !reflect.DeepEqual(back.Phases, c.Phases) {
		t.Errorf("shift +1 then -1 differs:\n%v\n%v", back.Phases, c.Phases)
	}
}
