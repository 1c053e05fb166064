package audit_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

func appendN(t *testing.T, d *db.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := audit.Append(ctx, d, tx, audit.Entry{
				At: time.Now(), Actor: "cli", Action: "dossier.grant_extension", EntityKind: "dossier",
				EntityID: fmt.Sprint(i), Before: `{"state":"draft"}`, After: `{"state":"submitted"}`,
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func verify(t *testing.T, d *db.DB) audit.Report {
	t.Helper()
	rep, err := audit.Verify(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestChainDetectsTampering(t *testing.T) {
	tamper := []struct {
		name, sql string
		want      string
	}{
		{"edit content", "UPDATE audit_log SET after_json = '{\"state\":\"granted\"}' WHERE id = 2", "edited"},
		{"edit actor", "UPDATE audit_log SET actor = 'someone' WHERE id = 1", "edited"},
		{"delete middle", "DELETE FROM audit_log WHERE id = 2", "deleted or inserted"},
		{"delete newest", "DELETE FROM audit_log WHERE id = 3", "newest entries"},
	}
	for _, tc := range tamper {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				appendN(t, d, 3)
				if rep := verify(t, d); !rep.OK() || rep.Entries != 3 {
					t.Fatalf("fresh log: %+v", rep)
				}
				if _, err := d.ExecContext(context.Background(), tc.sql); err != nil {
					t.Fatal(err)
				}
				rep := verify(t, d)
				if rep.OK() {
					t.Fatalf("tampering (%s) not detected", tc.sql)
				}
				var all []string
				for _, p := range rep.Problems {
					all = append(all, p.What)
				}
				if !strings.Contains(strings.Join(all, "; "), tc.want) {
					t.Errorf("problems %q do not mention %q", all, tc.want)
				}
			})
		})
	}
}

func TestConcurrentAppendsChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				appendN(t, d, 5)
			}()
		}
		wg.Wait()
		rep := verify(t, d)
		if !rep.OK() || rep.Entries != 20 {
			t.Fatalf("after concurrent appends: %+v", rep)
		}
	})
}

func TestListFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		appendN(t, d, 4)
		ctx := context.Background()
		got, err := audit.List(ctx, d, audit.Filter{EntityKind: "dossier", EntityID: "2"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].EntityID != "2" {
			t.Fatalf("filter by entity: %+v", got)
		}
		got, err = audit.List(ctx, d, audit.Filter{Action: "dossier.grant_"})
		if err != nil || len(got) != 4 {
			t.Fatalf("filter by action prefix: %d entries, %v", len(got), err)
		}
		if got[0].ID < got[1].ID {
			t.Error("not newest first")
		}
		got, err = audit.List(ctx, d, audit.Filter{Action: "dossier.grant%"})
		if err != nil || len(got) != 0 {
			t.Fatalf("LIKE wildcard in filter was not escaped: %d entries, %v", len(got), err)
		}
	})
}
