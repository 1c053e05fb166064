package tally

import (
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// EnvelopeMode says how the budget is split.
type EnvelopeMode string

// Envelope modes.
const (
	// GlobalEnvelope: one budget for every project (the default, and pabutools' behaviour).
	GlobalEnvelope EnvelopeMode = "global"
	// CategoryEnvelopes: each category with an envelope is filled independently from its own
	// budget, with only its projects; the ballots are the same for every category.
	CategoryEnvelopes EnvelopeMode = "category"
)

// Options selects the rule and its parameters.
type Options struct {
	// Rule is one of RuleNames().
	Rule string
	// TieBreak is a comma-chained list of id, cost, votes, order, seed:S ("" = "id").
	TieBreak string
	// Envelopes is GlobalEnvelope ("" means global) or CategoryEnvelopes.
	Envelopes EnvelopeMode
}

type ruleSpec struct {
	name       string
	kind       string // greedy, mes, phragmen
	sat        Sat
	add1       bool
	greedyTail bool
}

// RuleNames lists the accepted rule names.
func RuleNames() []string {
	var out []string
	for _, s := range []string{"cost", "card", "points"} {
		out = append(out, "greedy_"+s)
	}
	for _, s := range []string{"cost", "card", "points"} {
		out = append(out, "mes_"+s, "mes_"+s+"_greedy", "mes_"+s+"_add1", "mes_"+s+"_add1_greedy")
	}
	return append(out, "phragmen")
}

func parseRule(name string) (ruleSpec, error) {
	if name == "phragmen" {
		return ruleSpec{name: name, kind: "phragmen", sat: SatCard}, nil
	}
	parts := strings.Split(name, "_")
	bad := fmt.Errorf("unknown rule %q (known: %s)", name, strings.Join(RuleNames(), ", "))
	if len(parts) < 2 {
		return ruleSpec{}, bad
	}
	spec := ruleSpec{name: name, kind: parts[0]}
	switch parts[1] {
	case "cost":
		spec.sat = SatCost
	case "card":
		spec.sat = SatCard
	case "points":
		spec.sat = SatPoints
	default:
		return ruleSpec{}, bad
	}
	rest := parts[2:]
	switch {
	case spec.kind == "greedy" && len(rest) == 0:
	case spec.kind == "mes" && slices.Equal(rest, []string{}):
	case spec.kind == "mes" && slices.Equal(rest, []string{"greedy"}):
		spec.greedyTail = true
	case spec.kind == "mes" && slices.Equal(rest, []string{"add1"}):
		spec.add1 = true
	case spec.kind == "mes" && slices.Equal(rest, []string{"add1", "greedy"}):
		spec.add1, spec.greedyTail = true, true
	default:
		return ruleSpec{}, bad
	}
	return spec, nil
}

// problem is one envelope: a set of projects and the money to fund them.
type problem struct {
	category string
	proj     []int32
	budget   int64
}

// Run computes the explained outcome of the election under opt.
func Run(in *Instance, opt Options) (*Outcome, error) {
	if err := in.Validate(); err != nil {
		return nil, fmt.Errorf("invalid election: %w", err)
	}
	spec, err := parseRule(opt.Rule)
	if err != nil {
		return nil, err
	}
	tb, err := ParseTieBreak(opt.TieBreak)
	if err != nil {
		return nil, err
	}
	if spec.kind == "phragmen" && in.VoteType != Approval && in.VoteType != ChooseOne {
		return nil, fmt.Errorf("rule phragmen needs approval or choose-1 ballots, not %s", in.VoteType)
	}
	mode := opt.Envelopes
	if mode == "" {
		mode = GlobalEnvelope
	}
	problems, err := splitProblems(in, mode)
	if err != nil {
		return nil, err
	}
	votes := in.votesPerProject()
	tbRank := tb.ranks(in, votes)

	out := &Outcome{Rule: spec.name, TieBreak: tb.String(), Envelopes: mode, Scale: in.Scale,
		Currency: in.MetaValue("currency"), Budget: in.Budget, Ballots: in.NumBallots()}
	scores := make([]*big.Int, len(in.Projects))
	var order []int32
	reasons := map[int32]Reason{}
	chosen := map[int32]bool{}
	for _, pb := range problems {
		t, d, k, err := solve(in, spec, pb, tbRank)
		if err != nil {
			return nil, err
		}
		out.Add1Increase = max(out.Add1Increase, k)
		for l, g := range d.proj {
			scores[g] = d.totalSat[l]
		}
		for _, g := range t.order {
			r := t.reasons[g]
			r.Envelope = pb.category
			if r.Rho != nil && (spec.sat != SatCost || spec.kind == "phragmen") && in.Scale > 0 {
				// Money per unit of satisfaction or per voter: shown in currency units.
				r.Rho = new(big.Rat).Quo(r.Rho, new(big.Rat).SetInt64(pow10(in.Scale)))
			}
			reasons[g] = r
			order = append(order, g)
		}
		for g := range t.chosen {
			chosen[g] = true
		}
		out.Spent += t.spent
	}
	for g := range in.Projects {
		if _, ok := reasons[int32(g)]; !ok {
			reasons[int32(g)] = Reason{Code: ReasonNoEnvelope}
			order = append(order, int32(g))
		}
	}
	if mode == CategoryEnvelopes {
		out.Budget = 0
		for _, pb := range problems {
			out.Budget += pb.budget
		}
	}
	out.Left = out.Budget - out.Spent
	scoreScale := 0
	if spec.sat == SatCost {
		scoreScale = in.Scale
	}
	for rank, g := range order {
		p := &in.Projects[g]
		s := scores[g]
		if s == nil {
			s = new(big.Int)
		}
		out.Projects = append(out.Projects, ProjectResult{Index: int(g), ID: p.ID, Cost: p.Cost,
			Votes: votes[g], Score: s, ScoreScale: scoreScale, Rank: rank + 1,
			Selected: chosen[g], Reason: reasons[g]})
		if chosen[g] {
			out.Selected = append(out.Selected, p.ID)
		}
	}
	slices.SortFunc(out.Selected, NaturalCompare)
	return out, nil
}

func splitProblems(in *Instance, mode EnvelopeMode) ([]problem, error) {
	all := make([]int32, len(in.Projects))
	for i := range all {
		all[i] = int32(i)
	}
	switch mode {
	case GlobalEnvelope:
		return []problem{{proj: all, budget: in.Budget}}, nil
	case CategoryEnvelopes:
	default:
		return nil, fmt.Errorf("unknown envelope mode %q (global or category)", mode)
	}
	if len(in.Envelopes) == 0 {
		return nil, errors.New("per-category envelopes requested but the election defines none (META categories and budget_per_category)")
	}
	names := make([]string, 0, len(in.Envelopes))
	for c := range in.Envelopes {
		names = append(names, c)
	}
	slices.Sort(names)
	byCat := map[string][]int32{}
	for i, p := range in.Projects {
		var home []string
		for _, c := range p.Categories {
			if _, ok := in.Envelopes[c]; ok && !slices.Contains(home, c) {
				home = append(home, c)
			}
		}
		if len(home) > 1 {
			return nil, fmt.Errorf("project %q belongs to several categories with an envelope (%s)", p.ID, strings.Join(home, ", "))
		}
		if len(home) == 1 {
			byCat[home[0]] = append(byCat[home[0]], int32(i))
		}
	}
	var out []problem
	for _, c := range names {
		out = append(out, problem{category: c, proj: byCat[c], budget: in.Envelopes[c]})
	}
	return out, nil
}

// solve runs the rule on one envelope.
func solve(in *Instance, spec ruleSpec, pb problem, tb []int32) (*trace, *satData, int64, error) {
	t := newTrace()
	d, err := newSatData(in, spec.sat, pb.proj, spec.kind != "greedy")
	if err != nil {
		return nil, nil, 0, err
	}
	var k int64
	switch spec.kind {
	case "greedy":
		runGreedy(d, pb.budget, tb, t, ReasonGreedySelected)
	case "phragmen":
		runPhragmen(d, pb.budget, tb, t)
	case "mes":
		if spec.add1 {
			k = add1Increase(d, tb, pb.budget)
		}
		r := newMESRun(d, tb, pb.budget, endowment(d, pb.budget, k), t)
		r.run()
		t.spent = r.spent
		if spec.greedyTail {
			runGreedy(d, pb.budget, tb, t, ReasonCompletionSelected)
		}
	}
	return t, d, k, nil
}

// endowment is each voter's MES share, budget/n plus k currency units.
func endowment(d *satData, budget, k int64) *big.Rat {
	e := new(big.Rat)
	if d.n > 0 {
		e.SetFrac(big.NewInt(budget), big.NewInt(d.n))
	}
	unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.in.Scale)), nil)
	return e.Add(e, new(big.Rat).SetInt(unit.Mul(unit, big.NewInt(k))))
}

