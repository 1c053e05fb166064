package browsertest

import (
	"net/http"
	"testing"
)

// scriptingOffJS tells whether the page runs with scripting disabled: the HTML parser then
// reads the content of <noscript> as markup instead of text. (DevTools still evaluates
// this expression; the page's own scripts would not run.)
const scriptingOffJS = `(() => {
  const d = document.createElement('div');
  d.innerHTML = '<noscript><b>x</b></noscript>';
  return d.querySelector('noscript b') !== null;
})()`

// TestWithoutJavaScript signs in, registers, confirms the address and signs in again with
// JavaScript disabled: the site's forms work without it.
func TestWithoutJavaScript(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	tab := s.NewTab(t)
	tab.DisableJavaScript()
	tab.Open("/connexion")
	if !Eval[bool](tab, scriptingOffJS) {
		t.Fatal("scripting is still enabled in the page")
	}

	// A wrong password is refused with a message in the page.
	tab.Fill("email", "inconnu.sans.js@example.org", "password", "pas le bon")
	if st := tab.Submit(mainSubmit); st != http.StatusUnprocessableEntity {
		t.Fatalf("wrong password: status %d, want 422", st)
	}
	tab.WantText("Adresse e-mail ou mot de passe incorrect")

	// Registration: first with passwords that differ, then right.
	email, password := "jean.martin@example.org", "un mot de passe assez long"
	tab.SubmitOK(`main a[href="/inscription"]`)
	tab.Fill("email", email, "name", "Jean Martin", "password", password, "password_confirm", "autre chose")
	if st := tab.Submit(mainSubmit); st != http.StatusUnprocessableEntity {
		t.Fatalf("passwords that differ: status %d, want 422", st)
	}
	tab.WantText("ne sont pas identiques")
	if v := tab.Value("email"); v != email {
		t.Errorf("the form came back with the e-mail %q, want %q", v, email)
	}
	tab.Fill("password", password, "password_confirm", password)
	tab.SubmitOK(mainSubmit)
	tab.WantText("Consultez votre boîte aux lettres")
	tab.Screenshot("registered")

	tab.Open(s.LastLink(t, email, "verifier"))
	tab.SubmitOK(`main form[action="/verifier"] button[type=submit]`)
	tab.WantText("Votre adresse e-mail est confirmée")
	tab.SignOut()

	tab.SignIn(email, password)
	if p := tab.Path(); p != "/espace" {
		t.Errorf("after signing in: on %s, want /espace", p)
	}
	if !Eval[bool](tab, scriptingOffJS) {
		t.Fatal("scripting came back on during the test")
	}
}
