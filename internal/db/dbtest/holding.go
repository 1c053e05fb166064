package dbtest

import (
	"context"
	"sort"
	"testing"

	"budgetcitoyen/internal/db"
)

// Holding returns the columns ("table.column") of every table of the database that hold
// needle somewhere in one of their values, case-insensitively: text columns, and binary ones
// read as text (a session's encoded data would hold an address as plain bytes). The tables
// and columns are listed from the database's own catalogue (sqlite_master and table_info,
// information_schema.columns), so a table added by a later migration is scanned too. It is
// how the tests of the right to erasure check that no table keeps a deleted person's address.
func Holding(t testing.TB, d *db.DB, needle string) []string {
	t.Helper()
	ctx := context.Background()
	type column struct{ table, name, kind string }
	var cols []column
	switch d.Dialect {
	case db.SQLite:
		for _, table := range Strings(t, d, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`) {
			rows, err := d.QueryContext(ctx, "SELECT name, type FROM pragma_table_info($1)", table)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var c column
				if err := rows.Scan(&c.name, &c.kind); err != nil {
					t.Fatal(err)
				}
				c.table = table
				cols = append(cols, c)
			}
			if err := rows.Close(); err != nil {
				t.Fatal(err)
			}
		}
	case db.Postgres:
		rows, err := d.QueryContext(ctx, `SELECT table_name, column_name, data_type FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c column
			if err := rows.Scan(&c.table, &c.name, &c.kind); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, c)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("unknown dialect %q", d.Dialect)
	}
	if len(cols) == 0 {
		t.Fatal("no column found in the catalogue")
	}
	var out []string
	for _, c := range cols {
		var query string
		switch d.Dialect {
		case db.SQLite:
			// Every SQLite value reads as text, whatever the column's declared type.
			query = `SELECT COUNT(*) FROM "` + c.table + `" WHERE instr(lower(CAST("` + c.name + `" AS TEXT)), lower($1)) > 0`
		default:
			switch c.kind {
			case "text", "character varying", "character", "json", "jsonb":
				query = `SELECT COUNT(*) FROM "` + c.table + `" WHERE strpos(lower("` + c.name + `"::text), lower($1)) > 0`
			case "bytea":
				query = `SELECT COUNT(*) FROM "` + c.table + `" WHERE position(convert_to(lower($1), 'UTF8') IN "` + c.name + `") > 0
					OR position(convert_to($1, 'UTF8') IN "` + c.name + `") > 0`
			default:
				continue // numbers, instants, booleans hold no address
			}
		}
		var n int
		if err := d.QueryRowContext(ctx, query, needle).Scan(&n); err != nil {
			t.Fatalf("scan %s.%s: %v", c.table, c.name, err)
		}
		if n > 0 {
			out = append(out, c.table+"."+c.name)
		}
	}
	sort.Strings(out)
	return out
}
