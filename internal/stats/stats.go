// Package stats computes the statistics of participation of a campaign: at every stage
// (ideas, comptoir participants, dossiers, voters), by commune, EPCI, arrondissement and
// canton, by age bracket and per day of the vote, with rates of the population.
//
// Aggregate is pure: it groups the counts per commune that Read takes from the database
// (store.go) with the territory data. Statistical secrecy: a commune's figure from 1 to
// Threshold-1 people is not shown (Cell.Hidden); the figures of a territory (EPCI,
// arrondissement, canton, the whole) include the hidden communes.
package stats

import (
	"slices"
	"strings"

	"budgetcitoyen/internal/territory"
)

// Stage is a stage of participation.
type Stage int

// The stages, in the order of the campaign.
const (
	Ideas     Stage = iota // ideas deposited (published), at the idea's commune
	Comptoirs              // people present at a comptoir, at the comptoir's commune
	Dossiers               // dossiers filed, at the commune of the carrying structure
	Voters                 // voters of the register, at their declared commune
	NumStages
)

// Stages lists the stages in order.
var Stages = [NumStages]Stage{Ideas, Comptoirs, Dossiers, Voters}

// Key names the stage in messages and exports.
func (s Stage) Key() string { return [...]string{"ideas", "comptoirs", "dossiers", "voters"}[s] }

// Threshold is the smallest number of people a commune's figure shows: below it (and above
// zero) the figure is secret.
const Threshold = 5

// Counts are the figures of one place, per stage.
type Counts [NumStages]int

// Raw is what the database holds of a campaign's participation.
type Raw struct {
	ByCommune map[string]Counts // INSEE code → counts; codes outside the territory too
	ByAge     map[string]int    // voters per age bracket (vote.AgeBrackets)
	ByDay     map[string]int    // voters per day of the vote, YYYY-MM-DD
}

// Cell is one figure of a table.
type Cell struct {
	N      int
	Hidden bool  // statistical secrecy: 0 < N < Threshold in a commune's row
	RateBP int64 // N per population, in basis points (1 = 0,01 %); -1 when no population is known or Hidden
}

// Row is one place of a table.
type Row struct {
	Code, Name string
	Population int
	Cells      [NumStages]Cell
}

// Report is the statistics of a campaign.
type Report struct {
	Total           Row   // the whole territory, the hidden communes and those outside included
	Elsewhere       *Row  // participation declared outside the territory's communes (nil if none)
	Communes        []Row // every commune of the territory, in name order
	EPCIs           []Row // in name order
	Arrondissements []Row // in code order
	Cantons         []Row // in code order; none when the territory's cantons are not known
	ByAge           []Count
	ByDay           []Count // every day from the first to the last of days and of the counts
}

// Count is one bar of a chart.
type Count struct {
	Key string
	N   int
}

