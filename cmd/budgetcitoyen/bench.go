package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/web"
)

// runBench measures the platform under load: "bench vote" registers voters and casts their
// ballots through real HTTP requests against a server in the same process.
func runBench(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "vote" {
		fmt.Fprintln(stderr, "Usage: budgetcitoyen bench vote [--database URL] [--voters N] [--concurrency C]")
		return 2
	}
	fs := flag.NewFlagSet("bench vote", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: budgetcitoyen bench vote [flags]\n\nRegisters N eligible voters, casts their "+
			"ballots through real HTTP requests (session, forgery protection, validation, confirmation page) against a "+
			"server in this process, and compares with a bare net/http form handler.\n\nFlags:")
		fs.PrintDefaults()
	}
	database := fs.String("database", "", "database URL: empty = a new SQLite file in a temporary folder; postgres://… = a new schema there, dropped at the end")
	voters := fs.Int("voters", 2000, "number of voters")
	concurrency := fs.Int("concurrency", 256, "voters voting at the same time")
	mailing := fs.Int("mailing", 0, "while the ballots are cast, queue the vote-open e-mail to this many subscribers of the campaign's news and send the outbox at the default rate (does a large mailing slow the vote?)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the casting of the ballots to this file")
	boxMode := fs.String("box", "both", "sealed = seal the campaign's ballot box first (3 trustees, k = 2), every ballot encrypted as it is cast; "+
		"clear = ballots in clear (a vote the server never opens, for the measure only); both = clear, then sealed, in the same run")
	if code, ok := parseFlags(fs, args[1:], stderr); !ok {
		return code
	}
	if *voters < 1 || *concurrency < 1 || *mailing < 0 {
		fmt.Fprintln(stderr, "budgetcitoyen bench: --voters and --concurrency must be positive, --mailing not negative")
		return 2
	}
	modes, ok := map[string][]bool{"clear": {false}, "sealed": {true}, "both": {false, true}}[*boxMode]
	if !ok {
		fmt.Fprintf(stderr, "budgetcitoyen bench: --box %q: clear, sealed or both\n", *boxMode)
		return 2
	}
	if *cpuprofile != "" && len(modes) > 1 {
		fmt.Fprintln(stderr, "budgetcitoyen bench: --cpuprofile profiles one run: add --box clear or --box sealed")
		return 2
	}
	tuneGC()
	var profile io.Writer
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(stderr, "budgetcitoyen bench:", err)
			return 1
		}
		defer f.Close()
		profile = f
	}
	// A first, discarded round of the bare handler: the process warms up (the runtime's
	// heap, the connections) before anything is measured, or the first run would compare
	// with a colder bare handler than the second.
	fmt.Fprintln(stderr, "warming up…")
	if _, err := benchBare(max(*voters, 20000), *concurrency); err != nil {
		fmt.Fprintln(stderr, "budgetcitoyen bench:", err)
		return 1
	}
	var results []benchResult
	for i, sealed := range modes {
		res, err := benchVote(context.Background(), *database, *voters, *concurrency, *mailing, sealed, profile, stderr)
		if err != nil {
			fmt.Fprintln(stderr, "budgetcitoyen bench:", err)
			return 1
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		res.print(stdout)
		results = append(results, res)
	}
	if len(results) == 2 {
		clear, sealed := results[0], results[1]
		fmt.Fprintf(stdout, "\nencryption   sealed %.1f %% of the bare handler against %.1f %% in clear (%.0f against %.0f µs of processor time per ballot)\n",
			100*sealed.rate()/sealed.BareRate, 100*clear.rate()/clear.BareRate, us(sealed.CPU), us(clear.CPU))
	}
	return 0
}

type benchResult struct {
	Dialect             db.Dialect
	Voters, Concurrency int
	Ballots             int
	Elapsed             time.Duration
	P50, P99            time.Duration
	BareRate            float64 // mean of BareBefore and BareAfter
	BareBefore          float64
	BareAfter           float64
	Groups, Singles     int64
	CPU, BareCPU        time.Duration // process CPU time per ballot, per bare request
	Mailing             *benchMailing // the news sent during the ballots (--mailing), or nil
	Sealed              bool          // the ballots were encrypted to a sealed box
}

