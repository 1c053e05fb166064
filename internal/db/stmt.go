package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"time"
	"unicode"
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
	mu        sync.RWMutex
	stmts     map[string]*sql.Stmt
	preparing map[string]bool // see stmtInTx
}

// cacheable reports whether a query is worth a prepared statement: data queries only, so
// that migrations, pragmas and scripts of several statements run as they always did.
func cacheable(query string) bool {
	if strings.Contains(query, ";") {
		return false
	}
	switch keyword(query) {
	case "SELECT", "INSERT", "UPDATE", "DELETE":
		return true
	}
	return false
}

// keyword returns the first word of a statement, upper-cased ("" when it has none).
func keyword(query string) string {
	q := strings.TrimSpace(query)
	end := strings.IndexFunc(q, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		end = len(q)
	}
	return strings.ToUpper(q[:end])
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

// stmtInTx is stmt for a transaction on SQLite's writing connection. The transaction holds
// the pool's only connection, and preparing a statement for the pool takes a connection of
// its own: a statement not yet cached is prepared in the background once the connection is
// free, for the transactions to come, and this one runs the query unprepared.
func (c *stmtCache) stmtInTx(d *sql.DB, query string) *sql.Stmt {
	if c == nil || !cacheable(query) {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok || c.preparing[query] || len(c.stmts) >= maxCachedStmts {
		return st
	}
	if c.preparing == nil {
		c.preparing = map[string]bool{}
	}
	c.preparing[query] = true
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c.stmt(ctx, d, query)
		c.mu.Lock()
		delete(c.preparing, query)
		c.mu.Unlock()
	}()
	return nil
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

// readOnly reports whether a query only reads, and so may run on SQLite's readers: a
// query that writes and is taken for a read fails loudly there (query_only).
func readOnly(query string) bool {
	kw := keyword(query)
	return kw == "SELECT" || kw == "WITH"
}

// pool returns the pool a query runs on, with its statement cache: on SQLite, the readers
// for a read and the writing connection for anything else.
func (d *DB) pool(query string) (*sql.DB, *stmtCache) {
	if d.w == nil || readOnly(query) {
		return d.DB, d.stmts
	}
	return d.w, d.wstmts
}

// writer is the pool that runs transactions: the writing connection on SQLite, where every
// transaction begins IMMEDIATE, that is holding the write lock.
func (d *DB) writer() *sql.DB {
	if d.w != nil {
		return d.w
	}
	return d.DB
}

// QueryContext runs a query, with a cached prepared statement on SQLite.
func (d *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	p, c := d.pool(query)
	if st := c.stmt(ctx, p, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query returning at most one row, with a cached prepared statement
// on SQLite.
func (d *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	p, c := d.pool(query)
	if st := c.stmt(ctx, p, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.QueryRowContext(ctx, query, args...)
}

// ExecContext runs a statement, with a cached prepared statement on SQLite.
func (d *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	p, c := d.pool(query)
	if st := c.stmt(ctx, p, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.ExecContext(ctx, query, args...)
}

// Exec, Query and QueryRow are ExecContext, QueryContext and QueryRowContext without a
// context: the methods of the embedded pool would send writes to SQLite's readers.
func (d *DB) Exec(query string, args ...any) (sql.Result, error) {
	return d.ExecContext(context.Background(), query, args...)
}

// Query is QueryContext without a context (see Exec).
func (d *DB) Query(query string, args ...any) (*sql.Rows, error) {
	return d.QueryContext(context.Background(), query, args...)
}

// QueryRow is QueryRowContext without a context (see Exec).
func (d *DB) QueryRow(query string, args ...any) *sql.Row {
	return d.QueryRowContext(context.Background(), query, args...)
}

// BeginTx begins a transaction on the pool that writes (on SQLite, the writing connection).
// InTx is the usual way: it commits or rolls back.
func (d *DB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	return d.writer().BeginTx(ctx, opts)
}

// Begin is BeginTx without a context.
func (d *DB) Begin() (*sql.Tx, error) { return d.BeginTx(context.Background(), nil) }

// Close closes the cached statements and the pools.
func (d *DB) Close() error {
	d.ckpt.close()
	d.listen.close()
	d.stmts.close()
	d.wstmts.close()
	err := d.DB.Close()
	if d.w != nil {
		err = errors.Join(err, d.w.Close())
	}
	return err
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