// add1Increase finds the completion of equalshares.net (as pabutools computes it): MES is run
// with a share of budget/n + k for k = 0, 1, 2, …; the first outcome that overspends the real
// budget sends back the previous k, the first exhaustive one is kept. Each k is an
// independent run, so several are computed in parallel and examined in order; outcomes are
// the same as a sequential search.
func add1Increase(d *satData, tb []int32, budget int64) int64 {
	workers := max(1, runtime.GOMAXPROCS(0))
	type res struct {
		spent      int64
		exhaustive bool
	}
	probe := func(k int64) res {
		r := newMESRun(d, tb, budget, endowment(d, budget, k), nil)
		r.run()
		left := budget - r.spent
		ex := true
		for l := range d.proj {
			if !r.sel[l] && d.totalSat[l].Sign() > 0 && r.cost(int32(l)) > 0 && r.cost(int32(l)) <= left {
				ex = false
				break
			}
		}
		return res{r.spent, ex}
	}
	for base := int64(0); ; base += int64(workers) {
		results := make([]res, workers)
		var wg sync.WaitGroup
		for i := range workers {
			wg.Go(func() { results[i] = probe(base + int64(i)) })
		}
		wg.Wait()
		for i, r := range results {
			k := base + int64(i)
			if r.spent > budget {
				return max(k-1, 0)
			}
			if r.exhaustive {
				return k
			}
		}
	}
}

// NaturalCompare orders ids with digit runs compared as numbers ("2" < "10"), for display.
func NaturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) - len(nb)
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
