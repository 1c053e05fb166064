package demo

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/vote"
)

func TestDemoBoxes(t *testing.T) {
	Seeded.Each(t, func(t *testing.T, d *db.DB, _ string) {
		ctx := context.Background()
		now := SeededNow
		open, voting := Slugs(now)
		shares, err := Shares(ctx, d, now)
		if err != nil || len(shares) != 6 {
			t.Fatalf("shares: %d %v", len(shares), err)
		}
		for _, s := range shares {
			if !strings.HasPrefix(s.Share, "BC1-") || !strings.HasPrefix(s.Email, "garant") {
				t.Errorf("share %+v", s)
			}
		}
		for _, slug := range []string{open, voting} {
			c, err := campaign.BySlug(ctx, d, slug)
			if err != nil {
				t.Fatal(err)
			}
			b, err := vote.SealedBoxOf(ctx, d, c.ID)
			if err != nil || !b.Sealed() || b.K != TrusteeK || b.N != 3 {
				t.Errorf("box of %s: %+v %v", slug, b, err)
			}
		}
		// Nothing closed yet: nothing unsealed. After the close of the vote open now, its box
		// alone is unsealed, once.
		if done, err := UnsealClosed(ctx, d, now); err != nil || len(done) != 0 {
			t.Fatalf("unseal at seeding: %v %v", done, err)
		}
		c, _ := campaign.BySlug(ctx, d, voting)
		w, _ := c.Window(campaign.PhaseVote)
		later := w.End.Add(time.Hour)
		if done, err := UnsealClosed(ctx, d, later); err != nil || !slices.Equal(done, []string{voting}) {
			t.Fatalf("unseal after the close: %v %v", done, err)
		}
		if done, err := UnsealClosed(ctx, d, later); err != nil || len(done) != 0 {
			t.Fatalf("unseal again: %v %v", done, err)
		}
		if b, err := vote.SealedBoxOf(ctx, d, c.ID); err != nil || b.Sealed() {
			t.Errorf("box of %s after the close: %+v %v", voting, b, err)
		}
		if left, err := Shares(ctx, d, later); err != nil || len(left) != 3 || left[0].Slug != open {
			t.Errorf("shares left: %v %v", left, err)
		}
	})
}
