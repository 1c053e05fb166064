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
//
// On SQLite there are two pools: the embedded one reads (its connections are query_only),
// and w, of a single connection, writes. SQLite has one writer at a time, and a writer
// that finds the lock taken sleeps and polls (the busy timeout): under a stream of writes
// (the ballot box's groups, sign-ins at the peak of a vote) a poller can miss its turn for
// the whole timeout and fail with SQLITE_BUSY. Queued for the one writing connection of
// this process, writers take turns instead, and readers never wait for them (WAL).
type DB struct {
	*sql.DB
	Dialect Dialect
	w       *sql.DB       // SQLite only: the writing connection (nil: DB writes too)
	stmts   *stmtCache    // SQLite only, statements of DB; see stmt.go
	wstmts  *stmtCache    // SQLite only, statements of w
	ckpt    *checkpointer // SQLite only; see checkpoint.go
	url     string        // PostgreSQL only, for the connections of Follow
	listen  *listeners    // PostgreSQL only; see listen.go
	watch   watchers      // this process's caches of rows; see watch.go
}

// SQLiteFile is the name of the embedded database inside the data folder.
const SQLiteFile = "budgetcitoyen.db"

// Open connects to the database named by rawURL. An empty URL means the embedded SQLite
// database in dataDir (created if needed); "postgres://…" or "postgresql://…" means
// PostgreSQL; "sqlite:PATH" or "file:PATH" names another SQLite file.
func Open(ctx context.Context, rawURL, dataDir string) (*DB, error) {
	return OpenWith(ctx, rawURL, dataDir, Options{})
}

// OpenWith is Open with tunables other than the defaults.
func OpenWith(ctx context.Context, rawURL, dataDir string, o Options) (*DB, error) {
	o = o.withDefaults()
	switch {
	case rawURL == "":
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data folder %s: %w", dataDir, err)
		}
		return openSQLite(ctx, filepath.Join(dataDir, SQLiteFile), o)
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return openPostgres(ctx, rawURL)
	case strings.HasPrefix(rawURL, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(rawURL, "sqlite:"), o)
	case strings.HasPrefix(rawURL, "file:"):
		return openSQLite(ctx, strings.TrimPrefix(rawURL, "file:"), o)
	default:
		return nil, fmt.Errorf("database URL %q: expected postgres://… or sqlite:PATH (or empty for the data folder)", redact(rawURL))
	}
}

// sqliteParams make every acknowledged write durable and let readers and the writer work
// side by side: WAL journal, fsync on every commit (synchronous=FULL survives a power loss,
// NORMAL would only survive a process crash), foreign keys on (the busy timeout is added
// by openSQLite), IMMEDIATE transactions so a transaction that will write
// takes the lock at BEGIN (no deadlock when two readers both try to upgrade), and temporary
// storage in memory (a multi-row INSERT keeps its statement journal there rather than in a
// temporary file written with system calls), and no automatic checkpoint (see checkpoint.go:
// a server's own goroutine does it; SQLite still checkpoints when the last connection to
// the file closes). The log file keeps its size when the log starts over, so that the next
// writes go over pages already there, up to 64 MB (a quarter of a second of a vote storm at
// 10,000 ballots per second logs some 25 MB): past that, SQLite cuts it back when the log
// starts over, after a reader held an old snapshot for long. Deleted content is overwritten
// with zeros (secure_delete), so that an erased row (an e-mail's body, a session) is not left
// readable in the file's free pages.
const sqliteParams = "_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(ON)" +
	"&_pragma=temp_store(MEMORY)&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(67108864)" +
	"&_pragma=secure_delete(ON)" +
	"&_txlock=immediate&_time_format=sqlite"

// Options are the tunables of a database handle. The zero value of a field takes its
// default: Open uses the defaults; tests shorten the waits through OpenWith.
type Options struct {
	// BusyTimeout is how long an SQLite connection waits for the write lock held by another
	// process (a command run beside the server) before failing; this process's own writers
	// take turns on its writing connection instead (see DB). Default 10 s.
	BusyTimeout time.Duration
	// CheckpointEvery is how often the SQLite checkpointer copies the write-ahead log into
	// the database file (see checkpoint.go). Default 250 ms.
	CheckpointEvery time.Duration
}

func (o Options) withDefaults() Options {
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 10 * time.Second
	}
	if o.CheckpointEvery <= 0 {
		o.CheckpointEvery = 250 * time.Millisecond
	}
	return o
}

// The pool sizes. Idle connections are kept up to the same number: database/sql keeps only
// two by default, so under load every other query would open a new connection (on
// PostgreSQL a new server process and a TLS handshake; on SQLite a new schema parse).
//
// PostgreSQL gets four connections per processor of this server: each server process of
// PostgreSQL competes for the same processors, and past a few per core more connections only
// add switching (measured with "budgetcitoyen bench vote" on 2 cores: 8 connections cast 10
// to 25 % more ballots per second than 20, and cut the slowest latencies by a third).
//
// SQLite's readers are 32. database/sql hands a freed connection to a waiting query picked at
// random, not to the first in line: with 8 readers and 256 voters at once, the unluckiest
// 1 % of requests waited 120 to 260 ms for a connection to read their session, while the
// median waited 6 to 17 ms ("budgetcitoyen bench vote", timed per phase). With 32 they
// seldom wait at all. A reader costs memory only for the pages it reads (its own cache, up
// to 2 MB, emptied whenever another connection commits).
const sqliteConns = 32

var postgresConns = min(4*runtime.GOMAXPROCS(0), 64) // well under max_connections (default 100)

func openSQLite(ctx context.Context, path string, o Options) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty file path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create folder for %s: %w", path, err)
		}
	}
	// The writer first: its first connection creates the file and turns the journal to WAL,
	// which a query_only connection may not do.
	params := fmt.Sprintf("%s&_pragma=busy_timeout(%d)", sqliteParams, o.BusyTimeout.Milliseconds())
	w, err := openSQLitePool(ctx, path, params, 1)
	if err != nil {
		return nil, err
	}
	r, err := openSQLitePool(ctx, path, params+"&_pragma=query_only(1)", sqliteConns)
	if err != nil {
		w.Close()
		return nil, err
	}
	d := &DB{DB: r, Dialect: SQLite, w: w,
		stmts: &stmtCache{stmts: map[string]*sql.Stmt{}}, wstmts: &stmtCache{stmts: map[string]*sql.Stmt{}}}
	d.ckpt = startCheckpointer(d, o.CheckpointEvery)
	return d, nil
}

func openSQLitePool(ctx context.Context, path, params string, conns int) (*sql.DB, error) {
	sqldb, err := sql.Open("sqlite", "file:"+path+"?"+params)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqldb.SetMaxOpenConns(conns)
	sqldb.SetMaxIdleConns(conns)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return sqldb, nil
}

func openPostgres(ctx context.Context, rawURL string) (*DB, error) {
	sqldb, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("open postgres %s: %w", redact(rawURL), err)
	}
	sqldb.SetMaxOpenConns(postgresConns)
	sqldb.SetMaxIdleConns(postgresConns)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	d := &DB{DB: sqldb, Dialect: Postgres, url: rawURL, listen: newListeners()}
	if err := d.PingContext(ctx); err != nil {
		d.listen.cancel()
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
