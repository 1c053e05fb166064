package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/subscription"
)

// benchMailing is a campaign's news sent while its ballots are cast (bench vote --mailing N):
// N confirmed subscribers get the "vote open" e-mail, queued by the news worker and sent by
// the outbox worker at the default rate, in the same process and database as the vote, as
// serve runs them. The bench then tells whether a large mailing slows the vote.
type benchMailing struct {
	Subscribers int
	Queued      int
	QueueTime   time.Duration
	Sent        atomic.Int64
}

// benchSubscribers adds n confirmed subscribers to the campaign's news, in batches.
func benchSubscribers(ctx context.Context, d *db.DB, campaignID int64, n int, now time.Time) error {
	b := db.Batch{Table: "subscriptions", Columns: []db.Column{{Name: "campaign_id", PGType: "bigint"}, {Name: "kind", PGType: "text"},
		{Name: "target_id", PGType: "bigint"}, {Name: "email", PGType: "text"}, {Name: "lang", PGType: "text"},
		{Name: "unsubscribe_token", PGType: "text"}, {Name: "created_at", PGType: "timestamptz"},
		{Name: "confirm_sent_at", PGType: "timestamptz"}, {Name: "confirmed_at", PGType: "timestamptz"},
		{Name: "topics", PGType: "text"}, {Name: "consent_text", PGType: "text"}}}
	const chunk = 5000
	for first := 0; first < n; first += chunk {
		rows := make([][]any, 0, min(chunk, n-first))
		for i := first; i < min(first+chunk, n); i++ {
			rows = append(rows, []any{campaignID, string(subscription.KindCampaign), campaignID, fmt.Sprintf("abonne%d@bench.test", i), "fr",
				fmt.Sprintf("bench-%d-%d", campaignID, i), now, now, now, ",vote,closing,", "bench"})
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return b.Exec(ctx, tx, rows) }); err != nil {
			return fmt.Errorf("add bench subscribers: %w", err)
		}
	}
	return nil
}

// start queues the news and sends the outbox while the ballots are cast; the returned stop
// waits for the queueing to end, stops the sending and returns the queueing's error.
func (m *benchMailing) start(ctx context.Context, d *db.DB, perMinute int) (stop func() error, err error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	var queued sync.WaitGroup
	var queueErr error
	queued.Add(1)
	go func() {
		defer queued.Done()
		t0 := time.Now()
		nr := &subscription.Newsroom{DB: d, Cat: cat, BaseURL: "http://127.0.0.1"}
		m.Queued, queueErr = nr.Run(ctx)
		m.QueueTime = time.Since(t0)
	}()
	sendCtx, cancel := context.WithCancel(ctx)
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		w := &mail.Worker{DB: d, Sender: countingSender{&m.Sent}, PerMinute: perMinute, Interval: 200 * time.Millisecond,
			Batch: 100, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
		w.Run(sendCtx)
	}()
	return func() error {
		queued.Wait()
		cancel()
		<-sent
		return queueErr
	}, nil
}

func (m *benchMailing) print(w io.Writer) {
	fmt.Fprintf(w, "mailing      %d subscribers: the vote-open e-mail to %d queued in %.2fs during the ballots, %d sent\n",
		m.Subscribers, m.Queued, m.QueueTime.Seconds(), m.Sent.Load())
}

// countingSender sends nothing and counts.
type countingSender struct{ n *atomic.Int64 }

func (s countingSender) Send(context.Context, mail.Message) error {
	s.n.Add(1)
	return nil
}
