package browsertest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/web"
)

// seedNow is the day the demo data is placed around: a Friday of November, as in the HTTP
// tests. The demo slugs and accounts depend on it.
var seedNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// actionTimeout bounds one browser action (a navigation, a query, a script), so that a
// missing element fails the test quickly instead of hanging until go test's timeout.
const actionTimeout = 20 * time.Second

var (
	// browserCtx is the context of the one Chromium shared by every test; nil when there is
	// no browser, and then browserErr tells why.
	browserCtx context.Context
	browserErr error
)

// testPasswords are cheap password hashing parameters: they keep the sign-ins fast;
// account's tests check the real cost.
var testPasswords = account.PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestMain(m *testing.M) {
	os.Exit(dbtest.Run(browserRun{m}))
}

// browserRun runs the tests with a browser (runWithBrowser), inside dbtest.Run, which
// removes the demo template at the end.
type browserRun struct{ m *testing.M }

func (r browserRun) Run() int { return runWithBrowser(r.m) }

// siteDemo is the database of every Site: the demo placed around seedNow, its accounts'
// passwords hashed with testPasswords, its projects' photos in the data folder's blobs. It
// is seeded once, and each site gets its own copy.
var siteDemo = &dbtest.Template{Name: "browser", Seed: func(ctx context.Context, d *db.DB, dir string) error {
	return demo.SeedWith(ctx, d, seedNow, testPasswords, dossier.LocalBlobs{Dir: filepath.Join(dir, "blobs")})
}}

// runWithBrowser starts one headless Chromium for the whole package, runs the tests and
// stops it. Without Chromium the tests still run, and each one skips (or fails under
// BC_REQUIRE_ALL=1) through requireBrowser.
func runWithBrowser(m *testing.M) int {
	path, err := findChromium()
	if err != nil {
		browserErr = err
		return m.Run()
	}
	profile, err := os.MkdirTemp("", "budgetcitoyen-chromium-")
	if err != nil {
		browserErr = err
		return m.Run()
	}
	defer os.RemoveAll(profile)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// This machine's network is closed: Chromium must not try to reach any service.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.WindowSize(1280, 900),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses its sandbox as root
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(60 * time.Second):
		err = errors.New("Chromium did not start within 60 s")
	}
	if err != nil {
		browserErr = fmt.Errorf("start %s: %w", path, err)
		return m.Run()
	}
	browserCtx = ctx
	defer func() { sharedStop() }()
	return m.Run()
}

// findChromium looks for the browser: $BC_CHROMIUM, then the usual names on PATH.
func findChromium() (string, error) {
	if p := os.Getenv("BC_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium on PATH (apt-get install chromium, or set BC_CHROMIUM)")
}

// requireBrowser skips the test loudly when there is no browser, or fails it under
// BC_REQUIRE_ALL=1.
func requireBrowser(t testing.TB) {
	t.Helper()
	if browserCtx == nil {
		dbtest.SkipOrFail(t, "browser tests need Chromium: %v", browserErr)
	}
}

// Site is the platform running in-process: the real server on a free loopback port over a
// fresh demo-seeded SQLite database, with a clock that the test moves.
type Site struct {
	DB  *db.DB
	URL string // http://127.0.0.1:port, no trailing slash

	mu  sync.Mutex
	now time.Time
}

// NewSite serves a copy of the demo data placed around seedNow (siteDemo), for this test
// alone: use it when the test moves the clock or changes shared data.
func NewSite(t testing.TB) *Site {
	t.Helper()
	requireBrowser(t)
	s, stop, err := startSite(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return s
}

var (
	sharedOnce sync.Once
	shared     *Site
	sharedErr  error
	sharedStop = func() {}
)

// SharedSite is one site for the tests that only read and add data of their own (their own
// accounts, forms re-displayed with errors): it saves a database and a server per test. Its
// clock must not be moved.
func SharedSite(t testing.TB) *Site {
	t.Helper()
	requireBrowser(t)
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "budgetcitoyen-browsertest-")
		if err != nil {
			sharedErr = err
			return
		}
		var stop func()
		shared, stop, sharedErr = startSite(dir)
		sharedStop = func() {
			if stop != nil {
				stop()
			}
			os.RemoveAll(dir)
		}
	})
	if sharedErr != nil {
		t.Fatalf("shared site: %v", sharedErr)
	}
	return shared
}