// Aggregate groups raw by the places of the territory (a département code) and fills the
// rates. ages is the order of the age brackets, days the days of the vote (YYYY-MM-DD, in
// order; a day of raw.ByDay outside them is added in its place).
func Aggregate(raw Raw, t *territory.Data, departement string, ages, days []string) *Report {
	r := &Report{Total: Row{Code: departement}}
	if d, ok := t.Departement(departement); ok {
		r.Total.Name = d.Name
	}
	communes := t.Communes(departement)
	inTerritory := make(map[string]bool, len(communes))
	epci, arr, canton := map[string]*Row{}, map[string]*Row{}, map[string]*Row{}
	add := func(m map[string]*Row, code string, pop int, c Counts) {
		if code == "" {
			return
		}
		row := m[code]
		if row == nil {
			row = &Row{Code: code}
			m[code] = row
		}
		row.Population += pop
		for s := range NumStages {
			row.Cells[s].N += c[s]
		}
	}
	r.Communes = make([]Row, 0, len(communes))
	for _, cm := range communes {
		inTerritory[cm.Code] = true
		c := raw.ByCommune[cm.Code]
		row := Row{Code: cm.Code, Name: cm.Name, Population: cm.Population}
		for s := range NumStages {
			row.Cells[s].N = c[s]
			row.Cells[s].Hidden = c[s] > 0 && c[s] < Threshold
		}
		r.Communes = append(r.Communes, row)
		r.Total.Population += cm.Population
		add(epci, cm.EPCI, cm.Population, c)
		add(arr, cm.Arrondissement, cm.Population, c)
		add(canton, cm.Canton, cm.Population, c)
	}
	for code, c := range raw.ByCommune {
		if inTerritory[code] {
			continue
		}
		if r.Elsewhere == nil {
			r.Elsewhere = &Row{}
		}
		for s := range NumStages {
			r.Elsewhere.Cells[s].N += c[s]
		}
	}
	for s := range NumStages {
		for _, c := range raw.ByCommune {
			r.Total.Cells[s].N += c[s]
		}
	}
	r.EPCIs = rows(epci, func(code string) string {
		e, _ := t.EPCI(code)
		return e.Name
	}, true)
	r.Arrondissements = rows(arr, func(code string) string {
		a, _ := t.Arrondissement(code)
		return a.Name
	}, false)
	r.Cantons = rows(canton, func(code string) string {
		k, _ := t.Canton(code)
		return k.Name
	}, false)
	fillRates(&r.Total)
	if r.Elsewhere != nil {
		fillRates(r.Elsewhere)
	}
	for _, list := range [][]Row{r.Communes, r.EPCIs, r.Arrondissements, r.Cantons} {
		for i := range list {
			fillRates(&list[i])
		}
	}
	for _, b := range ages {
		r.ByAge = append(r.ByAge, Count{Key: b, N: raw.ByAge[b]})
	}
	r.ByDay = dayCounts(raw.ByDay, days)
	return r
}

// rows returns the places of m sorted by name (byName) or code, named by name.
func rows(m map[string]*Row, name func(string) string, byName bool) []Row {
	out := make([]Row, 0, len(m))
	for _, row := range m {
		row.Name = name(row.Code)
		if row.Name == "" {
			row.Name = row.Code
		}
		out = append(out, *row)
	}
	slices.SortFunc(out, func(a, b Row) int {
		if byName {
			if c := strings.Compare(territory.Normalize(a.Name), territory.Normalize(b.Name)); c != 0 {
				return c
			}
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out
}

// fillRates sets the rates of a row's cells.
func fillRates(row *Row) {
	for s := range NumStages {
		c := &row.Cells[s]
		c.RateBP = Rate(c.N, row.Population)
		if c.Hidden {
			c.RateBP = -1
		}
	}
}

// Rate is n out of population in basis points, rounded to the nearest; -1 without a
// population.
func Rate(n, population int) int64 {
	if population <= 0 {
		return -1
	}
	return (int64(n)*10000*2 + int64(population)) / (2 * int64(population))
}

// dayCounts lists the days of the vote, and any other day counted, with their voters.
func dayCounts(byDay map[string]int, days []string) []Count {
	all := slices.Clone(days)
	for d := range byDay {
		if !slices.Contains(days, d) {
			all = append(all, d)
		}
	}
	slices.Sort(all)
	all = slices.Compact(all)
	out := make([]Count, len(all))
	for i, d := range all {
		out[i] = Count{Key: d, N: byDay[d]}
	}
	return out
}

// Shown reports whether a commune row has a figure to show at some stage (not all zero or
// hidden).
func (r Row) Shown() bool {
	for _, c := range r.Cells {
		if c.N > 0 && !c.Hidden {
			return true
		}
	}
	return false
}

// Any reports whether the row counts anyone at some stage.
func (r Row) Any() bool {
	for _, c := range r.Cells {
		if c.N > 0 {
			return true
		}
	}
	return false
}
