package mail_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/mail"
)

// recorder is a Sender that remembers what it sent and can be told to fail.
type recorder struct {
	mu   sync.Mutex
	sent []mail.Message
	fail error
}

func (r *recorder) Send(_ context.Context, m mail.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.sent = append(r.sent, m)
	return nil
}

func TestOutboxSendsOnceAndRetries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		if err := mail.Enqueue(ctx, d, mail.Message{To: "a@example.org", Subject: "Votre idée est déposée", Body: "Merci"}, now); err != nil {
			t.Fatal(err)
		}
		rec := &recorder{fail: errors.New("server down")}
		w := &mail.Worker{DB: d, Sender: rec, Now: clock, MaxAttempts: 3}
		if n, err := w.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("failing send: sent %d, err %v", n, err)
		}
		// Backoff: not retried immediately.
		rec.fail = nil
		if n, _ := w.RunOnce(ctx); n != 0 {
			t.Fatalf("retried before the backoff elapsed")
		}
		now = now.Add(2 * time.Minute)
		if n, err := w.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("retry: sent %d, err %v", n, err)
		}
		if n, _ := w.RunOnce(ctx); n != 0 {
			t.Fatalf("message sent twice")
		}
		if len(rec.sent) != 1 || rec.sent[0].Subject != "Votre idée est déposée" {
			t.Fatalf("sent %+v", rec.sent)
		}
		if p, _ := mail.Pending(ctx, d); p != 0 {
			t.Errorf("pending = %d after sending", p)
		}
	})
}

func TestOutboxGivesUpAfterMaxAttempts(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	now := time.Now().UTC()
	if err := mail.Enqueue(ctx, d, mail.Message{To: "a@example.org", Subject: "s", Body: "b"}, now); err != nil {
		t.Fatal(err)
	}
	w := &mail.Worker{DB: d, Sender: &recorder{fail: errors.New("no")}, Now: func() time.Time { return now }, MaxAttempts: 2}
	for i := 0; i < 2; i++ {
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		now = now.Add(24 * time.Hour)
	}
	if p, _ := mail.Pending(ctx, d); p != 0 {
		t.Errorf("message still pending after max attempts")
	}
}

func TestConcurrentWorkersSendEachMessageOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		for i := 0; i < 30; i++ {
			if err := mail.Enqueue(ctx, d, mail.Message{To: "a@example.org", Subject: "s", Body: "b"}, now); err != nil {
				t.Fatal(err)
			}
		}
		rec := &recorder{}
		var wg sync.WaitGroup
		for i := 0; i < 3; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := &mail.Worker{DB: d, Sender: rec, Batch: 4}
				for j := 0; j < 10; j++ {
					if _, err := w.RunOnce(ctx); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		if len(rec.sent) != 30 {
			t.Fatalf("sent %d messages, want exactly 30", len(rec.sent))
		}
	})
}

func sqliteDB(t *testing.T) *db.DB { return dbtest.SQLite(t) }

func TestEnqueueRejectsBadAddress(t *testing.T) {
	d := dbtest.SQLite(t)
	err := mail.Enqueue(context.Background(), d, mail.Message{To: "not an address"}, time.Now())
	if err == nil || !strings.Contains(err.Error(), "not an address") {
		t.Fatalf("err = %v", err)
	}
}

// Once sent, no e-mail keeps its body: a receipt would link an address to a receipt code,
// and any other holds personal text the record of what was sent does not need.
func TestBodiesAreErasedOnceSent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		for _, m := range []mail.Message{
			{To: "voter@example.org", Subject: "Votre reçu", Body: "Code : ABCD-EFGH", Sensitive: true},
			{To: "other@example.org", Subject: "Bienvenue", Body: "Bonjour"},
		} {
			if err := mail.Enqueue(ctx, d, m, now); err != nil {
				t.Fatal(err)
			}
		}
		rec := &recorder{}
		if n, err := (&mail.Worker{DB: d, Sender: rec}).RunOnce(ctx); err != nil || n != 2 {
			t.Fatalf("sent %d, %v", n, err)
		}
		if rec.sent[0].Body != "Code : ABCD-EFGH" {
			t.Errorf("the recipient did not get the receipt: %q", rec.sent[0].Body)
		}
		voter, _ := mail.Sent(ctx, d, "voter@example.org")
		other, _ := mail.Sent(ctx, d, "other@example.org")
		if len(voter) != 1 || voter[0].Body != "" {
			t.Errorf("the outbox still holds the receipt: %+v", voter)
		}
		if len(other) != 1 || other[0].Body != "" || other[0].Subject != "Bienvenue" {
			t.Errorf("the outbox keeps an ordinary body, or lost the subject: %+v", other)
		}
		if rec.sent[1].Body != "Bonjour" {
			t.Errorf("the recipient did not get the ordinary body: %q", rec.sent[1].Body)
		}
	})
}
