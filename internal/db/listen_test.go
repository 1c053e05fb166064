package db_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

// recorder is a db.Follower that writes down what it is told.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) Listening()        { r.add("listening") }
func (r *recorder) Lost()             { r.add("lost") }
func (r *recorder) Notified(p string) { r.add("notified " + p) }

func (r *recorder) add(e string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// waitFor waits until the events end with want.
func (r *recorder) waitFor(t *testing.T, want ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r.mu.Lock()
		got := fmt.Sprint(r.events)
		done := len(r.events) >= len(want) && fmt.Sprint(r.events[len(r.events)-len(want):]) == fmt.Sprint(want)
		r.mu.Unlock()
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("events %s, want them to end with %v", got, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Follow hears the notifications of committed transactions only, in commit order, comes
// back after its connection is cut, and stops with the database.
func TestFollow(t *testing.T) {
	d := dbtest.Postgres(t)
	ctx := context.Background()
	channel := fmt.Sprintf("follow_test_%d", time.Now().UnixNano())
	r := &recorder{}
	d.Follow(channel, r)
	r.waitFor(t, "listening")
	notify := func(payload string) {
		t.Helper()
		if _, err := d.ExecContext(ctx, "SELECT pg_notify($1, $2)", channel, payload); err != nil {
			t.Fatal(err)
		}
	}
	notify("one")
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_notify($1, 'rolled back')", channel); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	notify("two")
	r.waitFor(t, "listening", "notified one", "notified two")

	// Its connection cut (as by a restart of PostgreSQL or a network failure), it says so,
	// opens another and listens again.
	res, err := d.ExecContext(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1",
		`LISTEN "`+channel+`"`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%d listening connections cut, want 1", n)
	}
	r.waitFor(t, "lost", "listening")
	notify("three")
	r.waitFor(t, "lost", "listening", "notified three")

	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, "notified three", "lost")
}

// On SQLite, Follow does nothing: there are no notifications. Close waits for Follow's
// goroutines, so nothing can come after it.
func TestFollowSQLite(t *testing.T) {
	d, err := db.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "f.db"), "")
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	d.Follow("anything", r)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.events) != 0 {
		t.Errorf("events on SQLite: %v", r.events)
	}
}

var _ db.Follower = (*recorder)(nil)
