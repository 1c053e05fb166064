package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/mail"
)

var codeRe = regexp.MustCompile(`\n(\d{8})\n`)

// codes returns the sign-in codes e-mailed to addr, newest first.
func (s *site) codes(addr string) []string {
	s.t.Helper()
	msgs, err := mail.Sent(context.Background(), s.db, addr)
	if err != nil {
		s.t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		if sub := codeRe.FindStringSubmatch(m.Body); sub != nil && strings.Contains(m.Subject, "code de connexion") {
			out = append(out, sub[1])
		}
	}
	return out
}

// lastCode returns the latest sign-in code e-mailed to addr.
func (s *site) lastCode(addr string) string {
	s.t.Helper()
	c := s.codes(addr)
	if len(c) == 0 {
		s.t.Fatalf("no sign-in code e-mailed to %s", addr)
	}
	return c[0]
}

func TestSignInWithCode(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		citizen := demoAccount(t, access.Citizen)
		b := s.browser()
		wantContains(t, b.get("/connexion?suite=/pas-de-calais-2018"), "sign-in page", `href="/connexion/code?suite=%2fpas-de-calais-2018"`)
		p := b.get("/connexion/code?suite=/pas-de-calais-2018")
		wantStatus(t, p, http.StatusOK, "code form")
		wantContains(t, p, "code form", `<label for="f-email">`, "Recevoir un code", `name="suite" value="/pas-de-calais-2018"`)

		p = b.post("/connexion/code", url.Values{"email": {"pas une adresse"}})
		wantStatus(t, p, http.StatusUnprocessableEntity, "bad address")
		wantContains(t, p, "bad address", `id="f-email-error"`, `value="pas une adresse"`)

		// The same answer whether or not the address has an account.
		unknown := b.post("/connexion/code", url.Values{"email": {"personne@exemple.fr"}, "suite": {"/pas-de-calais-2018"}})
		wantStatus(t, unknown, http.StatusOK, "unknown address")
		if len(s.codes("personne@exemple.fr")) != 0 {
			t.Error("a code was sent to an address without an account")
		}
		known := b.post("/connexion/code", url.Values{"email": {citizen.Email}, "suite": {"/pas-de-calais-2018"}})
		wantStatus(t, known, http.StatusOK, "known address")
		// The pages' main parts: the footer names the institution's contact, whose address
		// holds the demo citizen's as its end.
		mainOf := func(body string) string {
			if i := strings.Index(body, "<main"); i >= 0 {
				body = body[i:]
			}
			if i := strings.Index(body, "</main>"); i >= 0 {
				body = body[:i]
			}
			return body
		}
		if strings.ReplaceAll(mainOf(unknown.Body), "personne@exemple.fr", "X") != strings.ReplaceAll(mainOf(known.Body), citizen.Email, "X") {
			t.Errorf("the answers differ for a known and an unknown address:\n%s\n---\n%s", excerpt(unknown.Body), excerpt(known.Body))
		}
		wantContains(t, known, "code step", "un code à 8 chiffres vient de lui être envoyé", `name="email" value="`+citizen.Email+`"`,
			`<label for="f-code">`, `autocomplete="one-time-code"`, `inputmode="numeric"`, `action="/connexion/code/verifier"`)
		code := s.lastCode(citizen.Email)

		p = b.post("/connexion/code/verifier", url.Values{"email": {citizen.Email}, "code": {""}})
		wantStatus(t, p, http.StatusUnprocessableEntity, "empty code")
		wantContains(t, p, "empty code", "Saisissez le code reçu")
		wrong := "00000000"
		if code == wrong {
			wrong = "11111111"
		}
		p = b.post("/connexion/code/verifier", url.Values{"email": {citizen.Email}, "code": {wrong}, "suite": {"/pas-de-calais-2018"}})
		wantStatus(t, p, http.StatusUnprocessableEntity, "wrong code")
		wantContains(t, p, "wrong code", `id="f-code-error"`, "Ce code est incorrect", `name="email" value="`+citizen.Email+`"`,
			`name="suite" value="/pas-de-calais-2018"`)

		// Typed with a space, as people copy it.
		p = b.post("/connexion/code/verifier", url.Values{"email": {citizen.Email}, "code": {code[:4] + " " + code[4:]}, "suite": {"/pas-de-calais-2018"}})
		if p.Status != http.StatusSeeOther || p.Location != "/pas-de-calais-2018" {
			t.Fatalf("sign in with the code: %d → %q\n%s", p.Status, p.Location, excerpt(p.Body))
		}
		wantContains(t, b.get("/compte"), "signed in", citizen.Email, "Lucas Citoyen")
		// Signed in, the code page goes on where it was going.
		if p := b.get("/connexion/code"); p.Status != http.StatusSeeOther || p.Location != "/espace" {
			t.Errorf("code page when signed in: %d → %q", p.Status, p.Location)
		}

		// A code works once.
		b.post("/deconnexion", nil)
		other := s.browser()
		other.get("/connexion/code")
		p = other.post("/connexion/code/verifier", url.Values{"email": {citizen.Email}, "code": {code}})
		wantStatus(t, p, http.StatusUnprocessableEntity, "code used twice")
		wantContains(t, p, "code used twice", "Ce code est incorrect")
		// And an unknown address is told the same as a wrong code.
		p = other.post("/connexion/code/verifier", url.Values{"email": {"personne@exemple.fr"}, "code": {code}})
		wantStatus(t, p, http.StatusUnprocessableEntity, "unknown address")
		wantContains(t, p, "unknown address", "Ce code est incorrect")
	})
}

