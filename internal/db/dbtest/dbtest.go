// Package dbtest gives tests real, freshly migrated databases: an SQLite file in a temporary
// folder and a PostgreSQL schema of its own, so that one storage suite runs against both.
// A Template gives each test its own copy of a database seeded once per test binary.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	// The audit package registers the Go step of migration 0017 (see db.Step): without it
	// no database could be migrated to the last version.
	_ "budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/db"
	// The search package registers the Go step of migration 0030, which fills its index.
	_ "budgetcitoyen/internal/search"
)

// DefaultPostgresURL is used when BC_TEST_POSTGRES_URL is not set.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// RequireAll reports whether a missing component must fail the test instead of skipping it
// (CI sets BC_REQUIRE_ALL=1 so that nothing is silently left untested).
func RequireAll() bool { return os.Getenv("BC_REQUIRE_ALL") == "1" }

// SkipOrFail skips the test with a loud message, or fails it when BC_REQUIRE_ALL=1.
func SkipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if RequireAll() {
		t.Fatalf("BC_REQUIRE_ALL=1 and a required component is missing: "+format, args...)
	}
	t.Logf("!!!!!!!! SKIPPED: "+format+" !!!!!!!!", args...)
	t.SkipNow()
}

// Each runs fn twice, as subtests "sqlite" and "postgres", each on a new migrated database.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// EachEmpty is Each on databases where no migration is applied yet: for the tests of a
// migration, which apply the ones before it themselves.
func EachEmpty(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLiteEmpty(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, PostgresEmpty(t)) })
}

// SQLite returns a migrated database in a new temporary folder, closed at the end of the test.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	return migrated(t, SQLiteEmpty(t))
}

// SQLiteEmpty is SQLite without the migrations.
func SQLiteEmpty(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "test.db"), "")
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func migrated(t testing.TB, d *db.DB) *db.DB {
	t.Helper()
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", d.Dialect, err)
	}
	return d
}

var (
	pgOnce   sync.Once
	pgErr    error
	pgBaseDB *db.DB
)

// PostgresURL is the test PostgreSQL server: BC_TEST_POSTGRES_URL, or DefaultPostgresURL.
func PostgresURL() string {
	if u := os.Getenv("BC_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// Postgres returns a migrated database in a new schema of the test PostgreSQL server, dropped
// at the end of the test. Without a reachable server it skips (or fails under BC_REQUIRE_ALL).
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	return migrated(t, PostgresEmpty(t))
}

// PostgresEmpty is Postgres without the migrations.
func PostgresEmpty(t testing.TB) *db.DB {
	t.Helper()
	base := pgBase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	schema := "bctest_" + randomHex(6)
	if _, err := pgBaseDB.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		// Two schemas dropped at the same moment by tests running side by side can deadlock
		// on the catalog (SQLSTATE 40P01, seen once in CI): PostgreSQL then cancels one drop,
		// which is tried again.
		var err error
		for try := 0; try < 5; try++ {
			if _, err = pgBaseDB.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err == nil ||
				!strings.Contains(err.Error(), "40P01") {
				break
			}
			time.Sleep(time.Duration(50*(try+1)) * time.Millisecond)
		}
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", db.Redact(base), err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	d, err := db.Open(ctx, u.String(), "")
	if err != nil {
		t.Fatalf("open postgres schema %s: %v", schema, err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// Strings returns the first column of the rows of query, as text, in their order.
func Strings(t testing.TB, q db.Querier, query string, args ...any) []string {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Snapshot returns the rows of each query (first column, as text, see Strings), one query's
// rows after another: what a test compares before and after a command that must leave the
// database as it was.
func Snapshot(t testing.TB, q db.Querier, queries ...string) string {
	t.Helper()
	var b strings.Builder
	for _, query := range queries {
		b.WriteString(strings.Join(Strings(t, q, query), "\n"))
		b.WriteString("\n--\n")
	}
	return b.String()
}
