package tally

import (
	"math"
	"math/big"
	"slices"
)

// The Method of Equal Shares, computed fast and decided exactly.
//
// Every voter's money is tracked in float64 for speed. Each float carries a rigorous error
// bound, and whenever a comparison falls inside the bounds (a near tie between two projects,
// a voter whose money is close to the price, supporters' money close to a cost) it is
// recomputed exactly with big.Rat. Exact money is cheap to rebuild because a voter who was
// never drained holds exactly E − Σ ρ_p·u_p over the projects bought that they support, and a
// drained voter holds 0: the state is the exact list of prices ρ_p. The exact computations
// are in mes_exact.go.

const eps = 0x1p-52

// safety widens every float error bound: the bounds are first-order estimates, so the factor
// keeps them valid with a wide margin. A wider bound only costs an extra exact check.
const safety = 16

type mesRun struct {
	d      *satData
	tb     []int32
	budget int64 // the real budget, for explanations
	e      *big.Rat
	ef     float64

	b    []float64  // money per group
	zero []bool     // group drained: its exact money is 0
	sel  []bool     // per local project
	rho  []*big.Rat // exact price, nil until needed (see rhoOf)
	rhoF []float64
	list []int32 // selected local projects, in order
	// buyIdx is the purchase number of each selected project; drainedAt is the purchase that
	// drained each group (-1: never). Together they rebuild any exact price on demand.
	buyIdx    []int32
	drainedAt []int32
	// errAcc is the money error added by purchases made at a float price (bounded by errRho).
	errAcc float64
	// paid counts the purchases so far; it bounds the rounding error of every voter's money.
	paid  int
	spent int64
	round int

	alive []bool // still a candidate
	lb    []float64
	t     *trace // nil when explanations are not needed (add1 probes)

	scratch []int32
	cnt     []int64
	cntBig  []*big.Int
}

func newMESRun(d *satData, tb []int32, budget int64, e *big.Rat, t *trace) *mesRun {
	m := len(d.proj)
	r := &mesRun{d: d, tb: tb, budget: budget, e: e, t: t,
		b: make([]float64, d.groups()), zero: make([]bool, d.groups()),
		sel: make([]bool, m), rho: make([]*big.Rat, m), rhoF: make([]float64, m),
		alive: make([]bool, m), lb: make([]float64, m), cnt: make([]int64, m), cntBig: make([]*big.Int, m),
		buyIdx: make([]int32, m), drainedAt: make([]int32, d.groups())}
	r.ef, _ = e.Float64()
	for g := range r.b {
		r.b[g] = r.ef
		r.drainedAt[g] = -1
	}
	return r
}

// errB bounds the absolute float error of any voter's money after the purchases so far.
func (r *mesRun) errB() float64 { return safety*8*float64(r.paid+2)*eps*r.ef + r.errAcc }

func (r *mesRun) cost(l int32) int64 { return r.d.in.Projects[r.d.proj[l]].Cost }

