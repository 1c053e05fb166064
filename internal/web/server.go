// Package web is the platform's HTTP server: the route table, the middleware (request id,
// logs, metrics, sessions, language, sign-in, permissions, CSRF), the rendering of pages and
// one handler per file. Handlers are thin: they parse the request, call the domain packages
// and render a typed page; SQL and rules stay in the domains.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/oidc"
	"budgetcitoyen/internal/territory"
	"budgetcitoyen/internal/vote"
)

// Config is what the server needs from the outside world. Nothing is global: the clock, the
// database and the logger are values given here.
type Config struct {
	DB      *db.DB
	Logger  *slog.Logger
	Now     func() time.Time
	BaseURL string // public address, e.g. https://budget.example.org; used in e-mails
	DataDir string
	Version string
	// Territory is the official list of communes; loaded from the embedded data when nil.
	Territory *territory.Data
	// OIDC is the OpenID Connect (FranceConnect) provider; unused when its issuer is empty.
	OIDC oidc.Config
	// Box is the ballot box of DB for this process: every ballot of the process goes through
	// it, so that they are written in groups. New makes one when nil.
	Box *vote.Box
	// Sessions is this process's cache of DB's sessions. New makes one when nil.
	Sessions *account.SessionCache
	// Passwords are the hashing parameters of new passwords (zero: account.DefaultParams).
	Passwords account.PasswordParams
	// MetricsToken, when not empty, serves /metrics on the site itself to requests that carry
	// it as a bearer token (Authorization: Bearer TOKEN). Empty: the site has no /metrics;
	// MetricsHandler serves them, on a listener of their own.
	MetricsToken string
	// ClearBallots lets a vote open without a sealed box, its ballots written in clear: for
	// the vote bench's measure without encryption only (see vote.Env).
	ClearBallots bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For or Forwarded header tells
	// the client's address (see clientAddrOf); none: the peer is the client.
	TrustedProxies []netip.Prefix
	// ReminderDays, when set, returns the instants of the reminders sent to a campaign's
	// subscribers: the statistics mark their days on the chart of the vote's days. nil: none.
	ReminderDays func(ctx context.Context, campaignID int64) ([]time.Time, error)
}

// Server holds the dependencies of the handlers.
type Server struct {
	clearBallots bool
	db           *db.DB
	log          *slog.Logger
	now          func() time.Time
	baseURL      string
	dataDir      string
	version      string
	cat          *i18n.Catalog
	tmpl         *templates
	sessions     *scs.SessionManager
	store        *account.SessionStore // the sessions manager's store
	box          *vote.Box
	// passwords are the hashing parameters of new passwords.
	passwords account.PasswordParams
	metrics   *metrics
	// metricsToken guards /metrics on the site; empty, the route answers 404.
	metricsToken string
	// hsts is set when the site is served over HTTPS: browsers then refuse plain HTTP to it.
	hsts    bool
	handler http.Handler
	caches  readCaches
	// Territory is the official list of communes, shared by the handlers (read-only).
	Territory *territory.Data
	// oidc is the OpenID Connect client, nil when no provider is configured.
	oidc *oidc.Client
	// trustedProxies are Config.TrustedProxies.
	trustedProxies []netip.Prefix
	// reminderDays is Config.ReminderDays (nil: no reminders to mark).
	reminderDays func(ctx context.Context, campaignID int64) ([]time.Time, error)
	// stats is the copy of each campaign's statistics, kept while its version holds.
	stats statsCache
}

// New builds a server ready to serve.
func New(cfg Config) (*Server, error) {
	if cfg.DB == nil {
		return nil, errors.New("web: no database")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://127.0.0.1:8080"
	}
	cat, err := i18n.Load()
	if err != nil {
		return nil, fmt.Errorf("load message catalogs: %w", err)
	}
	if cfg.Territory == nil {
		if cfg.Territory, err = territory.Load(); err != nil {
			return nil, err
		}
	}
	if cfg.Box == nil {
		cfg.Box = vote.NewBox(cfg.DB, cfg.Now)
	}
	if cfg.Sessions == nil {
		cfg.Sessions = account.NewSessionCache(cfg.DB)
	}
	s := &Server{
		db: cfg.DB, log: cfg.Logger, now: cfg.Now, baseURL: cfg.BaseURL, dataDir: cfg.DataDir,
		version: cfg.Version, cat: cat, metrics: newMetrics(), Territory: cfg.Territory, box: cfg.Box, passwords: cfg.Passwords,
		clearBallots: cfg.ClearBallots, metricsToken: cfg.MetricsToken, hsts: strings.HasPrefix(cfg.BaseURL, "https://"),
		trustedProxies: cfg.TrustedProxies, reminderDays: cfg.ReminderDays,
	}
	s.caches.init(cfg.DB, time.Now)
	if cfg.OIDC.Enabled() {
		cfg.OIDC.RedirectURL = cfg.BaseURL + OIDCCallbackPath
		s.oidc = oidc.New(cfg.OIDC)
	}
	if s.tmpl, err = parseTemplates(s.funcs(), s.cat); err != nil {
		return nil, err
	}
	s.store = account.NewSessionStore(cfg.DB, cfg.Sessions)
	s.sessions = newSessionManager(s.store, cfg.BaseURL)
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// CleanupSessions removes expired sessions; the background worker calls it. Expiry is
// judged by the store's wall clock, not the application's: a demo whose clock is set to a
// later date would otherwise delete every session at each clean-up.
func (s *Server) CleanupSessions(ctx context.Context) error {
	_, err := s.store.Cleanup(ctx, s.store.Now())
	return err
}
