package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"budgetcitoyen/internal/account"
)

const (
	sessionAccountKey = account.SessionAccountKey
	sessionCSRFKey    = "csrf"
	sessionFlashKey   = "flash"
	sessionSeenKey    = "seen" // Unix time of the last request that refreshed the session
)

const (
	// sessionIdleTimeout ends a session nobody used for this long.
	sessionIdleTimeout = 2 * time.Hour
	// sessionTouchEvery is how often a session in use is written back only to record that it
	// is in use: between two such writes, a request that changes nothing writes nothing.
	sessionTouchEvery = 5 * time.Minute
)

// newSessionManager keeps sessions in the database, so that several server processes behind
// a load balancer share them. The cookie is HttpOnly, SameSite=Lax, and Secure when the site
// is served over HTTPS.
//
// The idle timeout is not scs's IdleTimeout, which writes the session back on every request
// (a database write, on SQLite a commit with its fsync, for each page): touchSession keeps
// the time of use in the session itself and refreshes it every sessionTouchEvery.
func newSessionManager(store *account.SessionStore, baseURL string) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.Codec = account.SessionCodec{}
	sm.Lifetime = 12 * time.Hour
	sm.Cookie.Name = "bc_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = strings.HasPrefix(baseURL, "https://")
	sm.Cookie.Path = "/"
	return sm
}

// touchSession applies the idle timeout to the request's session: a session unused for
// sessionIdleTimeout is destroyed (the person is signed out); one in use is marked as such
// every sessionTouchEvery, which writes it back. A session holding nothing is left alone, so
// that a visitor who only reads gets no session at all. The clock is the wall clock, as for
// scs's own expiry.
func (s *Server) touchSession(ctx context.Context) error {
	seen := s.sessions.GetInt64(ctx, sessionSeenKey)
	now := time.Now()
	switch {
	case seen == 0:
		if len(s.sessions.Keys(ctx)) == 0 {
			return nil
		}
	case now.Sub(time.Unix(seen, 0)) > sessionIdleTimeout:
		return s.sessions.Destroy(ctx)
	case now.Sub(time.Unix(seen, 0)) < sessionTouchEvery:
		return nil
	}
	s.sessions.Put(ctx, sessionSeenKey, now.Unix())
	return nil
}
