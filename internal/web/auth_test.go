package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/mail"
)

// lastLink returns the path and query of the last link of kind (verifier, reinitialiser)
// e-mailed to addr.
func (s *site) lastLink(addr, kind string) string {
	s.t.Helper()
	msgs, err := mail.Sent(context.Background(), s.db, addr)
	if err != nil {
		s.t.Fatal(err)
	}
	re := regexp.MustCompile(`http://example\.test(/` + kind + `\?jeton=[A-Za-z0-9_-]+)`)
	for _, m := range msgs {
		if sub := re.FindStringSubmatch(m.Body); sub != nil {
			return sub[1]
		}
	}
	s.t.Fatalf("no %s link e-mailed to %s (%d e-mails)", kind, addr, len(msgs))
	return ""
}

func TestSignInAndOut(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		admin := demoAccount(t, access.Admin)
		b := s.browser()
		b.get("/connexion")
		p := b.post("/connexion", url.Values{"email": {admin.Email}, "password": {"wrong password"}})
		wantStatus(t, p, http.StatusUnprocessableEntity, "wrong password")
		wantContains(t, p, "wrong password", "Adresse e-mail ou mot de passe incorrect", `value="`+admin.Email+`"`)

		p = b.post("/connexion", url.Values{"email": {strings.ToUpper(admin.Email)}, "password": {admin.Password}, "suite": {"/pas-de-calais-2018"}})
		if p.Status != http.StatusSeeOther || p.Location != "/pas-de-calais-2018" {
			t.Fatalf("sign in: %d → %q", p.Status, p.Location)
		}
		acc := b.get("/compte")
		wantStatus(t, acc, http.StatusOK, "account page")
		wantContains(t, acc, "account page", admin.Email, "Administrateur", "Se déconnecter")

		p = b.post("/deconnexion", nil)
		if p.Status != http.StatusSeeOther {
			t.Fatalf("sign out: %d", p.Status)
		}
		p = b.get("/compte")
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/connexion?suite=") {
			t.Fatalf("account page after sign-out: %d → %q", p.Status, p.Location)
		}
	})
}

func TestSignInRedirectStaysOnTheSite(t *testing.T) {
	s := newSite(t, siteDB(t))
	citizen := demoAccount(t, access.Citizen)
	bypasses := []string{"//evil.example/x", "https://evil.example", `/\evil.example`, "", "/\t/evil.example",
		"/\t\\evil.example", "/\n/evil.example", "/.//evil.example", "/%2F/evil.example", "/\u3000/evil.example"}
	for _, next := range bypasses {
		b := s.browser()
		b.get("/connexion")
		p := b.post("/connexion", url.Values{"email": {citizen.Email}, "password": {citizen.Password}, "suite": {next}})
		if p.Location != "/espace" {
			t.Errorf("suite=%q redirected to %q, want /espace", next, p.Location)
		}
	}
	// A signed-in person who opens the sign-in page is sent on at once: the link.
	b := s.browser()
	b.signIn(citizen.Email, citizen.Password)
	for _, raw := range []string{"/%09/evil.example", "/%09%5Cevil.example", "%2F%2Fevil.example", "/%0A/evil.example"} {
		p := b.get("/connexion?suite=" + raw)
		if p.Status != http.StatusSeeOther || p.Location != "/espace" {
			t.Errorf("GET /connexion?suite=%s: %d → %q, want /espace", raw, p.Status, p.Location)
		}
	}
	if p := b.get("/connexion?suite=%2Fpas-de-calais-2018"); p.Location != "/pas-de-calais-2018" {
		t.Errorf("a path of the site: redirected to %q", p.Location)
	}
}

func TestSignInThrottle(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		agent := demoAccount(t, access.Agent)
		b := s.browser()
		b.get("/connexion")
		var p page
		for i := 0; i < 6; i++ {
			p = b.post("/connexion", url.Values{"email": {agent.Email}, "password": {"not the password"}})
		}
		wantStatus(t, p, http.StatusTooManyRequests, "sixth failure")
		// Even the right password is refused until the window passes.
		p = b.post("/connexion", url.Values{"email": {agent.Email}, "password": {agent.Password}})
		wantStatus(t, p, http.StatusTooManyRequests, "right password while throttled")
		wantContains(t, p, "throttled", "Trop de tentatives")
	})
}

