package account

import (
	"context"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/db"
)

// testParams are cheap argon2 parameters that keep the suites fast; TestDefaultParams checks
// production's.
var testParams = PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

var t0 = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// newCampaign inserts a minimal campaign, for the per-campaign grants' foreign key.
func newCampaign(t *testing.T, d *db.DB, slug string) int64 {
	t.Helper()
	var id int64
	err := d.QueryRowContext(context.Background(),
		`INSERT INTO campaigns (slug, name, territory, envelope_cents, timezone, vote_rule, aggregation_rule,
		 tie_break, min_voter_age, ballot_publication, created_at, updated_at)
		 VALUES ($1, $1, '62', 100, 'Europe/Paris', 'one-per-category', 'greedy_cost', 'lower_support', 11, 'anonymous', $2, $2)
		 RETURNING id`, slug, t0).Scan(&id)
	if err != nil {
		t.Fatalf("insert campaign: %v", err)
	}
	return id
}

func mustCreate(t *testing.T, d *db.DB, email, password string) *access.Account {
	t.Helper()
	a, err := CreateWithPassword(context.Background(), d, testParams, email, "Camille Martin", password, t0)
	if err != nil {
		t.Fatalf("Create(%s): %v", email, err)
	}
	return a
}
