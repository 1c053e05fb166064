package demo_test

import (
	"context"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/search"
)

func TestSeed(t *testing.T) {
	// Any day of the year must give valid campaigns with the promised phases open.
	days := []time.Time{
		time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC),
		time.Date(2027, 1, 1, 0, 30, 0, 0, time.UTC),
		time.Date(2027, 3, 28, 23, 30, 0, 0, time.UTC), // the night of the change to summer time
		time.Date(2027, 7, 1, 12, 0, 0, 0, time.UTC),
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := days[0]
		ctx := context.Background()
		empty, err := demo.IsEmpty(ctx, d)
		if err != nil || !empty {
			t.Fatalf("IsEmpty on a new database: %v %v", empty, err)
		}
		began := time.Now()
		if err := demo.Seed(ctx, d, now, demo.TestPasswords); err != nil {
			t.Fatal(err)
		}
		// Speed is reported, not asserted: a timed test fails on a busy machine, not on slow code.
		t.Logf("whole demo seeding took %v on %s", time.Since(began), d.Dialect)
		if empty, _ := demo.IsEmpty(ctx, d); empty {
			t.Fatal("IsEmpty after seeding")
		}
		checkCampaigns(t, d, now)
		for _, a := range demo.Accounts(now) {
			got, err := account.Authenticate(ctx, d, demo.TestPasswords, a.Email, a.Password, "", now)
			if err != nil {
				t.Fatalf("demo account %s cannot sign in: %v", a.Email, err)
			}
			actor := access.ActorFor(got)
			open, _ := demo.Slugs(now)
			c, _ := campaign.BySlug(ctx, d, open)
			if !actor.HasRole(a.Role, &c.ID) {
				t.Errorf("%s lacks its role %s", a.Email, a.Role)
			}
		}
		checkSearch(t, d)
		rep, err := audit.Verify(ctx, d)
		if err != nil || !rep.OK() || rep.Entries < 9 { // 9: campaigns and accounts; later areas add their own
			t.Fatalf("audit after seeding: %v %+v", err, rep)
		}
	})
	for _, now := range days[1:] {
		d := dbtest.SQLite(t)
		if err := demo.Seed(context.Background(), d, now, demo.TestPasswords); err != nil {
			t.Fatalf("seed at %v: %v", now, err)
		}
		checkCampaigns(t, d, now)
	}
}

func checkCampaigns(t *testing.T, d *db.DB, now time.Time) {
	t.Helper()
	ctx := context.Background()
	open, vote := demo.Slugs(now)
	if open == vote {
		t.Fatalf("both current campaigns are %s", open)
	}
	want := map[string][]campaign.Phase{
		open: {campaign.PhaseIdeas, campaign.PhaseComptoirs, campaign.PhaseDossiers},
		vote: {campaign.PhaseVote},
	}
	for slug, phases := range want {
		c, err := campaign.BySlug(ctx, d, slug)
		if err != nil {
			t.Fatalf("%s at %v: %v", slug, now, err)
		}
		got := c.OpenPhases(now)
		if len(got) != len(phases) {
			t.Fatalf("%s at %v: open phases %v, want %v", slug, now, got, phases)
		}
		for i := range got {
			if got[i] != phases[i] {
				t.Fatalf("%s at %v: open phases %v, want %v", slug, now, got, phases)
			}
		}
	}
	old, err := campaign.BySlug(ctx, d, campaign.PresetPasDeCalais2018)
	if err != nil || !old.Archived || old.EnvelopeCents != 352_151_00 {
		t.Fatalf("2018 campaign: %v %+v", err, old)
	}
}

// checkSearch: the demo's ideas and dossiers that speak of an « épicerie » are all found
// from « epicerie » and from « épiceries », and only they.
func checkSearch(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	for k, text := range map[search.Kind]string{
		search.Ideas:    "SELECT COUNT(*) FROM ideas WHERE title || ' ' || description || ' ' || structure LIKE '%picerie%'",
		search.Dossiers: "SELECT COUNT(*) FROM dossiers d JOIN structures s ON s.id = d.structure_id WHERE d.title || ' ' || d.summary || ' ' || d.description || ' ' || s.name LIKE '%picerie%'",
	} {
		var want int
		if err := d.QueryRowContext(ctx, text).Scan(&want); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"epicerie", "épiceries"} {
			ids, err := search.Find(ctx, d, k, search.ParseQuery(q))
			if err != nil || want == 0 || len(ids) != want {
				t.Errorf("%s for %q: %d found, %d hold the word (%v)", k, q, len(ids), want, err)
			}
		}
	}
}
