// Package console assembles the agents' view of one campaign: the funnel from the ideas to
// the completed projects, with live counts, and the work waiting for someone. It holds no
// SQL: each number comes from the store of the domain that owns it (idea, workshop,
// dossier, review, vote), and the rules that turn them into waiting items are here, pure
// enough to read at once.
//
// The pages themselves are web's: a waiting item names the screen where it is done
// (Screen), and web maps each screen to its address.
package console

import (
	"context"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/idea"
	"budgetcitoyen/internal/review"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/workshop"
)

// Screen names a staff page of a campaign, for web to link to.
type Screen string

// The staff screens a waiting item sends to.
const (
	ScreenModeration Screen = "moderation"
	ScreenComptoirs  Screen = "comptoirs"
	ScreenDossiers   Screen = "dossiers"
	ScreenCommittee  Screen = "committee"
	ScreenSession    Screen = "session"
	ScreenCommission Screen = "commission"
	ScreenVote       Screen = "vote"
	ScreenBox        Screen = "box"
	ScreenDecision   Screen = "decision"
)

// RecentIdeas is how far back an idea counts as recent, to look over: ideas are published
// at once (post-moderation), so there is no queue to empty, only new ones to read.
const RecentIdeas = 7 * 24 * time.Hour

// Stage is one step of the funnel.
type Stage struct {
	Key string // i18n key of its name: "console.funnel.KEY"
	N   int
	// NoScreen: the codebase stores the step (a state of the dossier) but no screen moves a
	// dossier there yet, so the number stays 0 until one does.
	NoScreen bool
}

// Item is one piece of waiting work.
type Item struct {
	Key    string // i18n key of its text: "console.wait.KEY" (and KEY_one for one)
	N      int
	Screen Screen
}

// Console is one campaign's console at an instant.
type Console struct {
	Campaign *campaign.Campaign
	Ideas    idea.Counts
	Comptoir workshop.Participation
	Dossiers map[dossier.State]int
	Backlog  review.Backlog
	Vote     vote.Readiness
	// What the commission, the Commission permanente and the proclamation recorded.
	Commission, Decision, Proclaimed bool
	// ReviewsDue is when the committee's reviews are due (ReviewRules); zero: no date.
	ReviewsDue time.Time
	Funnel     []Stage
	Waiting    []Item
}

// Build reads the counts of c at now and assembles its console.
func Build(ctx context.Context, q db.Querier, c *campaign.Campaign, now time.Time) (*Console, error) {
	k := &Console{Campaign: c}
	var err error
	if k.Ideas, err = idea.CountIdeas(ctx, q, c.ID, now.Add(-RecentIdeas)); err != nil {
		return nil, err
	}
	if k.Comptoir, err = workshop.CountParticipation(ctx, q, c.ID, now); err != nil {
		return nil, err
	}
	if k.Dossiers, err = dossier.CountByState(ctx, q, c.ID); err != nil {
		return nil, err
	}
	quorum, due, err := ReviewRules(ctx, q, c)
	if err != nil {
		return nil, err
	}
	k.ReviewsDue = due
	if k.Backlog, err = review.CountBacklog(ctx, q, c.ID, quorum); err != nil {
		return nil, err
	}
	if k.Vote, err = vote.ReadinessOf(ctx, q, c.ID); err != nil {
		return nil, err
	}
	cm, err := review.CommissionOf(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	d, err := review.Decision(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	if k.Proclaimed, _, err = review.Proclaimed(ctx, q, c.ID); err != nil {
		return nil, err
	}
	k.Commission, k.Decision = cm != nil, d != nil
	k.Funnel = k.funnel()
	k.Waiting = k.waiting(now)
	fw, err := followupWaiting(ctx, q, c, now)
	if err != nil {
		return nil, err
	}
	k.Waiting = append(k.Waiting, fw...)
	return k, nil
}

// ReviewRules returns how many returned reviews make a dossier ready for the committee's
// decision (the campaign's quorum) and when the reviews are due (its due date; zero time
// when it has none).
func ReviewRules(ctx context.Context, q db.Querier, c *campaign.Campaign) (quorum int, due time.Time, err error) {
	s, err := review.SettingsOf(ctx, q, c.ID)
	if err != nil {
		return 0, time.Time{}, err
	}
	if s.HasDue() {
		return s.Quorum, s.DueAt, nil
	}
	return s.Quorum, time.Time{}, nil
}

// Reached is the number of dossiers that went at least as far as state s (dossier.Reached).
func (k *Console) Reached(s dossier.State) int {
	n := 0
	for _, x := range dossier.Reached(s) {
		n += k.Dossiers[x]
	}
	return n
}

func (k *Console) funnel() []Stage {
	return []Stage{
		{Key: "ideas", N: k.Ideas.Total},
		{Key: "comptoir", N: k.Comptoir.Present},
		{Key: "drafted", N: k.Reached(dossier.StateDraft)},
		{Key: "submitted", N: k.Reached(dossier.StateSubmitted)},
		{Key: "eligible", N: k.Reached(dossier.StateEligible)},
		{Key: "labelled", N: k.Reached(dossier.StateLabelled)},
		{Key: "ballot", N: k.Reached(dossier.StateBallot)},
		{Key: "voters", N: k.Vote.Voters},
		{Key: "winners", N: k.Reached(dossier.StateWinner)},
		{Key: "granted", N: k.Reached(dossier.StateGranted)},
		{Key: "completed", N: k.Reached(dossier.StateCompleted), NoScreen: true},
	}
}

// waiting lists the work waiting at now, in the order of the campaign's life.
func (k *Console) waiting(now time.Time) []Item {
	var out []Item
	add := func(key string, n int, s Screen) {
		if n > 0 {
			out = append(out, Item{Key: key, N: n, Screen: s})
		}
	}
	c := k.Campaign
	add("ideas", k.Ideas.Recent, ScreenModeration)
	add("attendance", k.Comptoir.Unmarked, ScreenComptoirs)
	add("unassigned", k.Backlog.Unassigned, ScreenCommittee)
	if !k.ReviewsDue.IsZero() && now.After(k.ReviewsDue) {
		add("reviews_overdue", k.Backlog.Pending, ScreenSession)
	} else {
		add("reviews_pending", k.Backlog.Pending, ScreenSession)
	}
	add("ready", k.Backlog.Ready, ScreenSession)
	if !k.Commission {
		add("commission", k.Dossiers[dossier.StateLabelled], ScreenCommission)
	}
	voteOpened, voteOver := false, false
	if w, ok := c.Window(campaign.PhaseVote); ok {
		voteOpened, voteOver = !now.Before(w.Start), now.After(w.End)
	}
	if voteOver {
		add("results", k.Dossiers[dossier.StateBallot], ScreenDecision)
	} else {
		// The identity methods are chosen before the vote opens (the defaults apply after);
		// an empty census or an unsealed box stop the vote itself, so they wait until its end.
		if !k.Vote.SettingsSaved && !voteOpened {
			add("vote_settings", 1, ScreenVote)
		}
		if k.Vote.CensusEmpty {
			add("census", 1, ScreenVote)
		}
		if !k.Vote.BoxCeremony {
			add("box", 1, ScreenBox)
		}
	}
	if !k.Decision {
		add("decision", k.Dossiers[dossier.StateWinner], ScreenDecision)
	} else if !k.Proclaimed {
		add("proclamation", 1, ScreenDecision)
	}
	return out
}

// Stage returns the count of the funnel's stage key (0 for an unknown key).
func (k *Console) Stage(key string) int {
	for _, s := range k.Funnel {
		if s.Key == key {
			return s.N
		}
	}
	return 0
}
