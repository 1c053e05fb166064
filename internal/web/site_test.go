package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/territory"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/web"
)

// testPasswords are cheap password hashing parameters: they keep the HTTP suites fast;
// account's tests check the real cost.
var testPasswords = account.PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// testNow is the clock of the HTTP tests: a Friday of November.
var testNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// site is a running server on a seeded database, reached through real HTTP.
type site struct {
	t    *testing.T
	db   *db.DB
	srv  *httptest.Server
	now  time.Time
	box  *vote.Box   // the server's ballot box: Flush waits for its "you voted" e-mails
	logs *syncBuffer // the server's log
}

// syncBuffer is a log written by the server's goroutines and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newSite serves the demo data with its projects' photos (siteDemo): d is a copy of it, from
// siteDB or eachSiteDB, or else an empty migrated database, which it seeds.
func newSite(t *testing.T, d *db.DB) *site {
	t.Helper()
	dataDir := seedDemo(t, siteDemo, d)
	s := &site{t: t, db: d, now: testNow, logs: &syncBuffer{}}
	now := func() time.Time { return s.now }
	s.box = vote.NewBox(d, now)
	srv, err := web.New(web.Config{DB: d, Logger: slog.New(slog.NewTextHandler(s.logs, nil)),
		Now: now, BaseURL: "http://example.test", Territory: territoryData(t),
		DataDir: dataDir, Passwords: testPasswords, Box: s.box})
	if err != nil {
		t.Fatal(err)
	}
	s.srv = httptest.NewServer(srv)
	t.Cleanup(s.srv.Close)
	return s
}

var (
	territoryOnce sync.Once
	territoryVal  *territory.Data
	territoryErr  error
)

// territoryData loads the embedded communes once for all the tests of the package.
func territoryData(t *testing.T) *territory.Data {
	t.Helper()
	territoryOnce.Do(func() { territoryVal, territoryErr = territory.Load() })
	if territoryErr != nil {
		t.Fatal(territoryErr)
	}
	return territoryVal
}

// eachSite runs fn on a seeded site over SQLite and over PostgreSQL.
func eachSite(t *testing.T, fn func(t *testing.T, s *site)) {
	eachSiteDB(t, func(t *testing.T, d *db.DB) { fn(t, newSite(t, d)) })
}

// TestMain removes, at the end, the demo templates that the tests copy.
func TestMain(m *testing.M) { os.Exit(dbtest.Run(m)) }

// siteDemo is the database of newSite: the demo placed around testNow, its accounts'
// passwords hashed with testPasswords, its projects' photos in the data folder's blobs.
// It is seeded once per database kind, and each test gets its own copy.
var siteDemo = &dbtest.Template{Name: "site", Seed: func(ctx context.Context, d *db.DB, dir string) error {
	return demo.SeedWith(ctx, d, testNow, testPasswords, dossier.LocalBlobs{Dir: filepath.Join(dir, "blobs")})
}}

// plainDemo is siteDemo without the photos, the database of newSiteWith, newDossierSite,
// proxiedSite and newOIDCSite.
var plainDemo = &dbtest.Template{Name: "plain", Seed: func(ctx context.Context, d *db.DB, _ string) error {
	return demo.Seed(ctx, d, testNow, testPasswords)
}}

// demoCopy is where a database handed out by siteDB, plainDB and their each… come from: the
// template and the copy of its data folder.
type demoCopy struct {
	tpl *dbtest.Template
	dir string
}

// demoCopies are the copies handed out, by *db.DB, for seedDemo.
var demoCopies sync.Map

func keepCopy(t *testing.T, tpl *dbtest.Template, d *db.DB, dir string) *db.DB {
	demoCopies.Store(d, demoCopy{tpl, dir})
	t.Cleanup(func() { demoCopies.Delete(d) })
	return d
}

// siteDB is a copy of siteDemo on SQLite, for newSite.
func siteDB(t *testing.T) *db.DB {
	d, dir := siteDemo.SQLite(t)
	return keepCopy(t, siteDemo, d, dir)
}

// plainDB is a copy of plainDemo on SQLite, for newSiteWith.
func plainDB(t *testing.T) *db.DB {
	d, dir := plainDemo.SQLite(t)
	return keepCopy(t, plainDemo, d, dir)
}

// eachSiteDB is dbtest.Each on copies of siteDemo, for newSite.
func eachSiteDB(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	siteDemo.Each(t, func(t *testing.T, d *db.DB, dir string) { fn(t, keepCopy(t, siteDemo, d, dir)) })
}

