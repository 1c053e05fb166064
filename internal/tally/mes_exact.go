package tally

import (
	"math"
	"math/big"
)

// Exact arithmetic of the Method of Equal Shares (the rule itself is in mes.go): a voter's
// money and a project's price rebuilt with big.Rat from the list of exact prices, for the
// comparisons that the float64 bounds cannot settle.

// exactBudget is the exact money of group g now: 0 if drained, else E minus its payments.
func (r *mesRun) exactBudget(g int32) *big.Rat { return r.exactBudgetAt(g, len(r.list)) }

// drainedBefore reports whether group g had no money left before purchase t.
func (r *mesRun) drainedBefore(g int32, t int) bool {
	return r.drainedAt[g] >= 0 && int(r.drainedAt[g]) < t
}

// exactBudgetAt is the exact money of group g just before purchase number t.
func (r *mesRun) exactBudgetAt(g int32, t int) *big.Rat {
	if r.drainedBefore(g, t) {
		return new(big.Rat)
	}
	d := r.d
	out := new(big.Rat).Set(r.e)
	var x big.Rat
	for k := d.gStart[g]; k < d.gStart[g+1]; k++ {
		p := d.gItems[k]
		if r.sel[p] && int(r.buyIdx[p]) < t {
			if rho := r.rhoOf(p); rho.Sign() != 0 {
				x.SetInt64(d.gUtil[k])
				x.Mul(&x, rho)
				out.Sub(out, &x)
			}
		}
	}
	return out
}

// rhoOf returns the exact price of a selected project, rebuilding it when it was bought at a
// float price: the supporters drained by that purchase gave all they had, the others paid
// ρ·u, so ρ = (cost − money of the drained) / Σ m·u of the others, all at that time.
func (r *mesRun) rhoOf(p int32) *big.Rat {
	if r.rho[p] != nil {
		return r.rho[p]
	}
	d := r.d
	t := int(r.buyIdx[p])
	num := new(big.Rat).SetInt64(r.cost(p))
	num.Sub(num, r.exactMoneyAt(p, t, func(k int32) bool { return int(r.drainedAt[d.pGrp[k]]) == t }))
	den := r.sumMU(p, func(k int32) bool {
		g := d.pGrp[k]
		return r.drainedAt[g] < 0 || int(r.drainedAt[g]) > t
	})
	if den.Sign() == 0 {
		// Every supporter gave everything: the price is the largest money per unit of
		// satisfaction among them, reached exactly by the last one.
		best := new(big.Rat)
		for k := d.pStart[p]; k < d.pStart[p+1]; k++ {
			g := d.pGrp[k]
			if r.drainedBefore(g, t) {
				continue
			}
			q := r.exactBudgetAt(g, t)
			q.Quo(q, new(big.Rat).SetInt64(d.pUtil[k]))
			if q.Cmp(best) > 0 {
				best = q
			}
		}
		r.rho[p] = best
		return best
	}
	r.rho[p] = num.Quo(num, new(big.Rat).SetInt(den))
	return r.rho[p]
}

// sumMU is Σ m·u over the supporters of l accepted by keep, exactly.
func (r *mesRun) sumMU(l int32, keep func(k int32) bool) *big.Int {
	d := r.d
	out := new(big.Int)
	var acc int64
	for k := d.pStart[l]; k < d.pStart[l+1]; k++ {
		if !keep(k) {
			continue
		}
		v := d.mult[d.pGrp[k]]
		if !d.uniform {
			hi, lo := mul64(v, d.pUtil[k])
			if hi != 0 || lo > math.MaxInt64/4 {
				out.Add(out, new(big.Int).Mul(big.NewInt(v), big.NewInt(d.pUtil[k])))
				continue
			}
			v = int64(lo)
		}
		if acc > math.MaxInt64/2-v {
			out.Add(out, big.NewInt(acc))
			acc = 0
		}
		acc += v
	}
	out.Add(out, big.NewInt(acc))
	if d.uniform {
		out.Mul(out, big.NewInt(d.util[l]))
	}
	return out
}

// exactMoney sums m·money exactly over the undrained supporters of l accepted by keep (all
// when keep is nil).
func (r *mesRun) exactMoney(l int32, keep func(k int32) bool) *big.Rat {
	return r.exactMoneyAt(l, len(r.list), keep)
}

