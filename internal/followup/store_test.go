package followup_test

import (
	"context"
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/followup/followuptest"
)

func TestSettingsStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := followuptest.New(t, d)
		s, err := followup.SettingsOf(ctx, d, f.Campaign.ID)
		if err != nil || len(s.Steps) != 3 || s.AdvancePercent != 50 {
			t.Fatalf("defaults: %+v %v", s, err)
		}
		s.Steps = []string{"Convention signée", "Local aménagé"}
		s.ReportDueOn, _ = campaign.ParseDate("2019-12-31")
		s.StaleMonths = 6
		if err := followup.SaveSettings(ctx, d, f.Campaign.ID, s, f.Now); err != nil {
			t.Fatal(err)
		}
		got, err := followup.SettingsOf(ctx, d, f.Campaign.ID)
		if err != nil || got.StepLabel(2) != "Local aménagé" || got.ReportDueOn.String() != "2019-12-31" || got.StaleMonths != 6 {
			t.Errorf("saved: %+v %v", got, err)
		}
	})
}

// The read model sums the payments, counts the published updates and keeps the latest.
func TestProjectsReadModel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := followuptest.New(t, d)
		id := f.Granted[0]
		pub := f.Now.Add(48 * time.Hour)
		for i, st := range []string{"published", "pending", "published"} {
			var at any
			if st == "published" {
				at = pub.Add(time.Duration(i) * time.Hour)
			}
			if _, err := d.ExecContext(ctx, `INSERT INTO followup_updates (dossier_id, campaign_id, status, title, body,
				step, progress, created_at, published_at) VALUES ($1, $2, $3, 'Jalon', 'Texte', 1, 40, $4, $5)`,
				id, f.Campaign.ID, st, f.Now, at); err != nil {
				t.Fatal(err)
			}
		}
		for _, amount := range []int64{4_000_00, 1_000_00} {
			if _, err := d.ExecContext(ctx, `INSERT INTO followup_payments (dossier_id, campaign_id, kind, amount_cents,
				paid_on, recorded_at) VALUES ($1, $2, 'advance', $3, '2019-03-01', $4)`, id, f.Campaign.ID, amount, f.Now); err != nil {
				t.Fatal(err)
			}
		}
		if err := followup.SetStepProgress(ctx, d, f.Campaign.ID, id, 2, new(40), f.Now); err != nil {
			t.Fatal(err)
		}
		if err := followup.SetStepProgress(ctx, d, f.Campaign.ID, id, 1, nil, f.Now); err != nil {
			t.Fatal(err)
		}
		ps, err := followup.Projects(ctx, d, f.Campaign.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != len(f.Granted) {
			t.Fatalf("%d projects, want the %d granted ones", len(ps), len(f.Granted))
		}
		p, err := followup.ProjectOf(ctx, d, id)
		if err != nil {
			t.Fatal(err)
		}
		want := pub.Add(2 * time.Hour)
		if p.PaidCents != 5_000_00 || p.GrantedCents != f.GrantCents[0] || p.Updates != 2 || p.Pending != 1 ||
			p.Step != 2 || p.Progress != 40 || p.LastUpdateAt == nil || !p.LastUpdateAt.Equal(want) || p.State != dossier.StateGranted {
			t.Errorf("project: %+v (last %v, want %v)", p, p.LastUpdateAt, want)
		}
		if _, err := followup.ProjectOf(ctx, d, f.NotFunded); err == nil {
			t.Error("a project not funded has a follow-up")
		}
		us, err := followup.Updates(ctx, d, id, true)
		if err != nil || len(us) != 2 {
			t.Errorf("public updates: %d %v", len(us), err)
		}
		feed, err := followup.PublishedUpdates(ctx, d, f.Campaign.ID, 1)
		if err != nil || len(feed) != 1 || feed[0].PublishedAt == nil || !feed[0].PublishedAt.Equal(want) {
			t.Errorf("feed: %+v %v", feed, err)
		}
	})
}