// startSite copies the seeded demo (siteDemo) into dir and serves it on a free loopback
// port; stop closes the server and the database.
func startSite(dir string) (*Site, func(), error) {
	d, dataDir, err := siteDemo.SQLiteIn(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("the demo data: %w", err)
	}
	s := &Site{DB: d, now: seedNow}
	ts := httptest.NewUnstartedServer(nil)
	s.URL = "http://" + ts.Listener.Addr().String()
	srv, err := web.New(web.Config{DB: d, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: s.Now, BaseURL: s.URL, DataDir: dataDir, Passwords: testPasswords})
	if err != nil {
		ts.Close()
		d.Close()
		return nil, nil, fmt.Errorf("web.New: %w", err)
	}
	ts.Config.Handler = srv
	ts.Start()
	return s, func() { ts.Close(); d.Close() }, nil
}

// Now is the site's clock.
func (s *Site) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

// SetNow sets the site's clock, for example to move a campaign into its next phase.
func (s *Site) SetNow(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// Advance moves the site's clock forward by d.
func (s *Site) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = s.now.Add(d)
}

// Account returns the demo account of a role.
func (s *Site) Account(t testing.TB, role access.Role) demo.Account {
	t.Helper()
	for _, a := range demo.Accounts(seedNow) {
		if a.Role == role {
			return a
		}
	}
	t.Fatalf("no demo account for role %s", role)
	return demo.Account{}
}

// demoEmail is the e-mail address of the demo account of a role ("" if there is none).
func (s *Site) demoEmail(role access.Role) string {
	for _, a := range demo.Accounts(seedNow) {
		if a.Role == role {
			return a.Email
		}
	}
	return ""
}

// accountID is the id of the account with this e-mail address, 0 if there is none.
func (s *Site) accountID(email string) int64 {
	var id int64
	_ = s.DB.QueryRowContext(context.Background(), "SELECT id FROM accounts WHERE email = $1", email).Scan(&id)
	return id
}

// Slugs returns the slugs of the two current demo campaigns: the one collecting ideas and
// the one whose vote is open.
func (s *Site) Slugs() (open, vote string) { return demo.Slugs(seedNow) }

// ArchivedSlug is the demo's archived 2018 edition.
const ArchivedSlug = "pas-de-calais-2018"

// LastLink returns the path and query of the newest link of kind ("verifier",
// "reinitialiser"…) e-mailed to addr, read from the outbox table.
func (s *Site) LastLink(t testing.TB, addr, kind string) string {
	t.Helper()
	msgs, err := mail.Sent(context.Background(), s.DB, addr)
	if err != nil {
		t.Fatalf("read the outbox: %v", err)
	}
	re := regexp.MustCompile(regexp.QuoteMeta(s.URL) + `(/` + regexp.QuoteMeta(kind) + `\?[^\s"<>]+)`)
	for _, m := range msgs {
		if sub := re.FindStringSubmatch(m.Body); sub != nil {
			return sub[1]
		}
	}
	t.Fatalf("no %s link e-mailed to %s (%d e-mails)", kind, addr, len(msgs))
	return ""
}

// Tab is one visitor's browser tab, in a browser context of its own: its cookies and
// session are its own, as in a private window.
type Tab struct {
	t    testing.TB
	site *Site
	ctx  context.Context
	name string // used in screenshot names
}

