package demo_test

import (
	"context"
	"regexp"
	"testing"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/demo"
)

// addressLike finds what looks like an e-mail address anywhere in a text: on purpose looser
// than the platform's own check, so that the test does not share its blind spots.
var addressLike = regexp.MustCompile(`[^\s"'<>(),;:@\\]+@[^\s"'<>(),;:@\\]+\.[A-Za-z]{2,}`)

// TestDemoAuditHoldsNoAddress: the demo runs every kind of command a site sees (registrations,
// accounts added by staff, comptoir registrations, ideas, structures, dossiers, reviews,
// voters); afterwards no audit entry names anyone by e-mail address, neither as its actor
// nor in the states it records. A campaign's contact address, not personal data, may stay.
func TestDemoAuditHoldsNoAddress(t *testing.T) {
	demo.Seeded.Each(t, func(t *testing.T, d *db.DB, _ string) {
		ctx := context.Background()
		contacts := map[string]bool{}
		rows, err := d.QueryContext(ctx, "SELECT contact_email FROM campaigns WHERE contact_email <> ''")
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
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		rows, err = d.QueryContext(ctx, "SELECT id, action, actor, before_json, after_json FROM audit_log ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		entries, bad := 0, 0
		for rows.Next() {
			var id int64
			var action, actor, before, after string
			if err := rows.Scan(&id, &action, &actor, &before, &after); err != nil {
				t.Fatal(err)
			}
			entries++
			var found []string
			for _, text := range []string{actor, before, after} {
				for _, a := range addressLike.FindAllString(text, -1) {
					if !contacts[a] {
						found = append(found, a)
					}
				}
			}
			if len(found) > 0 {
				bad++
				t.Errorf("entry %d (%s) holds the addresses %q", id, action, found)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if entries < 50 {
			t.Fatalf("the demo wrote only %d audit entries: the test would prove little", entries)
		}
		if bad > 0 {
			t.Errorf("%d of %d entries hold an e-mail address", bad, entries)
		}
	})
}
