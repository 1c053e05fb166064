package vote

import (
	"testing"
	"time"

	"budgetcitoyen/internal/apperr"
)

func paris(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestEligibilityEleventhBirthdayAtMidnightParis(t *testing.T) {
	loc := paris(t)
	r := Rule{Territory: "62", MinAge: 11, Location: loc}
	p := Person{BirthDate: Date{2015, time.September, 11}, CommuneKnown: true, CommuneDepartment: "62"}
	midnight := time.Date(2026, time.September, 11, 0, 0, 0, 0, loc)
	if err := r.Check(p, midnight); err != nil {
		t.Errorf("at 00:00 Paris on the 11th birthday: refused (%v)", err)
	}
	if err := r.Check(p, midnight.Add(-time.Second)); err == nil || err.Message.Key != "vote.refused.too_young" {
		t.Errorf("one second before: got %v, want too young", err)
	}
	// 22:00 UTC on the 10th is already the 11th in Paris (UTC+2 in September).
	if err := r.Check(p, time.Date(2026, time.September, 10, 22, 0, 0, 0, time.UTC)); err != nil {
		t.Errorf("22:00 UTC the day before (00:00 Paris): refused (%v)", err)
	}
	if err := r.Check(p, time.Date(2026, time.September, 10, 21, 59, 59, 0, time.UTC)); err == nil {
		t.Errorf("21:59:59 UTC the day before (23:59:59 Paris): accepted")
	}
}

func TestEligibilityYearOnly(t *testing.T) {
	r := Rule{Territory: "62", MinAge: 11, Location: paris(t)}
	now := time.Date(2026, time.September, 10, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		birth    string
		yearOnly bool
		ok       bool
	}{
		{"2015-01-01", true, true},   // may be 11 already: not refused
		{"2015-01-01", false, true},  // the presumed date alone gives the same answer
		{"2016-01-01", true, false},  // at most 10 in 2026
		{"2015-12-31", false, false}, // a full date is exact
		{"2015-09-10", false, true},
		{"2015-09-11", false, false},
	} {
		d, err := ParseDate(tc.birth)
		if err != nil {
			t.Fatal(err)
		}
		got := r.Check(Person{BirthDate: d, YearOnly: tc.yearOnly, CommuneKnown: true, CommuneDepartment: "62"}, now)
		if (got == nil) != tc.ok {
			t.Errorf("born %s (year only %v): eligible=%v, want %v", tc.birth, tc.yearOnly, got == nil, tc.ok)
		}
	}
}

// TestParseBirthDate: a form takes the day typed as its hint says (JJ/MM/AAAA or
// AAAA-MM-JJ), and never a year alone, which would read as 1 January and let someone born
// in December 2015 pass as 11 in 2026.
func TestParseBirthDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2015-09-11", Date{2015, time.September, 11}, true},
		{"11/09/2015", Date{2015, time.September, 11}, true},
		{" 1/9/2015 ", Date{2015, time.September, 1}, true},
		{"11.09.2015", Date{2015, time.September, 11}, true},
		{"11-09-2015", Date{2015, time.September, 11}, true},
		{"31/02/2015", Date{}, false},
		{"09/2015", Date{}, false},
		{"2015", Date{}, false},
		{"", Date{}, false},
	} {
		got, err := ParseBirthDate(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseBirthDate(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	if _, err := ParseDate("2015"); err == nil {
		t.Error("ParseDate takes a year alone")
	}
	_, fe := ParseDeclaration("Martin", "Léa", "2015", "62041")
	if fe["naissance"].Key != "vote.identity.birth_full" {
		t.Errorf("a year alone in the form: %v, want the full date asked", fe)
	}
	if d, fe := ParseDeclaration("Martin", "Léa", "19/11/2010", "62041"); len(fe) != 0 || d.BirthDate != (Date{2010, time.November, 19}) {
		t.Errorf("JJ/MM/AAAA in the form: %v, %v", d.BirthDate, fe)
	}
}

func TestEligibilityReasons(t *testing.T) {
	r := Rule{Territory: "62", MinAge: 11, Location: paris(t)}
	now := time.Date(2026, time.September, 10, 12, 0, 0, 0, time.UTC)
	adult := Date{1980, time.May, 4}
	for _, tc := range []struct {
		p    Person
		key  string
		kind apperr.Kind
	}{
		{Person{BirthDate: adult, CommuneKnown: true, CommuneDepartment: "59"}, "vote.refused.territory", apperr.Forbidden},
		{Person{BirthDate: adult}, "vote.refused.commune_unknown", apperr.Invalid},
		{Person{CommuneKnown: true, CommuneDepartment: "62"}, "vote.refused.birth_date", apperr.Invalid},
		{Person{BirthDate: Date{2030, 1, 1}, CommuneKnown: true, CommuneDepartment: "62"}, "vote.refused.birth_date", apperr.Invalid},
		{Person{BirthDate: Date{2020, 1, 1}, CommuneKnown: true, CommuneDepartment: "62"}, "vote.refused.too_young", apperr.Forbidden},
	} {
		err := r.Check(tc.p, now)
		if err == nil || err.Message.Key != tc.key || err.Kind != tc.kind {
			t.Errorf("%+v: got %v, want %s (%s)", tc.p, err, tc.key, tc.kind)
		}
	}
	if err := r.Check(Person{BirthDate: adult, CommuneKnown: true, CommuneDepartment: "62"}, now); err != nil {
		t.Errorf("adult of the 62: %v", err)
	}
}

func TestAgeOnLeapDay(t *testing.T) {
	b := Date{2012, time.February, 29}
	if got := b.AgeOn(Date{2023, time.February, 28}); got != 10 {
		t.Errorf("28 Feb 2023: %d", got)
	}
	if got := b.AgeOn(Date{2023, time.March, 1}); got != 11 {
		t.Errorf("1 Mar 2023: %d", got)
	}
	if got := AgeBracket(Date{2000, 1, 1}, Date{2026, 9, 1}); got != "25-34" {
		t.Errorf("bracket %s", got)
	}
}
