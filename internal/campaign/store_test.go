package campaign_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

func preset(t *testing.T) *campaign.Campaign {
	t.Helper()
	c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// t0 is the clock of the writes whose time the tests do not look at.
var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func TestStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// The clock is the caller's, kept to the microsecond in UTC.
		created := time.Date(2026, 3, 1, 10, 30, 0, 123456789, time.FixedZone("CET", 3600))

		// Insert, then read back exactly what was saved.
		c := preset(t)
		env := int64(100_000_00)
		c.Categories[2].EnvelopeCents = &env
		c.Categories[1].Rule = c.Categories[1].Rule.WithFloor(1_000_00)
		c.ContactEmail = "budget@example.org"
		c.Archived = true
		if err := campaign.Insert(ctx, d, c, created); err != nil {
			t.Fatal(err)
		}
		wantStamp := time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.UTC)
		if c.ID == 0 || !c.CreatedAt.Equal(wantStamp) || !c.UpdatedAt.Equal(wantStamp) {
			t.Fatalf("after Insert: id %d, created %v, updated %v", c.ID, c.CreatedAt, c.UpdatedAt)
		}
		for i, cat := range c.Categories {
			if cat.ID == 0 || cat.Position != i {
				t.Errorf("category %d: id %d position %d", i, cat.ID, cat.Position)
			}
		}
		got, err := campaign.ByID(ctx, d, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Fatalf("ByID:\n got %+v\nwant %+v", got, c)
		}
		got, err = campaign.BySlug(ctx, d, "pas-de-calais-2018")
		if err != nil || !reflect.DeepEqual(got, c) {
			t.Fatalf("BySlug: %v\n got %+v\nwant %+v", err, got, c)
		}
		// The phase windows compare in SQL as instants.
		var open string
		vote, _ := c.Window(campaign.PhaseVote)
		if err := d.QueryRowContext(ctx, `SELECT phase FROM campaign_phases WHERE campaign_id = $1
			AND starts_at <= $2 AND ends_at >= $2`, c.ID, vote.Start).Scan(&open); err != nil || open != "vote" {
			t.Errorf("phase open at the vote's start, in SQL: %q, %v", open, err)
		}

		// A second campaign with the same slug is refused with a field error.
		dup := preset(t)
		err = campaign.Insert(ctx, d, dup, t0)
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.Conflict || e.Fields[campaign.FieldSlug].Key != "campaign.slug.taken" {
			t.Fatalf("duplicate slug: %v", err)
		}
		if n, _ := campaign.Count(ctx, d); n != 1 {
			t.Errorf("Count after refused insert = %d", n)
		}

		// The next edition, copied: List gives it first.
		next := campaign.CopyForEdition(c, "budget-citoyen-2019", "Budget citoyen 2019", 1)
		if err := campaign.Insert(ctx, d, next, t0); err != nil {
			t.Fatal(err)
		}
		list, err := campaign.List(ctx, d)
		if err != nil || len(list) != 2 || list[0].ID != next.ID || list[1].ID != c.ID {
			t.Fatalf("List: %v, %d campaigns", err, len(list))
		}
		if list[0].CopiedFrom == nil || *list[0].CopiedFrom != c.ID || !reflect.DeepEqual(&list[1], c) {
			t.Errorf("List content differs: %+v", list)
		}
		if n, err := campaign.Count(ctx, d); err != nil || n != 2 {
			t.Errorf("Count = %d, %v", n, err)
		}
		for slug, want := range map[string]bool{"budget-citoyen-2019": true, "budget-citoyen-2020": false} {
			if got, err := campaign.Exists(ctx, d, slug); err != nil || got != want {
				t.Errorf("Exists(%s) = %v, %v", slug, got, err)
			}
		}

		// Renaming onto the other campaign's slug is refused too.
		next.Slug = c.Slug
		if err := campaign.Update(ctx, d, next, t0); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("Update to a taken slug: %v", err)
		}
		next.Slug = "budget-citoyen-2019"
	})
}

