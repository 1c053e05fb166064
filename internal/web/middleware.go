package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/i18n"
)

// withRequestID gives every request an id, echoed in the X-Request-Id header, written in its
// log lines and shown on the internal-error page so that a user's report can be traced.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, withValue(r, ctxRequestID, id))
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.fail(w, r, fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status code for logs and metrics.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics" {
			return
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("id", requestID(r.Context())), slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)))
	})
}

// securityHeaders forbids framing, sniffing and any resource from another origin: the site
// embeds all its assets, so no request ever leaves it. A site served over HTTPS also tells
// browsers to reach it, and its subdomains, only over HTTPS for two years (HSTS).
func securityHeaders(hsts bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, sh := range securityHeaderValues {
			h[sh.name] = sh.value
		}
		if hsts {
			h["Strict-Transport-Security"] = hstsValue
		}
		next.ServeHTTP(w, r)
	})
}

var hstsValue = []string{"max-age=63072000; includeSubDomains"}

// securityHeaderValues are set by assignment under their canonical names: every response
// shares these slices, which costs no allocation per request. A handler may still replace
// one (Header.Set) or add to it (Header.Add copies a full slice); none writes into them.
var securityHeaderValues = []struct {
	name  string
	value []string
}{
	{"Content-Security-Policy", []string{"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Referrer-Policy", []string{"same-origin"}},
	{"Permissions-Policy", []string{"camera=(), microphone=(), geolocation=()"}},
}

// maxBody bounds every request body; upload handlers set their own, lower, limits per file.
const maxBody = 32 << 20

func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		next.ServeHTTP(w, r)
	})
}

// withLang picks the interface language: ?lang= (remembered in a cookie), then the cookie,
// then French. French is the default whatever the browser says: the platform is French.
func (s *Server) withLang(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := i18n.FR
		if q := r.URL.Query().Get("lang"); q != "" {
			if l, ok := i18n.Parse(q); ok {
				lang = l
				http.SetCookie(w, &http.Cookie{Name: "lang", Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
					HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(s.baseURL, "https://")})
			}
		} else if c, err := r.Cookie("lang"); err == nil {
			if l, ok := i18n.Parse(c.Value); ok {
				lang = l
			}
		}
		next.ServeHTTP(w, withValue(r, ctxLang, lang))
	})
}

// loadActor reads the signed-in account from the session, with its roles.
func (s *Server) loadActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var actor access.Actor
		if err := s.touchSession(r.Context()); err != nil {
			s.fail(w, r, fmt.Errorf("session idle timeout: %w", err))
			return
		}
		if id := s.sessions.GetInt64(r.Context(), sessionAccountKey); id != 0 {
			a, err := s.sessionAccount(r.Context(), id)
			switch {
			case err == nil && !a.Disabled:
				actor = access.ActorFor(a)
			case err == nil || apperr.IsKind(err, apperr.NotFound):
				// Disabled or deleted since: the session no longer signs anyone in.
				s.sessions.Remove(r.Context(), sessionAccountKey)
			default:
				s.fail(w, r, fmt.Errorf("load signed-in account: %w", err))
				return
			}
		}
		actor.Client = clientIP(r)
		next.ServeHTTP(w, withValue(r, ctxActor, actor))
	})
}

// withPrefetch lets the session store hand over the account it read with the session (see
// account.Prefetch): it must wrap the session middleware.
func withPrefetch(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, _ := account.WithPrefetch(r.Context())
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// sessionAccount returns the signed-in account: the one read with the session when it is
// that account, otherwise read now (a session written before the sessions table kept its
// account, or changed since it was read).
func (s *Server) sessionAccount(ctx context.Context, id int64) (*access.Account, error) {
	if p := account.PrefetchOf(ctx); p != nil && p.Account != nil && p.Account.ID == id {
		return p.Account, nil
	}
	return account.ByID(ctx, s.db, id)
}
