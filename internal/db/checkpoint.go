package db

import (
	"context"
	"sync"
	"time"
)

// checkpointEvery is how often the SQLite checkpointer copies the write-ahead log into the
// database file.
const checkpointEvery = 250 * time.Millisecond

// checkpointer copies SQLite's write-ahead log back into the database file from a goroutine
// of its own. SQLite's automatic checkpoint (turned off in sqliteParams) runs inside the
// commit that crosses the log's threshold, so one ballot group in a dozen or so paid for
// copying and syncing a thousand pages before its voters got their receipts; here the
// copying happens beside the writer, which only appends to the log.
type checkpointer struct {
	stop chan struct{}
	done sync.WaitGroup
}

func startCheckpointer(d *DB) *checkpointer {
	c := &checkpointer{stop: make(chan struct{})}
	c.done.Add(1)
	go func() {
		defer c.done.Done()
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
				// PASSIVE: copies what no reader still needs, never waits for anyone. An
				// error (the database closing, a busy moment) is retried at the next tick.
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				_, _ = d.DB.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
				cancel()
			}
		}
	}()
	return c
}

func (c *checkpointer) close() {
	if c == nil {
		return
	}
	close(c.stop)
	c.done.Wait()
}
