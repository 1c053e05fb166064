package demo

import (
	"context"
	"testing"

	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/results"
	"budgetcitoyen/internal/review"
)

func TestDemo2018IsProclaimed(t *testing.T) {
	Seeded.Each(t, func(t *testing.T, d *db.DB, _ string) {
		ctx := context.Background()
		c, err := campaign.BySlug(ctx, d, campaign.PresetPasDeCalais2018)
		if err != nil {
			t.Fatal(err)
		}
		data, err := results.Load(ctx, d, c)
		if err != nil {
			t.Fatal(err)
		}
		res, err := results.Compute(data)
		if err != nil {
			t.Fatal(err)
		}
		if len(data.Projects) != 41 || res.Ballots < 3900 || len(res.Winners) == 0 || res.SpentCents > c.EnvelopeCents {
			t.Fatalf("2018: %d projects, %d ballots, %d winners, spent %d of %d", len(data.Projects), res.Ballots,
				len(res.Winners), res.SpentCents, c.EnvelopeCents)
		}
		dec, err := review.Decision(ctx, d, c.ID)
		if err != nil || dec == nil || len(dec.Grants) != len(res.Winners) {
			t.Fatalf("decision %+v, %v; %d winners", dec, err, len(res.Winners))
		}
		var granted int64
		for _, g := range dec.Grants {
			granted += g.AmountCents
		}
		if granted != res.SpentCents {
			t.Errorf("granted %d, the results spend %d", granted, res.SpentCents)
		}
		if ok, _, err := review.Proclaimed(ctx, d, c.ID); err != nil || !ok {
			t.Errorf("2018 not proclaimed: %v", err)
		}
		t.Logf("2018: %d ballots, %d winners, %d of %d cents", res.Ballots, len(res.Winners), res.SpentCents, c.EnvelopeCents)
		if rep, err := audit.Verify(ctx, d); err != nil || !rep.OK() {
			t.Fatalf("audit after the demo: %v %+v", err, rep)
		}
	})
}
