package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/db"
)

// SessionStore keeps web sessions in the sessions table, so that every server process
// behind a load balancer sees the same sessions and a restart signs no one out. It
// implements scs.Store and scs.CtxStore with the same SQL on SQLite and PostgreSQL.
type SessionStore struct {
	d *db.DB
	// Now is the clock that decides expiry. It is the wall clock, not the application's
	// (possibly shifted, in the demo) clock, because scs computes expiries with time.Now.
	Now   func() time.Time
	cache *SessionCache // shared by the stores of the process (see SessionCache)
}

var (
	_ scs.Store    = (*SessionStore)(nil)
	_ scs.CtxStore = (*SessionStore)(nil)
)

// NewSessionStore returns a store over d's sessions table. The sessions it reads are kept in
// memory, in c (see SessionCache), which must be a cache of d.
func NewSessionStore(d *db.DB, c *SessionCache) *SessionStore {
	return &SessionStore{d: d, Now: time.Now, cache: c}
}

// Find returns the data of an unexpired session (scs.Store).
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit stores a session, replacing its data and expiry if it exists (scs.Store).
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete removes a session; an unknown token is not an error (scs.Store).
func (s *SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// SessionAccountKey is the session value holding the signed-in account's id. The store
// copies it into the sessions table, so that finding a session can read its account too.
const SessionAccountKey = "account_id"

// Prefetch receives, from FindCtx, the account of the session found (with its roles), read
// in the same query as the session. The web layer puts one in each request's context
// (WithPrefetch) and takes the account from it rather than reading it again.
type Prefetch struct {
	Account *access.Account // nil: the session signs no one in, or was not found
}

type prefetchKey struct{}

// WithPrefetch returns a context carrying an empty Prefetch for FindCtx to fill.
func WithPrefetch(ctx context.Context) (context.Context, *Prefetch) {
	p := &Prefetch{}
	return context.WithValue(ctx, prefetchKey{}, p), p
}

// PrefetchOf returns the Prefetch of the context, or nil.
func PrefetchOf(ctx context.Context) *Prefetch {
	p, _ := ctx.Value(prefetchKey{}).(*Prefetch)
	return p
}

var findSessionQuery = "SELECT " + withRolesColumns + ", s.data, s.expiry FROM sessions s" +
	" LEFT JOIN accounts a ON a.id = s.account_id LEFT JOIN account_roles r ON r.account_id = a.id" +
	" WHERE s.token = $1 AND s.expiry > $2"

// FindCtx returns the data of an unexpired session; an unknown or expired token is simply
// not found (scs.CtxStore). The session's account, read with it, goes to the context's
// Prefetch if there is one.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	e, found, err := s.find(ctx, token)
	if err != nil || !found {
		return nil, false, err
	}
	if p := PrefetchOf(ctx); p != nil && e.account != nil {
		p.Account = e.account
	}
	return e.data, true, nil
}

// find reads a session from the cache if it is still as it was read (on SQLite, its version
// says so; on PostgreSQL, no notification said otherwise), and from the sessions table
// otherwise.
func (s *SessionStore) find(ctx context.Context, token string) (cachedSession, bool, error) {
	prefix, ok := sessionPrefix(token)
	if !ok {
		return s.read(ctx, token)
	}
	gen, usable := s.cache.generation()
	if !usable {
		return s.read(ctx, token) // PostgreSQL, while not listening to the notifications
	}
	var version int64
	if s.d.Dialect == db.SQLite {
		// The version is read before the session: a change that commits between the two
		// reads shows in the session read and moves the version away from the one the entry
		// keeps.
		err := s.d.QueryRowContext(ctx, "SELECT n FROM session_versions WHERE prefix = $1", prefix).Scan(&version)
		if errors.Is(err, sql.ErrNoRows) {
			return s.read(ctx, token) // no session has this prefix: nothing to keep
		}
		if err != nil {
			return cachedSession{}, false, fmt.Errorf("find session: read its version: %w", err)
		}
	}
	if e, hit := s.cache.get(token, version, s.Now()); hit {
		return e, true, nil
	}
	e, found, err := s.read(ctx, token)
	if err == nil && found {
		e.version = version
		s.cache.put(token, e, gen, s.Now())
	}
	return e, found, err
}

