package db

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Follower receives the notifications of a PostgreSQL channel (see DB.Follow).
type Follower interface {
	// Listening: LISTEN has taken effect on a new connection; the notification of every
	// transaction that commits from now on will come.
	Listening()
	// Notified: a transaction that sent payload on the channel has committed. Notifications
	// come in the order their transactions committed.
	Notified(payload string)
	// Lost: the connection is lost, and with it the notifications until the next Listening.
	Lost()
}

// listeners are the goroutines of Follow, stopped by Close.
type listeners struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Follow listens, on PostgreSQL, to channel on a connection of its own (outside the pool)
// until d is closed, and tells f what it hears. A lost connection is opened again after a
// pause. On SQLite it does nothing: it has no notifications.
func (d *DB) Follow(channel string, f Follower) {
	if d.Dialect != Postgres || d.listen == nil {
		return
	}
	d.listen.wg.Add(1)
	go func() {
		defer d.listen.wg.Done()
		const first = 100 * time.Millisecond
		pause := first
		for d.listen.ctx.Err() == nil {
			listened, err := d.followOnce(d.listen.ctx, channel, f)
			if listened {
				pause = first // a connection that worked: the next failure is a new one
			}
			if err != nil && d.listen.ctx.Err() == nil {
				slog.Warn("database notifications lost", "channel", channel, "err", err, "retry_in", pause)
			}
			select {
			case <-d.listen.ctx.Done():
			case <-time.After(pause):
			}
			pause = min(2*pause, 10*time.Second)
		}
	}()
}

// followOnce listens on one connection until it fails or ctx ends; listened tells whether
// LISTEN took effect.
func (d *DB) followOnce(ctx context.Context, channel string, f Follower) (listened bool, err error) {
	conn, err := pgx.Connect(ctx, d.url)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return false, err
	}
	f.Listening()
	defer f.Lost()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if errors.Is(err, context.Canceled) && ctx.Err() != nil {
				return true, nil
			}
			return true, err
		}
		f.Notified(n.Payload)
	}
}

func newListeners() *listeners {
	l := &listeners{}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	return l
}

func (l *listeners) close() {
	if l == nil {
		return
	}
	l.cancel()
	l.wg.Wait()
}
