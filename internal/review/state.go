// Package review is the labelling committee and the commission decisions: the project
// state machine after submission (as a table of transitions), the committee members and their
// kinds, the assignments of dossiers to members (manual, or balanced automatically with at
// least N reviewers per dossier), the conflicts of interest, the private review (eligibility
// checklist, the category's weighted criteria grid, the overall opinion), the aggregates of
// the committee session, the decisions (ineligible, labelled, not labelled), the commission's
// validation that puts the labelled projects on the ballot, the Commission permanente
// decision with the granted amounts, the proclamation, and the carrier's public history.
//
// state.go, form.go and assign.go are pure; the other files hold the SQL and the changes,
// each through change.Do (one transaction: checks, new state, audit entry, e-mails).
package review

import (
	"slices"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
)

// The states a dossier goes through after submission. StateBallot is the value the vote
// reads: the projects on the ballot.
const (
	StateSubmitted                 = dossier.StateSubmitted
	StateUnderReview dossier.State = "under_review"
	StateEligible    dossier.State = "eligible"
	StateIneligible  dossier.State = "ineligible"
	StateLabelled    dossier.State = "labelled"
	StateNotLabelled dossier.State = "not_labelled"
	StateWithdrawn   dossier.State = "withdrawn" // withdrawn from the labelled list by the commission
	StateBallot      dossier.State = "ballot"
	StateWinner      dossier.State = "winner"
	StateNotFunded   dossier.State = "not_funded"
	StateGranted     dossier.State = "granted"
	StateInProgress  dossier.State = "in_progress"
	StateCompleted   dossier.State = "completed"
)

// States lists the states of the project's life after the draft, in order.
func States() []dossier.State {
	return []dossier.State{StateSubmitted, StateUnderReview, StateEligible, StateIneligible, StateLabelled,
		StateNotLabelled, StateWithdrawn, StateBallot, StateWinner, StateNotFunded, StateGranted, StateInProgress,
		StateCompleted}
}

// PublicStates are the states of a project that was put on the ballot: it is public from
// then on (catalogue, results, follow-up).
func PublicStates() []dossier.State {
	return []dossier.State{StateBallot, StateWinner, StateNotFunded, StateGranted, StateInProgress, StateCompleted}
}

// Transition is one allowed move of the state machine.
type Transition struct {
	Action string // audit action after "review.": "start", "label"…
	From   []dossier.State
	To     dossier.State
	// Perm is what the actor needs (agents: PermManageDossiers); Role names who that is.
	Perm access.Permission
	Role access.Role
	// Phases: the move is allowed while one of them is open (nil: any time).
	Phases []campaign.Phase
	// Mail: the carrier gets an e-mail. Motivation: a public motivation is required.
	Mail       bool
	Motivation bool
}

// Allows reports whether the transition starts from state s.
func (t Transition) Allows(s dossier.State) bool { return slices.Contains(t.From, s) }

var (
	labelling  = []campaign.Phase{campaign.PhaseLabelling}
	commission = []campaign.Phase{campaign.PhaseCommission}
	winners    = []campaign.Phase{campaign.PhaseWinners, campaign.PhaseProclamation}
	proclaim   = []campaign.Phase{campaign.PhaseProclamation}
)

// transitions is the state machine. Every change of a dossier's state after submission is
// one of these lines, looked up by its target state.
var transitions = []Transition{
	// The first assignment of reviewers starts the review; a decision of the committee can be
	// taken back (the dossier goes back under review) while the committee sits.
	{Action: "start", From: []dossier.State{StateSubmitted, StateEligible, StateIneligible, StateLabelled, StateNotLabelled},
		To: StateUnderReview, Perm: access.PermManageDossiers, Role: access.Agent, Phases: labelling, Mail: true},
	{Action: "eligible", From: []dossier.State{StateUnderReview}, To: StateEligible,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: labelling},
	{Action: "ineligible", From: []dossier.State{StateSubmitted, StateUnderReview, StateEligible}, To: StateIneligible,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: labelling, Mail: true, Motivation: true},
	{Action: "label", From: []dossier.State{StateUnderReview, StateEligible}, To: StateLabelled,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: labelling, Mail: true},
	{Action: "not_label", From: []dossier.State{StateUnderReview, StateEligible}, To: StateNotLabelled,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: labelling, Mail: true, Motivation: true},
	// The commission validates the labelled list: on the ballot, or withdrawn with a reason.
	{Action: "ballot", From: []dossier.State{StateLabelled}, To: StateBallot,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: commission, Mail: true},
	{Action: "withdraw", From: []dossier.State{StateLabelled}, To: StateWithdrawn,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: commission, Mail: true, Motivation: true},
	// The results of the vote.
	{Action: "win", From: []dossier.State{StateBallot}, To: StateWinner,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: winners, Mail: true},
	{Action: "not_fund", From: []dossier.State{StateBallot}, To: StateNotFunded,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: winners, Mail: true},
	// The Commission permanente grants the support; then the project runs.
	{Action: "grant", From: []dossier.State{StateWinner}, To: StateGranted,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: proclaim, Mail: true},
	{Action: "progress", From: []dossier.State{StateGranted}, To: StateInProgress,
		Perm: access.PermManageDossiers, Role: access.Agent, Mail: true},
	{Action: "complete", From: []dossier.State{StateInProgress}, To: StateCompleted,
		Perm: access.PermManageDossiers, Role: access.Agent, Mail: true},
}

// Transitions returns the state machine (a copy).
func Transitions() []Transition { return slices.Clone(transitions) }

// TransitionTo returns the transition to state to.
func TransitionTo(to dossier.State) (Transition, bool) {
	for _, t := range transitions {
		if t.To == to {
			return t, true
		}
	}
	return Transition{}, false
}

// Check says whether a dossier in state from may move to state to with this motivation:
// nil, a Conflict with a message naming what the move needs, or an Invalid error on the
// motivation field.
func Check(from, to dossier.State, motivation string) (Transition, error) {
	t, ok := TransitionTo(to)
	if !ok {
		return t, apperr.New(apperr.Conflict, "review.illegal.unknown")
	}
	if !t.Allows(from) {
		return t, apperr.New(apperr.Conflict, "review.illegal."+string(to))
	}
	if t.Motivation && trimmed(motivation) == "" {
		fe := apperr.FieldErrors{}
		fe.Add("motivation", "review.motivation_required")
		return t, fe.Err()
	}
	return t, nil
}
