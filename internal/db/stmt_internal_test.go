package db

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

func TestCacheable(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want bool
	}{
		{"SELECT 1", true},
		{"  insert into t VALUES (1)", true},
		{"UPDATE t SET a = 1", true},
		{"DELETE FROM t", true},
		{"CREATE TABLE t (a INT)", false},
		{"PRAGMA foreign_keys", false},
		{"SELECT 1; SELECT 2", false},
		{"WITH x AS (SELECT 1) SELECT * FROM x", false},
		{"", false},
	} {
		if got := cacheable(tc.q); got != tc.want {
			t.Errorf("cacheable(%q) = %v", tc.q, got)
		}
	}
}

// Queries on SQLite run on statements prepared once; past the bound, they still run.
func TestStatementCache(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "c.db"), "")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for i := 0; i < 3; i++ {
		var n int
		if err := d.QueryRowContext(ctx, "SELECT 41 + $1", 1).Scan(&n); err != nil || n != 42 {
			t.Fatalf("query: %d, %v", n, err)
		}
	}
	if got := len(d.stmts.stmts); got != 1 {
		t.Errorf("%d statements cached after one query run three times, want 1", got)
	}
	for i := 0; i < maxCachedStmts+10; i++ {
		var n int
		if err := d.QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&n); err != nil || n != i {
			t.Fatalf("query %d: %d, %v", i, n, err)
		}
	}
	if got := len(d.stmts.stmts); got != maxCachedStmts {
		t.Errorf("%d statements cached, want the bound %d", got, maxCachedStmts)
	}
	// A query the database refuses gives its own error, uncached.
	if _, err := d.ExecContext(ctx, "SELECT * FROM no_such_table"); err == nil {
		t.Error("query on a missing table: no error")
	}
}
