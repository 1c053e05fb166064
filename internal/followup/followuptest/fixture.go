// Package followuptest builds, for the follow-up's tests, a campaign whose projects were
// granted by the Commission permanente: the rows the follow-up starts from, written
// directly (the review's own tests cover how a dossier gets there).
package followuptest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
)

// Fixture is a 2018 campaign with four granted projects (the first carried by Carrier's
// structure), one not funded, an agent and a clock.
type Fixture struct {
	DB       *db.DB
	Campaign *campaign.Campaign
	Agent    change.Who
	Carrier  change.Who
	// Granted are the granted dossiers; GrantCents their amounts.
	Granted    []int64
	GrantCents []int64
	NotFunded  int64
	Now        time.Time
}

// Env is the change environment of the fixture's clock.
func (f *Fixture) Env() change.Env {
	return change.Env{DB: f.DB, Now: func() time.Time { return f.Now }}
}

// New builds the fixture on d.
func New(t testing.TB, d *db.DB) *Fixture {
	t.Helper()
	ctx := context.Background()
	f := &Fixture{DB: d, Now: time.Date(2019, 2, 1, 10, 0, 0, 0, time.UTC)}
	c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	if err := campaign.Insert(ctx, d, c, f.Now); err != nil {
		t.Fatal(err)
	}
	f.Campaign = c
	f.Agent = change.Who{Actor: person(t, d, "agent@exemple.fr", "Karim", access.Agent, f.Now)}
	f.Carrier = change.Who{Actor: person(t, d, "porteuse@exemple.fr", "Nadia", "", f.Now)}
	for i := 0; i < 5; i++ {
		st := &dossier.Structure{Name: fmt.Sprintf("Association %d", i), LegalForm: dossier.FormAssociation, Commune: "62041"}
		owner := int64(0)
		if i == 0 {
			owner = f.Carrier.Actor.ID()
		}
		if err := dossier.InsertStructure(ctx, d, st, owner, f.Now); err != nil {
			t.Fatal(err)
		}
		state, amount := dossier.StateGranted, int64(8_000_00+i*1_000_00)
		if i == 4 {
			state = dossier.StateNotFunded
		}
		sub := f.Now.AddDate(0, -9, 0)
		ds := &dossier.Dossier{CampaignID: c.ID, StructureID: st.ID, CategoryID: c.Categories[i%3].ID, State: state,
			Title: fmt.Sprintf("Projet %d", i), SubmittedAt: &sub, SupportCents: amount, Communes: []string{"62041"}}
		if err := dossier.Insert(ctx, d, ds, f.Now); err != nil {
			t.Fatal(err)
		}
		if state == dossier.StateNotFunded {
			f.NotFunded = ds.ID
			continue
		}
		if _, err := d.ExecContext(ctx, `INSERT INTO review_grants (dossier_id, campaign_id, amount_cents, computed_cents)
			VALUES ($1, $2, $3, $3)`, ds.ID, c.ID, amount); err != nil {
			t.Fatal(err)
		}
		f.Granted = append(f.Granted, ds.ID)
		f.GrantCents = append(f.GrantCents, amount)
	}
	return f
}

// person creates a verified account with role (none when "").
func person(t testing.TB, d *db.DB, email, name string, role access.Role, now time.Time) access.Actor {
	t.Helper()
	ctx := context.Background()
	a, err := account.Create(ctx, d, email, name, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := account.MarkVerified(ctx, d, a.ID, now); err != nil {
		t.Fatal(err)
	}
	if role != "" {
		if err := account.GrantRole(ctx, d, a.ID, role, nil, now); err != nil {
			t.Fatal(err)
		}
	}
	a, err = account.ByID(ctx, d, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return access.ActorFor(a)
}

// State returns a dossier's state.
func (f *Fixture) State(t testing.TB, id int64) dossier.State {
	t.Helper()
	ds, err := dossier.ByID(context.Background(), f.DB, id)
	if err != nil {
		t.Fatal(err)
	}
	return ds.State
}

// Afresh puts funded projects of the demo back as they were on the day of their grant: no
// update, payment, report or follow-up row, state granted (their history up to the grant is kept). Tests of
// the follow-up's first steps start from the demo's 2018 projects, which the demo follows
// to their end.
func Afresh(t testing.TB, d *db.DB, dossierIDs ...int64) {
	t.Helper()
	ctx := context.Background()
	for _, id := range dossierIDs {
		for _, q := range []string{
			"DELETE FROM followup_photos WHERE update_id IN (SELECT id FROM followup_updates WHERE dossier_id = $1)",
			"DELETE FROM followup_updates WHERE dossier_id = $1",
			"DELETE FROM followup_payments WHERE dossier_id = $1",
			"DELETE FROM followup_report_files WHERE dossier_id = $1",
			"DELETE FROM followup_reports WHERE dossier_id = $1",
			"DELETE FROM followup_projects WHERE dossier_id = $1",
			"DELETE FROM review_history WHERE dossier_id = $1 AND to_state IN ('in_progress', 'completed', 'abandoned')",
			"UPDATE dossiers SET state = 'granted' WHERE id = $1",
		} {
			if _, err := d.ExecContext(ctx, q, id); err != nil {
				t.Fatalf("afresh dossier %d: %s: %v", id, q, err)
			}
		}
	}
}

// Completed returns the ids of a campaign's completed projects, at most n, by id.
func Completed(t testing.TB, d *db.DB, campaignID int64, n int) []int64 {
	t.Helper()
	rows, err := d.QueryContext(context.Background(), `SELECT id FROM dossiers WHERE campaign_id = $1 AND state = 'completed'
		ORDER BY id LIMIT $2`, campaignID, n)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if len(out) < n {
		t.Fatalf("%d completed projects, want %d", len(out), n)
	}
	return out
}
