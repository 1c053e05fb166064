package tally

import "math/big"

// ReasonCode says why a project was or was not funded. The codes are stable identifiers for
// machines (JSON, CSV); the text format turns them into prose.
type ReasonCode string

// Reason codes.
const (
	// Greedy: the project fitted in what was left of the budget when its turn came.
	ReasonGreedySelected ReasonCode = "greedy_selected"
	// Greedy (or greedy completion): what was left when its turn came was less than its cost.
	ReasonOverBudget ReasonCode = "over_budget"
	// MES: bought in round Round at price ρ per unit of satisfaction, paid by Payers voters.
	ReasonMESSelected ReasonCode = "mes_selected"
	// MES: supported project of cost 0, funded before the first round.
	ReasonMESFree ReasonCode = "mes_free"
	// MES: from round Round on, its supporters together held less money than its cost.
	ReasonMESUnaffordable ReasonCode = "mes_unaffordable"
	// Nobody gives it a positive satisfaction, so MES and Phragmén never fund it.
	ReasonNoSupport ReasonCode = "no_support"
	// Funded by the greedy completion that follows MES.
	ReasonCompletionSelected ReasonCode = "completion_selected"
	// Phragmén: bought in round Round when its supporters' load reached Rho.
	ReasonPhragmenSelected ReasonCode = "phragmen_selected"
	// Phragmén: the rule stopped because the next purchase would have exceeded the budget.
	ReasonPhragmenStopped ReasonCode = "phragmen_stopped"
	// Per-category envelopes: the project belongs to no category with an envelope.
	ReasonNoEnvelope ReasonCode = "no_envelope"
)

// Reason explains one decision. Money is in units of 10^-Outcome.Scale.
type Reason struct {
	Code ReasonCode
	// BudgetLeft is what was left of the budget (or of the category envelope) when the
	// project's turn came.
	BudgetLeft int64
	// Round is the MES or Phragmén round of the decision (1-based; 0 when not applicable).
	Round int
	// Rho is MES's price per unit of satisfaction, or the load reached in Phragmén (money
	// per voter). Exact.
	Rho *big.Rat
	// Payers is the number of voters who paid for an MES purchase.
	Payers int64
	// SupportersMoney is what the supporters of an unaffordable MES project still held.
	SupportersMoney *big.Rat
	// Envelope is the category whose envelope the project was judged in, if any.
	Envelope string
}

// ProjectResult is the outcome for one project.
type ProjectResult struct {
	Index int // position in Instance.Projects
	ID    string
	Cost  int64
	// Votes is the number of ballots containing the project.
	Votes int64
	// Score is the total satisfaction under the rule's satisfaction function; with cost
	// satisfaction it is money (units of 10^-ScoreScale).
	Score      *big.Int
	ScoreScale int
	// Rank is the position in the order in which the rule decided (1 = first).
	Rank     int
	Selected bool
	Reason   Reason
}

// Outcome is an explained result.
type Outcome struct {
	Rule      string
	TieBreak  string
	Envelopes EnvelopeMode
	Scale     int
	Currency  string
	Budget    int64
	Spent     int64
	Left      int64
	Ballots   int
	// Selected lists the funded project ids in natural order ("2" before "10").
	Selected []string
	// Projects are in rank order.
	Projects []ProjectResult
	// Add1Increase is, for the add1 completion, how many currency units were added to each
	// voter's share to reach the returned outcome.
	Add1Increase int64
}

// trace records the decisions of one rule run on one set of projects; Run turns traces into an
// Outcome.
type trace struct {
	order   []int32          // global project indices in decision order
	reasons map[int32]Reason // by global index
	chosen  map[int32]bool
	spent   int64
}

func newTrace() *trace {
	return &trace{reasons: map[int32]Reason{}, chosen: map[int32]bool{}}
}

func (t *trace) decide(p int32, selected bool, r Reason) {
	if _, seen := t.reasons[p]; !seen {
		t.order = append(t.order, p)
	}
	t.reasons[p] = r
	if selected {
		t.chosen[p] = true
	} else {
		delete(t.chosen, p)
	}
}
