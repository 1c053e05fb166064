package stats_test

import (
	"testing"

	"budgetcitoyen/internal/stats"
	"budgetcitoyen/internal/territory"
)

func TestRate(t *testing.T) {
	for _, tc := range []struct {
		n, pop int
		want   int64
	}{
		{0, 100, 0}, {1, 8, 1250}, {1, 3, 3333}, {2, 3, 6667}, {5, 0, -1}, {40000, 1_470_000, 272},
	} {
		if got := stats.Rate(tc.n, tc.pop); got != tc.want {
			t.Errorf("Rate(%d, %d) = %d, want %d", tc.n, tc.pop, got, tc.want)
		}
	}
}

func TestAggregate(t *testing.T) {
	terr, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	arras, _ := terr.Commune("62041")
	bethune, _ := terr.Commune("62119")
	ages := []string{"18-24", "25-34", "65+"}
	days := []string{"2018-09-10", "2018-09-11", "2018-09-12"}
	for _, tc := range []struct {
		name   string
		raw    stats.Raw
		hidden map[string][stats.NumStages]bool // commune → hidden cells
		total  stats.Counts
		byAge  []int
		byDay  []string // days listed
	}{
		{name: "empty", raw: stats.Raw{}, byAge: []int{0, 0, 0}, byDay: days},
		{
			name: "secrecy under 5, sums include the hidden communes",
			raw: stats.Raw{ByCommune: map[string]stats.Counts{
				"62041": {4, 0, 1, 5},    // Arras: ideas and dossiers hidden, voters shown
				"62119": {12, 3, 0, 120}, // Béthune: comptoirs hidden
				"59350": {1, 0, 0, 2},    // Lille: outside the territory
			}, ByAge: map[string]int{"18-24": 100, "65+": 27, "other": 0}, ByDay: map[string]int{"2018-09-11": 100, "2018-09-14": 27}},
			hidden: map[string][stats.NumStages]bool{"62041": {true, false, true, false}, "62119": {false, true, false, false}},
			total:  stats.Counts{17, 3, 1, 127},
			byAge:  []int{100, 0, 27},
			byDay:  append(days, "2018-09-14"),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := stats.Aggregate(tc.raw, terr, "62", ages, days)
			if len(r.Communes) != 887 || len(r.Cantons) != 39 || len(r.Arrondissements) != 7 || len(r.EPCIs) == 0 {
				t.Fatalf("%d communes, %d cantons, %d arrondissements, %d EPCI", len(r.Communes), len(r.Cantons), len(r.Arrondissements), len(r.EPCIs))
			}
			for s := range stats.NumStages {
				if r.Total.Cells[s].N != tc.total[s] {
					t.Errorf("stage %s: total %d, want %d", s.Key(), r.Total.Cells[s].N, tc.total[s])
				}
				inside := tc.total[s]
				if r.Elsewhere != nil {
					inside -= r.Elsewhere.Cells[s].N
				}
				for name, list := range map[string][]stats.Row{"communes": r.Communes, "EPCI": r.EPCIs,
					"arrondissements": r.Arrondissements, "cantons": r.Cantons} {
					sum, pop := 0, 0
					for _, row := range list {
						sum += row.Cells[s].N
						pop += row.Population
						if row.Cells[s].RateBP != stats.Rate(row.Cells[s].N, row.Population) && !row.Cells[s].Hidden {
							t.Errorf("%s %s: rate %d", name, row.Name, row.Cells[s].RateBP)
						}
					}
					if sum != inside || pop != r.Total.Population {
						t.Errorf("stage %s: %s sum to %d (population %d), want %d (%d)", s.Key(), name, sum, pop, inside, r.Total.Population)
					}
				}
			}
			for _, row := range r.Communes {
				want := tc.hidden[row.Code]
				for s := range stats.NumStages {
					if row.Cells[s].Hidden != want[s] {
						t.Errorf("%s stage %s: hidden %v, want %v", row.Name, s.Key(), row.Cells[s].Hidden, want[s])
					}
					if row.Cells[s].Hidden && row.Cells[s].RateBP != -1 {
						t.Errorf("%s stage %s: the rate of a hidden figure is shown", row.Name, s.Key())
					}
				}
				if (row.Code == arras.Code || row.Code == bethune.Code) != row.Any() && len(tc.hidden) > 0 {
					t.Errorf("%s: Any = %v", row.Name, row.Any())
				}
			}
			for i, a := range r.ByAge {
				if a.Key != ages[i] || a.N != tc.byAge[i] {
					t.Errorf("age %d: %+v, want %s %d", i, a, ages[i], tc.byAge[i])
				}
			}
			if len(r.ByDay) != len(tc.byDay) {
				t.Fatalf("days %+v, want %v", r.ByDay, tc.byDay)
			}
			for i, d := range r.ByDay {
				if d.Key != tc.byDay[i] || d.N != tc.raw.ByDay[d.Key] {
					t.Errorf("day %d: %+v", i, d)
				}
			}
			if r.Total.Cells[stats.Voters].RateBP != stats.Rate(tc.total[stats.Voters], r.Total.Population) {
				t.Errorf("territory rate %d", r.Total.Cells[stats.Voters].RateBP)
			}
		})
	}
}
