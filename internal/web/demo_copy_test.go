package web_test

import (
	"io/fs"
	"path/filepath"
	"slices"
	"testing"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

// TestDemoCopyIsASeed: a copy of siteDemo, what newSite serves, holds the same tables with as
// many rows and as many stored files as a database that newSite seeds itself.
func TestDemoCopyIsASeed(t *testing.T) {
	compare := func(t *testing.T, seeded, copied *db.DB) {
		t.Helper()
		seededDir, copiedDir := seedDemo(t, siteDemo, seeded), seedDemo(t, siteDemo, copied)
		want, got := tableCounts(t, seeded), tableCounts(t, copied)
		if len(want) < 30 || !slices.Equal(got, want) {
			t.Errorf("copy's tables:\n%v\nseeded:\n%v", got, want)
		}
		if want, got := countFiles(t, seededDir), countFiles(t, copiedDir); want == 0 || got != want {
			t.Errorf("%d files in the copy's data folder, %d in the seeded one", got, want)
		}
	}
	// On SQLite only: seeding costs seconds, and PostgreSQL's copies are made by the same
	// Template (dbtest's own tests check its copies on both).
	compare(t, sqliteDB(t), siteDB(t))
}

// tableCounts lists the tables of d with their number of rows: "name count".
func tableCounts(t *testing.T, d *db.DB) []string {
	t.Helper()
	query := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if d.Dialect == db.Postgres {
		query = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`
	}
	var out []string
	for _, table := range dbtest.Strings(t, d, query) {
		out = append(out, table+" "+dbtest.Strings(t, d, `SELECT COUNT(*) FROM "`+table+`"`)[0])
	}
	return out
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