func TestSignInWithCodeThrottle(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		carrier := demoAccount(t, access.Carrier)
		b := s.browser()
		b.get("/connexion/code")
		b.post("/connexion/code", url.Values{"email": {carrier.Email}})
		code := s.lastCode(carrier.Email)
		wrong := "00000000"
		if code == wrong {
			wrong = "11111111"
		}
		for i := range account.MaxCodeGuesses - 1 {
			p := b.post("/connexion/code/verifier", url.Values{"email": {carrier.Email}, "code": {wrong}})
			wantStatus(t, p, http.StatusUnprocessableEntity, "wrong code "+string(rune('1'+i)))
			wantContains(t, p, "wrong code", "Ce code est incorrect")
		}
		// The last wrong guess the code accepts spends it: even the right code is refused, with
		// a message that asks for a new one.
		for _, c := range []string{wrong, code} {
			p := b.post("/connexion/code/verifier", url.Values{"email": {carrier.Email}, "code": {c}})
			wantStatus(t, p, http.StatusUnprocessableEntity, "spent code")
			wantContains(t, p, "spent code", "essais erronés", "Demandez un nouveau code", `name="email" value="`+carrier.Email+`"`)
		}
		// A new one works at once.
		b.post("/connexion/code", url.Values{"email": {carrier.Email}})
		p := b.post("/connexion/code/verifier", url.Values{"email": {carrier.Email}, "code": {s.lastCode(carrier.Email)}})
		wantStatus(t, p, http.StatusSeeOther, "new code")
	})
}

func TestSignInCodeRequestsAreLimited(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		animator := demoAccount(t, access.Animator)
		b := s.browser()
		b.get("/connexion/code")
		for i := range 8 {
			p := b.post("/connexion/code", url.Values{"email": {animator.Email}})
			if i >= mail.MaxPerAddress {
				// Past the e-mails one address may get in an hour: refused, the address kept.
				wantStatus(t, p, http.StatusTooManyRequests, "code request")
				wantContains(t, p, "code request", "Trop d&#39;e-mails ont été demandés pour cette adresse", `value="`+animator.Email+`"`)
				continue
			}
			wantStatus(t, p, http.StatusOK, "code request")
			wantContains(t, p, "code request", "vient de lui être envoyé")
		}
		codes := s.codes(animator.Email)
		if len(codes) != 5 {
			t.Fatalf("%d codes sent for 8 requests, want 5", len(codes))
		}
		// Only the latest code sent works.
		p := b.post("/connexion/code/verifier", url.Values{"email": {animator.Email}, "code": {codes[1]}})
		if codes[1] != codes[0] {
			wantStatus(t, p, http.StatusUnprocessableEntity, "earlier code")
		}
		p = b.post("/connexion/code/verifier", url.Values{"email": {animator.Email}, "code": {codes[0]}})
		wantStatus(t, p, http.StatusSeeOther, "latest code")

		// A disabled account is sent nothing.
		agent := demoAccount(t, access.Agent)
		a, err := account.ByEmail(context.Background(), s.db, agent.Email)
		if err != nil {
			t.Fatal(err)
		}
		if err := account.SetDisabled(context.Background(), s.db, a.ID, true); err != nil {
			t.Fatal(err)
		}
		other := s.browser()
		other.get("/connexion/code")
		wantStatus(t, other.post("/connexion/code", url.Values{"email": {agent.Email}}), http.StatusOK, "disabled account")
		if len(s.codes(agent.Email)) != 0 {
			t.Error("a code was sent to a disabled account")
		}
	})
}