// For returns the same tab (same page, same cookies) reporting to another test, such as a
// subtest that goes on in a tab its parent opened.
func (tab *Tab) For(t testing.TB) *Tab {
	c := *tab
	c.t = t
	c.name = safeName(t.Name())
	return &c
}

// NewTab opens a tab for a new visitor, closed at the end of the test.
func (s *Site) NewTab(t testing.TB) *Tab {
	t.Helper()
	requireBrowser(t)
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tab := &Tab{t: t, site: s, ctx: ctx, name: safeName(t.Name())}
	// The first action creates the browser context and the tab; no timeout on it, as it
	// binds their lives to its context.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	// Every tab behaves as the focused window, so that keyboard focus and :focus-visible
	// work in tabs that run side by side.
	if _, err := tabCall(tab, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatalf("focus emulation: %v", err)
	}
	return tab
}

// tabCall sends one protocol command to the tab, with the action timeout.
func tabCall[P, R any](tab *Tab, cmd cdp.Command[P, R], params P) (R, error) {
	ctx, cancel := context.WithTimeout(tab.ctx, actionTimeout)
	defer cancel()
	return chromedp.Call(ctx, cmd, params)
}

// run runs actions that return nothing, failing the test with what on error.
func (tab *Tab) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tab.t.Fatalf("%s (on %s): %v", what, tab.location(), err)
	}
}

// value runs one action that returns a value.
func value[T any](tab *Tab, what string, a chromedp.Action[T]) T {
	tab.t.Helper()
	return valueWithin(tab, what, actionTimeout, a)
}

// valueWithin is value with its own time limit, for the slow actions (axe-core on a page of
// a thousand table rows and map paths, on a loaded machine).
func valueWithin[T any](tab *Tab, what string, limit time.Duration, a chromedp.Action[T]) T {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, limit)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tab.t.Fatalf("%s (on %s): %v", what, tab.location(), err)
	}
	return v
}

