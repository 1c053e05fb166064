package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Querier is what a *DB and a *Tx offer: store functions take it so that they can run alone
// or inside a caller's transaction. It is implemented by this package's types only, so a
// store function always knows its dialect and can tell the database's watchers of a change.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	// Changed tells the database's watchers (see Watch) that the row id of topic changed:
	// at once on a *DB, after the commit (and never after a rollback) on a *Tx.
	Changed(topic string, id int64)
	dialect() Dialect
}

// Tx is a transaction of InTx. It knows its database: its queries run, on SQLite, through
// the writing connection's cached prepared statements, and the changes it announces reach
// the watchers once it has committed.
type Tx struct {
	d       *DB
	tx      *sql.Tx
	changed []changedRow
}

type changedRow struct {
	topic string
	id    int64
}

// DB returns the database of the transaction.
func (t *Tx) DB() *DB { return t.d }

func (t *Tx) dialect() Dialect { return t.d.Dialect }

// Changed records that the row id of topic changed, for the watchers after the commit.
func (t *Tx) Changed(topic string, id int64) {
	t.changed = append(t.changed, changedRow{topic, id})
}

func (t *Tx) stmt(query string) *sql.Stmt {
	return t.d.wstmts.stmtInTx(t.d.writer(), query)
}

// QueryContext runs a query in the transaction.
func (t *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query of one row in the transaction.
func (t *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// ExecContext runs a statement in the transaction.
func (t *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

// InTx runs fn in one transaction: committed if fn returns nil, rolled back otherwise (so a
// failed save leaves the database as it was). On SQLite it runs on the writing connection:
// inside fn, write through tx, never through d, whose writes would wait for the connection
// that the transaction holds. The changes fn announced (tx.Changed) reach the watchers after
// the commit.
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	stx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{d: d, tx: stx}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, c := range tx.changed {
		d.Changed(c.topic, c.id)
	}
	return nil
}

// Lock serialises, until the end of tx, every transaction that takes the same named lock.
// PostgreSQL uses a transaction-scoped advisory lock; SQLite needs nothing, since its
// transactions begin IMMEDIATE and so already hold the single write lock.
func (d *DB) Lock(ctx context.Context, tx *Tx, name string) error {
	if d.Dialect != Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", name); err != nil {
		return fmt.Errorf("lock %s: %w", name, err)
	}
	return nil
}

// IsUniqueViolation reports whether err is a unique-constraint violation, the way the
// database tells that a row (an e-mail, a ballot, a registration) already exists.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqlErr *sqlite.Error
	if errors.As(err, &sqlErr) {
		code := sqlErr.Code()
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// IsNotFound reports whether err means that no row matched.
func IsNotFound(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// Placeholders returns "$start, $start+1, …" for n values, for IN lists.
func Placeholders(start, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", start+i)
	}
	return b.String()
}
