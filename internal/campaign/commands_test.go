package campaign_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

// People of the commands' tests. The audit log keeps an actor's id without a foreign key, so
// they need no account rows.
var (
	agent    = person(1, "agent@exemple.fr", access.Agent, false)
	citizen  = person(2, "citoyen@exemple.fr", access.Citizen, false)
	disabled = person(3, "ancien@exemple.fr", access.Agent, true)
)

func person(id int64, email string, role access.Role, disabled bool) change.Who {
	return change.By(access.ActorFor(&access.Account{ID: id, Email: email, Disabled: disabled,
		Roles: []access.Grant{{Role: role}}}))
}

func cmdEnv(d *db.DB) change.Env {
	return change.Env{DB: d, Now: func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }}
}

// snapshot is what the campaign commands write: the audit log, the campaigns, their phases
// and categories.
func snapshot(t *testing.T, d *db.DB) string {
	t.Helper()
	return dbtest.Snapshot(t, d,
		"SELECT CAST(COUNT(*) AS TEXT) FROM audit_log",
		"SELECT CAST(id AS TEXT) || ' ' || slug || ' ' || name || ' ' || CAST(updated_at AS TEXT) FROM campaigns ORDER BY id",
		"SELECT CAST(campaign_id AS TEXT) || ' ' || phase || ' ' || CAST(starts_at AS TEXT) FROM campaign_phases ORDER BY campaign_id, phase",
		"SELECT CAST(id AS TEXT) || ' ' || name || ' ' || CAST(position AS TEXT) FROM categories ORDER BY id",
	)
}

// refuse runs each refusal and checks its error and that it left no trace.
func refuse(t *testing.T, d *db.DB, cases []dbtest.Refusal) {
	t.Helper()
	dbtest.Refuse(t, func() string { return snapshot(t, d) }, cases)
}

func lastAudit(t *testing.T, d *db.DB, action string) audit.Entry {
	t.Helper()
	entries, err := audit.List(context.Background(), d, audit.Filter{})
	if err != nil || len(entries) == 0 || entries[0].Action != action {
		t.Fatalf("audit log: %v, %+v, want a last entry of %s", err, entries, action)
	}
	return entries[0]
}

func TestCreate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, env := context.Background(), cmdEnv(d)
		create := func(who change.Who, c *campaign.Campaign) func() error {
			return func() error { return campaign.Create(ctx, env, who, c) }
		}
		var changed []int64
		d.Watch(campaign.Topic, func(id int64) { changed = append(changed, id) })
		c := preset(t)
		if err := create(agent, c)(); err != nil {
			t.Fatal(err)
		}
		if got, err := campaign.BySlug(ctx, d, c.Slug); err != nil || got.ID != c.ID || c.ID == 0 {
			t.Fatalf("created %+v, %v", got, err)
		}
		if len(changed) != 1 || changed[0] != c.ID {
			t.Errorf("watchers told of %v, want [%d]: the copies in memory would stay as they were", changed, c.ID)
		}
		if e := lastAudit(t, d, "campaign.create"); e.Actor != "account" || !strings.Contains(e.After, `"Slug":"pas-de-calais-2018"`) {
			t.Errorf("audit entry %+v", e)
		}
		noSlug := preset(t)
		noSlug.Slug = ""
		refuse(t, d, []dbtest.Refusal{
			{Name: "citizen", Run: create(citizen, preset(t)), Kind: apperr.Forbidden},
			{Name: "visitor", Run: create(change.By(access.Visitor), preset(t)), Kind: apperr.Unauthenticated},
			{Name: "disabled agent", Run: create(disabled, preset(t)), Kind: apperr.Unauthenticated},
			{Name: "slug taken", Run: create(agent, preset(t)), Kind: apperr.Conflict, Field: campaign.FieldSlug, Key: "campaign.slug.taken"},
			{Name: "no slug", Run: create(agent, noSlug), Kind: apperr.Invalid, Field: campaign.FieldSlug, Key: "campaign.slug.required"},
		})
		// The platform creates without a policy check.
		demo := campaign.CopyForEdition(preset(t), "demo-2026", "Démo", 8)
		if err := create(change.System("demo"), demo)(); err != nil {
			t.Fatal(err)
		}
		if e := lastAudit(t, d, "campaign.create"); e.Actor != "demo" {
			t.Errorf("audit entry %+v", e)
		}
	})
}