// eachPlainDB is dbtest.Each on copies of plainDemo, for newDossierSite, proxiedSite and
// newOIDCSite.
func eachPlainDB(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	plainDemo.Each(t, func(t *testing.T, d *db.DB, dir string) { fn(t, keepCopy(t, plainDemo, d, dir)) })
}

// seedDemo returns the data folder of d, a copy of tpl: the copy of the template's folder.
// Given an empty migrated database instead, it seeds it as tpl does, in a new folder.
func seedDemo(t *testing.T, tpl *dbtest.Template, d *db.DB) string {
	t.Helper()
	if v, ok := demoCopies.Load(d); ok {
		c := v.(demoCopy)
		if c.tpl != tpl {
			t.Fatalf("a copy of the %s demo, where the %s demo was expected", c.tpl.Name, tpl.Name)
		}
		return c.dir
	}
	dir := t.TempDir()
	if err := tpl.Seed(context.Background(), d, dir); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return dir
}

// browser is one visitor with its own cookies. It does not follow redirects, so tests see them.
type browser struct {
	s    *site
	http *http.Client
	csrf string
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{s: s, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type page struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (b *browser) do(req *http.Request) page {
	b.s.t.Helper()
	resp, err := b.http.Do(req)
	if err != nil {
		b.s.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.s.t.Fatal(err)
	}
	if m := csrfRe.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return page{Status: resp.StatusCode, Body: string(body), Location: resp.Header.Get("Location"), Header: resp.Header}
}

func (b *browser) get(path string) page {
	b.s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.s.srv.URL+path, nil)
	if err != nil {
		b.s.t.Fatal(err)
	}
	return b.do(req)
}

// post sends a form the way a browser does from a page of the site: with the session's
// anti-forgery token (fetched from the home page if no page was loaded yet) and a
// same-origin Origin header.
func (b *browser) post(path string, form url.Values) page {
	b.s.t.Helper()
	if b.csrf == "" {
		b.get("/")
	}
	form = cloneValues(form)
	if form.Get("csrf_token") == "" {
		form.Set("csrf_token", b.csrf)
	}
	return b.postRaw(path, form)
}

// postRaw sends the form exactly as given (no token added).
func (b *browser) postRaw(path string, form url.Values) page {
	b.s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.s.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.s.srv.URL)
	return b.do(req)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// signIn signs the browser in with a demo account's e-mail and password.
func (b *browser) signIn(email, password string) {
	b.s.t.Helper()
	b.get("/connexion")
	p := b.post("/connexion", url.Values{"email": {email}, "password": {password}})
	if p.Status != http.StatusSeeOther {
		b.s.t.Fatalf("sign in as %s: status %d, body:\n%s", email, p.Status, excerpt(p.Body))
	}
}

// demoAccount returns the demo account of a role.
func demoAccount(t *testing.T, role access.Role) demo.Account {
	t.Helper()
	for _, a := range demo.Accounts(testNow) {
		if a.Role == role {
			return a
		}
	}
	t.Fatalf("no demo account for role %s", role)
	return demo.Account{}
}

// excerpt shortens a body for failure messages: the main element if there is one.
func excerpt(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 3000 {
		body = body[:3000] + "…"
	}
	return body
}

func wantStatus(t *testing.T, p page, want int, what string) {
	t.Helper()
	if p.Status != want {
		t.Fatalf("%s: status %d, want %d; body:\n%s", what, p.Status, want, excerpt(p.Body))
	}
}

func wantContains(t *testing.T, p page, what string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(p.Body, sub) {
			t.Errorf("%s: page lacks %q; body:\n%s", what, sub, excerpt(p.Body))
		}
	}
}

func sqliteDB(t *testing.T) *db.DB { return dbtest.SQLite(t) }

// votingCampaign returns the demo campaign whose vote is open at testNow, and its slug.
func votingCampaign(t *testing.T, s *site) (*campaign.Campaign, string) {
	t.Helper()
	_, slug := demo.Slugs(testNow)
	c, err := campaign.BySlug(context.Background(), s.db, slug)
	if err != nil {
		t.Fatal(err)
	}
	return c, slug
}

// withoutBox takes away the sealed box the demo gave the campaign, for the tests of a vote
// whose ballots are written in clear, or whose box the test seals itself.
func withoutBox(t *testing.T, s *site, c *campaign.Campaign) {
	t.Helper()
	if _, err := s.db.ExecContext(context.Background(), "DELETE FROM vote_boxes WHERE campaign_id = $1", c.ID); err != nil {
		t.Fatal(err)
	}
	s.db.Changed(vote.BoxTopic, c.ID)
}
