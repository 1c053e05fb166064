package db

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// maxCachedStmts bounds the statement cache: queries built with a variable number of
// placeholders (IN lists, multi-row inserts) each have their own text, and a query beyond
// the bound simply runs unprepared.
const maxCachedStmts = 512

// stmtCache keeps one prepared statement per query text. On SQLite, preparing (parsing and
// planning) a short query costs more than running it, and database/sql prepares anew for
// every DB.QueryContext call; a *sql.Stmt is prepared once per pooled connection and reused.
// PostgreSQL needs no such cache: pgx keeps its own per connection.
type stmtCache struct {
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

// cacheable reports whether a query is worth a prepared statement: data queries only, so
// that migrations, pragmas and scripts of several statements run as they always did.
func cacheable(query string) bool {
	q := strings.TrimSpace(query)
	if len(q) < 6 || strings.Contains(q, ";") {
		return false
	}
	switch strings.ToUpper(q[:6]) {
	case "SELECT", "INSERT", "UPDATE", "DELETE":
		return true
	}
	return false
}

// stmt returns the prepared statement of query, preparing it on first use, or nil when the
// query is not cached (not cacheable, cache full, or the preparation failed: the caller
// then runs the query unprepared and gets the database's own error).
func (c *stmtCache) stmt(ctx context.Context, d *sql.DB, query string) *sql.Stmt {
	if c == nil || !cacheable(query) {
		return nil
	}
	c.mu.RLock()
	st, ok := c.stmts[query]
	full := len(c.stmts) >= maxCachedStmts
	c.mu.RUnlock()
	if ok || full {
		return st
	}
	st, err := d.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.stmts[query]; ok {
		st.Close() // another goroutine prepared it meanwhile
		return prev
	}
	if len(c.stmts) >= maxCachedStmts {
		st.Close()
		return nil
	}
	c.stmts[query] = st
	return st
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.stmts {
		st.Close()
		delete(c.stmts, q)
	}
}

// QueryContext runs a query, with a cached prepared statement on SQLite.
func (d *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := d.stmts.stmt(ctx, d.DB, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return d.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query returning at most one row, with a cached prepared statement
// on SQLite.
func (d *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := d.stmts.stmt(ctx, d.DB, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.DB.QueryRowContext(ctx, query, args...)
}

// ExecContext runs a statement, with a cached prepared statement on SQLite.
func (d *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := d.stmts.stmt(ctx, d.DB, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return d.DB.ExecContext(ctx, query, args...)
}

// Close closes the cached statements and the pool.
func (d *DB) Close() error {
	d.ckpt.close()
	d.stmts.close()
	return d.DB.Close()
}

// Bind returns a Querier running in tx that knows its dialect (see DialectOf) and, on
// SQLite, uses the cached prepared statements. Statements bound to a transaction end with it.
func (d *DB) Bind(tx *sql.Tx) Querier { return boundTx{d: d, tx: tx} }

type boundTx struct {
	d  *DB
	tx *sql.Tx
}

func (b boundTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := b.d.stmts.stmt(ctx, b.d.DB, query); st != nil {
		return b.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return b.tx.QueryContext(ctx, query, args...)
}

func (b boundTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := b.d.stmts.stmt(ctx, b.d.DB, query); st != nil {
		return b.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return b.tx.QueryRowContext(ctx, query, args...)
}

func (b boundTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := b.d.stmts.stmt(ctx, b.d.DB, query); st != nil {
		return b.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return b.tx.ExecContext(ctx, query, args...)
}

// RowChunks splits n rows into multi-row statements whose sizes are powers of two up to
// 256, largest first: a batch of any size takes at most a few statements (round trips, on
// PostgreSQL) and a handful of statement texts, each prepared once.
func RowChunks(n int) []int {
	var out []int
	for size := 256; size >= 1; size /= 2 {
		for ; n >= size; n -= size {
			out = append(out, size)
		}
	}
	return out
}
