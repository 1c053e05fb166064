package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/web"
)

// newSiteWith is newSite with a configuration changed by edit before the server starts.
func newSiteWith(t *testing.T, d *db.DB, edit func(*web.Config)) *site {
	t.Helper()
	dataDir := seedDemo(t, plainDemo, d)
	s := &site{t: t, db: d, now: testNow, logs: &syncBuffer{}}
	now := func() time.Time { return s.now }
	s.box = vote.NewBox(d, now)
	cfg := web.Config{DB: d, Logger: slog.New(slog.NewTextHandler(s.logs, nil)),
		Now: now, BaseURL: "http://example.test", Territory: territoryData(t),
		DataDir: dataDir, Passwords: testPasswords, Box: s.box}
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
	s := newSiteWith(t, plainDB(t), func(c *web.Config) { c.MetricsToken = "metrics-token-1" })
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
		s := newSiteWith(t, plainDB(t), func(c *web.Config) { c.BaseURL = tc.base })
		b := s.browser()
		for _, path := range []string{"/", "/connexion", "/static/site.css", "/nulle-part"} {
			if got := b.get(path).Header.Get("Strict-Transport-Security"); got != tc.want {
				t.Errorf("%s%s: Strict-Transport-Security %q, want %q", tc.base, path, got, tc.want)
			}
		}
	}
}

func sessionRows(t *testing.T, s *site) int {
	t.Helper()
	var n int
	if err := s.db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM sessions").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Reading the site stores nothing: a visitor gets a session only when a form needs one.
func TestReadersGetNoSession(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		c, _ := votingCampaign(t, s)
		paths := []string{"/", "/pas-de-calais-2018", "/" + c.Slug, "/" + c.Slug + "/projets",
			"/pas-de-calais-2018/projets", "/connexion", "/inscription", "/" + c.Slug + "/vote"}
		before := sessionRows(t, s)
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for i := 0; i < 200; i++ {
			path := paths[i%len(paths)]
			resp, err := client.Get(s.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", path, resp.StatusCode)
			}
			if ck := resp.Header.Values("Set-Cookie"); len(ck) != 0 {
				t.Fatalf("GET %s set a cookie: %q", path, ck)
			}
		}
		if after := sessionRows(t, s); after != before {
			t.Errorf("200 page views without a cookie stored %d sessions", after-before)
		}
	})
}

// A visitor who never had a session signs in with the form; a forged cross-site post of
// the same form is refused by the cross-origin protection.
func TestVisitorSignsInWithoutASession(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		citizen := demoAccount(t, access.Citizen)
		b := s.browser()
		p := b.get("/connexion")
		wantStatus(t, p, http.StatusOK, "sign-in page")
		if b.csrf != "" || len(p.Header.Values("Set-Cookie")) != 0 {
			t.Fatalf("the sign-in page gave a visitor a session (token %q, cookies %q)", b.csrf, p.Header.Values("Set-Cookie"))
		}
		form := url.Values{"email": {citizen.Email}, "password": {citizen.Password}, "suite": {"/compte"}}
		for _, h := range []struct{ name, value string }{
			{"Origin", "https://evil.example"},
			{"Sec-Fetch-Site", "cross-site"},
		} {
			req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/connexion", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set(h.name, h.value)
			if p := b.do(req); p.Status != http.StatusForbidden {
				t.Errorf("cross-site sign-in with %s: %s: %d, want 403", h.name, h.value, p.Status)
			}
		}
		p = b.postRaw("/connexion", form)
		if p.Status != http.StatusSeeOther || p.Location != "/compte" {
			t.Fatalf("sign-in of a visitor without session: %d → %q\n%s", p.Status, p.Location, excerpt(p.Body))
		}
		acc := b.get("/compte")
		wantStatus(t, acc, http.StatusOK, "account page")
		wantContains(t, acc, "account page", citizen.Email)
		if b.csrf == "" {
			t.Fatal("a signed-in page has no anti-forgery token")
		}
		// Signed in, every other form still needs the token.
		wantStatus(t, b.postRaw("/deconnexion", url.Values{}), http.StatusForbidden, "sign-out without token")
		wantStatus(t, b.post("/deconnexion", nil), http.StatusSeeOther, "sign-out")
	})
}
