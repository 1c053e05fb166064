// Package mailtest runs a real SMTP server inside a test process and keeps what it
// receives, so that tests of the senders and of the e-mails a journey produces read them as
// a mail server would.
package mailtest

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"
)

// Received is one message as the server got it: the envelope and the raw data.
type Received struct {
	From string
	To   []string
	Data []byte
}

// Inbox is a running SMTP server's store of received messages.
type Inbox struct {
	mu   sync.Mutex
	msgs []Received
}

// Start runs an SMTP server on a free local port until the end of the test, and returns its
// inbox and its port.
func Start(t testing.TB) (*Inbox, int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	box := &Inbox{}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return box, ln.Addr().(*net.TCPAddr).Port
}

// Messages returns a copy of the messages received so far, in order.
func (b *Inbox) Messages() []Received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Received(nil), b.msgs...)
}

// NewSession implements smtp.Backend.
func (b *Inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{inbox: b}, nil }

type session struct {
	inbox *Inbox
	cur   Received
}

func (s *session) Reset()        { s.cur = Received{} }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.From = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = b
	s.inbox.mu.Lock()
	s.inbox.msgs = append(s.inbox.msgs, s.cur)
	s.inbox.mu.Unlock()
	return nil
}
