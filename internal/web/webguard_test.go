package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/web"
)

// newSiteWith is newSite with a configuration changed by edit before the server starts.
func newSiteWith(t *testing.T, d *db.DB, edit func(*web.Config)) *site {
	t.Helper()
	if err := demo.Seed(context.Background(), d, testNow, testPasswords); err != nil {
		t.Fatalf("seed: %v", err)
	}
	s := &site{t: t, db: d, now: testNow, logs: &syncBuffer{}}
	now := func() time.Time { return s.now }
	s.box = vote.NewBox(d, now)
	cfg := web.Config{DB: d, Logger: slog.New(slog.NewTextHandler(s.logs, nil)),
		Now: now, BaseURL: "http://example.test", Territory: territoryData(t),
		DataDir: t.TempDir(), Passwords: testPasswords, Box: s.box}
	edit(&cfg)
	srv, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.srv = httptest.NewServer(srv)
	t.Cleanup(s.srv.Close)
	return s
}

// getWith sends a GET with one extra header.
func (b *browser) getWith(path, header, value string) page {
	b.s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.s.srv.URL+path, nil)
	if err != nil {
		b.s.t.Fatal(err)
	}
	req.Header.Set(header, value)
	return b.do(req)
}

func TestMetricsBehindToken(t *testing.T) {
	s := newSiteWith(t, sqliteDB(t), func(c *web.Config) { c.MetricsToken = "metrics-token-1" })
	b := s.browser()
	b.get("/")
	for _, auth := range []string{"", "Bearer", "Bearer wrong", "Basic bWV0cmljcy10b2tlbi0x", "Bearer metrics-token-"} {
		p := b.getWith("/metrics", "Authorization", auth)
		wantStatus(t, p, http.StatusUnauthorized, "metrics with "+auth)
		if p.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("metrics with %q: no WWW-Authenticate", auth)
		}
	}
	m := b.getWith("/metrics", "Authorization", "Bearer metrics-token-1")
	wantStatus(t, m, http.StatusOK, "metrics with the token")
	wantContains(t, m, "metrics", `budgetcitoyen_http_requests_total{code="200",method="GET",route="GET /{$}"}`,
		`budgetcitoyen_http_request_duration_seconds_bucket{route="GET /{$}"`, "go_info")
}

func TestHSTSOnlyOverHTTPS(t *testing.T) {
	for _, tc := range []struct {
		base string
		want string
	}{
		{"https://budget.example.org", "max-age=63072000; includeSubDomains"},
		{"http://example.test", ""},
	} {
		s := newSiteWith(t, sqliteDB(t), func(c *web.Config) { c.BaseURL = tc.base })
		b := s.browser()
		for _, path := range []string{"/", "/connexion", "/static/site.css", "/nulle-part"} {
			if got := b.get(path).Header.Get("Strict-Transport-Security"); got != tc.want {
				t.Errorf("%s%s: Strict-Transport-Security %q, want %q", tc.base, path, got, tc.want)
			}
		}
	}
}
