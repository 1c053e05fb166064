package demo

import (
	"context"
	"os"
	"testing"
	"time"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

// TestMain removes, at the end, the template of Seeded.
func TestMain(m *testing.M) { os.Exit(dbtest.Run(m)) }

// SeededNow is the day the tests' demo is placed around: a Friday of November.
var SeededNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// Seeded is the demo as Seed leaves it at SeededNow with TestPasswords, seeded once per
// database kind for the tests that check what it holds: each gets its own copy. TestSeed
// seeds for itself.
var Seeded = &dbtest.Template{Name: "demo", Seed: func(ctx context.Context, d *db.DB, _ string) error {
	return Seed(ctx, d, SeededNow, TestPasswords)
}}
