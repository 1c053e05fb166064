package vote_test

import (
	"context"
	"slices"
	"testing"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/vote"
)

// Migration 10 keys the ballot box by the receipt code: the ballots already cast keep their
// receipts, choices and order of publication (their random ids), and are found by receipt.
func TestBallotsKeyedByReceiptMigration(t *testing.T) {
	dbtest.EachEmpty(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.MigrateTo(ctx, 9); err != nil {
			t.Fatal(err)
		}
		// The ballots of the schema before it: receipts in one order, ids in the other, and
		// publication follows the ids.
		old := []struct {
			receipt string
			id      []byte
		}{{"AAAAA-AAAAA-AAAAA-AAAAA", []byte{3}}, {"BBBBB-BBBBB-BBBBB-BBBBB", []byte{2}}, {"CCCCC-CCCCC-CCCCC-CCCCC", []byte{1}}}
		// Only the campaign is needed: a ballot's choices are dossier ids in a text, and the
		// stores of today would write tables (the search index) this schema does not have.
		c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
		if err != nil {
			t.Fatal(err)
		}
		c.Slug = "test-vote"
		if err := campaign.Insert(ctx, d, c, now); err != nil {
			t.Fatal(err)
		}
		ids := []int64{101, 102, 103}
		for i, b := range old {
			if _, err := d.ExecContext(ctx, "INSERT INTO vote_ballots (campaign_id, id, receipt, choices) VALUES ($1, $2, $3, $4)",
				c.ID, b.id, b.receipt, vote.FormatChoices(ids[:i+1])); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := d.MigrateTo(ctx, 10); err != nil || n != 1 {
			t.Fatalf("migration 10: %d applied, %v", n, err)
		}
		var order []string
		err = vote.BallotsOf(ctx, d, c.ID, func(receipt string, got []int64) error {
			order = append(order, receipt)
			return nil
		})
		if want := []string{old[2].receipt, old[1].receipt, old[0].receipt}; err != nil || !slices.Equal(order, want) {
			t.Errorf("ballots in the order %v (%v), want the order of their ids %v", order, err, want)
		}
		for i, b := range old {
			got, found, err := vote.BallotByReceipt(ctx, d, c.ID, b.receipt)
			if err != nil || !found || !slices.Equal(got, ids[:i+1]) {
				t.Errorf("ballot %s: %v %v %v, want %v", b.receipt, got, found, err, ids[:i+1])
			}
		}
		// The receipt is the key: a second ballot with the same code is refused.
		_, err = d.ExecContext(ctx, "INSERT INTO vote_ballots (campaign_id, id, receipt, choices) VALUES ($1, $2, $3, '')",
			c.ID, []byte{9}, old[0].receipt)
		if !db.IsUniqueViolation(err) {
			t.Errorf("same receipt twice: %v, want a unique violation", err)
		}
	})
}