func TestCopy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, env := context.Background(), cmdEnv(d)
		src := preset(t)
		if err := campaign.Create(ctx, env, change.System("demo"), src); err != nil {
			t.Fatal(err)
		}
		one, twentyOne := 1, 21
		copyOf := func(who change.Who, in campaign.CopyInput) func() error {
			return func() error { _, err := campaign.Copy(ctx, env, who, in); return err }
		}
		refuse(t, d, []dbtest.Refusal{
			{Name: "citizen", Run: copyOf(citizen, campaign.CopyInput{From: src.Slug, Slug: "budget-2019", Name: "2019", Years: &one}), Kind: apperr.Forbidden},
			{Name: "disabled agent", Run: copyOf(disabled, campaign.CopyInput{From: src.Slug, Slug: "budget-2019", Name: "2019", Years: &one}),
				Kind: apperr.Unauthenticated},
			{Name: "no source", Run: copyOf(agent, campaign.CopyInput{Slug: "budget-2019", Name: "2019", Years: &one}),
				Kind: apperr.Invalid, Field: "source", Key: "admin.new.source_required"},
			{Name: "unknown campaign", Run: copyOf(agent, campaign.CopyInput{From: "nulle-part", Slug: "budget-2019", Name: "2019", Years: &one}),
				Kind: apperr.Invalid, Field: "source", Key: "admin.new.source_required"},
			{Name: "unknown preset", Run: copyOf(agent, campaign.CopyInput{Preset: "nulle-part", Slug: "budget-2019", Name: "2019", Years: &one}),
				Kind: apperr.Invalid, Field: "source", Key: "admin.new.source_required"},
			{Name: "no years", Run: copyOf(agent, campaign.CopyInput{From: src.Slug, Slug: "budget-2019", Name: "2019"}),
				Kind: apperr.Invalid, Field: "years", Key: "admin.new.years_invalid"},
			{Name: "too many years", Run: copyOf(agent, campaign.CopyInput{From: src.Slug, Slug: "budget-2019", Name: "2019", Years: &twentyOne}),
				Kind: apperr.Invalid, Field: "years", Key: "admin.new.years_invalid"},
			{Name: "slug taken", Run: copyOf(agent, campaign.CopyInput{From: src.Slug, Slug: src.Slug, Name: "2019", Years: &one}),
				Kind: apperr.Conflict, Field: campaign.FieldSlug, Key: "campaign.slug.taken"},
			{Name: "no name", Run: copyOf(agent, campaign.CopyInput{From: src.Slug, Slug: "budget-2019", Years: &one}),
				Kind: apperr.Invalid, Field: campaign.FieldName, Key: "campaign.name.required"},
		})
		// Both faults of the source and the years are told at once.
		_, err := campaign.Copy(ctx, env, agent, campaign.CopyInput{Slug: "budget-2019", Name: "2019"})
		if ae, ok := apperr.As(err); !ok || !ae.Fields.Has("source") || !ae.Fields.Has("years") {
			t.Errorf("err = %v, want errors on source and years", err)
		}
		c, err := campaign.Copy(ctx, env, agent, campaign.CopyInput{From: src.Slug, Slug: "budget-2019", Name: "Budget 2019", Years: &one})
		if err != nil {
			t.Fatal(err)
		}
		got, err := campaign.BySlug(ctx, d, "budget-2019")
		if err != nil || got.ID != c.ID || got.CopiedFrom == nil || *got.CopiedFrom != src.ID || got.Archived {
			t.Fatalf("copy %+v, %v", got, err)
		}
		was, _ := src.Window(campaign.PhaseVote)
		now, _ := got.Window(campaign.PhaseVote)
		if !now.Start.Equal(was.Start.AddDate(1, 0, 0)) {
			t.Errorf("vote starts %v, want a year after %v", now.Start, was.Start)
		}
		if e := lastAudit(t, d, "campaign.create"); e.EntityID != strconv.FormatInt(c.ID, 10) {
			t.Errorf("audit entry %+v", e)
		}
		fromPreset, err := campaign.Copy(ctx, env, agent, campaign.CopyInput{Preset: campaign.PresetPasDeCalais2018,
			Slug: "budget-2020", Name: "Budget 2020", Years: &one})
		if err != nil || fromPreset.CopiedFrom != nil {
			t.Fatalf("copy of a preset: %+v, %v", fromPreset, err)
		}
	})
}

