package db_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

// A cache must forget a row as soon as a write of its process commits, whichever path made
// the write, and never for a write rolled back.
func TestWatchersSeeCommittedChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var seen []int64
		d.Watch("thing", func(id int64) { seen = append(seen, id) })
		d.Watch("other", func(int64) { t.Error("a watcher of another topic was called") })

		d.Changed("thing", 1) // outside a transaction: at once
		if !slices.Equal(seen, []int64{1}) {
			t.Fatalf("after DB.Changed: %v", seen)
		}
		var q db.Querier
		err := d.InTx(ctx, func(tx *db.Tx) error {
			q = tx
			q.Changed("thing", 2)
			q.Changed("thing", 3)
			if len(seen) != 1 {
				t.Errorf("watchers called before the commit: %v", seen)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(seen, []int64{1, 2, 3}) {
			t.Fatalf("after the commit: %v", seen)
		}
		err = d.InTx(ctx, func(tx *db.Tx) error {
			tx.Changed("thing", 4)
			return errors.New("refused")
		})
		if err == nil || len(seen) != 3 {
			t.Fatalf("after a rollback: err %v, seen %v", err, seen)
		}
	})
}