func (r benchResult) rate() float64 { return float64(r.Ballots) / r.Elapsed.Seconds() }

func (r benchResult) print(w io.Writer) {
	fmt.Fprintf(w, "database     %s\n", r.Dialect)
	fmt.Fprintf(w, "voters       %d, %d at a time\n", r.Voters, r.Concurrency)
	if r.Sealed {
		fmt.Fprintln(w, "box          sealed: every ballot encrypted as it is cast")
	} else {
		fmt.Fprintln(w, "box          clear: ballots written in clear (for the measure only)")
	}
	fmt.Fprintf(w, "ballots      %d counted in %.2fs\n", r.Ballots, r.Elapsed.Seconds())
	fmt.Fprintf(w, "ballots/s    %.0f\n", r.rate())
	fmt.Fprintf(w, "latency      p50 %.1f ms, p99 %.1f ms\n", ms(r.P50), ms(r.P99))
	fmt.Fprintf(w, "groups       %d transactions (%.1f ballots each, %d with one ballot)\n", r.Groups,
		float64(r.Ballots)/float64(max(r.Groups, 1)), r.Singles)
	fmt.Fprintf(w, "bare handler %.0f req/s (%.0f before the ballots, %.0f after)\n", r.BareRate, r.BareBefore, r.BareAfter)
	fmt.Fprintf(w, "ratio        %.1f %%\n", 100*r.rate()/r.BareRate)
	if r.Mailing != nil {
		r.Mailing.print(w)
	}
	if r.CPU > 0 {
		// CPU per request is steadier than rates on a shared machine: it tells whether a
		// change made the work smaller, whatever the speed of the moment.
		fmt.Fprintf(w, "cpu          %.0f µs per ballot, %.0f µs per bare request (server and client); %.0f %% of a core busy during the ballots\n",
			us(r.CPU), us(r.BareCPU), 100*float64(r.CPU)*float64(r.Ballots)/float64(r.Elapsed))
	}
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// benchDB opens the database of the bench: a new SQLite file, or a new schema of PostgreSQL.
func benchDB(ctx context.Context, rawURL string) (*db.DB, func(), error) {
	if rawURL == "" || strings.HasPrefix(rawURL, "sqlite:") || strings.HasPrefix(rawURL, "file:") {
		dir := ""
		if rawURL == "" {
			var err error
			if dir, err = os.MkdirTemp("", "bcbench"); err != nil {
				return nil, nil, err
			}
			rawURL = "sqlite:" + filepath.Join(dir, "bench.db")
		}
		d, err := db.Open(ctx, rawURL, "")
		if err != nil {
			return nil, nil, err
		}
		return d, func() {
			d.Close()
			if dir != "" {
				os.RemoveAll(dir)
			}
		}, nil
	}
	base, err := db.Open(ctx, rawURL, "")
	if err != nil {
		return nil, nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "bcbench_" + hex.EncodeToString(b)
	if _, err := base.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		base.Close()
		return nil, nil, err
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	d, err := db.Open(ctx, u.String(), "")
	if err != nil {
		return nil, nil, err
	}
	return d, func() {
		d.Close()
		base.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		base.Close()
	}, nil
}

// benchVote runs the bench; profile, when not nil, receives a CPU profile of the casting.
func benchVote(ctx context.Context, rawURL string, n, conc, mailing int, sealed bool, profile io.Writer, stderr io.Writer) (benchResult, error) {
	res := benchResult{Voters: n, Concurrency: conc, Sealed: sealed}
	d, cleanup, err := benchDB(ctx, rawURL)
	if err != nil {
		return res, err
	}
	defer cleanup()
	res.Dialect = d.Dialect
	if _, err := d.Migrate(ctx); err != nil {
		return res, err
	}
	now := time.Now()
	c, projects, err := benchCampaign(ctx, d, now)
	if err != nil {
		return res, err
	}
	if sealed {
		if _, err := benchSeal(ctx, d, c, now); err != nil {
			return res, err
		}
	}
	box := vote.NewBox(d, time.Now)
	srv, err := web.New(web.Config{DB: d, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "http://127.0.0.1",
		Box: box, Sessions: account.NewSessionCache(d), ClearBallots: !sealed})
	if err != nil {
		return res, err
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	tr := &http.Transport{MaxIdleConns: conc * 2, MaxIdleConnsPerHost: conc * 2, MaxConnsPerHost: 0}
	defer tr.CloseIdleConnections()

	fmt.Fprintf(stderr, "registering %d voters…\n", n)
	voters, err := benchRegister(ctx, d, ts.URL, tr, c, projects, n, conc)
	if err != nil {
		return res, err
	}

	// The bare handler is measured just before the ballots and just after, and the two
	// figures averaged: on a shared machine the speed of the moment moves both.
	fmt.Fprintln(stderr, "measuring a bare net/http form handler…")
	bareN := max(n, 20000)
	cpu0 := processCPU()
	bareBefore, err := benchBare(bareN, conc)
	bareCPU := processCPU() - cpu0
	if err != nil {
		return res, err
	}
	fmt.Fprintf(stderr, "casting %d ballots, %d at a time…\n", n, conc)
	// Each voter's browser sends its own cookie; one client without a jar carries them all.
	cl := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	// Every voter opens the ballot page before casting, as real voters do (they choose on
	// it): browsers come to the casting with open connections, and the server with its
	// goroutines and database connections started.
	err = parallel(max(n, 2*conc), conc, func(i int) error {
		return benchOpen(cl, ts.URL+"/"+c.Slug+"/vote", voters[i%n].cookie)
	})
	if err != nil {
		return res, fmt.Errorf("ballot page: %w", err)
	}
	stopMailing := func() error { return nil }
	if mailing > 0 {
		fmt.Fprintf(stderr, "adding %d subscribers to the campaign's news…\n", mailing)
		if err := benchSubscribers(ctx, d, c.ID, mailing, now); err != nil {
			return res, err
		}
		res.Mailing = &benchMailing{Subscribers: mailing}
		if stopMailing, err = res.Mailing.start(ctx, d, 600); err != nil {
			return res, err
		}
	}
	lat := make([]time.Duration, n)
	g0, _, s0 := box.Stats()
	if profile != nil {
		if err := pprof.StartCPUProfile(profile); err != nil {
			return res, err
		}
	}
	start, cpu0 := time.Now(), processCPU()
	err = parallel(n, conc, func(i int) error {
		v := voters[i]
		buf := benchBuffers.Get().(*bytes.Buffer)
		defer benchBuffers.Put(buf)
		t0 := time.Now()
		status, err := benchSend(cl, ts.URL+"/"+c.Slug+"/vote/confirmer", v.body, ts.URL, v.cookie, buf)
		lat[i] = time.Since(t0)
		if err != nil {
			return err
		}
		if status != http.StatusOK || !benchReceiptRe.Match(buf.Bytes()) {
			return fmt.Errorf("voter %d: status %d, no receipt", i, status)
		}
		return nil
	})
	res.Elapsed, res.CPU = time.Since(start), (processCPU()-cpu0)/time.Duration(n)
	if profile != nil {
		pprof.StopCPUProfile()
	}
	if mErr := stopMailing(); err == nil && mErr != nil {
		err = fmt.Errorf("mailing: %w", mErr)
	}
	if err != nil {
		return res, err
	}
	g1, _, s1 := box.Stats()
	res.Groups, res.Singles = g1-g0, s1-s0
	if res.Ballots, err = vote.VoterCount(ctx, d, c.ID); err != nil {
		return res, err
	}
	ballots := 0
	if sealed {
		// A sealed box holds ciphertexts only: none of them is in clear before the unsealing.
		if ballots, err = vote.SealedBallotCount(ctx, d, c.ID); err != nil {
			return res, err
		}
		clear := 0
		if err := vote.BallotsOf(ctx, d, c.ID, func(string, []int64) error { clear++; return nil }); err != nil || clear != 0 {
			return res, fmt.Errorf("%d ballots in clear in a sealed box (%v)", clear, err)
		}
	} else if err := vote.BallotsOf(ctx, d, c.ID, func(string, []int64) error { ballots++; return nil }); err != nil {
		return res, err
	}
	if ballots != n || res.Ballots != n {
		return res, fmt.Errorf("%d ballots and %d participations for %d voters", ballots, res.Ballots, n)
	}
	slices.Sort(lat)
	res.P50, res.P99 = lat[n/2], lat[min(n-1, n*99/100)]

	fmt.Fprintln(stderr, "measuring the bare handler again…")
	cpu0 = processCPU()
	bareAfter, err := benchBare(bareN, conc)
	res.BareCPU = (bareCPU + processCPU() - cpu0) / time.Duration(2*bareN)
	res.BareRate, res.BareBefore, res.BareAfter = (bareBefore+bareAfter)/2, bareBefore, bareAfter
	return res, err
}

// benchCampaign makes a campaign whose vote is open, with twelve projects on its ballot.
func benchCampaign(ctx context.Context, d *db.DB, now time.Time) (*campaign.Campaign, []int64, error) {
	c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
	if err != nil {
		return nil, nil, err
	}
	c.Slug = "bench-vote"
	c.ContactEmail = "bench@example.test"
	loc := c.Location()
	day := func(off int) campaign.Date { return campaign.DateOf(now.In(loc).AddDate(0, 0, off)) }
	for i, p := range campaign.AllPhases() {
		if p == campaign.PhaseVote {
			c.SetDays(p, day(-1), day(1))
			continue
		}
		if p.Index() < campaign.PhaseVote.Index() {
			c.SetDays(p, day(-80+i*10), day(-75+i*10))
		} else {
			c.SetDays(p, day(10*i), day(10*i+5))
		}
	}
	if err := campaign.Insert(ctx, d, c, now); err != nil {
		return nil, nil, err
	}
	acc, err := account.Create(ctx, d, "carrier@bench.test", "Carrier", now)
	if err != nil {
		return nil, nil, err
	}
	s := &dossier.Structure{Name: "Structure du banc d'essai", LegalForm: dossier.FormAssociation, Commune: "62041"}
	if err := dossier.InsertStructure(ctx, d, s, acc.ID, now); err != nil {
		return nil, nil, err
	}
	var ids []int64
	for i := 0; i < 12; i++ {
		cat := c.Categories[i%len(c.Categories)]
		ds := &dossier.Dossier{CampaignID: c.ID, StructureID: s.ID, CategoryID: cat.ID, State: vote.StateOnBallot,
			Title: fmt.Sprintf("Projet %d", i+1), Summary: "Projet du banc d'essai.", Communes: []string{"62041"},
			SupportCents: cat.Rule.Support(50_000_00)}
		if err := dossier.Insert(ctx, d, ds, now); err != nil {
			return nil, nil, err
		}
		ids = append(ids, ds.ID)
	}
	return c, ids, nil
}

// benchSeal seals the bench campaign's box with three trustees, k = 2, as if the ceremony
// had taken place the day before the vote opened, and returns the trustees' shares (the
// bench drops them: it never unseals; the crash test unseals with them).
func benchSeal(ctx context.Context, d *db.DB, c *campaign.Campaign, now time.Time) ([]string, error) {
	w, _ := c.Window(campaign.PhaseVote)
	var emails []string
	for i := 1; i <= 3; i++ {
		a, err := account.Create(ctx, d, fmt.Sprintf("trustee%d@bench.test", i), fmt.Sprintf("Garant %d", i), now)
		if err != nil {
			return nil, err
		}
		emails = append(emails, a.Email)
	}
	before := w.Start.Add(-24 * time.Hour)
	env := change.Env{DB: d, Now: func() time.Time { return before }}
	cer, err := vote.SealBox(ctx, env, change.System("cli"), vote.SealInput{Campaign: c, Trustees: emails, K: 2})
	if err != nil {
		return nil, err
	}
	return cer.Shares, nil
}

// benchRegister creates n citizen accounts and their voter registrations, signs each in
// through the e-mail code form and reads its ballot page (for the anti-forgery token).
func benchRegister(ctx context.Context, d *db.DB, base string, tr *http.Transport, c *campaign.Campaign,
	projects []int64, n, conc int) ([]benchVoter, error) {
	key, err := vote.HashKey(ctx, d)
	if err != nil {
		return nil, err
	}
	baseURL, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	voters := make([]benchVoter, n)
	err = parallel(n, min(conc, 16), func(i int) error {
		email, code, err := benchAddVoter(ctx, d, key, c, i, now)
		if err != nil {
			return err
		}
		cl := benchClient(tr)
		csrf, err := benchSignIn(cl, base, c.Slug, email, code)
		if err != nil {
			return fmt.Errorf("voter %d: %w", i, err)
		}
		var cookies []string
		for _, ck := range cl.Jar.Cookies(baseURL) {
			cookies = append(cookies, ck.String())
		}
		voters[i] = benchVoter{cookie: []string{strings.Join(cookies, "; ")}, body: benchBody(benchBallot(c, projects, i), csrf)}
		return nil
	})
	return voters, err
}

// benchAddVoter creates the citizen account of voter i, registers it as a voter of c and
// issues it a sign-in code (returned with its e-mail address).
func benchAddVoter(ctx context.Context, d *db.DB, key []byte, c *campaign.Campaign, i int, now time.Time) (email, code string, err error) {
	email = fmt.Sprintf("votant%d@bench.test", i)
	a, err := account.Create(ctx, d, email, fmt.Sprintf("Votant %d", i), now)
	if err != nil {
		return "", "", err
	}
	if err := account.GrantRole(ctx, d, a.ID, access.Citizen, nil, now); err != nil {
		return "", "", err
	}
	decl := vote.Declaration{FamilyName: fmt.Sprint("Votant", i), GivenName: "Banc", BirthDate: vote.Date{Year: 1990, Month: 1, Day: 1}, Commune: "62041"}
	v := &vote.Voter{CampaignID: c.ID, AccountID: a.ID, PersonKey: vote.PersonKey(key, c.ID, decl), Commune: "62041",
		BirthDate: decl.BirthDate, Method: vote.MethodEmail}
	if err := vote.RegisterVoter(ctx, d, v, c.ContactEmail); err != nil {
		return "", "", err
	}
	code, err = account.IssueToken(ctx, d, a.ID, account.PurposeLoginCode, account.LoginCodeTTL, now)
	return email, code, err
}

// benchBare measures a bare net/http handler that parses a form and redirects, with the same
// client and concurrency: the ceiling of any handler on this machine.
func benchBare(n, conc int) (float64, error) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		_ = r.PostForm.Get("p")
		http.Redirect(w, r, "/merci", http.StatusSeeOther)
	}))
	defer ts.Close()
	tr := &http.Transport{MaxIdleConns: conc * 2, MaxIdleConnsPerHost: conc * 2}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	body := benchBody(url.Values{"p": {"1", "5", "9"}}, "x")
	// Before the measured loop, twice conc requests, conc at a time, open the connections
	// that the ballots' loop finds open too: the cost of opening them, which a short loop
	// pays a larger share of, is left out of both.
	err := parallel(2*conc, conc, func(int) error { return benchOpen(cl, ts.URL+"/vote", nil) })
	if err != nil {
		return 0, fmt.Errorf("bare handler: %w", err)
	}
	start := time.Now()
	err = parallel(n, conc, func(int) error {
		buf := benchBuffers.Get().(*bytes.Buffer)
		defer benchBuffers.Put(buf)
		status, err := benchSend(cl, ts.URL+"/vote", body, ts.URL, nil, buf)
		if err == nil && status != http.StatusSeeOther {
			err = fmt.Errorf("bare handler: status %d", status)
		}
		return err
	})
	return float64(n) / time.Since(start).Seconds(), err
}

// parallel runs fn(0..n-1) on conc goroutines and returns the first error.
func parallel(n, conc int, fn func(i int) error) error {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	next := make(chan int)
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}
