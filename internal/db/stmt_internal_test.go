package db

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
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

// openFile opens an SQLite database in a file of its own, closed at the end of the test.
func openFile(t *testing.T, o Options) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.db")
	d, err := OpenWith(context.Background(), "sqlite:"+path, "", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, path
}

// Rows written go to the write-ahead log; the checkpointer, not the commits, copies them
// into the database file soon after.
func TestCheckpointer(t *testing.T) {
	ctx := context.Background()
	d, path := openFile(t, Options{})
	d.ckpt.close() // stopped while the rows are written
	if _, err := d.ExecContext(ctx, "CREATE TABLE t (v BLOB)"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 300; i++ { // ~1,200 pages: past SQLite's automatic threshold (1,000)
		if _, err := d.ExecContext(ctx, "INSERT INTO t (v) VALUES (randomblob(16000))"); err != nil {
			t.Fatal(err)
		}
	}
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	if before > 100_000 {
		t.Fatalf("database file already %d bytes: the commits checkpointed", before)
	}
	d.ckpt = startCheckpointer(d, 250*time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for size() < 4_000_000 {
		if time.Now().After(deadline) {
			t.Fatalf("database file still %d bytes after 5 s: no checkpoint", size())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Under a steady stream of writes the log is still written again from its beginning after
// each checkpoint, instead of growing for as long as the stream lasts.
func TestCheckpointerStartsTheLogOver(t *testing.T) {
	ctx := context.Background()
	d, path := openFile(t, Options{CheckpointEvery: 20 * time.Millisecond})
	if _, err := d.ExecContext(ctx, "CREATE TABLE t (v BLOB)"); err != nil {
		t.Fatal(err)
	}
	// Each commit appends at least one frame (a page and its 24-byte header) to the log, and
	// the next one follows at once: there is no pause in which a checkpoint could catch up.
	const frame = 4096 + 24
	commits := 0
	for start := time.Now(); time.Since(start) < 1500*time.Millisecond; commits++ {
		if _, err := d.ExecContext(ctx, "INSERT INTO t (v) VALUES (randomblob(3000))"); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if written := int64(commits) * frame; fi.Size() > written/4 {
		t.Errorf("log file of %d bytes after %d commits (%d bytes of frames at least): the log was not started over",
			fi.Size(), commits, written)
	}
}