func TestRegisterVerifyAndReset(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		b.get("/inscription")
		form := url.Values{"email": {"marie.dupont@example.org"}, "name": {"Marie Dupont"},
			"password": {"une longue phrase"}, "password_confirm": {"une autre phrase"}}
		p := b.post("/inscription", form)
		wantStatus(t, p, http.StatusUnprocessableEntity, "passwords differ")
		wantContains(t, p, "passwords differ", "ne sont pas identiques", `value="marie.dupont@example.org"`, `value="Marie Dupont"`)
		if strings.Contains(p.Body, "une longue phrase") {
			t.Error("the password was sent back in the form")
		}

		// Registering answers "see your mailbox", without signing in: the verification link
		// does. The same address again gets the very same answer, and its owner an e-mail.
		form.Set("password_confirm", "une longue phrase")
		p = b.post("/inscription", form)
		if p.Status != http.StatusSeeOther || p.Location != "/connexion" {
			t.Fatalf("register: %d → %q\n%s", p.Status, p.Location, excerpt(p.Body))
		}
		first := b.get("/connexion")
		wantContains(t, first, "after registering", "Consultez votre boîte aux lettres")
		if p := b.get("/compte"); p.Status != http.StatusSeeOther {
			t.Errorf("signed in by the registration: %d", p.Status)
		}
		other := s.browser()
		other.get("/inscription")
		again := other.post("/inscription", form)
		if again.Status != p.Status || again.Location != "/connexion" {
			t.Fatalf("same address again: %d → %q\n%s", again.Status, again.Location, excerpt(again.Body))
		}
		second := other.get("/connexion")
		wantContains(t, second, "same address again", "Consultez votre boîte aux lettres")
		if strings.Contains(second.Body, "existe déjà") {
			t.Error("the page tells the address has an account")
		}
		msgs, err := mail.Sent(context.Background(), s.db, "marie.dupont@example.org")
		if err != nil || len(msgs) != 2 || !strings.Contains(msgs[0].Subject+msgs[1].Subject, "Vous avez déjà un compte") {
			t.Errorf("e-mails to the address: %d (%v)", len(msgs), err)
		}

		link := s.lastLink("marie.dupont@example.org", "verifier")
		p = b.get(link)
		wantStatus(t, p, http.StatusOK, "verification page")
		token := strings.TrimPrefix(link, "/verifier?jeton=")
		p = b.post("/verifier", url.Values{"jeton": {token}})
		if p.Status != http.StatusSeeOther || p.Location != "/espace" {
			t.Fatalf("verify: %d → %q\n%s", p.Status, p.Location, excerpt(p.Body))
		}
		wantContains(t, b.get("/espace"), "space after verification", "Mon espace", "Votre adresse e-mail est confirmée")
		wantContains(t, b.get("/compte"), "verified account", "adresse confirmée", "Citoyen")
		p = b.post("/verifier", url.Values{"jeton": {token}})
		wantStatus(t, p, http.StatusUnprocessableEntity, "link used twice")
		wantContains(t, p, "link used twice", "déjà été utilisé")

		// Forgotten password: the same answer for an unknown address.
		anon := s.browser()
		anon.get("/mot-de-passe-oublie")
		p = anon.post("/mot-de-passe-oublie", url.Values{"email": {"nobody@example.org"}})
		unknown := p.Location
		p = anon.post("/mot-de-passe-oublie", url.Values{"email": {"marie.dupont@example.org"}})
		if p.Location != unknown || p.Status != http.StatusSeeOther {
			t.Fatalf("forgot password answers differ: %q vs %q", p.Location, unknown)
		}
		reset := s.lastLink("marie.dupont@example.org", "reinitialiser")
		token = strings.TrimPrefix(reset, "/reinitialiser?jeton=")
		anon.get(reset)
		p = anon.post("/reinitialiser", url.Values{"jeton": {token}, "password": {"court"}, "password_confirm": {"court"}})
		wantStatus(t, p, http.StatusUnprocessableEntity, "short password")
		wantContains(t, p, "short password", "au moins 10 caractères")
		p = anon.post("/reinitialiser", url.Values{"jeton": {token}, "password": {"un tout nouveau secret"}, "password_confirm": {"un tout nouveau secret"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("reset: %d\n%s", p.Status, excerpt(p.Body))
		}
		// The session opened before the reset (with the old password) is over.
		if p := b.get("/compte"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/connexion") {
			t.Errorf("a session from before the reset still signs in: %d %q", p.Status, p.Location)
		}
		anon.signIn("marie.dupont@example.org", "un tout nouveau secret")
	})
}
