package account

import (
	"context"
	"testing"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

func TestShownByID(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		named, err := Create(ctx, d, "camille@exemple.fr", "Camille Martin", t0)
		if err != nil {
			t.Fatal(err)
		}
		nameless, err := Create(ctx, d, "votant@exemple.fr", "", t0)
		if err != nil {
			t.Fatal(err)
		}
		deleted, err := Create(ctx, d, "parti@exemple.fr", "Parti Ailleurs", t0)
		if err != nil {
			t.Fatal(err)
		}
		// Deleted by its owner: anonymised in place.
		if _, err := Anonymise(ctx, d, deleted.ID, t0); err != nil {
			t.Fatal(err)
		}
		got, err := ShownByID(ctx, d, []int64{named.ID, nameless.ID, deleted.ID, named.ID, 999999})
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]Shown{
			named.ID:    {Name: "Camille Martin", Email: "camille@exemple.fr"},
			nameless.ID: {Email: "votant@exemple.fr"},
			deleted.ID:  {Deleted: true},
		}
		if len(got) != len(want) {
			t.Errorf("got %d accounts, want %d: %+v", len(got), len(want), got)
		}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("account %d shown as %+v, want %+v", id, got[id], w)
			}
		}
		if none, err := ShownByID(ctx, d, nil); err != nil || len(none) != 0 {
			t.Errorf("no ids: %+v, %v", none, err)
		}
	})
}