// run executes MES to the end. With a trace it records an explanation for every project.
func (r *mesRun) run() {
	d := r.d
	// Supported free projects are funded before the first round, as in pabutools.
	for l := range d.proj {
		l := int32(l)
		switch {
		case d.totalSat[l].Sign() == 0:
			if r.t != nil {
				r.t.decide(d.proj[l], false, Reason{Code: ReasonNoSupport, BudgetLeft: r.budget - r.spent})
			}
		case r.cost(l) == 0:
			r.buy(l, new(big.Rat), 0, 0, ReasonMESFree)
		default:
			r.alive[l] = true
			tf, _ := new(big.Float).SetInt(d.totalSat[l]).Float64()
			r.lb[l] = float64(r.cost(l)) / tf * (1 - 1e-12)
		}
	}
	cand := make([]int32, 0, len(d.proj))
	for l := range d.proj {
		if r.alive[l] {
			cand = append(cand, int32(l))
		}
	}
	type eval struct {
		l        int32
		rho, err float64
	}
	var evals []eval
	for len(cand) > 0 {
		r.round++
		slices.SortFunc(cand, func(a, b int32) int {
			if c := cmpF(r.lb[a], r.lb[b]); c != 0 {
				return c
			}
			return int(a - b)
		})
		bestHi := math.Inf(1)
		evals = evals[:0]
		for _, l := range cand {
			if r.lb[l] > bestHi {
				break
			}
			ok, money := r.affordable(l)
			if !ok {
				r.alive[l] = false
				if r.t != nil {
					r.t.decide(d.proj[l], false, Reason{Code: ReasonMESUnaffordable, Round: r.round,
						BudgetLeft: r.budget - r.spent, SupportersMoney: money})
				}
				continue
			}
			rho, err := r.evalFloat(l)
			r.lb[l] = max(r.lb[l], rho-err)
			evals = append(evals, eval{l, rho, err})
			bestHi = min(bestHi, rho+err)
		}
		cand = slices.DeleteFunc(cand, func(l int32) bool { return !r.alive[l] })
		if len(evals) == 0 {
			break
		}
		var near []eval
		for _, ev := range evals {
			if ev.rho-ev.err <= bestHi {
				near = append(near, ev)
			}
		}
		var win int32 = -1
		var winRho *big.Rat
		for _, ev := range near {
			ex := r.exactRho(ev.l, ev.rho, ev.err)
			if win < 0 {
				win, winRho = ev.l, ex
				continue
			}
			c := ex.Cmp(winRho)
			if c < 0 || (c == 0 && r.tb[d.proj[ev.l]] < r.tb[d.proj[win]]) {
				win, winRho = ev.l, ex
			}
		}
		rf, _ := winRho.Float64()
		r.buy(win, winRho, rf, 0, ReasonMESSelected)
		r.alive[win] = false
		cand = slices.DeleteFunc(cand, func(l int32) bool { return l == win })
	}
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// affordable reports whether the supporters of l together hold at least its cost, exactly.
// It also returns their money (for explanations; exact only when the check needed it).
func (r *mesRun) affordable(l int32) (bool, *big.Rat) {
	d := r.d
	var s float64
	var n, mult int64
	for k := d.pStart[l]; k < d.pStart[l+1]; k++ {
		g := d.pGrp[k]
		if !r.zero[g] {
			s += float64(d.mult[g]) * r.b[g]
			n++
			mult += d.mult[g]
		}
	}
	c := float64(r.cost(l))
	errS := safety * (float64(n+4)*eps*s + float64(mult)*r.errB())
	switch {
	case s+errS < c:
		return false, ratFromFloat(s)
	case s-errS >= c:
		return true, nil
	}
	exact := r.exactMoney(l, nil)
	return exact.Cmp(new(big.Rat).SetInt64(r.cost(l))) >= 0, exact
}

func ratFromFloat(f float64) *big.Rat {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil
	}
	return new(big.Rat).SetFloat64(f)
}

// evalFloat computes ρ for l in float64 with the poor/rich iteration (supporters who cannot
// pay ρ·u give all they have, the others pay ρ·u) and returns an error bound on it.
func (r *mesRun) evalFloat(l int32) (rho, errRho float64) {
	d := r.d
	c := float64(r.cost(l))
	rich := r.scratch[:0]
	var pSum float64
	var nP, mP int64
	for k := d.pStart[l]; k < d.pStart[l+1]; k++ {
		g := d.pGrp[k]
		if r.zero[g] {
			nP++
			mP += d.mult[g]
			continue
		}
		rich = append(rich, k)
	}
	var rU float64
	for _, k := range rich {
		rU += float64(d.mult[d.pGrp[k]]) * float64(d.pUtil[k])
	}
	rho = (c - pSum) / rU
	for iter := 0; ; iter++ {
		if iter == 12 {
			rho, pSum, nP, mP, rU = r.sweep(c, rich, pSum, nP, mP)
			break
		}
		w := 0
		moved := false
		rU = 0
		for _, k := range rich {
			g := d.pGrp[k]
			u := float64(d.pUtil[k])
			if r.b[g] < rho*u {
				m := d.mult[g]
				pSum += float64(m) * r.b[g]
				nP++
				mP += m
				moved = true
				continue
			}
			rU += float64(d.mult[g]) * u
			rich[w] = k
			w++
		}
		rich = rich[:w]
		if !moved {
			break
		}
		if w == 0 {
			// Everyone gives everything: the supporters hold about the cost. Only the exact
			// computation can tell the price.
			r.scratch = rich
			return rho, math.Inf(1)
		}
		rho = (c - pSum) / rU
	}
	r.scratch = rich
	errRho = safety * ((float64(nP+4)*eps*(c+pSum)+float64(mP)*r.errB())/rU + float64(len(rich)+4)*eps*rho)
	return rho, errRho
}

