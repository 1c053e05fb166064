package account

import (
	"context"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"

	"budgetcitoyen/internal/db"
)

// SessionStore keeps web sessions in the sessions table, so that every server process
// behind a load balancer sees the same sessions and a restart signs no one out. It
// implements scs.Store and scs.CtxStore with the same SQL on SQLite and PostgreSQL.
type SessionStore struct {
	d *db.DB
	// Now is the clock that decides expiry. It is the wall clock, not the application's
	// (possibly shifted, in the demo) clock, because scs computes expiries with time.Now.
	Now func() time.Time
}

var (
	_ scs.Store    = (*SessionStore)(nil)
	_ scs.CtxStore = (*SessionStore)(nil)
)

// NewSessionStore returns a store over d's sessions table.
func NewSessionStore(d *db.DB) *SessionStore { return &SessionStore{d: d, Now: time.Now} }

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

// FindCtx returns the data of an unexpired session; an unknown or expired token is simply
// not found (scs.CtxStore).
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.d.QueryRowContext(ctx, "SELECT data FROM sessions WHERE token = $1 AND expiry > $2",
		token, s.Now().UTC()).Scan(&b)
	if db.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("find session: %w", err)
	}
	return b, true, nil
}

// CommitCtx stores a session, replacing its data and expiry if it exists (scs.CtxStore).
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if b == nil {
		b = []byte{} // the column is NOT NULL
	}
	_, err := s.d.ExecContext(ctx,
		`INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		 ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
		token, b, expiry.UTC())
	if err != nil {
		return fmt.Errorf("commit session: %w", err)
	}
	return nil
}

// DeleteCtx removes a session; an unknown token is not an error (scs.CtxStore).
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	if _, err := s.d.ExecContext(ctx, "DELETE FROM sessions WHERE token = $1", token); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Cleanup deletes the sessions expired at now and returns how many; the background worker
// calls it periodically (Find already ignores expired rows, this only reclaims space).
func (s *SessionStore) Cleanup(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.d.ExecContext(ctx, "DELETE FROM sessions WHERE expiry <= $1", now.UTC())
	if err != nil {
		return 0, fmt.Errorf("clean up sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("clean up sessions: %w", err)
	}
	return n, nil
}