// location is the tab's current address, for failure messages.
func (tab *Tab) location() string {
	ctx, cancel := context.WithTimeout(tab.ctx, 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return strings.TrimPrefix(loc, tab.site.URL)
}

// Path is the path and query of the page shown.
func (tab *Tab) Path() string { return tab.location() }

// OpenStatus loads a path of the site and returns the HTTP status of the page.
func (tab *Tab) OpenStatus(path string) int {
	tab.t.Helper()
	resp := value(tab, "open "+path, chromedp.NavigateResponse(tab.site.URL+path))
	return int(resp.Status)
}

// Open loads a path of the site; the page must answer 200.
func (tab *Tab) Open(path string) {
	tab.t.Helper()
	if st := tab.OpenStatus(path); st != http.StatusOK {
		tab.t.Fatalf("open %s: status %d; page:\n%s", path, st, tab.MainText())
	}
}

// Eval evaluates a JavaScript expression in the page and decodes its result into T.
func Eval[T any](tab *Tab, expr string) T {
	tab.t.Helper()
	return value(tab, "evaluate "+abbrev(expr), chromedp.Evaluate[T](expr))
}

// Text is the visible text of the first element matching a CSS selector (waiting for it).
func (tab *Tab) Text(sel string) string {
	tab.t.Helper()
	return strings.TrimSpace(value(tab, "read "+sel, chromedp.Text(chromedp.CSS(sel))))
}

// MainText is the text of the page's main element, for failure messages; it never fails.
func (tab *Tab) MainText() string {
	ctx, cancel := context.WithTimeout(tab.ctx, 2*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('main') || document.body || {innerText: ''}).innerText`))
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return abbrevN(s, 2000)
}

// Has reports whether an element matches a CSS selector now (no waiting).
func (tab *Tab) Has(sel string) bool {
	tab.t.Helper()
	return Eval[bool](tab, fmt.Sprintf(`document.querySelector(%s) !== null`, jsString(sel)))
}

// WantText fails the test unless the main element's text holds every one of subs.
func (tab *Tab) WantText(subs ...string) {
	tab.t.Helper()
	text := tab.MainText()
	for _, sub := range subs {
		if !strings.Contains(text, sub) {
			tab.t.Errorf("on %s: the page lacks %q; it reads:\n%s", tab.location(), sub, text)
		}
	}
}

// field is the CSS selector of a form control by its name.
func field(name string) string { return fmt.Sprintf(`[name=%q]:not([type=hidden])`, name) }

// Type replaces the value of a text field (by its name) by typing the text with the
// keyboard, as a person does; it works with JavaScript disabled.
func (tab *Tab) Type(name, text string) {
	tab.t.Helper()
	sel := chromedp.CSS(field(name))
	// Emptied by script first: chromedp.Clear fails on an empty textarea.
	Eval[bool](tab, fmt.Sprintf(`(document.querySelector(%s).value = '', true)`, jsString(field(name))))
	tab.run("type into "+name, chromedp.SendKeys(sel, text))
}

// Set sets the value of a form control (by its name) directly: for selects, dates and
// long values where typing adds nothing. Input and change events are fired.
func (tab *Tab) Set(name, value string) {
	tab.t.Helper()
	sel := chromedp.CSS(field(name))
	tab.run("set "+name, chromedp.SetValue(sel, value))
}

// Fill types or sets several fields given as name, value pairs: text fields are typed,
// selects and dates are set.
func (tab *Tab) Fill(pairs ...string) {
	tab.t.Helper()
	if len(pairs)%2 != 0 {
		tab.t.Fatalf("Fill: odd number of arguments")
	}
	for i := 0; i < len(pairs); i += 2 {
		nodes := value(tab, "find "+pairs[i], chromedp.Nodes(chromedp.CSS(field(pairs[i]))))
		n := nodes[0]
		typ := n.AttributeValue("type")
		if n.NodeName == "SELECT" || typ == "date" || typ == "checkbox" || typ == "radio" {
			tab.Set(pairs[i], pairs[i+1])
		} else {
			tab.Type(pairs[i], pairs[i+1])
		}
	}
}

// Value is the current value of a form control, by its name.
func (tab *Tab) Value(name string) string {
	tab.t.Helper()
	return value(tab, "read "+name, chromedp.Value(chromedp.CSS(field(name))))
}

// Check ticks or unticks a checkbox by its name, with a click.
func (tab *Tab) Check(name string, on bool) {
	tab.t.Helper()
	sel := chromedp.CSS(field(name))
	checked := value(tab, "read "+name, chromedp.JavascriptAttribute[bool](sel, "checked"))
	if checked != on {
		tab.run("click "+name, chromedp.Click(sel))
	}
}

// Click clicks the first element matching a CSS selector, without waiting for a page.
func (tab *Tab) Click(sel string) {
	tab.t.Helper()
	tab.run("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// Submit clicks the element matching sel (a submit button or a link), waits for the page
// that follows and returns its HTTP status (after redirects).
func (tab *Tab) Submit(sel string) int {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, actionTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		tab.t.Fatalf("submit with %s (on %s): %v", sel, tab.location(), err)
	}
	return int(resp.Status)
}

// SubmitKeys presses keys that submit a form (Enter in a field, Space on a button), waits
// for the page that follows and returns its HTTP status.
func (tab *Tab) SubmitKeys(keys string) int {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, actionTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.KeyEvent(keys))
	if err != nil {
		tab.t.Fatalf("submit with the keys %q (on %s): %v", keys, tab.location(), err)
	}
	return int(resp.Status)
}

// Focus puts the keyboard focus on the element matching a CSS selector.
func (tab *Tab) Focus(sel string) {
	tab.t.Helper()
	tab.run("focus "+sel, chromedp.Focus(chromedp.CSS(sel)))
}

// SubmitOK is Submit for a form that must succeed: the page that follows answers 200.
func (tab *Tab) SubmitOK(sel string) {
	tab.t.Helper()
	if st := tab.Submit(sel); st != http.StatusOK {
		tab.t.Fatalf("submit with %s: status %d on %s; page:\n%s", sel, st, tab.location(), tab.MainText())
	}
}

// mainSubmit is the selector of the main form's submit button (the last one in <main>, as
// a form may have secondary buttons before it).
const mainSubmit = `main form[method=post] button[type=submit]:not([name=action])`

// SignIn signs in through the real sign-in form and checks that it worked.
func (tab *Tab) SignIn(email, password string) {
	tab.t.Helper()
	tab.Open("/connexion")
	tab.Type("email", email)
	tab.Type("password", password)
	tab.SubmitOK(mainSubmit)
	if !tab.Has(`form[action="/deconnexion"]`) {
		tab.t.Fatalf("sign in as %s: not signed in; page %s:\n%s", email, tab.location(), tab.MainText())
	}
}

// SignInAs signs in as the demo account of a role and returns it.
func (tab *Tab) SignInAs(role access.Role) demo.Account {
	tab.t.Helper()
	a := tab.site.Account(tab.t, role)
	tab.SignIn(a.Email, a.Password)
	return a
}

// SignOut presses the sign-out button of the header.
func (tab *Tab) SignOut() {
	tab.t.Helper()
	tab.SubmitOK(`form[action="/deconnexion"] button`)
	if tab.Has(`form[action="/deconnexion"]`) {
		tab.t.Fatalf("still signed in after signing out")
	}
}

// Screenshot saves a full-page PNG as test-artifacts/<test>-<name>.png at the root of the
// repository and returns its path.
func (tab *Tab) Screenshot(name string) string {
	tab.t.Helper()
	png := value(tab, "screenshot", chromedp.FullScreenshot(100))
	dir := filepath.Join(repoRoot(tab.t), "test-artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tab.t.Fatal(err)
	}
	path := filepath.Join(dir, tab.name+"-"+safeName(name)+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tab.t.Fatal(err)
	}
	return path
}

// SetViewport sets the size of the page's viewport in CSS pixels; mobile emulates a phone
// (the viewport meta tag applies, touch events).
func (tab *Tab) SetViewport(width, height int64, mobile bool) {
	tab.t.Helper()
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	tab.run("set the viewport", chromedp.EmulateViewport(width, height, opts...))
}

// ResetViewport goes back to the window's size.
func (tab *Tab) ResetViewport() {
	tab.t.Helper()
	tab.run("reset the viewport", chromedp.ResetViewport())
}

// DisableJavaScript turns script execution off in this tab, from the next page on.
func (tab *Tab) DisableJavaScript() {
	tab.t.Helper()
	if _, err := tabCall(tab, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		tab.t.Fatalf("disable JavaScript: %v", err)
	}
}

// Press sends keys to the focused element, as the keyboard does (kb.Tab, kb.Enter, " "…).
func (tab *Tab) Press(keys string, opts ...chromedp.KeyOption) {
	tab.t.Helper()
	tab.run("press "+fmt.Sprintf("%q", keys), chromedp.KeyEvent(keys, opts...))
}

// Tab presses the Tab key.
func (tab *Tab) Tab() {
	tab.t.Helper()
	tab.Press(kb.Tab)
}

// ShiftTab presses Shift+Tab.
func (tab *Tab) ShiftTab() {
	tab.t.Helper()
	tab.Press(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))
}

// repoRoot is the folder holding go.mod, above the package's folder.
func repoRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no go.mod above %s", dir)
		}
	}
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeName(s string) string { return strings.Trim(unsafeChars.ReplaceAllString(s, "_"), "_") }

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`, "\u2028", `\u2028`, "\u2029", `\u2029`)
	return "'" + r.Replace(s) + "'"
}

func abbrev(s string) string { return abbrevN(s, 80) }

func abbrevN(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
