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
