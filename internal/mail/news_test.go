package mail_test

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/mail/mailtest"
)

// The per-minute cap: no more than PerMinute e-mails leave in a minute; the rest wait.
func TestWorkerPerMinute(t *testing.T) {
	box, port := mailtest.Start(t)
	d := sqliteDB(t)
	ctx := context.Background()
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	for i := 0; i < 5; i++ {
		if err := mail.Enqueue(ctx, d, mail.Message{To: "p" + strconv.Itoa(i) + "@example.org", Subject: "Rappel", Body: "Demain"}, now); err != nil {
			t.Fatal(err)
		}
	}
	w := &mail.Worker{DB: d, PerMinute: 2, Now: func() time.Time { return now },
		Sender: mail.SMTPSender{Config: mail.SMTPConfig{Host: "127.0.0.1", Port: port, From: "noreply@example.org"}}}
	for i, want := range []int{2, 0, 0} {
		if n, err := w.RunOnce(ctx); err != nil || n != want {
			t.Fatalf("run %d: %d %v", i, n, err)
		}
		now = now.Add(20 * time.Second)
	}
	if n, err := w.RunOnce(ctx); err != nil || n != 2 {
		t.Fatalf("next minute: %d %v", n, err)
	}
	msgs := box.Messages()
	if len(msgs) != 4 {
		t.Errorf("received %d", len(msgs))
	}
}

// An e-mail with an HTML alternative is multipart/alternative: the text, then the HTML.
func TestSMTPSenderAlternative(t *testing.T) {
	box, port := mailtest.Start(t)
	s := mail.SMTPSender{Config: mail.SMTPConfig{Host: "127.0.0.1", Port: port, From: "noreply@example.org"}}
	msg := mail.Message{To: "lea@example.org", Subject: "Le vote est ouvert", Body: "Bonjour,\n\nVotez.",
		HTML:        "<!DOCTYPE html>\n<html lang=\"fr\"><body><h1>Le vote est ouvert</h1><p>Votez.</p></body></html>",
		Unsubscribe: "https://budget.test/abonnements/desabonner?jeton=x"}
	if err := s.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	data := box.Messages()[0].Data
	parsed, err := netmail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(parsed.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q %v", mt, err)
	}
	if parsed.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("headers: %v", parsed.Header)
	}
	r := multipart.NewReader(parsed.Body, params["boundary"])
	var types, bodies []string
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		types = append(types, p.Header.Get("Content-Type"))
		bodies = append(bodies, string(b))
	}
	if len(types) != 2 || types[0] != "text/plain; charset=UTF-8" || types[1] != "text/html; charset=UTF-8" ||
		!strings.Contains(bodies[0], "Votez.") || !strings.Contains(bodies[1], "<h1>Le vote est ouvert</h1>") {
		t.Errorf("parts %q %q", types, bodies)
	}
}
