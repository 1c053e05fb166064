package mail_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"budgetcitoyen/internal/mail"
)

// The log-mail mode shows an ordinary message in full, and a sensitive one (the vote's)
// with nothing of its recipient, subject or body.
func TestLogSenderHidesSensitiveMessages(t *testing.T) {
	var buf bytes.Buffer
	s := mail.LogSender{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	ctx := context.Background()
	if err := s.Send(ctx, mail.Message{To: "idea@example.org", Subject: "Idée déposée", Body: "lien-123"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"idea@example.org", "Idée déposée", "lien-123"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("ordinary message: %q missing from the log:\n%s", want, buf.String())
		}
	}
	buf.Reset()
	if err := s.Send(ctx, mail.Message{To: "voter@example.org", Subject: "Votre vote est enregistré",
		Body: "Budget 2026", Sensitive: true}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, hidden := range []string{"voter@example.org", "voter", "Votre vote", "Budget 2026"} {
		if strings.Contains(out, hidden) {
			t.Errorf("sensitive message: %q in the log:\n%s", hidden, out)
		}
	}
	if !strings.Contains(out, "1 sensitive e-mail") {
		t.Errorf("sensitive message not counted in the log:\n%s", out)
	}
}
