package demo

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
)

// The 2018 winners are followed to their end: most completed with an accepted final report
// and every euro paid, one abandoned before any payment, one late (under way, no report);
// the demo carrier carries the late one. With blobs, the work's updates carry photos.
func TestDemo2018FollowUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		blobs := dossier.LocalBlobs{Dir: filepath.Join(t.TempDir(), "blobs")}
		now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
		if err := SeedWith(ctx, d, now, TestPasswords, blobs); err != nil {
			t.Fatal(err)
		}
		c, err := campaign.BySlug(ctx, d, campaign.PresetPasDeCalais2018)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := followup.Projects(ctx, d, c.ID)
		if err != nil || len(ps) < 3 {
			t.Fatalf("%d followed projects, %v", len(ps), err)
		}
		count := map[dossier.State]int{}
		for _, p := range ps {
			count[p.State]++
			r, err := followup.ReportOf(ctx, d, p.DossierID)
			if err != nil {
				t.Fatal(err)
			}
			switch p.State {
			case dossier.StateCompleted:
				if p.PaidCents != p.GrantedCents || r == nil || r.Status != followup.ReportAccepted || p.Progress != 100 {
					t.Errorf("completed %q: paid %d of %d, report %+v", p.Title, p.PaidCents, p.GrantedCents, r)
				}
			case dossier.StateAbandoned:
				if p.PaidCents != 0 || r != nil {
					t.Errorf("abandoned %q: paid %d, report %+v", p.Title, p.PaidCents, r)
				}
			case dossier.StateInProgress:
				if r != nil || p.PaidCents == 0 || p.PaidCents >= p.GrantedCents {
					t.Errorf("late %q: paid %d of %d, report %+v", p.Title, p.PaidCents, p.GrantedCents, r)
				}
				st, err := followup.SettingsOf(ctx, d, c.ID)
				if err != nil || !followup.ReportLate(st, c.Location(), p, now) {
					t.Errorf("%q is not late on its report (%v)", p.Title, err)
				}
				members, err := dossier.Members(ctx, d, p.StructureID)
				if err != nil || len(members) != 1 || members[0].Email != "porteur@demo.budgetcitoyen.test" {
					t.Errorf("the late project's members: %+v %v", members, err)
				}
			}
		}
		if count[dossier.StateAbandoned] != 1 || count[dossier.StateInProgress] != 1 || count[dossier.StateCompleted] != len(ps)-2 {
			t.Errorf("states: %v", count)
		}
		ms, err := followup.MilestonesOf(ctx, d, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		reasons := 0
		for _, m := range ms {
			if m.Reason != "" {
				reasons++
			}
		}
		if reasons != 1 {
			t.Errorf("%d public reasons of abandonment, want 1", reasons)
		}
		photos := 0
		for _, p := range ps {
			us, err := followup.Updates(ctx, d, p.DossierID, true)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range us {
				photos += len(u.Photos)
			}
		}
		if photos < len(ps)-1 {
			t.Errorf("%d photos for %d projects", photos, len(ps))
		}
	})
}
