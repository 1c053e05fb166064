package db

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// checkpointer copies SQLite's write-ahead log back into the database file from a goroutine
// of its own. SQLite's automatic checkpoint (turned off in sqliteParams) runs inside the
// commit that crosses the log's threshold, so one ballot group in a dozen or so paid for
// copying and syncing a thousand pages before its voters got their receipts; here the
// copying happens beside the writer, which only appends to the log.
type checkpointer struct {
	stop chan struct{}
	done sync.WaitGroup
}

func startCheckpointer(d *DB, every time.Duration) *checkpointer {
	c := &checkpointer{stop: make(chan struct{})}
	c.done.Add(1)
	go func() {
		defer c.done.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				d.checkpoint(ctx)
				cancel()
			}
		}
	}()
	return c
}

// checkpoint copies the log into the database file in two steps, so that the log is also
// written again from its beginning.
//
// SQLite starts the log over only when a write transaction begins and finds every frame of
// the log already copied. A checkpoint run beside the writer alone never leaves it so under
// a steady stream of writes: some commit always lands while it copies, and the log grows for
// as long as the stream lasts (to 170,000 pages, 700 MB, while "budgetcitoyen bench vote"
// signed 8,000 voters in). Every page then extends the file, which costs the kernel far more
// than writing over one already there: a ballot group took twice the processor time.
//
// So the copying is done first on a reading connection, beside the writer, which goes on
// appending; then, if nothing was left behind for a reader, once more on the writing
// connection, between two transactions: it copies only what was committed meanwhile, and
// no commit can come between it and the next write transaction, which therefore starts the
// log over. The writer waits for that second step only: a few pages and one sync.
//
// Both are PASSIVE: they copy what no reader still needs and never wait for a reader. An
// error (the database closing, a busy moment) is left to the next tick. It reports whether
// the second step ran: the first one can be cut short by a reader's snapshot, or by a commit
// that reads an older state of the log while it copies.
func (d *DB) checkpoint(ctx context.Context) (bothSteps bool) {
	logged, copied, err := walCheckpoint(ctx, d.DB)
	if err != nil || logged == 0 || copied < logged {
		return false
	}
	_, _, err = walCheckpoint(ctx, d.w)
	return err == nil
}

// walCheckpoint runs a PASSIVE checkpoint on one of p's connections and returns the number
// of frames in the log and how many of them are now in the database file.
func walCheckpoint(ctx context.Context, p *sql.DB) (logged, copied int, err error) {
	var busy int
	err = p.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logged, &copied)
	return logged, copied, err
}

func (c *checkpointer) close() {
	if c == nil {
		return
	}
	close(c.stop)
	c.done.Wait()
}
