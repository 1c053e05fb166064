package vote

import (
	"fmt"
	"strings"
	"time"

	"budgetcitoyen/internal/apperr"
)

// Date is a calendar day (a birth date), without a time or a zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads a day written YYYY-MM-DD, the way forms, identity providers and the
// database give it. A year alone is refused: see ParseBirthDate and PresumedDate.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	y, m, d := t.Date()
	return Date{y, m, d}, nil
}

// ParseBirthDate reads a birth date typed in a form: YYYY-MM-DD (what a date field sends)
// or DD/MM/YYYY (what people type where the browser shows a plain text field; one-digit day
// and month allowed, "." and "-" accepted as separators too). A year alone is not a birth
// date here: eligibility needs the day (see PresumedDate for identity providers).
func ParseBirthDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if d, err := ParseDate(s); err == nil {
		return d, nil
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '.' || r == '-' })
	if len(parts) == 3 && len(parts[0]) <= 2 && len(parts[1]) <= 2 && len(parts[2]) == 4 {
		pad := func(x string) string { return strings.Repeat("0", 2-len(x)) + x }
		if d, err := ParseDate(parts[2] + "-" + pad(parts[1]) + "-" + pad(parts[0])); err == nil {
			return d, nil
		}
	}
	return Date{}, fmt.Errorf("birth date %q: want DD/MM/YYYY or YYYY-MM-DD", s)
}

// YearOnly reports whether s is a bare year (YYYY), the birth date some identity providers
// give when they know no more.
func YearOnly(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) == 4 && strings.Trim(s, "0123456789") == ""
}

// PresumedDate is the date identity providers presume for a birth year alone: 1 January.
// Eligibility then goes by the year (Person.YearOnly), not by that date.
func PresumedDate(year string) string { return strings.TrimSpace(year) + "-01-01" }

// String writes the day as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

func (d Date) before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// AgeOn returns the age in whole years, on the day on, of a person born on d. Someone born on
// 29 February has their birthday on 1 March in other years.
func (d Date) AgeOn(on Date) int {
	age := on.Year - d.Year
	// The birthday of this year, normalised (29 February → 1 March).
	t := time.Date(on.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	bday := Date{t.Year(), t.Month(), t.Day()}
	if on.before(bday) {
		age--
	}
	return age
}

// Rule is what makes someone eligible to vote in a campaign.
type Rule struct {
	Territory string         // département code of the campaign
	MinAge    int            // minimum age on the day of the vote
	Location  *time.Location // the campaign's time zone: the day of the vote is local
}

// Person is what eligibility looks at.
type Person struct {
	BirthDate Date
	// YearOnly says that only the birth year is known, which only an identity provider
	// may say (BirthDate is then YYYY-01-01, their presumed date). The year must then make
	// the person old enough on 31 December of the vote's year, whatever their birthday.
	YearOnly          bool
	CommuneKnown      bool   // the commune is a current commune of the official list
	CommuneDepartment string // département of the person's commune
}

// Check says whether p may vote at now under rule r: nil if eligible, else an apperr whose
// message says why, in words a voter understands. The day of the vote is the local day of now
// in the campaign's time zone: a person born on 11 September 2015 may vote from 00:00:00 on
// 11 September 2026, Paris time.
//
// A birth date known only as its year must not refuse someone who may be old enough: the
// check then compares years (the person reaches the age at the latest on 31 December of
// birth year + MinAge, and at the earliest on 1 January). Since 1 January is the earliest
// birthday of the year, a presumed YYYY-01-01 date gives the same answer either way.
func (r Rule) Check(p Person, now time.Time) *apperr.Error {
	if !p.CommuneKnown {
		return apperr.New(apperr.Invalid, "vote.refused.commune_unknown")
	}
	if !strings.EqualFold(p.CommuneDepartment, r.Territory) {
		return apperr.New(apperr.Forbidden, "vote.refused.territory", r.Territory)
	}
	if p.BirthDate.IsZero() {
		return apperr.New(apperr.Invalid, "vote.refused.birth_date")
	}
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := now.In(loc).Date()
	today := Date{y, m, d}
	if today.before(p.BirthDate) {
		return apperr.New(apperr.Invalid, "vote.refused.birth_date")
	}
	old := p.BirthDate.AgeOn(today) >= r.MinAge
	if p.YearOnly {
		old = today.Year-p.BirthDate.Year >= r.MinAge
	}
	if !old {
		return apperr.New(apperr.Forbidden, "vote.refused.too_young", r.MinAge)
	}
	return nil
}

// AgeBracket is the coarse age group kept in the participation register for the turnout
// statistics: never the age itself.
func AgeBracket(birth Date, on Date) string {
	switch age := birth.AgeOn(on); {
	case age < 18:
		return "11-17"
	case age < 25:
		return "18-24"
	case age < 35:
		return "25-34"
	case age < 50:
		return "35-49"
	case age < 65:
		return "50-64"
	default:
		return "65+"
	}
}

// AgeBrackets lists the brackets in order, for tables and charts.
func AgeBrackets() []string { return []string{"11-17", "18-24", "25-34", "35-49", "50-64", "65+"} }
