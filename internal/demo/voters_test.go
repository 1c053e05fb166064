package demo

import (
	"context"
	"testing"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/results"
	"budgetcitoyen/internal/vote"
)

func TestSeedVote(t *testing.T) {
	Seeded.Each(t, func(t *testing.T, d *db.DB, _ string) {
		ctx := context.Background()
		now := SeededNow
		_, voteSlug := Slugs(now)
		cur, err := campaign.BySlug(ctx, d, voteSlug)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := vote.BallotProjects(ctx, d, cur.ID)
		if err != nil || len(ps) != len(currentBallot) {
			t.Fatalf("%d projects on the current ballot (%v)", len(ps), err)
		}
		cats := map[int64]int{}
		for _, p := range ps {
			cats[p.CategoryID]++
			if p.SupportCents <= 0 || p.Theme == "" {
				t.Errorf("project %+v", p)
			}
		}
		if len(cats) != len(cur.Categories) {
			t.Errorf("projects in %d categories", len(cats))
		}
		// 2018: the review put its labelled projects on the ballot before the voters came.
		old, _ := campaign.BySlug(ctx, d, campaign.PresetPasDeCalais2018)
		n, err := vote.VoterCount(ctx, d, old.ID)
		if err != nil || n < Voters2018-5 || n > Voters2018 {
			t.Fatalf("%d voters in 2018 (%v), want about %d", n, err, Voters2018)
		}
		voters, byCommune, byAge, err := vote.Turnout(ctx, d, old.ID)
		if err != nil || voters != n || len(byCommune) < 200 || len(byAge) < 5 {
			t.Errorf("turnout %d, %d communes, %v", voters, len(byCommune), byAge)
		}
		rule := vote.RuleOf(old)
		ballots := 0
		// The 2018 results are recorded: its projects are now winners or not funded.
		projects, err := results.Projects(ctx, d, old.ID)
		if err != nil || len(projects) != 41 {
			t.Fatalf("2018 projects: %d, %v", len(projects), err)
		}
		err = vote.BallotsOf(ctx, d, old.ID, func(_ string, ids []int64) error {
			ballots++
			return rule.Validate(ids, vote.Options(projects))
		})
		if err != nil || ballots != n {
			t.Errorf("%d ballots: %v", ballots, err)
		}
	})
}
