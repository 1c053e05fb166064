package demo

import (
	"context"
	"slices"
	"testing"

	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/review"
)

func TestDemoReviews(t *testing.T) {
	Seeded.Each(t, func(t *testing.T, d *db.DB, _ string) {
		ctx := context.Background()
		c, err := campaign.BySlug(ctx, d, campaign.PresetPasDeCalais2018)
		if err != nil {
			t.Fatal(err)
		}
		members, err := review.Members(ctx, d, c.ID)
		if err != nil || len(members) != 9 {
			t.Fatalf("committee: %d members, %v", len(members), err)
		}
		// The whole demo also closed the 2018 vote: the projects put on the ballot are now
		// winners (granted) or not funded.
		onBallot := 0
		for _, st := range dossier.PublicStates() {
			list, _ := dossier.List(ctx, d, dossier.Filter{CampaignID: c.ID, State: st})
			onBallot += len(list)
		}
		if onBallot != Labelled2018 {
			t.Errorf("2018 ballot: %d projects, want %d", onBallot, Labelled2018)
		}
		rows, _, err := review.Session(ctx, d, c)
		if err != nil || len(rows) != 60 {
			t.Fatalf("session: %d rows, %v", len(rows), err)
		}
		conflicts := 0
		for _, r := range rows {
			conflicts += r.Summary.Conflicts
			if r.Summary.Submitted < 3 {
				t.Errorf("dossier %d: %d reviews handed in", r.Dossier.ID, r.Summary.Submitted)
			}
			if !slices.Contains(dossier.PublicStates(), r.Dossier.State) && r.Motivation == "" {
				t.Errorf("dossier %d (%s) has no public motivation", r.Dossier.ID, r.Dossier.State)
			}
		}
		if conflicts != 1 {
			t.Errorf("conflicts: %d", conflicts)
		}
		if cm, _ := review.CommissionOf(ctx, d, c.ID); cm == nil {
			t.Error("no commission recorded")
		}
		if rep, err := audit.Verify(ctx, d); err != nil || !rep.OK() {
			t.Fatalf("audit: %+v %v", rep, err)
		}
	})
}
