package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/oidc"
	"budgetcitoyen/internal/oidc/oidctest"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/web"
)

// newOIDCSite is newSite with an OpenID provider (oidctest's, as FranceConnect behaves)
// configured, and the current campaign accepting it.
func newOIDCSite(t *testing.T, d *db.DB) (*site, *oidctest.Provider) {
	t.Helper()
	const base = "http://example.test"
	prov := oidctest.Start(t, base+web.OIDCCallbackPath)
	dataDir := seedDemo(t, plainDemo, d)
	s := &site{t: t, db: d, now: testNow}
	srv, err := web.New(web.Config{DB: d, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return s.now }, BaseURL: base, Territory: territoryData(t), DataDir: dataDir,
		Passwords: testPasswords,
		OIDC:      oidc.Config{Issuer: prov.URL, ClientID: oidctest.ClientID, ClientSecret: oidctest.ClientSecret, ACR: "eidas1"}})
	if err != nil {
		t.Fatal(err)
	}
	s.srv = httptest.NewServer(srv)
	t.Cleanup(s.srv.Close)
	enableOIDC(t, s)
	return s, prov
}

// enableOIDC makes the current campaign accept OpenID Connect besides the e-mail, as an agent does.
func enableOIDC(t *testing.T, s *site) {
	t.Helper()
	_, slug := demo.Slugs(testNow)
	agent := demoAccount(t, "agent")
	b := s.browser()
	b.signIn(agent.Email, agent.Password)
	p := b.post("/admin/campagnes/"+slug+"/vote", url.Values{"email": {"1"}, "oidc": {"1"}})
	wantStatus(t, p, http.StatusSeeOther, "enable OpenID Connect")
}

// voterAtIdentity signs a new voter in with an e-mail code: the browser is at the identity step.
func voterAtIdentity(t *testing.T, s *site, email string) (*browser, page) {
	t.Helper()
	_, slug := demo.Slugs(testNow)
	b := s.browser()
	b.get("/" + slug + "/vote")
	p := b.post("/"+slug+"/vote/courriel", url.Values{"email": {email}})
	wantStatus(t, p, http.StatusOK, "send code")
	sent, err := mail.Sent(context.Background(), s.db, email)
	if err != nil || len(sent) == 0 {
		t.Fatalf("no code e-mail: %v", err)
	}
	m := voteCodeRe.FindStringSubmatch(sent[0].Body)
	if m == nil {
		t.Fatalf("no code in %q", sent[0].Body)
	}
	p = b.post("/connexion/code/verifier", url.Values{"email": {email}, "code": {m[1]}, "suite": {"/" + slug + "/vote"}})
	wantStatus(t, p, http.StatusSeeOther, "verify code")
	p = b.get("/" + slug + "/vote")
	wantStatus(t, p, http.StatusOK, "identity step")
	return b, p
}

// franceConnect presses the button and signs in at the provider; it returns the page the
// callback answers.
func franceConnect(t *testing.T, b *browser, prov *oidctest.Provider, tamper func(q url.Values)) page {
	t.Helper()
	_, slug := demo.Slugs(testNow)
	p := b.post("/"+slug+"/vote/franceconnect", url.Values{})
	wantStatus(t, p, http.StatusSeeOther, "start FranceConnect")
	if !strings.HasPrefix(p.Location, prov.URL) {
		t.Fatalf("not sent to the provider: %q", p.Location)
	}
	auth, _ := url.Parse(p.Location)
	q := auth.Query()
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if q.Get(k) == "" {
			t.Errorf("authorization address without %s", k)
		}
	}
	if q.Get("code_verifier") != "" || q.Get("acr_values") != "eidas1" || q.Get("code_challenge_method") != "S256" {
		t.Errorf("authorization address %s", p.Location)
	}
	cb := prov.Login(t, p.Location)
	if cb.Path != web.OIDCCallbackPath {
		t.Fatalf("callback %s", cb)
	}
	cq := cb.Query()
	if tamper != nil {
		tamper(cq)
	}
	return b.get(cb.Path + "?" + cq.Encode())
}