func TestEdit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, env := context.Background(), cmdEnv(d)
		src := preset(t)
		if err := campaign.Create(ctx, env, change.System("demo"), src); err != nil {
			t.Fatal(err)
		}
		one := 1
		c, err := campaign.Copy(ctx, env, agent, campaign.CopyInput{From: src.Slug, Slug: "budget-2019", Name: "Budget 2019", Years: &one})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := campaign.ByID(ctx, d, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		edited := func(set func(c *campaign.Campaign)) *campaign.Campaign {
			e := stored.Clone()
			set(e)
			return e
		}
		edit := func(who change.Who, c *campaign.Campaign) func() error {
			return func() error { return campaign.Edit(ctx, env, who, c) }
		}
		renamed := edited(func(c *campaign.Campaign) { c.Name = "Budget citoyen 2019" })
		refuse(t, d, []dbtest.Refusal{
			{Name: "citizen", Run: edit(citizen, renamed), Kind: apperr.Forbidden},
			{Name: "visitor", Run: edit(change.By(access.Visitor), renamed), Kind: apperr.Unauthenticated},
			{Name: "disabled agent", Run: edit(disabled, renamed), Kind: apperr.Unauthenticated},
			{Name: "no name", Run: edit(agent, edited(func(c *campaign.Campaign) { c.Name = "" })), Kind: apperr.Invalid, Field: campaign.FieldName, Key: "campaign.name.required"},
			{Name: "slug taken", Run: edit(agent, edited(func(c *campaign.Campaign) { c.Slug = src.Slug })), Kind: apperr.Conflict, Field: campaign.FieldSlug, Key: "campaign.slug.taken"},
			{Name: "unknown campaign", Run: edit(agent, edited(func(c *campaign.Campaign) { c.ID = 999999 })), Kind: apperr.NotFound},
			{Name: "category of another campaign", Run: edit(agent, edited(func(c *campaign.Campaign) { c.Categories[0].ID = src.Categories[0].ID })),
				Kind: apperr.Invalid},
		})
		// What an edit does not change comes from the stored campaign.
		renamed.CopiedFrom, renamed.CreatedAt = nil, time.Time{}
		if err := edit(agent, renamed)(); err != nil {
			t.Fatal(err)
		}
		got, err := campaign.ByID(ctx, d, c.ID)
		if err != nil || got.Name != "Budget citoyen 2019" || got.CopiedFrom == nil || *got.CopiedFrom != src.ID ||
			!got.CreatedAt.Equal(stored.CreatedAt) || got.Categories[0].ID != stored.Categories[0].ID {
			t.Fatalf("edited %+v, %v", got, err)
		}
		e := lastAudit(t, d, "campaign.update")
		if e.CampaignID == nil || *e.CampaignID != c.ID || !strings.Contains(e.Before, `"Name":"Budget 2019"`) ||
			!strings.Contains(e.After, `"Name":"Budget citoyen 2019"`) {
			t.Errorf("audit entry %+v", e)
		}
	})
}
