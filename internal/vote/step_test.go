package vote_test

import (
	"errors"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/vote"
)

func TestStepOf(t *testing.T) {
	start := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	end := time.Date(2026, 9, 30, 17, 59, 59, 0, time.UTC)
	c := &campaign.Campaign{ID: 7, Phases: []campaign.PhaseWindow{{Phase: campaign.PhaseVote, Start: start, End: end}}}
	other := int64(8)
	actor := func(grants ...access.Grant) access.Actor {
		return access.Actor{Account: &access.Account{ID: 1, Email: "v@x.test"}, Grants: grants}
	}
	citizen := actor(access.Grant{Role: access.Citizen})
	disabled := citizen
	disabled.Account = &access.Account{ID: 1, Disabled: true}
	voter := &vote.Voter{CampaignID: 7, AccountID: 1, PersonKey: "k"}
	during := start.Add(24 * time.Hour)
	failing := errors.New("database down")
	cases := []struct {
		name     string
		c        *campaign.Campaign
		actor    access.Actor
		at       time.Time
		progress vote.Progress
		err      error
		want     vote.Step
		reads    bool // progress must be read
		unsealed bool // the campaign's box is not sealed
	}{
		{name: "no vote phase", c: &campaign.Campaign{ID: 7}, actor: citizen, at: during, want: vote.StepBefore},
		{name: "before the start", c: c, actor: citizen, at: start.Add(-time.Second), want: vote.StepBefore},
		{name: "at the start", c: c, actor: access.Visitor, at: start, want: vote.StepStart},
		{name: "last second", c: c, actor: access.Visitor, at: end.Add(999 * time.Millisecond), want: vote.StepStart},
		{name: "after the end", c: c, actor: citizen, at: end.Add(time.Second), want: vote.StepAfter},
		{name: "visitor", c: c, actor: access.Visitor, at: during, want: vote.StepStart},
		{name: "box not sealed", c: c, actor: citizen, at: during, unsealed: true, want: vote.StepUnsealed},
		{name: "box not sealed, visitor", c: c, actor: access.Visitor, at: during, unsealed: true, want: vote.StepUnsealed},
		{name: "box not sealed, before", c: c, actor: citizen, at: start.Add(-time.Second), unsealed: true, want: vote.StepBefore},
		{name: "box not sealed, after", c: c, actor: citizen, at: end.Add(time.Second), unsealed: true, want: vote.StepAfter},
		{name: "disabled account", c: c, actor: disabled, at: during, want: vote.StepStart},
		{name: "staff", c: c, actor: actor(access.Grant{Role: access.Agent}), at: during, want: vote.StepNoRole},
		{name: "citizen of another campaign only", c: c, actor: actor(access.Grant{Role: access.Citizen, CampaignID: &other}),
			at: during, want: vote.StepNoRole},
		{name: "not registered", c: c, actor: citizen, at: during, reads: true, want: vote.StepIdentity},
		{name: "registered", c: c, actor: citizen, at: during, reads: true, progress: vote.Progress{Voter: voter},
			want: vote.StepBallot},
		{name: "voted", c: c, actor: citizen, at: during, reads: true, progress: vote.Progress{Voter: voter, Voted: true},
			want: vote.StepVoted},
		{name: "admin may vote", c: c, actor: actor(access.Grant{Role: access.Admin}), at: during, reads: true,
			progress: vote.Progress{Voter: voter}, want: vote.StepBallot},
		{name: "progress unreadable", c: c, actor: citizen, at: during, reads: true, err: failing},
	}
	for _, tc := range cases {
		read := false
		got, err := vote.StepOf(tc.c, tc.actor, tc.at, !tc.unsealed, func() (vote.Progress, error) {
			read = true
			return tc.progress, tc.err
		})
		if !errors.Is(err, tc.err) || got != tc.want || read != tc.reads {
			t.Errorf("%s: step %q, %v (progress read: %v), want %q, %v (read: %v)", tc.name, got, err, read,
				tc.want, tc.err, tc.reads)
		}
	}
	if got, err := vote.StepOf(c, citizen, during, true, nil); got != vote.StepIdentity || err != nil {
		t.Errorf("without progress: %q, %v", got, err)
	}
	for step, closed := range map[vote.Step]bool{vote.StepBefore: true, vote.StepAfter: true, vote.StepUnsealed: true, vote.StepStart: false,
		vote.StepIdentity: false, vote.StepBallot: false, vote.StepVoted: false, vote.StepNoRole: false} {
		if step.Closed() != closed {
			t.Errorf("%q.Closed() = %v", step, !closed)
		}
	}
}