// read reads an unexpired session and its account from the database.
func (s *SessionStore) read(ctx context.Context, token string) (cachedSession, bool, error) {
	rows, err := s.d.QueryContext(ctx, findSessionQuery, token, s.Now().UTC())
	if err != nil {
		return cachedSession{}, false, fmt.Errorf("find session: %w", err)
	}
	defer rows.Close()
	var e cachedSession
	a, n, err := collectAccount(rows, &e.data, &e.expiry)
	if err != nil {
		return cachedSession{}, false, fmt.Errorf("find session: %w", err)
	}
	e.account = a
	return e, n > 0, nil
}

// CommitCtx stores a session, replacing its data and expiry if it exists (scs.CtxStore),
// with the id of the account it signs in (see SessionAccountKey).
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if b == nil {
		b = []byte{} // the column is NOT NULL
	}
	var accountID *int64
	if _, values, err := (SessionCodec{}).Decode(b); err == nil {
		if id, ok := values[SessionAccountKey].(int64); ok {
			accountID = &id
		}
	}
	_, err := s.d.ExecContext(ctx,
		`INSERT INTO sessions (token, data, expiry, account_id) VALUES ($1, $2, $3, $4)
		 ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry, account_id = excluded.account_id`,
		token, b, expiry.UTC(), accountID)
	s.cache.forget(token) // the notification would come a moment later
	if err != nil {
		return fmt.Errorf("commit session: %w", err)
	}
	return nil
}

// EndSessions signs the account out everywhere but in the session keepToken ("" ends them
// all): after a password change or reset, whoever had opened a session with the old password
// (a shared computer, a stolen password) is out. Sessions of an earlier version, which did
// not record their account, are not found.
func EndSessions(ctx context.Context, q db.Querier, accountID int64, keepToken string) (int64, error) {
	res, err := q.ExecContext(ctx, "DELETE FROM sessions WHERE account_id = $1 AND token <> $2", accountID, keepToken)
	if err != nil {
		return 0, fmt.Errorf("end the sessions of account %d: %w", accountID, err)
	}
	accountChanged(q, accountID)
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("end the sessions of account %d: %w", accountID, err)
	}
	return n, nil
}

// DeleteCtx removes a session; an unknown token is not an error (scs.CtxStore).
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.d.ExecContext(ctx, "DELETE FROM sessions WHERE token = $1", token)
	s.cache.forget(token)
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Cleanup deletes the sessions expired at now and returns how many; the background worker
// calls it periodically (Find already ignores expired rows, this only reclaims space).
func (s *SessionStore) Cleanup(ctx context.Context, now time.Time) (int64, error) {
	return PurgeSessions(ctx, s.d, s.d.Dialect, now)
}

// PurgeSessions deletes the sessions expired at now, on q of a database of dialect d (the
// retention purge runs it in its own transaction).
func PurgeSessions(ctx context.Context, q db.Querier, d db.Dialect, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, "DELETE FROM sessions WHERE expiry <= $1", now.UTC())
	if err != nil {
		return 0, fmt.Errorf("clean up sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("clean up sessions: %w", err)
	}
	if d == db.SQLite {
		// The versions no session uses any more: deleting their sessions moved them on, so no
		// cached session can match them.
		if _, err := q.ExecContext(ctx,
			"DELETE FROM session_versions WHERE prefix NOT IN (SELECT substr(token, 1, 8) FROM sessions)"); err != nil {
			return n, fmt.Errorf("clean up session versions: %w", err)
		}
	}
	return n, nil
}
