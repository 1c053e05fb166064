package db

import (
	"context"
	"testing"
)

// Every SQLite connection, the writer's and the readers', overwrites deleted content.
func TestSQLiteSecureDelete(t *testing.T) {
	d := openTestSQLite(t, Options{})
	ctx := context.Background()
	var w, r int
	if err := d.w.QueryRowContext(ctx, "PRAGMA secure_delete").Scan(&w); err != nil {
		t.Fatal(err)
	}
	if err := d.DB.QueryRowContext(ctx, "PRAGMA secure_delete").Scan(&r); err != nil {
		t.Fatal(err)
	}
	if w != 1 || r != 1 {
		t.Errorf("secure_delete: writer %d, reader %d; want 1 and 1", w, r)
	}
}
