package web_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/web"
)

// proxiedSite is a seeded site behind a reverse proxy (net/http/httputil, which appends the
// client's address to X-Forwarded-For), as in production behind a TLS proxy: s.srv is the
// proxy, direct is the server itself. The server trusts the proxy's address, 127.0.0.1, and
// tests tell clients apart by their own loopback addresses (browserFrom).
func proxiedSite(t *testing.T, d *db.DB, trusted string) (s *site, direct *httptest.Server) {
	t.Helper()
	dataDir := seedDemo(t, plainDemo, d)
	proxies, err := web.ParseTrustedProxies(trusted)
	if err != nil {
		t.Fatal(err)
	}
	s = &site{t: t, db: d, now: testNow, logs: &syncBuffer{}}
	now := func() time.Time { return s.now }
	s.box = vote.NewBox(d, now)
	srv, err := web.New(web.Config{DB: d, Logger: slog.New(slog.NewTextHandler(s.logs, nil)),
		Now: now, BaseURL: "http://example.test", Territory: territoryData(t),
		DataDir: dataDir, Passwords: testPasswords, Box: s.box, TrustedProxies: proxies})
	if err != nil {
		t.Fatal(err)
	}
	direct = httptest.NewServer(srv)
	t.Cleanup(direct.Close)
	target, _ := url.Parse(direct.URL)
	s.srv = httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
	t.Cleanup(s.srv.Close)
	return s, direct
}

// browserFrom is a browser whose connections leave from the loopback address ip.
func (s *site) browserFrom(ip string) *browser {
	b := s.browser()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	tr := &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 16}
	s.t.Cleanup(tr.CloseIdleConnections)
	b.http.Transport = tr
	return b
}

// postForged posts a form like post, with a forged X-Forwarded-For header.
func (b *browser) postForged(base, path string, form url.Values, forged string) int {
	b.s.t.Helper()
	form = cloneValues(form)
	form.Set("csrf_token", b.csrf)
	req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	if forged != "" {
		req.Header.Set("X-Forwarded-For", forged)
	}
	resp, err := b.http.Do(req)
	if err != nil {
		b.s.t.Fatalf("POST %s: %v", path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Behind a reverse proxy, an attacker's 1,000 failed sign-ins (passwords and e-mail codes,
// at other people's accounts, with forged X-Forwarded-For headers naming their addresses)
// leave their password sign-in, their e-mail code sign-in and their vote working.
func TestAttackBehindProxyLocksOnlyTheAttacker(t *testing.T) {
	eachPlainDB(t, func(t *testing.T, d *db.DB) {
		s, direct := proxiedSite(t, d, "127.0.0.1/32")
		citizen, agent := demoAccount(t, access.Citizen), demoAccount(t, access.Agent)
		const voter = "zoe@example.test"
		const attackerIP, citizenIP, agentIP, voterIP = "127.0.0.66", "127.0.0.7", "127.0.0.8", "127.0.0.9"

		attacker := s.browserFrom(attackerIP)
		attacker.get("/connexion")
		forged := []string{"", citizenIP, agentIP, voterIP, "127.0.0.1", "garbage", "198.51.100." + "1, " + citizenIP}
		const attempts, workers = 1000, 8
		var (
			mu       sync.Mutex
			statuses = map[int]int{}
			wg       sync.WaitGroup
			next     = make(chan int)
		)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					var st int
					switch target := []string{citizen.Email, agent.Email, voter}[i%3]; i % 2 {
					case 0:
						st = attacker.postForged(s.srv.URL, "/connexion", url.Values{"email": {target}, "password": {"devine " + strconv.Itoa(i)}}, forged[i%len(forged)])
					default:
						st = attacker.postForged(s.srv.URL, "/connexion/code/verifier", url.Values{"email": {target}, "code": {strconv.Itoa(10000000 + i)}}, forged[i%len(forged)])
					}
					mu.Lock()
					statuses[st]++
					mu.Unlock()
				}
			}()
		}
		for i := range attempts {
			next <- i
		}
		close(next)
		wg.Wait()
		if statuses[http.StatusUnprocessableEntity]+statuses[http.StatusTooManyRequests] != attempts ||
			statuses[http.StatusTooManyRequests] < attempts-30 {
			t.Fatalf("the attacker's answers: %v", statuses)
		}
		// Going around the proxy with a forged header does not help either: the server
		// ignores the headers of a peer it does not trust, and knows the attacker's address.
		around := s.browserFrom(attackerIP)
		around.s = &site{t: t, db: d, srv: direct}
		around.get("/connexion")
		if st := around.postForged(direct.URL, "/connexion", url.Values{"email": {agent.Email}, "password": {"x"}}, citizenIP); st != http.StatusTooManyRequests {
			t.Errorf("around the proxy, forged header: %d, want 429", st)
		}

		// The citizen signs in with their password.
		b := s.browserFrom(citizenIP)
		b.signIn(citizen.Email, citizen.Password)
		b.post("/deconnexion", nil)
		// And with an e-mailed code.
		b.get("/connexion/code")
		b.post("/connexion/code", url.Values{"email": {citizen.Email}})
		p := b.post("/connexion/code/verifier", url.Values{"email": {citizen.Email}, "code": {s.lastCode(citizen.Email)}})
		wantStatus(t, p, http.StatusSeeOther, "citizen's code sign-in")
		// The agent, with a password.
		s.browserFrom(agentIP).signIn(agent.Email, agent.Password)

		// A voter asks for a code, signs in with it, declares themselves and votes.
		c, slug := votingCampaign(t, s)
		v := s.browserFrom(voterIP)
		wantStatus(t, v.get("/"+slug+"/vote"), http.StatusOK, "vote page")
		wantStatus(t, v.post("/"+slug+"/vote/courriel", url.Values{"email": {voter}}), http.StatusOK, "send code")
		sent, err := mail.Sent(context.Background(), s.db, voter)
		if err != nil || len(sent) == 0 {
			t.Fatalf("no code e-mail: %v", err)
		}
		code := voteCodeRe.FindStringSubmatch(sent[0].Body)
		p = v.post("/connexion/code/verifier", url.Values{"email": {voter}, "code": {code[1]}, "suite": {"/" + slug + "/vote"}})
		wantStatus(t, p, http.StatusSeeOther, "voter's code")
		v.get("/" + slug + "/vote")
		p = v.post("/"+slug+"/vote/identite", url.Values{"methode": {"email"}, "nom": {"Lefèvre"}, "prenom": {"Zoé"},
			"naissance": {"2000-05-06"}, "commune": {"62041"}})
		wantStatus(t, p, http.StatusSeeOther, "declaration")
		projects, err := vote.BallotProjects(context.Background(), s.db, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		choice := projects[0]
		form := url.Values{"cat-" + strconv.FormatInt(choice.CategoryID, 10): {strconv.FormatInt(choice.ID, 10)}}
		wantStatus(t, v.post("/"+slug+"/vote/verifier", form), http.StatusOK, "review")
		p = v.post("/"+slug+"/vote/confirmer", url.Values{"p": {strconv.FormatInt(choice.ID, 10)}})
		wantStatus(t, p, http.StatusOK, "confirm")
		if !regexp.MustCompile(`id="receipt">[A-Z0-9-]{23}<`).MatchString(p.Body) {
			t.Errorf("no receipt:\n%s", excerpt(p.Body))
		}
	})
}
