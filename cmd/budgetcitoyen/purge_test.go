package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/db"
)

func TestPurgeCommand(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runCmd(t, "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %d %q", code, errOut)
	}
	d, err := db.Open(context.Background(), "sqlite:"+filepath.Join(dir, db.SQLiteFile), "")
	if err != nil {
		t.Fatal(err)
	}
	queued := time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC)
	if _, err := d.Exec(`INSERT INTO outbox (created_at, to_addr, subject, body_text, next_attempt_at)
		VALUES ($1, 'someone@example.org', 'Votre code', 'corps', $1)`, queued); err != nil {
		t.Fatal(err)
	}
	d.Close()
	outbox := func() int {
		d, err := db.Open(context.Background(), "sqlite:"+filepath.Join(dir, db.SQLiteFile), "")
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		var n int
		if err := d.QueryRow("SELECT COUNT(*) FROM outbox").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		out    string // in stdout ("" = no check)
		errOut string // in stderr
		left   int    // outbox rows afterwards
	}{
		{"bad time", []string{"--now", "demain"}, 2, "", "not a time", 1},
		{"bad date", []string{"--now", "2027-13-01"}, 2, "", "not a date", 1},
		{"within the 30 days", []string{"--now", "2027-02-01"}, 0, "e-mails                          0", "", 1},
		{"dry run past them", []string{"--now", "2027-02-10", "--dry-run"}, 0, "e-mails                          1", "", 1},
		{"past them", []string{"--now", "2027-02-10T03:00:00Z"}, 0, "purge at 2027-02-10T03:00:00Z: erased", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, append([]string{"purge", "--data", dir}, tc.args...)...)
			if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errOut, tc.errOut) {
				t.Fatalf("code %d, stdout %q, stderr %q", code, out, errOut)
			}
			if got := outbox(); got != tc.left {
				t.Fatalf("%d e-mails left, want %d", got, tc.left)
			}
		})
	}
	if code, out, _ := runCmd(t, "audit", "verify", "--data", dir); code != 0 || !strings.Contains(out, "1 entries") {
		t.Fatalf("audit verify after the purge (one entry, the purge's): %d %q", code, out)
	}
}