func TestUpdateKeepsCategoryIDs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := preset(t)
		if err := campaign.Insert(ctx, d, c, t0); err != nil {
			t.Fatal(err)
		}
		ids := []int64{c.Categories[0].ID, c.Categories[1].ID, c.Categories[2].ID}
		created := c.CreatedAt

		// Through the admin form, as a handler would: edit row 1, delete row 0, swap the
		// order of the others, add one, move the vote by a day.
		v := campaign.FormValues(c)
		v.Set("cat0_delete", "1")
		v.Set("cat1_name", "Innovation sociale et solidaire")
		v.Set("cat1_rate", "12,5")
		// Swap rows 1 and 2 by exchanging their fields.
		row := func(i int) map[string]string {
			m := map[string]string{}
			for _, s := range []string{"id", "name", "description", "rule", "flat", "rate", "cap", "floor"} {
				m[s] = v.Get(campaign.CatField(i, s))
			}
			return m
		}
		r1, r2 := row(1), row(2)
		for s, val := range r2 {
			v.Set(campaign.CatField(1, s), val)
		}
		for s, val := range r1 {
			v.Set(campaign.CatField(2, s), val)
		}
		v.Set("cat3_name", "Transition écologique")
		v.Set("cat3_rule", "flat")
		v.Set("cat3_flat", "3 000")
		v.Set("phase_vote_start", "2018-09-06")
		edited, fe := campaign.ParseForm(v)
		if fe != nil {
			t.Fatalf("form errors: %v", fe)
		}
		edited.ID = c.ID
		edited2 := created.Add(time.Hour)
		if err := campaign.Update(ctx, d, edited, edited2); err != nil {
			t.Fatal(err)
		}
		got, err := campaign.ByID(ctx, d, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.UpdatedAt.Equal(edited2.Truncate(time.Microsecond)) || got.UpdatedAt.Equal(got.CreatedAt) {
			t.Errorf("after Update: created %v, updated %v, want updated %v", got.CreatedAt, got.UpdatedAt, edited2)
		}
		wantNames := []string{"Coopération entre structures", "Innovation sociale et solidaire", "Transition écologique"}
		wantIDs := []int64{ids[2], ids[1], 0}
		if len(got.Categories) != 3 {
			t.Fatalf("categories: %+v", got.Categories)
		}
		for i, cat := range got.Categories {
			if cat.Name != wantNames[i] || cat.Position != i || (wantIDs[i] != 0 && cat.ID != wantIDs[i]) {
				t.Errorf("category %d = %d %q at %d, want %d %q", i, cat.ID, cat.Name, cat.Position, wantIDs[i], wantNames[i])
			}
		}
		if id := got.Categories[2].ID; id == 0 || id == ids[0] || id == ids[1] || id == ids[2] {
			t.Errorf("new category id %d", id)
		}
		if got.Categories[1].Rule.RateBP != 1250 {
			t.Errorf("rate not updated: %+v", got.Categories[1].Rule)
		}
		if first, _, _ := got.Days(campaign.PhaseVote); first != (campaign.Date{Year: 2018, Month: 9, Day: 6}) {
			t.Errorf("vote starts %v", first)
		}
		if !got.CreatedAt.Equal(created) || got.UpdatedAt.Before(created) {
			t.Errorf("created %v (want %v), updated %v", got.CreatedAt, created, got.UpdatedAt)
		}
		edited.CreatedAt = created
		if !reflect.DeepEqual(got, edited) {
			t.Errorf("read back differs from the update:\n got %+v\nwant %+v", got, edited)
		}
		var n int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM categories WHERE id = $1", ids[0]).Scan(&n); err != nil || n != 0 {
			t.Errorf("deleted category still there: %d, %v", n, err)
		}

		// A category ID of another campaign is refused, and nothing changes.
		other := campaign.CopyForEdition(c, "autre-2019", "Autre", 1)
		if err := campaign.Insert(ctx, d, other, t0); err != nil {
			t.Fatal(err)
		}
		got.Categories[0].ID = other.Categories[0].ID
		got.Name = "Changed"
		if err := campaign.Update(ctx, d, got, t0); !apperr.IsKind(err, apperr.Invalid) {
			t.Errorf("foreign category id: %v", err)
		}
		if again, _ := campaign.ByID(ctx, d, c.ID); again.Name == "Changed" {
			t.Error("a refused update was partly saved")
		}
	})
}

func TestNotFound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := campaign.ByID(ctx, d, 42); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("ByID: %v", err)
		}
		if _, err := campaign.BySlug(ctx, d, "nulle-part"); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("BySlug: %v", err)
		}
		c := preset(t)
		c.ID = 42
		if err := campaign.Update(ctx, d, c, t0); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("Update: %v", err)
		}
		bad := preset(t)
		bad.EnvelopeCents = 0
		if err := campaign.Insert(ctx, d, bad, t0); !apperr.IsKind(err, apperr.Invalid) {
			t.Errorf("Insert of an invalid campaign: %v", err)
		}
		if list, err := campaign.List(ctx, d); err != nil || len(list) != 0 {
			t.Errorf("List on an empty database: %v, %v", list, err)
		}
	})
}

func TestStoreInCallersTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := preset(t)
		// Saved inside a transaction that then fails: nothing remains.
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if err := campaign.Insert(ctx, tx, c, t0); err != nil {
				return err
			}
			if _, err := campaign.ByID(ctx, tx, c.ID); err != nil {
				return err
			}
			return context.Canceled
		})
		if err != context.Canceled {
			t.Fatalf("InTx: %v", err)
		}
		if n, _ := campaign.Count(ctx, d); n != 0 {
			t.Errorf("%d campaigns after rollback", n)
		}
		var phases, cats int
		_ = d.QueryRowContext(ctx, "SELECT COUNT(*) FROM campaign_phases").Scan(&phases)
		_ = d.QueryRowContext(ctx, "SELECT COUNT(*) FROM categories").Scan(&cats)
		if phases != 0 || cats != 0 {
			t.Errorf("%d phases and %d categories after rollback", phases, cats)
		}
	})
}
