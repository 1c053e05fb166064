package db_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		n, err := d.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("second Migrate applied %d migrations, want 0", n)
		}
		migs, err := db.Migrations(d.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		v, err := d.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := migs[len(migs)-1].Version; v != want {
			t.Errorf("version = %d, want %d", v, want)
		}
	})
}

func TestEachDialectHasEveryMigration(t *testing.T) {
	// A migration written once per dialect must exist for both, under the same version.
	versions := map[db.Dialect][]string{}
	for _, d := range []db.Dialect{db.SQLite, db.Postgres} {
		migs, err := db.Migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range migs {
			versions[d] = append(versions[d], fmt.Sprint(m.Version))
		}
	}
	if s, p := strings.Join(versions[db.SQLite], " "), strings.Join(versions[db.Postgres], " "); s != p {
		t.Errorf("migration versions differ:\nsqlite   %s\npostgres %s", s, p)
	}
}

func TestConcurrentMigrate(t *testing.T) {
	// Several processes starting together must not apply a migration twice.
	d := dbtest.SQLite(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := d.Migrate(context.Background())
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestInTxRollsBackOnError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		now := time.Now().UTC()
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO accounts (email, created_at) VALUES ($1, $2)", "a@example.org", now); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx error = %v, want boom", err)
		}
		var n int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM accounts").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("rolled-back insert is visible: %d rows", n)
		}
	})
}

func TestUniqueViolationAndTimeRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		at := time.Date(2018, 9, 5, 22, 0, 0, 123456000, time.UTC)
		if _, err := d.ExecContext(ctx, "INSERT INTO accounts (email, created_at) VALUES ($1, $2)", "a@example.org", at); err != nil {
			t.Fatal(err)
		}
		_, err := d.ExecContext(ctx, "INSERT INTO accounts (email, created_at) VALUES ($1, $2)", "a@example.org", at)
		if !db.IsUniqueViolation(err) {
			t.Fatalf("duplicate e-mail: err = %v, want a unique violation", err)
		}
		var got time.Time
		if err := d.QueryRowContext(ctx, "SELECT created_at FROM accounts WHERE email = $1", "a@example.org").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !got.Equal(at) {
			t.Errorf("time round trip: got %v, want %v", got, at)
		}
		// Instants compare in SQL as instants.
		var n int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM accounts WHERE created_at < $1", at.Add(time.Millisecond)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("created_at < at+1ms matched %d rows, want 1", n)
		}
	})
}

func TestOpenRejectsUnknownURL(t *testing.T) {
	if _, err := db.Open(context.Background(), "mysql://x", t.TempDir()); err == nil {
		t.Fatal("Open accepted a mysql URL")
	}
}
