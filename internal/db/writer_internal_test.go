package db

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// openTestSQLite opens an SQLite database in a file of its own, with a table t.
func openTestSQLite(t *testing.T, o Options) *DB {
	t.Helper()
	d, _ := openFile(t, o)
	if _, err := d.ExecContext(context.Background(), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	return d
}

// The writers of one process take turns: while a transaction holds SQLite's write lock far
// longer than the busy timeout, the other writes of the process wait for it and succeed,
// rather than polling for the lock and failing with SQLITE_BUSY.
func TestSQLiteWritersTakeTurns(t *testing.T) {
	const busyTimeout = 20 * time.Millisecond
	d := openTestSQLite(t, Options{BusyTimeout: busyTimeout})
	ctx := context.Background()
	const writers = 30
	locked := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err := d.InTx(ctx, func(tx *Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO t (v) VALUES ('long')"); err != nil {
				return err
			}
			before := d.w.Stats().WaitCount
			close(locked)
			// The lock is held until every write below waits for the writing connection,
			// however long they take to come (the deadline is only a safety net), then for
			// 15 busy timeouts more.
			deadline := time.Now().Add(30 * time.Second)
			for d.w.Stats().WaitCount-before < writers {
				if time.Now().After(deadline) {
					t.Errorf("%d writes of %d waited for the writing connection", d.w.Stats().WaitCount-before, writers)
					break
				}
				time.Sleep(time.Millisecond)
			}
			time.Sleep(15 * busyTimeout)
			return nil
		})
		if err != nil {
			t.Errorf("long transaction: %v", err)
		}
	}()
	<-locked
	writes := []func(i int) error{
		func(i int) error {
			_, err := d.ExecContext(ctx, "INSERT INTO t (v) VALUES ($1)", fmt.Sprint("exec ", i))
			return err
		},
		func(i int) error {
			var id int64
			return d.QueryRowContext(ctx, "INSERT INTO t (v) VALUES ($1) RETURNING id", fmt.Sprint("returning ", i)).Scan(&id)
		},
		func(i int) error {
			return d.InTx(ctx, func(tx *Tx) error {
				_, err := tx.ExecContext(ctx, "INSERT INTO t (v) VALUES ($1)", fmt.Sprint("tx ", i))
				return err
			})
		},
	}
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := writes[i%len(writes)](i); err != nil {
				t.Errorf("write %d beside the long transaction: %v", i, err)
			}
		}()
	}
	wg.Wait()
	var n int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != writers+1 {
		t.Errorf("%d rows (%v), want %d", n, err, writers+1)
	}
}

// Reads run on the readers, which cannot write: a statement that writes goes to the
// writing connection, and one sent to a reader by mistake fails instead of competing for
// the lock.
func TestSQLiteReadersDoNotWrite(t *testing.T) {
	d := openTestSQLite(t, Options{})
	ctx := context.Background()
	for _, tc := range []struct {
		query    string
		readOnly bool
	}{
		{"SELECT 1", true},
		{"  select v FROM t", true},
		{"WITH x AS (SELECT 1) SELECT * FROM x", true},
		{"INSERT INTO t (v) VALUES ('a')", false},
		{"UPDATE t SET v = 'b'", false},
		{"DELETE FROM t", false},
		{"PRAGMA user_version = 3", false},
		{"", false},
	} {
		if got := readOnly(tc.query); got != tc.readOnly {
			t.Errorf("readOnly(%q) = %v", tc.query, got)
		}
	}
	if _, err := d.DB.ExecContext(ctx, "INSERT INTO t (v) VALUES ('on a reader')"); err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("write on a reader: %v, want a read-only error", err)
	}
	if _, err := d.Exec("INSERT INTO t (v) VALUES ('routed')"); err != nil {
		t.Errorf("Exec without a context: %v", err)
	}
	tx, err := d.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("INSERT INTO t (v) VALUES ('in a transaction')"); err != nil {
		t.Errorf("write in a transaction of Begin: %v", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := d.QueryRow("SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != 2 {
		t.Errorf("%d rows (%v), want 2", n, err)
	}
}

// A transaction holds the only writing connection, so its statements are prepared for the
// transactions after it, in the background: the first runs unprepared, without waiting for
// a connection that it holds itself.
func TestStatementsOfTransactions(t *testing.T) {
	d := openTestSQLite(t, Options{})
	ctx := context.Background()
	const q = "INSERT INTO t (v) VALUES ($1)"
	done := make(chan error, 1)
	go func() {
		done <- d.InTx(ctx, func(tx *Tx) error {
			for i := range 3 {
				if _, err := tx.ExecContext(ctx, q, fmt.Sprint(i)); err != nil {
					return err
				}
			}
			return nil
		})
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the transaction waited for its own connection")
	}
	deadline := time.Now().Add(30 * time.Second) // a safety net: the preparation is quick
	for d.wstmts.stmtInTx(d.w, q) == nil {
		if time.Now().After(deadline) {
			t.Fatal("the statement was not prepared after the transaction")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := d.InTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, q, "prepared")
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
