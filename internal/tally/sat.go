package tally

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"slices"
)

// Sat is a satisfaction function: how much a voter gains from a selected project.
type Sat int

// The satisfaction functions of RULES.md.
const (
	SatCost   Sat = iota // the project's cost if the ballot contains it
	SatCard              // 1 if the ballot contains it
	SatPoints            // the points given; Borda len-pos-1 for ordinal ballots
)

func (s Sat) String() string {
	return [...]string{"cost", "card", "points"}[s]
}

// utility returns the satisfaction of a voter for the project at position pos of a ballot of
// length n. Negative scores count as 0: the rules here need non-negative satisfaction.
func utility(s Sat, vt VoteType, cost int64, pos, n int, pts []int64) int64 {
	switch s {
	case SatCost:
		return cost
	case SatCard:
		return 1
	}
	switch vt {
	case Ordinal:
		return int64(n - pos - 1)
	case Cumulative, Scoring:
		if pts == nil {
			return 0
		}
		return max(pts[pos], 0)
	}
	return 1
}

// satData is the profile seen by one rule on one set of projects: voters with identical
// ballots are merged into groups with a multiplicity, because they always hold the same
// money in MES and the same load in Phragmén. This also keeps exact checks cheap.
type satData struct {
	in      *Instance
	sat     Sat
	n       int64   // number of ballots, empty ones included
	proj    []int32 // local → global project index
	local   []int32 // global → local, -1 if not in this problem
	uniform bool    // utility depends on the project only (cost and card)
	util    []int64 // per local project when uniform

	totalSat []*big.Int // Σ satisfaction per local project
	supp     []int64    // voters with positive satisfaction per local project

	mult   []int64 // per group
	gStart []int32
	gItems []int32 // local project indices
	gUtil  []int64
	pStart []int32
	pGrp   []int32
	pUtil  []int64
}

func newSatData(in *Instance, sat Sat, proj []int32, withGroups bool) (*satData, error) {
	d := &satData{in: in, sat: sat, n: int64(in.NumBallots()), proj: proj}
	d.local = make([]int32, len(in.Projects))
	for i := range d.local {
		d.local[i] = -1
	}
	for l, g := range proj {
		d.local[g] = int32(l)
	}
	m := len(proj)
	d.uniform = sat != SatPoints || in.VoteType == Approval || in.VoteType == ChooseOne
	if d.uniform {
		d.util = make([]int64, m)
		for l, g := range proj {
			d.util[l] = utility(sat, in.VoteType, in.Projects[g].Cost, 0, 1, nil)
		}
	}
	// Per-project totals: utility sums can exceed int64 (cost × millions of voters), so the
	// accumulation is split into int64 chunks folded into big.Int.
	acc := make([]int64, m)
	d.totalSat = make([]*big.Int, m)
	for l := range d.totalSat {
		d.totalSat[l] = new(big.Int)
	}
	d.supp = make([]int64, m)
	flush := func(l int) {
		d.totalSat[l].Add(d.totalSat[l], big.NewInt(acc[l]))
		acc[l] = 0
	}
	var groupIdx map[string]int32
	var key []byte
	var entries []entry
	if withGroups {
		groupIdx = make(map[string]int32)
		d.gStart = []int32{0}
	}
	for b := 0; b < in.NumBallots(); b++ {
		_, items, pts := in.Ballot(b)
		entries = entries[:0]
		for pos, g := range items {
			l := d.local[g]
			if l < 0 {
				continue
			}
			u := utility(sat, in.VoteType, in.Projects[g].Cost, pos, len(items), pts)
			if u <= 0 {
				continue
			}
			d.supp[l]++
			if acc[l] > (1<<62)-u {
				flush(int(l))
			}
			acc[l] += u
			if withGroups {
				entries = append(entries, entry{l, u})
			}
		}
		if !withGroups || len(entries) == 0 {
			continue
		}
		sortEntries(entries)
		key = key[:0]
		for _, e := range entries {
			key = binary.AppendUvarint(key, uint64(e.p))
			if !d.uniform {
				key = binary.AppendUvarint(key, uint64(e.u))
			}
		}
		if gi, ok := groupIdx[string(key)]; ok {
			d.mult[gi]++
			continue
		}
		if len(d.mult) >= 1<<31-1 {
			return nil, fmt.Errorf("too many distinct ballots")
		}
		groupIdx[string(key)] = int32(len(d.mult))
		d.mult = append(d.mult, 1)
		for _, e := range entries {
			d.gItems = append(d.gItems, e.p)
			d.gUtil = append(d.gUtil, e.u)
		}
		d.gStart = append(d.gStart, int32(len(d.gItems)))
	}
	for l := range acc {
		flush(l)
	}
	if withGroups {
		d.buildProjectIndex()
	}
	return d, nil
}

type entry struct {
	p int32
	u int64
}

// buildProjectIndex inverts the group lists: for every project, its supporting groups.
func (d *satData) buildProjectIndex() {
	m := len(d.proj)
	count := make([]int32, m+1)
	for _, p := range d.gItems {
		count[p+1]++
	}
	for i := 1; i <= m; i++ {
		count[i] += count[i-1]
	}
	d.pStart = slices.Clone(count)
	d.pGrp = make([]int32, len(d.gItems))
	d.pUtil = make([]int64, len(d.gItems))
	fill := count[:m]
	for g := 0; g+1 < len(d.gStart); g++ {
		for k := d.gStart[g]; k < d.gStart[g+1]; k++ {
			p := d.gItems[k]
			d.pGrp[fill[p]] = int32(g)
			d.pUtil[fill[p]] = d.gUtil[k]
			fill[p]++
		}
	}
}

func (d *satData) groups() int { return len(d.mult) }

// sortEntries orders a ballot's entries by project. Ballots are short, so insertion sort
// beats the generic sort here (this runs once per ballot, millions of times).
func sortEntries(es []entry) {
	if len(es) > 32 {
		slices.SortFunc(es, func(a, b entry) int { return int(a.p) - int(b.p) })
		return
	}
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].p < es[j-1].p; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}