func TestVoteWithFranceConnect(t *testing.T) {
	eachPlainDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, prov := newOIDCSite(t, d)
		_, slug := demo.Slugs(testNow)
		c, err := campaign.BySlug(ctx, s.db, slug)
		if err != nil {
			t.Fatal(err)
		}

		// The whole journey: button, provider, commune, ballot, receipt.
		b, p := voterAtIdentity(t, s, "angela@example.test")
		wantContains(t, p, "identity step", `action="/`+slug+`/vote/franceconnect"`, "S&#39;identifier avec FranceConnect")
		p = franceConnect(t, b, prov, nil)
		wantStatus(t, p, http.StatusSeeOther, "callback")
		if p.Location != "/"+slug+"/vote/franceconnect/commune" || strings.Contains(p.Location, "code=") {
			t.Fatalf("callback sends to %q", p.Location)
		}
		p = b.get(p.Location)
		wantStatus(t, p, http.StatusOK, "commune form")
		wantContains(t, p, "commune form", "DUBOIS", "Angela Claire Louise", "24/08/1962", `name="commune"`)
		if strings.Contains(p.Body, `name="nom"`) || strings.Contains(p.Body, `name="naissance"`) {
			t.Errorf("the provider's identity is editable")
		}
		p = b.post("/"+slug+"/vote/franceconnect/commune", url.Values{})
		wantStatus(t, p, http.StatusUnprocessableEntity, "no commune")
		p = b.post("/"+slug+"/vote/franceconnect/commune", url.Values{"commune": {"62041"}})
		wantStatus(t, p, http.StatusSeeOther, "register")
		p = b.get("/" + slug + "/vote")
		wantContains(t, p, "ballot", `action="/`+slug+`/vote/verifier"`)
		acc := s.accountID("angela@example.test")
		v, err := vote.VoterOf(ctx, s.db, c.ID, acc)
		if err != nil || v.Method != vote.MethodOIDC || v.Commune != "62041" || v.BirthDate.String() != "1962-08-24" {
			t.Fatalf("voter %+v %v", v, err)
		}
		projects, err := vote.BallotProjects(ctx, s.db, c.ID)
		if err != nil || len(projects) == 0 {
			t.Fatalf("projects: %v", err)
		}
		ballot := url.Values{"p": {strconv.FormatInt(projects[0].ID, 10)}}
		p = b.post("/"+slug+"/vote/confirmer", ballot)
		wantStatus(t, p, http.StatusOK, "cast")
		receipt := regexp.MustCompile(`id="receipt">([A-Z0-9-]{23})<`).FindStringSubmatch(p.Body)
		if receipt == nil {
			t.Fatalf("no receipt:\n%s", excerpt(p.Body))
		}
		wantSealed(t, s, c.ID, p, receipt[1])

		// The same person through another account: refused by the keyed hash, with the contact.
		b2, _ := voterAtIdentity(t, s, "angela2@example.test")
		p = franceConnect(t, b2, prov, nil)
		wantStatus(t, p, http.StatusSeeOther, "callback (same person)")
		p = b2.post("/"+slug+"/vote/franceconnect/commune", url.Values{"commune": {"62041"}})
		wantStatus(t, p, http.StatusConflict, "same person")
		wantContains(t, p, "same person", c.ContactEmail)

		// A forged state: refused, with a French message; the sign-in cannot be replayed.
		b3, _ := voterAtIdentity(t, s, "forged@example.test")
		p = franceConnect(t, b3, prov, func(q url.Values) { q.Set("state", "forged-state") })
		wantStatus(t, p, http.StatusBadRequest, "bad state")
		wantContains(t, p, "bad state", "refusé par sécurité")
		p = b3.get("/" + slug + "/vote/franceconnect/commune")
		wantStatus(t, p, http.StatusSeeOther, "no identity after a bad state")
		p = b3.get(web.OIDCCallbackPath + "?state=x&code=y")
		wantStatus(t, p, http.StatusBadRequest, "no sign-in in progress")
		wantContains(t, p, "no sign-in in progress", "Aucune identification FranceConnect")
		if _, err := vote.VoterOf(ctx, s.db, c.ID, s.accountID("forged@example.test")); err == nil {
			t.Errorf("registered after a bad state")
		}

		// A minor under the campaign's minimum age: refused, with the reason.
		prov.SetClaims(oidctest.Claims{GivenName: "Léo", FamilyName: "PETIT", BirthDate: testNow.AddDate(-10, 0, 0).Format(time.DateOnly)})
		defer prov.SetClaims(oidctest.DefaultClaims)
		b4, _ := voterAtIdentity(t, s, "leo@example.test")
		p = franceConnect(t, b4, prov, nil)
		wantStatus(t, p, http.StatusSeeOther, "callback (minor)")
		p = b4.post("/"+slug+"/vote/franceconnect/commune", url.Values{"commune": {"62041"}})
		wantStatus(t, p, http.StatusForbidden, "minor")
		wantContains(t, p, "minor", "il faut avoir au moins 11 ans")
		if _, err := vote.VoterOf(ctx, s.db, c.ID, s.accountID("leo@example.test")); err == nil {
			t.Errorf("a minor registered")
		}
	})
}

// Without a provider configured, the button is absent and the route refuses, even when the
// campaign accepts the method.
func TestVoteWithoutFranceConnect(t *testing.T) {
	s := newSite(t, siteDB(t))
	enableOIDC(t, s)
	_, slug := demo.Slugs(testNow)
	b, p := voterAtIdentity(t, s, "sans@example.test")
	if strings.Contains(p.Body, "franceconnect") || strings.Contains(p.Body, "FranceConnect") {
		t.Errorf("FranceConnect offered without a provider")
	}
	wantContains(t, p, "identity step", `name="naissance"`)
	p = b.post("/"+slug+"/vote/franceconnect", url.Values{})
	wantStatus(t, p, http.StatusForbidden, "start without a provider")
}
