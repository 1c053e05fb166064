package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/demo"
)

// cheapPasswords keep the demo's seeding fast: the test is about the audit log.
var cheapPasswords = account.PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// TestAuditVerifyAfterMigratingAnOldDemo: a demo database written before the migration 0017,
// with entries that name people by address as the code then did, goes through "migrate";
// afterwards "audit verify" passes and no entry holds an address but a campaign's contact.
//
// Today's demo needs today's schema, so the database is seeded at the latest version, given
// the entries the old code wrote, and then told that 0017 was never applied: "migrate"
// applies it alone (its file holds no schema change, only its Go step).
func TestAuditVerifyAfterMigratingAnOldDemo(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, err := db.Open(ctx, "sqlite:"+filepath.Join(dir, db.SQLiteFile), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	if err := demo.Seed(ctx, d, now, cheapPasswords); err != nil {
		t.Fatal(err)
	}
	// What the code before 0017 wrote on top: actors by address, addresses in the states.
	for i, a := range demo.Accounts(now) {
		var id int64
		if err := d.QueryRowContext(ctx, "SELECT id FROM accounts WHERE email = $1", a.Email).Scan(&id); err != nil {
			t.Fatal(err)
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := audit.Append(ctx, d, tx, audit.Entry{At: now.Add(time.Duration(i) * time.Second), ActorID: &id, Actor: a.Email,
				Action: "account.create", EntityKind: "account", EntityID: fmt.Sprint(id),
				After: fmt.Sprintf(`{"email":%q,"roles":[%q]}`, a.Email, a.Role)})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	old, err := audit.Verify(ctx, d)
	if err != nil || !old.OK() {
		t.Fatalf("old log: %+v %v", old, err)
	}
	if _, err := d.ExecContext(ctx, "DELETE FROM schema_migrations WHERE version = 17"); err != nil {
		t.Fatal(err)
	}
	d.Close()

	if code, out, errOut := runCmd(t, "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %d %q %q", code, out, errOut)
	}
	want := fmt.Sprintf("audit log intact: %d entries", old.Entries+1)
	if code, out, _ := runCmd(t, "audit", "verify", "--data", dir); code != 0 || !strings.Contains(out, want) {
		t.Fatalf("audit verify after the migration: %d %q, want %q", code, out, want)
	}

	d, err = db.Open(ctx, "sqlite:"+filepath.Join(dir, db.SQLiteFile), "")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	contacts := map[string]bool{}
	rows, err := d.QueryContext(ctx, "SELECT contact_email FROM campaigns")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		contacts[c] = true
	}
	rows.Close()
	addressRe := regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	rows, err = d.QueryContext(ctx, "SELECT id, action, actor, before_json, after_json FROM audit_log ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var last, lastAfter string
	for rows.Next() {
		var id int64
		var action, actor, before, after string
		if err := rows.Scan(&id, &action, &actor, &before, &after); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{actor, before, after} {
			for _, a := range addressRe.FindAllString(s, -1) {
				if !contacts[a] {
					t.Errorf("entry %d (%s) holds %q after the migration", id, action, a)
				}
			}
		}
		last, lastAfter = action, after
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if last != audit.ActionRedact || !strings.Contains(lastAfter, fmt.Sprintf(`"rewritten":%d`, len(demo.Accounts(now)))) {
		t.Errorf("last entry %s %s, want the record of the rewrite", last, lastAfter)
	}
}
