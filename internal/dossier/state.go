package dossier

import (
	"slices"
	"strings"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
)

// State is where a dossier is in the project's life.
type State string

// The states of a project's life, from the draft to the end of the funded project. This file
// is the one place that names them and says how a dossier goes from one to the next.
const (
	StateDraft       State = "draft"
	StateSubmitted   State = "submitted"
	StateUnderReview State = "under_review"
	StateEligible    State = "eligible"
	StateIneligible  State = "ineligible"
	StateLabelled    State = "labelled"
	StateNotLabelled State = "not_labelled"
	StateWithdrawn   State = "withdrawn" // withdrawn from the labelled list by the commission
	StateBallot      State = "ballot"    // on the ballot: the projects the vote reads
	StateWinner      State = "winner"
	StateNotFunded   State = "not_funded"
	StateGranted     State = "granted"
	StateInProgress  State = "in_progress"
	StateCompleted   State = "completed"
	StateAbandoned   State = "abandoned" // a funded project given up, with a public reason
)

// MessageKey is the i18n key of the state's name ("dossier.state.draft").
func (s State) MessageKey() string { return "dossier.state." + string(s) }

// Editable reports whether the carrier may still change the dossier.
func (s State) Editable() bool { return s == StateDraft }

// States lists the states of the project's life after the draft, in order.
func States() []State {
	return []State{StateSubmitted, StateUnderReview, StateEligible, StateIneligible, StateLabelled,
		StateNotLabelled, StateWithdrawn, StateBallot, StateWinner, StateNotFunded, StateGranted, StateInProgress,
		StateCompleted, StateAbandoned}
}

// PublicStates are the states of a project that was put on the ballot: it is public from
// then on (catalogue, results, follow-up).
func PublicStates() []State {
	return []State{StateBallot, StateWinner, StateNotFunded, StateGranted, StateInProgress, StateCompleted, StateAbandoned}
}

// The areas whose commands make the moves: the carrier's submission (package dossier), the
// labelling committee and the commission (package review).
const (
	AreaDossier = "dossier"
	AreaReview  = "review"
)

// Transition is one allowed move of the state machine.
type Transition struct {
	Area   string // AreaDossier or AreaReview: whose command makes the move
	Action string // audit action after the area: "submit", "start", "label"…
	From   []State
	To     State
	// Perm is what the actor needs; Role names who that is.
	Perm access.Permission
	Role access.Role
	// Phases: the move is allowed while one of them is open (nil: any time, or, for the
	// submission, until the dossier's deadline: see EditOpen).
	Phases []campaign.Phase
	// Mail: the carrier gets an e-mail. Motivation: a public motivation is required.
	Mail       bool
	Motivation bool
}

// AuditAction is the action of the move's audit entry: "dossier.submit", "review.label"…
func (t Transition) AuditAction() string { return t.Area + "." + t.Action }

// Allows reports whether the transition starts from state s.
func (t Transition) Allows(s State) bool { return slices.Contains(t.From, s) }

var (
	labelling  = []campaign.Phase{campaign.PhaseLabelling}
	commission = []campaign.Phase{campaign.PhaseCommission}
	winners    = []campaign.Phase{campaign.PhaseWinners, campaign.PhaseProclamation}
	proclaim   = []campaign.Phase{campaign.PhaseProclamation}
)

// transitions is the state machine. Every change of a dossier's state is one of these lines,
// looked up by its target state.
var transitions = []Transition{
	// The carrier submits a complete draft, before the deadline or within its extension.
	{Area: AreaDossier, Action: "submit", From: []State{StateDraft}, To: StateSubmitted,
		Perm: access.PermFileDossier, Role: access.Carrier, Mail: true},
	// The first assignment of reviewers starts the review; a decision of the committee can be
	// taken back (the dossier goes back under review) while the committee sits.
	{Area: AreaReview, Action: "start", From: []State{StateSubmitted, StateEligible, StateIneligible, StateLabelled, StateNotLabelled},
		To: StateUnderReview, Perm: access.PermManageDossiers, Role: access.Agent, Phases: labelling, Mail: true},
	{Area: AreaReview, Action: "eligible", From: []State{StateUnderReview}, To: StateEligible,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: labelling},
	{Area: AreaReview, Action: "ineligible", From: []State{StateSubmitted, StateUnderReview, StateEligible}, To: StateIneligible,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: labelling, Mail: true, Motivation: true},
	{Area: AreaReview, Action: "label", From: []State{StateUnderReview, StateEligible}, To: StateLabelled,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: labelling, Mail: true},
	{Area: AreaReview, Action: "not_label", From: []State{StateUnderReview, StateEligible}, To: StateNotLabelled,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: labelling, Mail: true, Motivation: true},
	// The commission validates the labelled list: on the ballot, or withdrawn with a reason.
	{Area: AreaReview, Action: "ballot", From: []State{StateLabelled}, To: StateBallot,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: commission, Mail: true},
	{Area: AreaReview, Action: "withdraw", From: []State{StateLabelled}, To: StateWithdrawn,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: commission, Mail: true, Motivation: true},
	// The results of the vote.
	{Area: AreaReview, Action: "win", From: []State{StateBallot}, To: StateWinner,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: winners, Mail: true},
	{Area: AreaReview, Action: "not_fund", From: []State{StateBallot}, To: StateNotFunded,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: winners, Mail: true},
	// The Commission permanente grants the support; then the project runs.
	{Area: AreaReview, Action: "grant", From: []State{StateWinner}, To: StateGranted,
		Perm: access.PermManageDossiers, Role: access.Agent, Phases: proclaim, Mail: true},
	{Area: AreaReview, Action: "progress", From: []State{StateGranted}, To: StateInProgress,
		Perm: access.PermManageDossiers, Role: access.Agent, Mail: true},
	{Area: AreaReview, Action: "complete", From: []State{StateInProgress}, To: StateCompleted,
		Perm: access.PermManageDossiers, Role: access.Agent, Mail: true},
	// A funded project may be given up before it is done; the reason is public.
	{Area: AreaReview, Action: "abandon", From: []State{StateGranted, StateInProgress}, To: StateAbandoned,
		Perm: access.PermManageDossiers, Role: access.Agent, Mail: true, Motivation: true},
}

// Transitions returns the state machine (a copy).
func Transitions() []Transition { return slices.Clone(transitions) }

// TransitionTo returns the transition to state to.
func TransitionTo(to State) (Transition, bool) {
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
func Check(from, to State, motivation string) (Transition, error) {
	t, ok := TransitionTo(to)
	if !ok {
		return t, apperr.New(apperr.Conflict, "review.illegal.unknown")
	}
	if !t.Allows(from) {
		if t.Area == AreaDossier {
			return t, apperr.New(apperr.Conflict, "dossier.not_editable")
		}
		return t, apperr.New(apperr.Conflict, "review.illegal."+string(to))
	}
	if t.Motivation && strings.TrimSpace(motivation) == "" {
		fe := apperr.FieldErrors{}
		fe.Add("motivation", "review.motivation_required")
		return t, fe.Err()
	}
	return t, nil
}
