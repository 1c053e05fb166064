package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
)

// sessionCookie returns the browser's session cookie value.
func (b *browser) sessionCookie() string {
	u, _ := url.Parse(b.s.srv.URL)
	for _, c := range b.http.Jar.Cookies(u) {
		if c.Name == "bc_session" {
			return c.Value
		}
	}
	return ""
}

func TestChangePassword(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		carrier := demoAccount(t, access.Carrier)
		b := s.browser()
		b.signIn(carrier.Email, carrier.Password)
		elsewhere := s.browser() // the same person signed in on another computer
		elsewhere.signIn(carrier.Email, carrier.Password)
		wantContains(t, elsewhere.get("/compte"), "signed in elsewhere", "Changer de mot de passe")
		p := b.get("/compte")
		wantContains(t, p, "account page", "Changer de mot de passe", `<label for="f-current_password">`,
			`autocomplete="new-password"`, `action="/compte/mot-de-passe"`)

		const next = "une phrase toute neuve"
		for _, tc := range []struct {
			name                 string
			current, pw, confirm string
			field, msg           string
		}{
			{"mismatch", carrier.Password, next, next + "!", "password_confirm", "ne sont pas identiques"},
			{"too short", carrier.Password, "court", "court", "password", "au moins 10 caractères"},
			{"wrong current", "pas le mot de passe", next, next, "current_password", "Le mot de passe actuel est incorrect"},
		} {
			p := b.post("/compte/mot-de-passe", url.Values{"current_password": {tc.current}, "password": {tc.pw}, "password_confirm": {tc.confirm}})
			wantStatus(t, p, http.StatusUnprocessableEntity, tc.name)
			wantContains(t, p, tc.name, `id="f-`+tc.field+`-error"`, tc.msg, "Porteur de projet")
			if strings.Contains(p.Body, tc.pw) || strings.Contains(p.Body, tc.current) {
				t.Errorf("%s: a password was sent back in the form", tc.name)
			}
		}

		before := b.sessionCookie()
		p = b.post("/compte/mot-de-passe", url.Values{"current_password": {carrier.Password}, "password": {next}, "password_confirm": {next}})
		if p.Status != http.StatusSeeOther || p.Location != "/compte" {
			t.Fatalf("change: %d → %q\n%s", p.Status, p.Location, excerpt(p.Body))
		}
		if after := b.sessionCookie(); after == "" || after == before {
			t.Error("the session token was not renewed")
		}
		wantContains(t, b.get("/compte"), "after change", "Votre mot de passe est changé")
		wantAudit(t, s, "account.password_change", `"has_password":true`, `"other_sessions_ended":1`)
		// The other computer's session ended with the old password; this one goes on.
		if p := elsewhere.get("/compte"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/connexion") {
			t.Errorf("the other session still signs in: %d %q", p.Status, p.Location)
		}
		wantStatus(t, b.get("/compte"), http.StatusOK, "this session after the change")

		other := s.browser()
		other.get("/connexion")
		p = other.post("/connexion", url.Values{"email": {carrier.Email}, "password": {carrier.Password}})
		wantStatus(t, p, http.StatusUnprocessableEntity, "old password")
		other.signIn(carrier.Email, next)
	})
}

func TestChangePasswordGuessesAreThrottled(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		citizen := demoAccount(t, access.Citizen)
		b := s.browser()
		b.signIn(citizen.Email, citizen.Password)
		b.get("/compte")
		form := url.Values{"current_password": {"une supposition"}, "password": {"une phrase toute neuve"}, "password_confirm": {"une phrase toute neuve"}}
		for range account.MaxFailuresPerPair {
			wantStatus(t, b.post("/compte/mot-de-passe", form), http.StatusUnprocessableEntity, "wrong guess")
		}
		form.Set("current_password", citizen.Password)
		p := b.post("/compte/mot-de-passe", form)
		wantStatus(t, p, http.StatusUnprocessableEntity, "throttled")
		wantContains(t, p, "throttled", "Trop de tentatives")
	})
}

func TestChooseFirstPassword(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		// An account without a password (it signs in with codes) chooses one without a current one.
		if _, err := account.Create(context.Background(), s.db, "votante@exemple.fr", "", testNow); err != nil {
			t.Fatal(err)
		}
		b := s.browser()
		b.get("/connexion/code")
		b.post("/connexion/code", url.Values{"email": {"votante@exemple.fr"}})
		p := b.post("/connexion/code/verifier", url.Values{"email": {"votante@exemple.fr"}, "code": {s.lastCode("votante@exemple.fr")}})
		wantStatus(t, p, http.StatusSeeOther, "code sign-in")
		p = b.get("/compte")
		wantContains(t, p, "account without password", "Choisir un mot de passe", "adresse confirmée")
		if strings.Contains(p.Body, "f-current_password") {
			t.Error("the current password is asked of an account that has none")
		}
		p = b.post("/compte/mot-de-passe", url.Values{"password": {"mon premier secret"}, "password_confirm": {"mon premier secret"}})
		wantStatus(t, p, http.StatusSeeOther, "first password")
		wantAudit(t, s, "account.password_change", `"has_password":false`, `"has_password":true`)
		wantContains(t, b.get("/compte"), "with password", "Changer de mot de passe")
		s.browser().signIn("votante@exemple.fr", "mon premier secret")
	})
}
