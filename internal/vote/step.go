package vote

import (
	"context"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
)

// Step is where a person stands in the vote of a campaign: what the vote page shows them.
type Step string

// The steps of the vote, in the order a voter goes through them.
const (
	StepBefore   Step = "before"   // the vote has not opened
	StepUnsealed Step = "unsealed" // the vote's window is open but its box is not sealed: nobody votes
	StepAfter    Step = "after"    // the vote is closed
	StepStart    Step = "start"    // a visitor: prove one's e-mail first
	StepNoRole   Step = "norole"   // signed in with an account that may not vote (staff)
	StepIdentity Step = "identity" // say who one is (declaration, census or OpenID Connect)
	StepBallot   Step = "ballot"   // choose
	StepVoted    Step = "voted"    // already voted: a vote is final
)

// Closed reports whether the step is outside the vote's window.
func (s Step) Closed() bool { return s == StepBefore || s == StepAfter || s == StepUnsealed }

// Progress is what a person did already in a campaign's vote.
type Progress struct {
	Voter *Voter // their registration, nil if they have not said who they are
	Voted bool   // they are in the participation register
}

// StepOf is the step of the vote of campaign c where the person a stands at now: the window
// first (to the second), then the box (a vote opens only into a sealed box: sealed says
// whether it is), then who asks (a visitor, an account that may not vote), then what they
// did. progress is called only for a signed-in person allowed to vote in an open vote, so
// that nothing is read for the others; a nil progress counts as nothing done.
func StepOf(c *campaign.Campaign, a access.Actor, now time.Time, sealed bool, progress func() (Progress, error)) (Step, error) {
	w, ok := c.Window(campaign.PhaseVote)
	switch {
	case !ok || now.Before(w.Start):
		return StepBefore, nil
	case !w.Contains(now):
		return StepAfter, nil
	case !sealed:
		return StepUnsealed, nil
	case !a.SignedIn():
		return StepStart, nil
	case !access.Allowed(a, access.PermVote, &c.ID):
		return StepNoRole, nil
	}
	if progress == nil {
		return StepIdentity, nil
	}
	p, err := progress()
	switch {
	case err != nil:
		return "", err
	case p.Voter == nil:
		return StepIdentity, nil
	case p.Voted:
		return StepVoted, nil
	}
	return StepBallot, nil
}

// ProgressOf reads, through q, what the account did in the campaign's vote.
func ProgressOf(ctx context.Context, q db.Querier, campaignID, accountID int64) (Progress, error) {
	v, err := VoterOf(ctx, q, campaignID, accountID)
	if apperr.IsKind(err, apperr.NotFound) {
		return Progress{}, nil
	}
	if err != nil {
		return Progress{}, err
	}
	voted, err := HasVoted(ctx, q, campaignID, v.PersonKey)
	return Progress{Voter: v, Voted: voted}, err
}
