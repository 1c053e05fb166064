package mail_test

import (
	"context"
	"io"
	"mime"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"

	"budgetcitoyen/internal/mail"
)

// inbox is a real SMTP server, in the test process, that keeps what it receives.
type inbox struct {
	mu   sync.Mutex
	msgs []received
}

type received struct {
	from string
	to   []string
	data []byte
}

func (b *inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{inbox: b}, nil }

type session struct {
	inbox *inbox
	cur   received
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = b
	s.inbox.mu.Lock()
	s.inbox.msgs = append(s.inbox.msgs, s.cur)
	s.inbox.mu.Unlock()
	return nil
}

func startSMTP(t *testing.T) (*inbox, int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	box := &inbox{}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return box, ln.Addr().(*net.TCPAddr).Port
}

func TestSMTPSenderDeliversUTF8(t *testing.T) {
	box, port := startSMTP(t)
	s := mail.SMTPSender{Config: mail.SMTPConfig{Host: "127.0.0.1", Port: port, From: "Budget citoyen <noreply@example.org>"}}
	msg := mail.Message{To: "camille@example.org", Subject: "Votre idée « Jardin partagé » est déposée",
		Body: "Bonjour,\nMerci pour votre idée.\nL'équipe du budget citoyen"}
	if err := s.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	box.mu.Lock()
	defer box.mu.Unlock()
	if len(box.msgs) != 1 {
		t.Fatalf("server received %d messages", len(box.msgs))
	}
	got := box.msgs[0]
	if got.from != "noreply@example.org" || len(got.to) != 1 || got.to[0] != "camille@example.org" {
		t.Fatalf("envelope: from %q to %v", got.from, got.to)
	}
	parsed, err := netmail.ReadMessage(strings.NewReader(string(got.data)))
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
	box, port := startSMTP(t)
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
	box.mu.Lock()
	defer box.mu.Unlock()
	if len(box.msgs) != 3 {
		t.Fatalf("server received %d messages, want 3", len(box.msgs))
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
	box, port := startSMTP(t)
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
	box.mu.Lock()
	defer box.mu.Unlock()
	for _, got := range box.msgs {
		parsed, err := netmail.ReadMessage(strings.NewReader(string(got.data)))
		if err != nil {
			t.Fatal(err)
		}
		lu, post := parsed.Header.Get("List-Unsubscribe"), parsed.Header.Get("List-Unsubscribe-Post")
		switch got.to[0] {
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
