package stats_test

import (
	"context"
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/stats"
	"budgetcitoyen/internal/vote"
)

// Read counts each stage from its table and Version moves with every write that changes them.
func TestReadAndVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 9, 10, 10, 0, 0, 0, time.UTC)
		c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
		if err != nil {
			t.Fatal(err)
		}
		c.Slug = "stats-store"
		if err := campaign.Insert(ctx, d, c, now); err != nil {
			t.Fatal(err)
		}
		var author int64
		if err := d.QueryRowContext(ctx, `INSERT INTO accounts (email, display_name, password_hash, lang, disabled, created_at)
			VALUES ('a@x.test', 'A', '', 'fr', FALSE, $1) RETURNING id`, now).Scan(&author); err != nil {
			t.Fatal(err)
		}
		v0, err := stats.Version(ctx, d, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{"62041", "62041", "62119"} {
			if _, err := d.ExecContext(ctx, `INSERT INTO ideas (campaign_id, author_id, title, description, theme, commune, carrier, created_at)
				VALUES ($1, $2, 'Idée', 'Texte', 'solidarite', $3, 'citizen', $4)`, c.ID, author, code, now); err != nil {
				t.Fatal(err)
			}
		}
		v1, _ := stats.Version(ctx, d, c.ID)
		err = d.InTx(ctx, func(tx *db.Tx) error {
			_, err := vote.WriteGroup(ctx, tx, []vote.Cast{
				{CampaignID: c.ID, PersonKey: "k1", Commune: "62041", AgeBracket: "18-24", Day: "2018-10-01"},
				{CampaignID: c.ID, PersonKey: "k2", Commune: "62119", AgeBracket: "65+", Day: "2018-10-02"},
			}, nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		v2, _ := stats.Version(ctx, d, c.ID)
		if v0 == v1 || v1 == v2 {
			t.Errorf("versions %q %q %q", v0, v1, v2)
		}
		if again, _ := stats.Version(ctx, d, c.ID); again != v2 {
			t.Errorf("version moved without a write: %q %q", v2, again)
		}
		raw, err := stats.Read(ctx, d, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if raw.ByCommune["62041"] != (stats.Counts{2, 0, 0, 1}) || raw.ByCommune["62119"] != (stats.Counts{1, 0, 0, 1}) ||
			raw.ByAge["65+"] != 1 || raw.ByDay["2018-10-02"] != 1 {
			t.Errorf("raw %+v", raw)
		}
	})
}