// exactMoneyAt is exactMoney just before purchase t. It groups the payments by project, so it
// needs one big.Rat product per project bought rather than one per voter.
func (r *mesRun) exactMoneyAt(l int32, t int, keep func(k int32) bool) *big.Rat {
	d := r.d
	for _, p := range r.list[:t] {
		r.cnt[p] = 0
		r.cntBig[p] = nil
	}
	var voters int64
	for k := d.pStart[l]; k < d.pStart[l+1]; k++ {
		g := d.pGrp[k]
		if r.drainedBefore(g, t) || (keep != nil && !keep(k)) {
			continue
		}
		m := d.mult[g]
		voters += m
		for j := d.gStart[g]; j < d.gStart[g+1]; j++ {
			p := d.gItems[j]
			if !r.sel[p] || int(r.buyIdx[p]) >= t {
				continue
			}
			add := m
			if !d.uniform {
				hi, lo := mul64(m, d.gUtil[j])
				if hi != 0 || lo > math.MaxInt64/2 {
					r.addBig(p, new(big.Int).Mul(big.NewInt(m), big.NewInt(d.gUtil[j])))
					continue
				}
				add = int64(lo)
			}
			if r.cnt[p] > math.MaxInt64/2-add {
				r.addBig(p, big.NewInt(r.cnt[p]))
				r.cnt[p] = 0
			}
			r.cnt[p] += add
		}
	}
	// Snapshot the counts: rhoOf below may reuse the scratch arrays recursively.
	type term struct {
		p    int32
		coef *big.Int
	}
	var terms []term
	for _, p := range r.list[:t] {
		coef := big.NewInt(r.cnt[p])
		if r.cntBig[p] != nil {
			coef.Add(coef, r.cntBig[p])
		}
		if coef.Sign() != 0 {
			terms = append(terms, term{p, coef})
		}
	}
	out := new(big.Rat).Mul(r.e, new(big.Rat).SetInt64(voters))
	var x big.Rat
	for _, tm := range terms {
		rho := r.rhoOf(tm.p)
		if rho.Sign() == 0 {
			continue
		}
		if d.uniform {
			tm.coef.Mul(tm.coef, big.NewInt(d.util[tm.p]))
		}
		x.SetInt(tm.coef)
		x.Mul(&x, rho)
		out.Sub(out, &x)
	}
	return out
}

func (r *mesRun) addBig(p int32, v *big.Int) {
	if r.cntBig[p] == nil {
		r.cntBig[p] = new(big.Int)
	}
	r.cntBig[p].Add(r.cntBig[p], v)
}

func mul64(a, b int64) (hi, lo uint64) {
	x, y := uint64(a), uint64(b)
	hi, lo = mulU(x, y)
	return
}

// exactRho returns the exact price of l. The float run gives the split into supporters who
// pay all they have and those who pay ρ·u; the exact price for that split is then checked
// against every supporter whose float money is too close to call. Any doubt falls back to
// the fully exact computation.
func (r *mesRun) exactRho(l int32, rhoF, errRho float64) *big.Rat {
	d := r.d
	if math.IsInf(errRho, 0) || math.IsInf(rhoF, 0) {
		return r.exactRhoSlow(l)
	}
	poor := func(k int32) bool {
		return r.b[d.pGrp[k]] < rhoF*float64(d.pUtil[k])
	}
	num := new(big.Rat).SetInt64(r.cost(l))
	num.Sub(num, r.exactMoney(l, poor))
	den := r.sumMU(l, func(k int32) bool { return !r.zero[d.pGrp[k]] && !poor(k) })
	if den.Sign() == 0 {
		return r.exactRhoSlow(l)
	}
	rho := num.Quo(num, new(big.Rat).SetInt(den))
	if f, _ := rho.Float64(); math.Abs(f-rhoF) > errRho {
		return r.exactRhoSlow(l)
	}
	errB := r.errB()
	var pay, bx big.Rat
	for k := d.pStart[l]; k < d.pStart[l+1]; k++ {
		g := d.pGrp[k]
		if r.zero[g] {
			continue
		}
		u := float64(d.pUtil[k])
		if math.Abs(r.b[g]-rhoF*u) > safety*(errB+eps*rhoF*u)+u*errRho {
			continue
		}
		pay.SetInt64(d.pUtil[k])
		pay.Mul(&pay, rho)
		bx.Set(r.exactBudget(g))
		c := bx.Cmp(&pay)
		if (poor(k) && c > 0) || (!poor(k) && c < 0) {
			return r.exactRhoSlow(l)
		}
	}
	return rho
}

// exactRhoSlow is the poor/rich iteration in exact arithmetic over every supporter.
func (r *mesRun) exactRhoSlow(l int32) *big.Rat {
	d := r.d
	lo, hi := d.pStart[l], d.pStart[l+1]
	money := make([]*big.Rat, hi-lo)
	isPoor := make([]bool, hi-lo)
	for k := lo; k < hi; k++ {
		money[k-lo] = r.exactBudget(d.pGrp[k])
	}
	cost := new(big.Rat).SetInt64(r.cost(l))
	var pay big.Rat
	for {
		num := new(big.Rat).Set(cost)
		den := new(big.Int)
		for k := lo; k < hi; k++ {
			m := big.NewInt(d.mult[d.pGrp[k]])
			if isPoor[k-lo] {
				num.Sub(num, new(big.Rat).Mul(money[k-lo], new(big.Rat).SetInt(m)))
			} else {
				den.Add(den, m.Mul(m, big.NewInt(d.pUtil[k])))
			}
		}
		if den.Sign() == 0 {
			// Unreachable for an affordable project; a huge price keeps it from winning.
			return new(big.Rat).SetInt64(math.MaxInt64)
		}
		rho := num.Quo(num, new(big.Rat).SetInt(den))
		moved := false
		for k := lo; k < hi; k++ {
			if isPoor[k-lo] {
				continue
			}
			pay.SetInt64(d.pUtil[k])
			pay.Mul(&pay, rho)
			if money[k-lo].Cmp(&pay) < 0 {
				isPoor[k-lo] = true
				moved = true
			}
		}
		if !moved {
			return rho
		}
	}
}