// sweep is the sorted variant of the poor/rich search, used when the iteration is slow to
// settle: supporters by increasing money per unit of satisfaction, each either too poor for
// the current price or the first who can pay it.
func (r *mesRun) sweep(c float64, rich []int32, pSum float64, nP, mP int64) (float64, float64, int64, int64, float64) {
	d := r.d
	slices.SortFunc(rich, func(a, b int32) int {
		return cmpF(r.b[d.pGrp[a]]/float64(d.pUtil[a]), r.b[d.pGrp[b]]/float64(d.pUtil[b]))
	})
	// Suffix sums avoid the cancellation of subtracting from a running total.
	suffix := make([]float64, len(rich)+1)
	for i := len(rich) - 1; i >= 0; i-- {
		k := rich[i]
		suffix[i] = suffix[i+1] + float64(d.mult[d.pGrp[k]])*float64(d.pUtil[k])
	}
	for i, k := range rich {
		rho := (c - pSum) / suffix[i]
		g := d.pGrp[k]
		if rho*float64(d.pUtil[k]) <= r.b[g] {
			copy(rich, rich[i:])
			return rho, pSum, nP, mP, suffix[i]
		}
		pSum += float64(d.mult[g]) * r.b[g]
		nP++
		mP += d.mult[g]
	}
	return math.Inf(1), pSum, nP, mP, 0
}

// splitCertain reports whether, at the float price rhoF (± errRho), every undrained supporter
// of l is clearly able or clearly unable to pay ρ·u: then the split, hence the exact price,
// is settled without computing it.
func (r *mesRun) splitCertain(l int32, rhoF, errRho float64) bool {
	if math.IsInf(errRho, 0) || math.IsInf(rhoF, 0) {
		return false
	}
	d := r.d
	errB := r.errB()
	for k := d.pStart[l]; k < d.pStart[l+1]; k++ {
		g := d.pGrp[k]
		if r.zero[g] {
			continue
		}
		u := float64(d.pUtil[k])
		if math.Abs(r.b[g]-rhoF*u) <= safety*(errB+2*eps*rhoF*u)+2*u*errRho {
			return false
		}
	}
	return true
}

// buy funds l: every undrained supporter pays min(money, ρ·u). rho is the exact price, or nil
// when the split is certain (splitCertain), in which case rf ± errRho brackets it.
func (r *mesRun) buy(l int32, rho *big.Rat, rf, errRho float64, code ReasonCode) {
	d := r.d
	if rho == nil && !r.splitCertain(l, rf, errRho) {
		rho = r.exactRho(l, rf, errRho)
		rf, _ = rho.Float64()
		errRho = 0
	}
	t := int32(len(r.list))
	errB := r.errB()
	var payers int64
	var maxU float64
	var pay, diff big.Rat
	free := rf == 0 && (rho == nil || rho.Sign() == 0)
	for k := d.pStart[l]; k < d.pStart[l+1]; k++ {
		g := d.pGrp[k]
		if r.zero[g] || free {
			continue
		}
		payers += d.mult[g]
		u := float64(d.pUtil[k])
		maxU = max(maxU, u)
		p := rf * u
		left := r.b[g] - p
		tol := safety*(errB+2*eps*p) + 2*u*errRho
		switch {
		case left > tol:
			r.b[g] = left
		case left < -tol:
			r.b[g], r.zero[g], r.drainedAt[g] = 0, true, t
		default:
			// Only reachable with an exact price: splitCertain excluded close calls.
			pay.SetInt64(d.pUtil[k])
			pay.Mul(&pay, rho)
			diff.Sub(r.exactBudget(g), &pay)
			if diff.Sign() <= 0 {
				r.b[g], r.zero[g], r.drainedAt[g] = 0, true, t
			} else {
				r.b[g], _ = diff.Float64()
			}
		}
	}
	r.errAcc += safety * maxU * errRho
	r.sel[l] = true
	r.rho[l] = rho
	r.rhoF[l] = rf
	r.buyIdx[l] = t
	r.list = append(r.list, l)
	if r.t != nil {
		// The explanation shows ρ to six digits: the float price is enough when the exact one
		// was never needed for a decision.
		shown := rho
		if shown == nil {
			shown = ratFromFloat(rf)
		}
		r.t.decide(d.proj[l], true, Reason{Code: code, Round: r.round, Rho: shown, Payers: payers,
			BudgetLeft: r.budget - r.spent})
	}
	r.spent += r.cost(l)
	if !free {
		r.paid++
	}
}
