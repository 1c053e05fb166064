package db

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
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
	// The first tick comes after 250 ms; the deadline is only a safety net.
	deadline := time.Now().Add(30 * time.Second)
	for size() < 4_000_000 {
		if time.Now().After(deadline) {
			t.Fatalf("database file still %d bytes after 30 s: no checkpoint", size())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Under a steady stream of writes the log is still written again from its beginning after
// each checkpoint, instead of growing for as long as the stream lasts. SQLite starts the log
// over by writing a new header at the front of the log file, with its checkpoint sequence
// number one higher: the test reads that number after each checkpoint.
//
// The checkpoints are run by the test, each while the writer goes on committing beside it,
// so that commits land during the copying (a checkpoint that merely catches up between two
// commits would start the log over even without the checkpointer's second step); the
// writer makes a fixed number of commits, handed out by the test, whatever the speed. A
// round only counts a checkpoint whose two steps ran.
func TestCheckpointerStartsTheLogOver(t *testing.T) {
	ctx := context.Background()
	d, path := openFile(t, Options{})
	d.ckpt.close() // the test runs the checkpoints itself
	d.ckpt = nil
	if _, err := d.ExecContext(ctx, "CREATE TABLE t (v BLOB)"); err != nil {
		t.Fatal(err)
	}
	const (
		first  = 10 // commits before the first checkpoint
		beside = 20 // commits handed out when each checkpoint starts
		rounds = 10
	)
	// The writer makes one commit per token and reports each on done.
	tokens := make(chan struct{}, first+rounds*(beside+1))
	done := make(chan error, cap(tokens))
	defer close(tokens)
	go func() {
		for range tokens {
			_, err := d.ExecContext(ctx, "INSERT INTO t (v) VALUES (randomblob(3000))")
			done <- err
		}
	}()
	// The deadline is only a safety net against a writer stuck for good.
	deadline := time.NewTimer(2 * time.Minute)
	defer deadline.Stop()
	commit := func(n int) {
		for range n {
			tokens <- struct{}{}
		}
	}
	wait := func(n int) {
		t.Helper()
		for range n {
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-deadline.C:
				t.Fatal("the writer is stuck")
			}
		}
	}
	// seq reads the checkpoint sequence number of the log file's header (bytes 12 to 15).
	seq := func() uint32 {
		t.Helper()
		f, err := os.Open(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var h [32]byte
		if _, err := io.ReadFull(f, h[:]); err != nil {
			t.Fatal(err)
		}
		return binary.BigEndian.Uint32(h[12:16])
	}

	commit(first)
	wait(first)
	prev := seq()
	for round := range rounds {
		// The first step may be cut short when a commit took its snapshot of the log a
		// moment before the copying began; the checkpointer then waits for its next tick,
		// and so does the test, up to a few times.
		ran := false
		for try := 0; try < 5 && !ran; try++ {
			commit(beside)
			ran = d.checkpoint(ctx)
			wait(beside)
		}
		if !ran {
			t.Fatalf("round %d: five checkpoints in a row were cut short", round)
		}
		// A commit whose transaction began after the checkpoint: it found the log copied
		// and wrote it again from its beginning.
		commit(1)
		wait(1)
		got := seq()
		if got == prev {
			t.Fatalf("round %d: the log was not started over after a checkpoint (checkpoint sequence number still %d)", round, got)
		}
		prev = got
	}
}
