// Package review is the labelling committee and the commission decisions: the moves of
// a dossier after submission (the review's lines of dossier's state machine), the committee
// members and their kinds, the assignments of dossiers to members (manual, or balanced
// automatically with at least N reviewers per dossier), the conflicts of interest, the
// private review (eligibility checklist, the category's weighted criteria grid, the overall
// opinion), the aggregates of the committee session, the decisions (ineligible, labelled, not labelled), the commission's
// validation that puts the labelled projects on the ballot, the Commission permanente
// decision with the granted amounts, the proclamation, and the carrier's public history.
//
// The states and the transitions of a dossier are dossier's (dossier/state.go, the one
// state machine); this package makes the moves whose area is dossier.AreaReview.
//
// state.go, form.go and assign.go are pure; the other files hold the SQL and the changes,
// each through change.Do (one transaction: checks, new state, audit entry, e-mails).
package review

import (
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
)

// TransitionTo returns the review's transition to state to: false for a state no review
// command moves a dossier to (the draft, the submission).
func TransitionTo(to dossier.State) (dossier.Transition, bool) {
	t, ok := dossier.TransitionTo(to)
	if !ok || t.Area != dossier.AreaReview {
		return dossier.Transition{}, false
	}
	return t, true
}

// Check says whether a dossier in state from may move to state to with this motivation
// through a review command (dossier.Check, the review's transitions only).
func Check(from, to dossier.State, motivation string) (dossier.Transition, error) {
	if _, ok := TransitionTo(to); !ok {
		return dossier.Transition{}, apperr.New(apperr.Conflict, "review.illegal.unknown")
	}
	return dossier.Check(from, to, motivation)
}

// The phases of the review's own changes.
var (
	labelling = []campaign.Phase{campaign.PhaseLabelling}
	proclaim  = []campaign.Phase{campaign.PhaseProclamation}
)
