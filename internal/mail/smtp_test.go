package mail_test

import (
	"context"
	"io"
	"mime"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/mail/mailtest"
)

func TestSMTPSenderDeliversUTF8(t *testing.T) {
	box, port := mailtest.Start(t)
	s := mail.SMTPSender{Config: mail.SMTPConfig{Host: "127.0.0.1", Port: port, From: "Budget citoyen <noreply@example.org>"}}
	msg := mail.Message{To: "camille@example.org", Subject: "Votre idée « Jardin partagé » est déposée",
		Body: "Bonjour,\nMerci pour votre idée.\nL'équipe du budget citoyen"}
	if err := s.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	msgs := box.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server received %d messages", len(msgs))
	}
	got := msgs[0]
	if got.From != "noreply@example.org" || len(got.To) != 1 || got.To[0] != "camille@example.org" {
		t.Fatalf("envelope: from %q to %v", got.From, got.To)
	}
	parsed, err := netmail.ReadMessage(strings.NewReader(string(got.Data)))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
	if err != nil || subject != msg.Subject {
		t.Errorf("subject %q (%v), want %q", subject, err, msg.Subject)
	}
	body, _ := io.ReadAll(parsed.Body)
	if want := strings.ReplaceAll(msg.Body, "\n", "\r\n"); strings.TrimRight(string(body), "\r\n") != want {
		t.Errorf("body %q, want %q", body, want)
	}
	if ct := parsed.Header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" {
		t.Errorf("content type %q", ct)
	}
}

func TestWorkerSendsThroughSMTP(t *testing.T) {
	box, port := mailtest.Start(t)
	d := sqliteDB(t)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := mail.Enqueue(ctx, d, mail.Message{To: "p" + strconv.Itoa(i) + "@example.org", Subject: "Rappel", Body: "Demain"}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	w := &mail.Worker{DB: d, Sender: mail.SMTPSender{Config: mail.SMTPConfig{Host: "127.0.0.1", Port: port, From: "noreply@example.org"}}}
	if n, err := w.RunOnce(ctx); err != nil || n != 3 {
		t.Fatalf("worker sent %d, err %v", n, err)
	}
	msgs := box.Messages()
	if len(msgs) != 3 {
		t.Fatalf("server received %d messages, want 3", len(msgs))
	}
}

func TestSMTPSenderReportsAnUnreachableServer(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := mail.SMTPSender{Config: mail.SMTPConfig{Host: "127.0.0.1", Port: port, From: "noreply@example.org"}}
	if err := s.Send(context.Background(), mail.Message{To: "a@example.org", Subject: "s", Body: "b"}); err == nil {
		t.Fatal("no error from an unreachable server")
	}
}

// A subscription's e-mail, queued and sent by the worker, carries the RFC 8058 headers of
// its one-click unsubscription; other e-mails carry none.
func TestWorkerSendsTheUnsubscribeHeaders(t *testing.T) {
	box, port := mailtest.Start(t)
	d := sqliteDB(t)
	ctx := context.Background()
	const link = "https://budget.example.org/abonnements/desabonner?jeton=abc"
	for _, m := range []mail.Message{{To: "a@example.org", Subject: "Nouvelle étape", Body: "Texte", Unsubscribe: link},
		{To: "b@example.org", Subject: "Rappel", Body: "Demain"}} {
		if err := mail.Enqueue(ctx, d, m, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	w := &mail.Worker{DB: d, Sender: mail.SMTPSender{Config: mail.SMTPConfig{Host: "127.0.0.1", Port: port, From: "noreply@example.org"}}}
	if n, err := w.RunOnce(ctx); err != nil || n != 2 {
		t.Fatalf("worker sent %d, err %v", n, err)
	}
	msgs := box.Messages()
	for _, got := range msgs {
		parsed, err := netmail.ReadMessage(strings.NewReader(string(got.Data)))
		if err != nil {
			t.Fatal(err)
		}
		lu, post := parsed.Header.Get("List-Unsubscribe"), parsed.Header.Get("List-Unsubscribe-Post")
		switch got.To[0] {
		case "a@example.org":
			if lu != "<"+link+">" || post != "List-Unsubscribe=One-Click" {
				t.Errorf("subscription e-mail: List-Unsubscribe %q, List-Unsubscribe-Post %q", lu, post)
			}
		default:
			if lu != "" || post != "" {
				t.Errorf("other e-mail: List-Unsubscribe %q, List-Unsubscribe-Post %q", lu, post)
			}
		}
	}
}
