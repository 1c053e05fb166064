package campaign

import (
	"fmt"
	"sort"
	"time"
)

// Preset names.
const PresetPasDeCalais2018 = "pas-de-calais-2018"

var presets = map[string]func() *Campaign{
	PresetPasDeCalais2018: pasDeCalais2018,
}

// PresetNames lists the built-in presets, sorted.
func PresetNames() []string {
	names := make([]string, 0, len(presets))
	for n := range presets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Preset returns a new campaign built from the named preset (a fresh value each call: the
// caller may change it freely).
func Preset(name string) (*Campaign, error) {
	build, ok := presets[name]
	if !ok {
		return nil, fmt.Errorf("campaign preset %q: unknown (known: %v)", name, PresetNames())
	}
	return build(), nil
}

// pasDeCalais2018 is the first edition of the Pas-de-Calais budget citoyen, as read from the
// seed document in docs/product.md: its eight windows, its 352 151 € envelope and its three
// categories. The seed gives no date for the commission (phase 5); product.md places it
// between the committee's end and the vote.
func pasDeCalais2018() *Campaign {
	c := New()
	c.Slug = PresetPasDeCalais2018
	c.Name = "Budget citoyen du Pas-de-Calais 2018"
	c.Description = "Les habitants du Pas-de-Calais choisissent par leur vote les projets " +
		"d'économie sociale et solidaire, proposés par des citoyens, que le Département soutient."
	c.Territory = "62"
	c.TimeZone = "Europe/Paris"
	c.EnvelopeCents = 352_151_00
	day := func(m time.Month, d int) Date { return Date{2018, m, d} }
	for _, w := range []struct {
		p           Phase
		first, last Date
	}{
		{PhaseIdeas, day(time.March, 1), day(time.March, 30)},
		{PhaseComptoirs, day(time.March, 1), day(time.June, 22)},
		{PhaseDossiers, day(time.April, 3), day(time.June, 22)},
		{PhaseLabelling, day(time.May, 14), day(time.July, 8)},
		{PhaseCommission, day(time.July, 9), day(time.September, 4)},
		{PhaseVote, day(time.September, 5), day(time.September, 30)},
		{PhaseWinners, day(time.October, 1), day(time.October, 31)},
		{PhaseProclamation, day(time.November, 1), day(time.November, 30)},
	} {
		c.SetDays(w.p, w.first, w.last)
	}
	c.Categories = []Category{
		{
			Position:    0,
			Name:        "Démarche de bonnes pratiques",
			Description: "Projets qui mettent en œuvre les valeurs de l'économie sociale et solidaire.",
			Rule:        Flat(4_500_00),
		},
		{
			Position:    1,
			Name:        "Innovation sociale",
			Description: "Initiatives comportant les marqueurs de l'innovation sociale du Pas-de-Calais.",
			Rule:        Percent(1000, 15_000_00),
		},
		{
			Position:    2,
			Name:        "Coopération entre structures",
			Description: "Projets menés en coopération par plusieurs structures du territoire.",
			Rule:        Percent(2000, 20_000_00),
		},
	}
	c.VoteRule = VoteRule{Kind: VoteOnePerCategory}
	c.AggregationRule = "greedy_cost"
	c.PerCategoryEnvelopes = false
	c.TieBreak = "cost,order"
	c.MinVoterAge = 11
	c.ComptoirRequired = true
	c.BallotPublication = PublishReceipts
	c.IdeasPublic = true
	return c
}

// CopyForEdition returns a new edition copied from src: same settings and categories, every
// window moved by years calendar years on the local calendar (1–30 March 2018 becomes 1–30
// March 2019, 00:00 to 23:59:59 local time whatever the DST offsets of the two years).
// The copy is unsaved (ID 0, categories without IDs), not archived, and remembers src.
func CopyForEdition(src *Campaign, slug, name string, years int) *Campaign {
	c := src.Clone()
	c.ID = 0
	c.Slug = slug
	c.Name = name
	c.Archived = false
	c.CopiedFrom = nil
	if src.ID != 0 {
		id := src.ID
		c.CopiedFrom = &id
	}
	c.CreatedAt, c.UpdatedAt = time.Time{}, time.Time{}
	loc := src.Location()
	for i, w := range c.Phases {
		c.Phases[i].Start = shiftYears(w.Start, loc, years)
		c.Phases[i].End = shiftYears(w.End, loc, years)
	}
	for i := range c.Categories {
		c.Categories[i].ID = 0
	}
	return c
}

// shiftYears moves an instant by whole years on the local wall clock of loc, so that 00:00
// stays 00:00 and 23:59:59 stays 23:59:59 (a shift by a fixed duration would drift by the
// leap days and the DST offset).
func shiftYears(t time.Time, loc *time.Location, years int) time.Time {
	if t.IsZero() {
		return t
	}
	l := t.In(loc)
	return time.Date(l.Year()+years, l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(),
		l.Nanosecond(), loc).UTC()
}
