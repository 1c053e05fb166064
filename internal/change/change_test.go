package change_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/mail"
)

var now = time.Date(2018, 9, 10, 12, 0, 0, 0, time.UTC) // during the 2018 vote

func setup(t *testing.T, d *db.DB) (*campaign.Campaign, access.Actor, access.Actor) {
	t.Helper()
	ctx := context.Background()
	c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	if err := campaign.Insert(ctx, d, c, now); err != nil {
		t.Fatal(err)
	}
	mk := func(email string, role access.Role) access.Actor {
		a, err := account.Create(ctx, d, email, "", now)
		if err != nil {
			t.Fatal(err)
		}
		if err := account.MarkVerified(ctx, d, a.ID, now); err != nil {
			t.Fatal(err)
		}
		if err := account.GrantRole(ctx, d, a.ID, role, nil, now); err != nil {
			t.Fatal(err)
		}
		a.Roles, _ = account.Grants(ctx, d, a.ID)
		return access.ActorFor(a)
	}
	return c, mk("agent@example.org", access.Agent), mk("citizen@example.org", access.Citizen)
}

// touch is a change that writes one e-mail and reports a state, or fails with err.
func touch(err error) func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
	return func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
		if _, e := tx.ExecContext(ctx, "UPDATE campaigns SET description = 'changed'"); e != nil {
			return change.Outcome{}, e
		}
		if err != nil {
			return change.Outcome{}, err
		}
		return change.Outcome{EntityID: "1", Before: map[string]string{"s": "a"}, After: map[string]string{"s": "b"},
			Mails: []mail.Message{{To: "citizen@example.org", Subject: "Votre projet", Body: "…"}}}, nil
	}
}

func counts(t *testing.T, d *db.DB) (auditN, mailN int, desc string) {
	t.Helper()
	ctx := context.Background()
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&auditN); err != nil {
		t.Fatal(err)
	}
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM outbox").Scan(&mailN); err != nil {
		t.Fatal(err)
	}
	if err := d.QueryRowContext(ctx, "SELECT description FROM campaigns").Scan(&desc); err != nil {
		t.Fatal(err)
	}
	return auditN, mailN, desc
}

func TestDo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c, agent, citizen := setup(t, d)
		env := change.Env{DB: d, Now: func() time.Time { return now }}
		ctx := context.Background()
		req := func(actor access.Actor, phases []campaign.Phase, apply func(context.Context, *db.Tx) (change.Outcome, error)) change.Request {
			return change.Request{Who: change.By(actor), Permission: access.PermManageCampaigns, Campaign: c.During(phases...),
				Action: "test.touch", EntityKind: "campaign", Apply: apply}
		}
		cases := []struct {
			name     string
			r        change.Request
			wantKind apperr.Kind // "" = success
			wantErr  error
		}{
			{"visitor", req(access.Visitor, nil, touch(nil)), apperr.Unauthenticated, nil},
			{"wrong role", req(citizen, nil, touch(nil)), apperr.Forbidden, nil},
			{"phase closed", req(agent, []campaign.Phase{campaign.PhaseDossiers}, touch(nil)), apperr.Conflict, nil},
			{"illegal state", req(agent, nil, touch(apperr.New(apperr.Conflict, "test.state"))), apperr.Conflict, nil},
			{"internal failure", req(agent, nil, touch(errors.New("disk full"))), "", errors.New("x")},
		}
		for _, tc := range cases {
			_, err := change.Do(ctx, env, tc.r)
			if tc.wantKind != "" && !apperr.IsKind(err, tc.wantKind) {
				t.Errorf("%s: err = %v, want kind %s", tc.name, err, tc.wantKind)
			}
			if tc.wantErr != nil && err == nil {
				t.Errorf("%s: no error", tc.name)
			}
			if a, m, desc := counts(t, d); a != 0 || m != 0 || desc == "changed" {
				t.Fatalf("%s: a refused change left traces: %d audit entries, %d e-mails, description %q", tc.name, a, m, desc)
			}
		}
		// Allowed, in the open phase: change, audit entry and e-mail together.
		out, err := change.Do(ctx, env, req(agent, []campaign.Phase{campaign.PhaseVote}, touch(nil)))
		if err != nil || out.EntityID != "1" {
			t.Fatalf("allowed change: %v", err)
		}
		if a, m, desc := counts(t, d); a != 1 || m != 1 || desc != "changed" {
			t.Fatalf("allowed change: %d audit entries, %d e-mails, description %q", a, m, desc)
		}
		entries, err := audit.List(ctx, d, audit.Filter{})
		if err != nil || len(entries) != 1 {
			t.Fatal(err)
		}
		e := entries[0]
		if e.Actor != "account" || e.ActorID == nil || *e.ActorID != agent.ID() || e.Action != "test.touch" ||
			e.Before != `{"s":"a"}` || e.After != `{"s":"b"}` || e.CampaignID == nil || *e.CampaignID != c.ID {
			t.Errorf("audit entry %+v", e)
		}
		// A system change skips the permission check and is labelled.
		sys := req(access.Visitor, nil, touch(nil))
		sys.Who = change.System("cli")
		if _, err := change.Do(ctx, env, sys); err != nil {
			t.Fatal(err)
		}
		entries, _ = audit.List(ctx, d, audit.Filter{})
		if entries[0].Actor != "cli" || entries[0].ActorID != nil {
			t.Errorf("system entry %+v", entries[0])
		}
	})
}
