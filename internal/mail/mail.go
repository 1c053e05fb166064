// Package mail sends the platform's e-mails through a table-backed outbox: a change writes its
// e-mail in the same transaction (so no e-mail announces a change that was rolled back, and
// none is lost if the process stops), and a background worker sends it with retries, by SMTP
// when configured and to the log otherwise.
package mail

import (
	"context"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// Message is one e-mail, plain text (every client reads it; no tracking, no remote images).
type Message struct {
	To      string
	Subject string
	Body    string
	// Sensitive messages (the vote's) are written to the log without recipient, subject or
	// body, so that the log never names a voter next to a vote event; their bodies are erased
	// from the outbox once the message is sent or given up.
	Sensitive bool
	// Proof marks a message that proves the address (a verification link, a sign-in code, a
	// password reset link): the only kind that may go to an address not confirmed yet. Any
	// other message to such an address is left out (see Confirmed), so that nothing typed by
	// someone else reaches an address before its owner has asked for the site's e-mails.
	Proof bool
	// Unsubscribe is the address of the one-click unsubscription of a subscription's e-mail
	// (package subscription), sent as the RFC 8058 headers List-Unsubscribe and
	// List-Unsubscribe-Post; "" for other e-mails.
	Unsubscribe string
	// HTML is the HTML alternative of Body (multipart/alternative), "" for plain text only.
	// The text stays the reference: the HTML says the same, without remote images nor
	// scripts.
	HTML string
}

// Sender delivers one message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// LogSender writes messages to the log instead of sending them: the default without SMTP,
// so that a demo shows its verification links in the terminal.
type LogSender struct {
	Logger *slog.Logger
}

// Send logs the message; a sensitive one only as "1 sensitive e-mail", with nothing of its
// recipient, subject or body.
func (s LogSender) Send(_ context.Context, m Message) error {
	if m.Sensitive {
		s.Logger.Info("1 sensitive e-mail (not sent: no SMTP server configured; recipient and content withheld)")
		return nil
	}
	s.Logger.Info("e-mail (not sent: no SMTP server configured)", "to", m.To, "subject", m.Subject, "body", m.Body)
	return nil
}

// SMTPConfig configures SMTPSender.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string // "Budget citoyen <noreply@example.org>"
}

// SMTPSender sends through an SMTP server, with STARTTLS when the server offers it (and
// authentication only over TLS, which net/smtp enforces).
type SMTPSender struct {
	Config SMTPConfig
}

// Send delivers m.
func (s SMTPSender) Send(ctx context.Context, m Message) error {
	from, err := mail.ParseAddress(s.Config.From)
	if err != nil {
		return fmt.Errorf("smtp from address %q: %w", s.Config.From, err)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("recipient %q: %w", m.To, err)
	}
	addr := net.JoinHostPort(s.Config.Host, strconv.Itoa(s.Config.Port))
	var auth smtp.Auth
	if s.Config.Username != "" {
		auth = smtp.PlainAuth("", s.Config.Username, s.Config.Password, s.Config.Host)
	}
	done := make(chan error, 1)
	go func() {
		done <- smtp.SendMail(addr, auth, from.Address, []string{to.Address}, compose(from, to, m, time.Now()))
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("smtp send to %s: %w", to.Address, err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// compose builds an RFC 5322 message with UTF-8 headers and body.
func compose(from, to *mail.Address, m Message, now time.Time) []byte {
	var b strings.Builder
	b.WriteString("From: " + from.String() + "\r\n")
	b.WriteString("To: " + to.String() + "\r\n")
	b.WriteString("Subject: " + mimeHeader(m.Subject) + "\r\n")
	b.WriteString("Date: " + now.Format(time.RFC1123Z) + "\r\n")
	if u := strings.NewReplacer("\r", "", "\n", "", "<", "", ">", "").Replace(m.Unsubscribe); u != "" {
		b.WriteString("List-Unsubscribe: <" + u + ">\r\n")
		b.WriteString("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\n")
	if m.HTML == "" {
		b.WriteString("Content-Type: text/plain; charset=UTF-8\r\n")
		b.WriteString("Content-Transfer-Encoding: 8bit\r\n\r\n")
		b.WriteString(crlf(m.Body))
		return []byte(b.String())
	}
	// multipart/alternative: the text first, the HTML last (the one a reader prefers).
	boundary := "=_budgetcitoyen_" + strconv.FormatInt(now.UnixNano(), 36)
	b.WriteString("Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n")
	for _, part := range []struct{ typ, body string }{{"text/plain", m.Body}, {"text/html", m.HTML}} {
		b.WriteString("--" + boundary + "\r\n")
		b.WriteString("Content-Type: " + part.typ + "; charset=UTF-8\r\n")
		b.WriteString("Content-Transfer-Encoding: 8bit\r\n\r\n")
		b.WriteString(crlf(part.body) + "\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return []byte(b.String())
}

// crlf writes a body's line ends as CRLF.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

func mimeHeader(s string) string {
	s = strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
	return mime.QEncoding.Encode("UTF-8", s)
}
