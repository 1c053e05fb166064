package mail

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"time"

	"budgetcitoyen/internal/db"
)

// Enqueue writes m to the outbox inside the caller's transaction (or alone with a *db.DB).
func Enqueue(ctx context.Context, q db.Querier, m Message, now time.Time) error {
	return EnqueueAll(ctx, q, []Message{m}, now)
}

// EnqueueAll writes messages to the outbox in one batch insert (the ballot box queues the
// receipts of a whole group of ballots at once). An invalid address fails the call before
// anything is written.
func EnqueueAll(ctx context.Context, q db.Querier, msgs []Message, now time.Time) error {
	rows, err := OutboxRows(msgs, now)
	if err != nil {
		return err
	}
	if err := Outbox.Exec(ctx, q, rows); err != nil {
		return fmt.Errorf("queue %d e-mails: %w", len(msgs), err)
	}
	return nil
}

// OutboxRows returns the rows of Outbox that queue msgs, for a caller that writes them as
// part of a larger statement (the ballot box on PostgreSQL). An invalid address is an error.
func OutboxRows(msgs []Message, now time.Time) ([][]any, error) {
	rows := make([][]any, len(msgs))
	for i, m := range msgs {
		if _, err := mail.ParseAddress(m.To); err != nil {
			return nil, fmt.Errorf("queue e-mail to %q: %w", m.To, err)
		}
		rows[i] = []any{now.UTC(), m.To, m.Subject, m.Body, now.UTC(), m.Sensitive, m.Unsubscribe, m.HTML}
	}
	return rows, nil
}

// Outbox is the batch insert of messages into the outbox (rows from OutboxRows).
var Outbox = db.Batch{Table: "outbox", Columns: []db.Column{
	{Name: "created_at", PGType: "timestamptz"}, {Name: "to_addr", PGType: "text"}, {Name: "subject", PGType: "text"},
	{Name: "body_text", PGType: "text"}, {Name: "next_attempt_at", PGType: "timestamptz"}, {Name: "sensitive", PGType: "boolean"},
	{Name: "list_unsubscribe", PGType: "text"}, {Name: "body_html", PGType: "text"}}}

// Worker sends the outbox's due messages. Several workers (one per server process) may run
// against one database: each claims messages with a lease before sending them.
type Worker struct {
	DB          *db.DB
	Sender      Sender
	Now         func() time.Time
	Logger      *slog.Logger
	Interval    time.Duration // between polls; default 2 s
	Lease       time.Duration // how long a claimed message is reserved; default 2 min
	MaxAttempts int           // then the message is marked failed; default 8
	Batch       int           // messages claimed per poll; default 20
	// PerMinute caps the messages this worker sends in any minute (0: no cap but Batch per
	// Interval), so that a newsletter to a whole campaign leaves at the rate the mail relay
	// accepts. Each process has its own cap.
	PerMinute int

	windowStart time.Time
	windowSent  int
}

func (w *Worker) defaults() {
	if w.Interval <= 0 {
		w.Interval = 2 * time.Second
	}
	if w.Lease <= 0 {
		w.Lease = 2 * time.Minute
	}
	if w.MaxAttempts <= 0 {
		w.MaxAttempts = 8
	}
	if w.Batch <= 0 {
		w.Batch = 20
	}
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.Logger == nil {
		w.Logger = slog.Default()
	}
}

