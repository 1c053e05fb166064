// Package db opens the platform's database (embedded SQLite or PostgreSQL), applies the
// embedded migrations and hides the few differences between the two SQL dialects.
//
// SQL is written once, portable: both dialects accept $1-style parameters, RETURNING and
// ON CONFLICT. What differs (column types in migrations, advisory locks, error codes) is
// handled here and nowhere else.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the SQL engine behind a DB.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the platform's database handle: a connection pool and its dialect.
type DB struct {
	*sql.DB
	Dialect Dialect
	stmts   *stmtCache    // SQLite only; see stmt.go
	ckpt    *checkpointer // SQLite only; see checkpoint.go
}

// SQLiteFile is the name of the embedded database inside the data folder.
const SQLiteFile = "budgetcitoyen.db"

// Open connects to the database named by rawURL. An empty URL means the embedded SQLite
// database in dataDir (created if needed); "postgres://…" or "postgresql://…" means
// PostgreSQL; "sqlite:PATH" or "file:PATH" names another SQLite file.
func Open(ctx context.Context, rawURL, dataDir string) (*DB, error) {
	switch {
	case rawURL == "":
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data folder %s: %w", dataDir, err)
		}
		return openSQLite(ctx, filepath.Join(dataDir, SQLiteFile))
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return openPostgres(ctx, rawURL)
	case strings.HasPrefix(rawURL, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(rawURL, "sqlite:"))
	case strings.HasPrefix(rawURL, "file:"):
		return openSQLite(ctx, strings.TrimPrefix(rawURL, "file:"))
	default:
		return nil, fmt.Errorf("database URL %q: expected postgres://… or sqlite:PATH (or empty for the data folder)", redact(rawURL))
	}
}

// sqliteParams make every acknowledged write durable and let readers and the writer work
// side by side: WAL journal, fsync on every commit (synchronous=FULL survives a power loss,
// NORMAL would only survive a process crash), foreign keys on, a busy timeout so concurrent
// writers wait instead of failing, IMMEDIATE transactions so a transaction that will write
// takes the lock at BEGIN (no deadlock when two readers both try to upgrade), and temporary
// storage in memory (a multi-row INSERT keeps its statement journal there rather than in a
// temporary file written with system calls), and no automatic checkpoint (see checkpoint.go:
// a server's own goroutine does it; SQLite still checkpoints when the last connection to
// the file closes).
const sqliteParams = "_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(ON)" +
	"&_pragma=busy_timeout(10000)&_pragma=temp_store(MEMORY)&_pragma=wal_autocheckpoint(0)" +
	"&_txlock=immediate&_time_format=sqlite"

// The pool sizes. Idle connections are kept up to the same number: database/sql keeps only
// two by default, so under load every other query would open a new connection (on
// PostgreSQL a new server process and a TLS handshake; on SQLite a new schema parse).
//
// PostgreSQL gets four connections per processor of this server: each server process of
// PostgreSQL competes for the same processors, and past a few per core more connections only
// add switching (measured with "budgetcitoyen bench vote" on 2 cores: 8 connections cast 10
// to 25 % more ballots per second than 20, and cut the slowest latencies by a third).
const sqliteConns = 8 // SQLite has one writer at a time; a few connections let reads run beside it

var postgresConns = min(4*runtime.GOMAXPROCS(0), 64) // well under max_connections (default 100)

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty file path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create folder for %s: %w", path, err)
		}
	}
	sqldb, err := sql.Open("sqlite", "file:"+path+"?"+sqliteParams)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqldb.SetMaxOpenConns(sqliteConns)
	sqldb.SetMaxIdleConns(sqliteConns)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	d := &DB{DB: sqldb, Dialect: SQLite, stmts: &stmtCache{stmts: map[string]*sql.Stmt{}}}
	if err := d.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	d.ckpt = startCheckpointer(d)
	return d, nil
}

func openPostgres(ctx context.Context, rawURL string) (*DB, error) {
	sqldb, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("open postgres %s: %w", redact(rawURL), err)
	}
	sqldb.SetMaxOpenConns(postgresConns)
	sqldb.SetMaxIdleConns(postgresConns)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	d := &DB{DB: sqldb, Dialect: Postgres}
	if err := d.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("connect to postgres %s: %w", redact(rawURL), err)
	}
	return d, nil
}

// redact hides the password of a database URL before it reaches a log or an error.
func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return rawURL
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Redact hides the password of a database URL, for logs.
func Redact(rawURL string) string { return redact(rawURL) }
