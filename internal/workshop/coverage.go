package workshop

import (
	"budgetcitoyen/internal/territory"
)

// The measures of the coverage page, in column order. Others (the ideas) are added by
// passing one more Measure.
const (
	MeasureSessions      = "sessions"
	MeasureRegistrations = "registrations"
	MeasureAttendances   = "attendances"
)

// Measure is one column of the coverage: a name and its counts per commune (INSEE code).
type Measure struct {
	Key       string
	ByCommune map[string]int
}

// CoverageRow is one arrondissement or EPCI (or the total) with its value for each measure.
type CoverageRow struct {
	Code, Name string
	Values     map[string]int // measure key → count
}

// Value returns the row's count for a measure (0 if absent).
func (r CoverageRow) Value(key string) int { return r.Values[key] }

// Coverage is the territorial coverage of a campaign's département.
type Coverage struct {
	Measures        []string      // keys, in column order
	Arrondissements []CoverageRow // by code
	EPCIs           []CoverageRow // by name
	Total           CoverageRow
	// Ignored counts, per measure, what fell on communes outside the département (or on
	// unknown codes): not in any row nor in the total.
	Ignored map[string]int
}

// ComputeCoverage adds up per-commune counts per arrondissement and per EPCI of the
// département. Only the département's communes count: an EPCI that straddles départements
// gets the counts of its communes inside this one.
func ComputeCoverage(t *territory.Data, departement string, measures []Measure) Coverage {
	cov := Coverage{Total: CoverageRow{Values: map[string]int{}}, Ignored: map[string]int{}}
	arrIndex := map[string]int{}
	for _, a := range t.Arrondissements(departement) {
		arrIndex[a.Code] = len(cov.Arrondissements)
		cov.Arrondissements = append(cov.Arrondissements, CoverageRow{Code: a.Code, Name: a.Name, Values: map[string]int{}})
	}
	epciIndex := map[string]int{}
	for _, e := range t.EPCIs(departement) {
		epciIndex[e.Code] = len(cov.EPCIs)
		cov.EPCIs = append(cov.EPCIs, CoverageRow{Code: e.Code, Name: e.Name, Values: map[string]int{}})
	}
	for _, m := range measures {
		cov.Measures = append(cov.Measures, m.Key)
		cov.Total.Values[m.Key] += 0
		for _, row := range cov.Arrondissements {
			row.Values[m.Key] += 0
		}
		for _, row := range cov.EPCIs {
			row.Values[m.Key] += 0
		}
		for code, n := range m.ByCommune {
			c, ok := t.Commune(code)
			if !ok || c.Departement != departement {
				cov.Ignored[m.Key] += n
				continue
			}
			cov.Total.Values[m.Key] += n
			if i, ok := arrIndex[c.Arrondissement]; ok {
				cov.Arrondissements[i].Values[m.Key] += n
			}
			if i, ok := epciIndex[c.EPCI]; ok {
				cov.EPCIs[i].Values[m.Key] += n
			}
		}
	}
	return cov
}

// Without returns the rows whose value for key is zero: the arrondissements with no
// session, for instance.
func Without(rows []CoverageRow, key string) []CoverageRow {
	var out []CoverageRow
	for _, r := range rows {
		if r.Values[key] == 0 {
			out = append(out, r)
		}
	}
	return out
}