// Run polls until ctx is cancelled.
func (w *Worker) Run(ctx context.Context) {
	w.defaults()
	t := time.NewTicker(w.Interval)
	defer t.Stop()
	for {
		if _, err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			w.Logger.Error("outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

type claimed struct {
	id       int64
	attempts int
	msg      Message
}

// RunOnce claims the due messages and tries to send each; it returns how many were sent.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	w.defaults()
	now := w.Now().UTC()
	limit := w.Batch
	if w.PerMinute > 0 {
		if now.Sub(w.windowStart) >= time.Minute || now.Before(w.windowStart) {
			w.windowStart, w.windowSent = now, 0
		}
		limit = min(limit, w.PerMinute-w.windowSent)
		if limit <= 0 {
			return 0, nil
		}
	}
	batch, err := w.claim(ctx, now, limit)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, c := range batch {
		sendErr := w.Sender.Send(ctx, c.msg)
		if err := w.settle(ctx, c, sendErr, w.Now().UTC()); err != nil {
			return sent, err
		}
		w.windowSent++
		if sendErr == nil {
			sent++
		} else if c.msg.Sensitive {
			// Neither the recipient nor the error (which may quote the address) is logged.
			w.Logger.Warn("sensitive e-mail not sent, will retry", "id", c.id, "attempt", c.attempts+1)
		} else {
			w.Logger.Warn("e-mail not sent, will retry", "id", c.id, "to", c.msg.To, "attempt", c.attempts+1, "err", sendErr)
		}
	}
	return sent, nil
}

func (w *Worker) claim(ctx context.Context, now time.Time, limit int) ([]claimed, error) {
	// The outer condition is checked again on each row as it is locked for update, so two
	// workers that picked the same ids in the subquery cannot both claim a message.
	rows, err := w.DB.QueryContext(ctx, `UPDATE outbox SET locked_until = $1
		WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $2
			AND (locked_until IS NULL OR locked_until < $2) ORDER BY id LIMIT $3)
		AND sent_at IS NULL AND failed_at IS NULL AND (locked_until IS NULL OR locked_until < $2)
		RETURNING id, attempts, to_addr, subject, body_text, sensitive, list_unsubscribe, body_html`, now.Add(w.Lease), now, limit)
	if err != nil {
		return nil, fmt.Errorf("claim outbox messages: %w", err)
	}
	defer rows.Close()
	var out []claimed
	for rows.Next() {
		var c claimed
		if err := rows.Scan(&c.id, &c.attempts, &c.msg.To, &c.msg.Subject, &c.msg.Body, &c.msg.Sensitive, &c.msg.Unsubscribe, &c.msg.HTML); err != nil {
			return nil, fmt.Errorf("scan outbox message: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// settle records the outcome: sent, retried later with exponential backoff, or failed. A
// sent or abandoned e-mail keeps no body: its row (address, subject, dates) remains until
// the retention purge (PurgeOutbox), for the record of what was sent to whom.
func (w *Worker) settle(ctx context.Context, c claimed, sendErr error, now time.Time) error {
	var err error
	switch {
	case sendErr == nil:
		_, err = w.DB.ExecContext(ctx, `UPDATE outbox SET sent_at = $1, attempts = attempts + 1, locked_until = NULL, last_error = '',
			body_text = '', body_html = '' WHERE id = $2`, now, c.id)
	case c.attempts+1 >= w.MaxAttempts:
		_, err = w.DB.ExecContext(ctx, `UPDATE outbox SET failed_at = $1, attempts = attempts + 1, locked_until = NULL, last_error = $2,
			body_text = '', body_html = '' WHERE id = $3`, now, truncate(sendErr.Error()), c.id)
	default:
		backoff := time.Duration(1<<min(c.attempts, 10)) * 30 * time.Second
		_, err = w.DB.ExecContext(ctx, "UPDATE outbox SET next_attempt_at = $1, attempts = attempts + 1, locked_until = NULL, last_error = $2 WHERE id = $3", now.Add(backoff), truncate(sendErr.Error()), c.id)
	}
	if err != nil {
		return fmt.Errorf("record outbox message %d: %w", c.id, err)
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 500 {
		return s[:500]
	}
	return s
}

// Pending counts the messages not yet sent nor given up, for health pages and tests.
func Pending(ctx context.Context, q db.Querier) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL").Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count outbox: %w", err)
	}
	return n, nil
}

// Sent lists the messages sent to addr, newest first (tests and the person's data export).
func Sent(ctx context.Context, q db.Querier, addr string) ([]Message, error) {
	rows, err := q.QueryContext(ctx, "SELECT to_addr, subject, body_text, list_unsubscribe, body_html FROM outbox WHERE to_addr = $1 ORDER BY id DESC", addr)
	if err != nil {
		return nil, fmt.Errorf("list e-mails: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.To, &m.Subject, &m.Body, &m.Unsubscribe, &m.HTML); err != nil {
			return nil, fmt.Errorf("scan e-mail: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// PurgeOutbox deletes the e-mails queued before before, sent or not (an e-mail that could
// not leave in that time is stale), except one a worker is sending at now.
func PurgeOutbox(ctx context.Context, q db.Querier, before, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, "DELETE FROM outbox WHERE created_at < $1 AND (locked_until IS NULL OR locked_until < $2)",
		before.UTC(), now.UTC())
	if err != nil {
		return 0, fmt.Errorf("purge outbox: %w", err)
	}
	return res.RowsAffected()
}
