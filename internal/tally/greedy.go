package tally

import (
	"math/big"
	"slices"
)

// greedyOrder sorts the problem's projects by total satisfaction per unit of cost, highest
// first, ties by the tie-break ranks. Densities are compared exactly by cross-multiplication;
// as in pabutools, a project nobody supports has density 0 and a supported free project is
// infinitely dense.
func greedyOrder(d *satData, tbRank []int32) []int32 {
	order := make([]int32, len(d.proj))
	for i := range order {
		order[i] = int32(i)
	}
	costs := make([]*big.Int, len(d.proj))
	for l, g := range d.proj {
		costs[l] = big.NewInt(d.in.Projects[g].Cost)
	}
	class := func(l int32) int { // 0: no support, 1: finite density, 2: infinite
		switch {
		case d.totalSat[l].Sign() == 0:
			return 0
		case costs[l].Sign() == 0:
			return 2
		}
		return 1
	}
	var x, y big.Int
	slices.SortFunc(order, func(a, b int32) int {
		ca, cb := class(a), class(b)
		if ca != cb {
			return cb - ca
		}
		if ca == 1 {
			x.Mul(d.totalSat[a], costs[b])
			y.Mul(d.totalSat[b], costs[a])
			if c := y.Cmp(&x); c != 0 {
				return c
			}
		}
		return int(tbRank[d.proj[a]]) - int(tbRank[d.proj[b]])
	})
	return order
}

// runGreedy walks the greedy order once and funds every project that still fits, skipping
// (not stopping at) those that do not. Projects already in t.chosen (an MES outcome being
// completed) are left as they are.
func runGreedy(d *satData, budget int64, tbRank []int32, t *trace, selCode ReasonCode) {
	left := budget - t.spent
	for _, l := range greedyOrder(d, tbRank) {
		g := d.proj[l]
		if t.chosen[g] {
			continue
		}
		cost := d.in.Projects[g].Cost
		r := Reason{BudgetLeft: left}
		if cost <= left {
			r.Code = selCode
			left -= cost
			t.spent += cost
			t.decide(g, true, r)
		} else {
			r.Code = ReasonOverBudget
			t.decide(g, false, r)
		}
	}
}
