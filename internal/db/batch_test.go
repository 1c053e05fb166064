package db_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

func TestRowChunks(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want []int
	}{
		{0, nil},
		{1, []int{1}},
		{3, []int{2, 1}},
		{105, []int{64, 32, 8, 1}},
		{256, []int{256}},
		{600, []int{256, 256, 64, 16, 8}},
	} {
		got := db.RowChunks(tc.n)
		if !slices.Equal(got, tc.want) {
			t.Errorf("RowChunks(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
}

var testBatch = db.Batch{Table: "batch_test", Columns: []db.Column{
	{Name: "n", PGType: "bigint"}, {Name: "s", PGType: "text"}, {Name: "b", PGType: "bytea"},
	{Name: "f", PGType: "boolean"}, {Name: "at", PGType: "timestamptz"}},
	Suffix: "ON CONFLICT DO NOTHING RETURNING n"}

func createBatchTable(t *testing.T, d *db.DB) {
	t.Helper()
	blob, ts := "BLOB", "TIMESTAMP"
	if d.Dialect == db.Postgres {
		blob, ts = "BYTEA", "TIMESTAMPTZ"
	}
	if _, err := d.ExecContext(context.Background(), fmt.Sprintf(
		"CREATE TABLE batch_test (n BIGINT PRIMARY KEY, s TEXT NOT NULL, b %s NOT NULL, f BOOLEAN NOT NULL, at %s NOT NULL)", blob, ts)); err != nil {
		t.Fatal(err)
	}
}

// A batch of any size goes in whole, in the order given, on both dialects; rows already
// there are skipped by the suffix and only the new ones come back.
func TestBatchInsertsInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		createBatchTable(t, d)
		at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
		var rows [][]any
		for i := 0; i < 300; i++ {
			n := int64((i * 7919) % 1000) // not in key order
			rows = append(rows, []any{n, fmt.Sprintf("ligne %d, « é »", n), []byte{byte(n), 0, 255}, n%2 == 0, at.Add(time.Duration(n) * time.Second)})
		}
		rows = append(rows, rows[0]) // twice in the batch: the second is skipped
		var got []int64
		err := d.InTx(ctx, func(tx *db.Tx) error {
			return testBatch.Query(ctx, tx, rows, func(r *sql.Rows) error {
				var n int64
				got = append(got, n)
				return r.Scan(&got[len(got)-1])
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 300 {
			t.Fatalf("%d rows returned, want 300", len(got))
		}
		for i, n := range got {
			if n != rows[i][0].(int64) {
				t.Fatalf("row %d returned as %d, want %d: the order of the batch was not kept", i, n, rows[i][0])
			}
		}
		// Read back: every value as written.
		r, err := d.QueryContext(ctx, "SELECT n, s, b, f, at FROM batch_test")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		byN := map[int64][]any{}
		for _, row := range rows {
			byN[row[0].(int64)] = row
		}
		count := 0
		for r.Next() {
			var (
				n   int64
				s   string
				b   []byte
				f   bool
				ats time.Time
			)
			if err := r.Scan(&n, &s, &b, &f, &ats); err != nil {
				t.Fatal(err)
			}
			w := byN[n]
			if s != w[1] || !bytes.Equal(b, w[2].([]byte)) || f != w[3] || !ats.Equal(w[4].(time.Time)) {
				t.Errorf("row %d read back as %q %v %v %v", n, s, b, f, ats)
			}
			count++
		}
		if count != 300 {
			t.Errorf("%d rows in the table, want 300", count)
		}
		// A second batch with only known rows inserts nothing.
		if err := testBatch.Exec(ctx, d, rows[:10]); err != nil {
			t.Fatal(err)
		}
		var total int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM batch_test").Scan(&total); err != nil || total != 300 {
			t.Errorf("after a batch of known rows: %d rows (%v), want 300", total, err)
		}
		// Through a bare transaction, whose dialect Batch cannot tell: portable statements.
		more := [][]any{{int64(5000), "x", []byte{1}, true, at}, {int64(5001), "y", []byte{2}, false, at}}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return testBatch.Exec(ctx, tx, more) }); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM batch_test").Scan(&total); err != nil || total != 302 {
			t.Errorf("after a batch through a bare transaction: %d rows (%v), want 302", total, err)
		}
	})
}

func TestBatchRefusesBadRows(t *testing.T) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		for name, rows := range map[string][][]any{
			"short row":  {{int64(1), "a", []byte{1}, true}},
			"mixed type": {{int64(1), "a", []byte{1}, true, time.Now()}, {"2", "b", []byte{2}, false, time.Now()}},
			"float":      {{1.5, "a", []byte{1}, true, time.Now()}},
		} {
			if name == "float" && dialect == db.SQLite || name == "mixed type" && dialect == db.SQLite {
				continue // SQLite's statements take any value; the database judges
			}
			if _, err := testBatch.Statements(dialect, rows); err == nil {
				t.Errorf("%s %s: no error", dialect, name)
			}
		}
	}
	if sts, err := testBatch.Statements(db.Postgres, nil); err != nil || sts != nil {
		t.Errorf("empty batch: %v, %v", sts, err)
	}
	two := [][]any{{int64(1), "a", []byte{1}, true, time.Now()}, {int64(2), "b", []byte{2}, false, time.Now()}}
	key := []db.Column{{Name: "k", PGType: "text"}}
	if _, err := testBatch.Unnest(1, nil, key, ""); err == nil {
		t.Error("Unnest of no rows: no error")
	}
	if _, err := testBatch.Unnest(1, two, key, ""); err == nil {
		t.Error("Unnest of rows without their key: no error")
	}
	keyed := [][]any{append(slices.Clone(two[0]), "x"), append(slices.Clone(two[1]), "y")}
	st, err := testBatch.Unnest(3, keyed, key, "u.k <> 'y'")
	if err != nil || len(st.Args) != 6 || !strings.Contains(st.Query, "unnest($3::bigint[], $4::text[], $5::bytea[], $6::boolean[], $7::timestamptz[], $8::text[])") ||
		!strings.Contains(st.Query, " WHERE u.k <> 'y' ORDER BY u.ord") {
		t.Errorf("Unnest from $3 with a key: %v, %+v", err, st)
	}
	sts, _ := testBatch.Statements(db.SQLite, two)
	if len(sts) != 1 || !strings.HasSuffix(sts[0].Query, "VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING n") {
		t.Errorf("SQLite statement: %+v", sts)
	}
}

func TestDialectOf(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if got := db.DialectOf(d); got != d.Dialect {
			t.Errorf("DialectOf(DB) = %s", got)
		}
		err := d.InTx(context.Background(), func(tx *db.Tx) error {
			if got := db.DialectOf(tx); got != d.Dialect {
				t.Errorf("DialectOf(tx) = %s", got)
			}
			if tx.DB() != d {
				t.Error("tx.DB() is not the database of the transaction")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
