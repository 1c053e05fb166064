package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/demo"
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

// "budgetcitoyen purge" on the demo, at a date past every retention period, leaves none of
// the personal data the personal-data page says goes (the same check on both databases is
// internal/privacy's TestPurgeDemoPastEveryPeriod; this one goes through the command).
func TestPurgeCommandOnTheDemo(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runCmd(t, "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %d %q", code, errOut)
	}
	ctx := context.Background()
	d, err := db.Open(ctx, "sqlite:"+filepath.Join(dir, db.SQLiteFile), "")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := demo.Seed(ctx, d, time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), account.PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		var n int
		if err := d.QueryRow(q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	queries := []string{
		"SELECT COUNT(*) FROM vote_voters",
		"SELECT COUNT(*) FROM vote_participation WHERE person_key NOT LIKE 'purged-%'",
		"SELECT COUNT(*) FROM accounts WHERE email_verified_at IS NULL AND email LIKE '%@%'",
		"SELECT COUNT(*) FROM outbox",
	}
	for _, q := range queries[:3] {
		if count(q) == 0 {
			t.Fatalf("the demo holds nothing for %q: the test would prove nothing", q)
		}
	}
	code, out, errOut := runCmd(t, "purge", "--data", dir, "--now", "2100-01-01")
	if code != 0 || !strings.Contains(out, "voter register of "+campaign.PresetPasDeCalais2018) {
		t.Fatalf("purge: %d %q %q", code, out, errOut)
	}
	for _, q := range queries {
		if n := count(q); n != 0 {
			t.Errorf("after the purge, %q counts %d", q, n)
		}
	}
	if code, out, _ := runCmd(t, "audit", "verify", "--data", dir); code != 0 {
		t.Fatalf("audit verify after the purge: %d %q", code, out)
	}
}
