package workshop

import (
	"sort"

	"budgetcitoyen/internal/territory"
)

// OrderByNearness orders sessions for a person of commune: first those held in the same
// EPCI, then in the same arrondissement, then the rest; each group by start date (then id).
// Sessions in unknown communes come last. The input is not modified.
func OrderByNearness(sessions []Session, commune territory.Commune, t *territory.Data) []Session {
	rank := func(s Session) int {
		c, ok := t.Commune(s.Commune)
		switch {
		case !ok:
			return 3
		case commune.EPCI != "" && c.EPCI == commune.EPCI:
			return 0
		case commune.Arrondissement != "" && c.Arrondissement == commune.Arrondissement:
			return 1
		default:
			return 2
		}
	}
	out := append([]Session(nil), sessions...)
	ranks := make(map[int64]int, len(out))
	for _, s := range out {
		ranks[s.ID] = rank(s)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ranks[a.ID] != ranks[b.ID] {
			return ranks[a.ID] < ranks[b.ID]
		}
		if !a.StartsAt.Equal(b.StartsAt) {
			return a.StartsAt.Before(b.StartsAt)
		}
		return a.ID < b.ID
	})
	return out
}
