package tally

import (
	"math"
	"math/big"
)

// Sequential Phragmén, as in pabutools: voters earn money continuously; a project is bought
// when its supporters together hold its cost, and their money goes back to zero. Equivalently
// each round buys the project minimising the new load (Σ supporters' loads + cost) / votes.
// The rule stops (it does not skip) as soon as one of the projects tied for the next purchase
// would exceed the budget.
//
// Loads are shared by every voter who took part in the same purchase, so a voter's load is a
// class index; a project's next load is Σ_c count[c]·load[c], computed in float64 and
// confirmed exactly for near ties. Exact class loads are computed lazily from snapshots of
// the counts, since most rounds never need them.

type phClass struct {
	loadF float64
	exact *big.Rat
	snap  []int64 // supporter count per earlier class at purchase time
	cost  int64
	score int64
}

type phragmen struct {
	d       *satData
	classes []phClass
	cnt     [][]int64 // per local project, per class
}

func (ph *phragmen) exactLoad(c int) *big.Rat {
	cl := &ph.classes[c]
	if cl.exact == nil {
		cl.exact = ph.combine(cl.snap, cl.cost, cl.score)
	}
	return cl.exact
}

// combine returns (Σ_c counts[c]·load[c] + cost) / score exactly.
func (ph *phragmen) combine(counts []int64, cost, score int64) *big.Rat {
	sum := new(big.Rat).SetInt64(cost)
	var t big.Rat
	for c, n := range counts {
		if n == 0 || c == 0 {
			continue // class 0 is the zero load
		}
		t.SetInt64(n)
		t.Mul(&t, ph.exactLoad(c))
		sum.Add(sum, &t)
	}
	return sum.Quo(sum, new(big.Rat).SetInt64(score))
}

func (ph *phragmen) floatLoad(l int32) float64 {
	s := float64(ph.d.in.Projects[ph.d.proj[l]].Cost)
	for c, n := range ph.cnt[l] {
		if n != 0 {
			s += float64(n) * ph.classes[c].loadF
		}
	}
	return s / float64(ph.d.supp[l])
}

func runPhragmen(d *satData, budget int64, tb []int32, t *trace) {
	m := len(d.proj)
	ph := &phragmen{d: d, classes: []phClass{{}}, cnt: make([][]int64, m)}
	cls := make([]int32, d.groups())
	remaining := make([]int32, 0, m)
	for l := range d.proj {
		g := d.proj[l]
		if d.in.Projects[g].Cost > budget {
			t.decide(g, false, Reason{Code: ReasonOverBudget, BudgetLeft: budget})
			continue
		}
		remaining = append(remaining, int32(l))
		var n int64
		for k := d.pStart[l]; k < d.pStart[l+1]; k++ {
			n += d.mult[d.pGrp[k]]
		}
		ph.cnt[l] = []int64{n}
	}
	var spent int64
	for round := 1; len(remaining) > 0; round++ {
		best := math.Inf(1)
		loads := make(map[int32]float64, len(remaining))
		for _, l := range remaining {
			v := math.Inf(1)
			if d.supp[l] > 0 {
				v = ph.floatLoad(l)
			}
			loads[l] = v
			best = min(best, v)
		}
		var near []int32
		for _, l := range remaining {
			if v := loads[l]; v == best || (!math.IsInf(best, 0) && v <= best*(1+1e-9)) {
				near = append(near, l)
			}
		}
		var bestExact *big.Rat
		if len(near) > 1 && !math.IsInf(best, 0) {
			var ties []int32
			for _, l := range near {
				x := ph.combine(ph.cnt[l], d.in.Projects[d.proj[l]].Cost, d.supp[l])
				if bestExact == nil {
					bestExact, ties = x, []int32{l}
					continue
				}
				switch c := x.Cmp(bestExact); {
				case c < 0:
					bestExact, ties = x, []int32{l}
				case c == 0:
					ties = append(ties, l)
				}
			}
			near = ties
		}
		win := near[0]
		stop := false
		for _, l := range near {
			if spent+d.in.Projects[d.proj[l]].Cost > budget {
				stop = true
			}
			if tb[d.proj[l]] < tb[d.proj[win]] {
				win = l
			}
		}
		if stop {
			for _, l := range remaining {
				t.decide(d.proj[l], false, Reason{Code: ReasonPhragmenStopped, Round: round, BudgetLeft: budget - spent})
			}
			return
		}
		r := Reason{Code: ReasonPhragmenSelected, Round: round, BudgetLeft: budget - spent}
		cost := d.in.Projects[d.proj[win]].Cost
		if d.supp[win] > 0 {
			snap := append([]int64(nil), ph.cnt[win]...)
			ph.classes = append(ph.classes, phClass{loadF: loads[win], exact: bestExact, snap: snap, cost: cost, score: d.supp[win]})
			c := int32(len(ph.classes) - 1)
			r.Rho = ph.exactLoad(int(c))
			for k := d.pStart[win]; k < d.pStart[win+1]; k++ {
				g := d.pGrp[k]
				old := cls[g]
				for j := d.gStart[g]; j < d.gStart[g+1]; j++ {
					q := d.gItems[j]
					if ph.cnt[q] == nil {
						continue
					}
					for int(c) >= len(ph.cnt[q]) {
						ph.cnt[q] = append(ph.cnt[q], 0)
					}
					ph.cnt[q][old] -= d.mult[g]
					ph.cnt[q][c] += d.mult[g]
				}
				cls[g] = c
			}
		}
		spent += cost
		t.spent = spent
		t.decide(d.proj[win], true, r)
		for i, l := range remaining {
			if l == win {
				remaining = append(remaining[:i], remaining[i+1:]...)
				break
			}
		}
	}
}
