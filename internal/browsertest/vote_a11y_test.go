package browsertest

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"budgetcitoyen/internal/mail"
)

// tabTo presses Tab until the element matching sel has the focus, checking that every
// stop on the way shows its focus; it fails if the focus never gets there (a trap, or an
// element the keyboard cannot reach).
func (tab *Tab) tabTo(sel string) {
	tab.t.Helper()
	tab.Focusables()
	for range 80 {
		tab.Tab()
		f := tab.Focused()
		if !f.IsDocument && !f.Visible && !f.IsMain {
			tab.t.Errorf("on %s the focus on %s is not visible (%s)", tab.location(), f.Desc, f.Style)
		}
		if Eval[bool](tab, `document.activeElement.matches(`+jsString(sel)+`)`) {
			return
		}
	}
	tab.t.Fatalf("on %s Tab never reaches %s", tab.location(), sel)
}

// voteCode reads the one-time code e-mailed to addr.
func voteCode(t *testing.T, s *Site, addr string) string {
	t.Helper()
	msgs, err := mail.Sent(t.Context(), s.DB, addr)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("no code e-mailed to %s: %v", addr, err)
	}
	m := regexp.MustCompile(`\b(\d{8})\b`).FindStringSubmatch(msgs[0].Body)
	if m == nil {
		t.Fatalf("no code in %q", msgs[0].Body)
	}
	return m[1]
}

// TestKeyboardVote casts a ballot in the campaign voting now with the keyboard alone: Tab
// to each field, type, Space on the choices, Enter to go on; every stop shows its focus,
// and the ballot and review pages pass the full Tab/Shift+Tab walk (no trap). axe-core
// checks each page of the vote, and the forms re-displayed with errors.
func TestKeyboardVote(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	_, slug := s.Slugs()
	tab := s.NewTab(t)
	email := "clement.keyboard@example.org"

	tab.Open("/" + slug + "/vote")
	tab.CheckAxe()
	tab.tabTo(`main input[name=email]`)
	tab.Press(email)
	if st := tab.SubmitKeys("\r"); st != http.StatusOK {
		t.Fatalf("send the code with Enter: status %d", st)
	}
	tab.CheckAxe()
	tab.tabTo(`main input[name=code]`)
	tab.Press(voteCode(t, s, email))
	if st := tab.SubmitKeys("\r"); st != http.StatusOK || tab.Path() != "/"+slug+"/vote" {
		t.Fatalf("the code with Enter: status %d on %s", st, tab.Path())
	}

	// The declaration: first with an error (no name), then right.
	decl := `main form[action="/` + slug + `/vote/identite"]:has(input[name=methode][value=email])`
	tab.CheckAxe()
	tab.tabTo(decl + ` input[name=nom]`)
	tab.Tab()
	tab.Press("Jeanne")
	if st := tab.SubmitKeys("\r"); st != http.StatusUnprocessableEntity {
		t.Fatalf("a declaration without a name: status %d, want 422; page:\n%s", st, tab.MainText())
	}
	t.Run("identity-errors", func(t *testing.T) { tab.For(t).CheckAxe() })
	tab.tabTo(decl + ` input[name=nom]`)
	tab.Press("Clavier")
	tab.tabTo(decl + ` input[name=naissance]`)
	// The order of the date's parts follows the browser's locale: day first, else month.
	tab.Press("14031985")
	if v := tab.Value("naissance"); v != "1985-03-14" {
		tab.ShiftTab()
		tab.ShiftTab()
		tab.Press("03141985")
	}
	if v := tab.Value("naissance"); v != "1985-03-14" {
		t.Errorf("the date typed with the keyboard reads %q", v)
	}
	tab.tabTo(decl + ` select[name=commune]`)
	if tab.Value("commune") == "" {
		tab.Press("Arras")
	}
	tab.tabTo(decl + ` button[type=submit]`)
	if st := tab.SubmitKeys("\r"); st != http.StatusOK {
		t.Fatalf("the declaration with Enter: status %d; page:\n%s", st, tab.MainText())
	}
	ballot := `main form[action="/` + slug + `/vote/verifier"]`
	if !tab.Has(ballot) {
		t.Fatalf("no ballot after the declaration:\n%s", tab.MainText())
	}

	// The ballot: the full walk, axe, then Space on the first project of each category.
	tab.CheckTabOrder()
	tab.CheckAxe()
	// In each category Tab reaches the group of radio buttons at its checked button (the
	// abstention); the arrow keys choose inside the group, as in every browser. Checkboxes
	// (a vote of several favourites) are ticked with Space.
	groups := Eval[[]string](tab, `[...new Set([...document.querySelectorAll('main form input[type=radio], main form input[type=checkbox]')].map(e => e.name))]`)
	Eval[bool](tab, `(document.activeElement && document.activeElement.blur(), true)`)
	for _, g := range groups {
		tab.tabTo(`main form input[name="` + g + `"]`)
		if Eval[string](tab, `document.activeElement.type`) == "radio" {
			tab.Press(kb.ArrowUp)
		} else {
			tab.Press(" ")
		}
		if !Eval[bool](tab, `document.activeElement.checked && document.activeElement.value !== ''`) {
			t.Errorf("no project chosen with the keyboard in %s", g)
		}
	}
	tab.tabTo(ballot + ` button[type=submit]`)
	if st := tab.SubmitKeys("\r"); st != http.StatusOK {
		t.Fatalf("the ballot with Enter: status %d; page:\n%s", st, tab.MainText())
	}
	confirm := `main form[action="/` + slug + `/vote/confirmer"]`
	if !tab.Has(confirm) {
		t.Fatalf("no review page after the ballot:\n%s", tab.MainText())
	}
	tab.CheckTabOrder()
	tab.CheckAxe()
	// Shift+Tab from the confirm button goes back, Tab comes back to it.
	tab.tabTo(confirm + ` button[type=submit]`)
	tab.ShiftTab()
	if Eval[bool](tab, `document.activeElement.matches(`+jsString(confirm+` button[type=submit]`)+`)`) {
		t.Errorf("Shift+Tab does not leave the confirm button")
	}
	tab.Tab()
	if st := tab.SubmitKeys(" "); st != http.StatusOK {
		t.Fatalf("confirm with Space: status %d; page:\n%s", st, tab.MainText())
	}
	if r := tab.Text("#receipt"); len(r) != 23 {
		t.Fatalf("receipt %q after confirming:\n%s", r, tab.MainText())
	}
	tab.CheckAxe()
	tab.Screenshot("receipt")
}

// TestAxeVoteAndResults checks the ballot's public pages and the results of the archived
// edition, with the ballots page re-displayed with an unknown code; and the ballot
// re-displayed with an error.
func TestAxeVoteAndResults(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	_, slug := s.Slugs()
	tab := s.NewTab(t)
	t.Run("catalogue", func(t *testing.T) {
		tab := tab.For(t)
		tab.Open("/" + slug + "/projets")
		tab.CheckAxe()
		tab.CheckNoHorizontalScroll()
		first := Eval[string](tab, `(document.querySelector('main a[href^="/`+slug+`/projets/"]') || {}).getAttribute('href')`)
		if first == "" {
			t.Fatalf("the catalogue links to no project:\n%s", tab.MainText())
		}
		tab.Open(first)
		tab.CheckAxe()
		tab.CheckNoHorizontalScroll()
	})
	t.Run("results", func(t *testing.T) {
		tab := tab.For(t)
		tab.Open("/" + ArchivedSlug + "/resultats")
		tab.CheckAxe()
		tab.CheckNoHorizontalScroll()
		tab.Open("/" + ArchivedSlug + "/resultats/bulletins")
		tab.CheckAxe()
		tab.CheckNoHorizontalScroll()
	})
	t.Run("ballots-unknown-code", func(t *testing.T) {
		tab := tab.For(t)
		tab.Open("/" + ArchivedSlug + "/resultats/bulletins")
		tab.Type("code", "PAS-UN-CODE")
		tab.Submit(`main form[action$="/resultats/bulletins"] button[type=submit]`)
		if !strings.Contains(tab.MainText(), "Aucun bulletin ne porte ce code") && !tab.Has(`.error-summary, .error-msg`) {
			t.Fatalf("an unknown code is not told:\n%s", tab.MainText())
		}
		tab.CheckAxe()
	})
	t.Run("ballot-errors", func(t *testing.T) {
		tab := s.NewTab(t)
		email := "axe.ballot@example.org"
		tab.Open("/" + slug + "/vote")
		tab.Type("email", email)
		tab.SubmitOK(`main form[action="/` + slug + `/vote/courriel"] button[type=submit]`)
		tab.Type("code", voteCode(t, s, email))
		tab.SubmitOK(`main form[action="/connexion/code/verifier"] button[type=submit]`)
		decl := `main form[action="/` + slug + `/vote/identite"]:has(input[name=methode][value=email])`
		tab.Type("nom", "Axe")
		tab.Type("prenom", "Paul")
		tab.Set("naissance", "1970-01-01")
		tab.Set("commune", "62041")
		tab.SubmitOK(decl + ` button[type=submit]`)
		// An empty ballot, or else one with every choice abstained, is sent back.
		st := tab.Submit(`main form[action="/` + slug + `/vote/verifier"] button[type=submit]`)
		if st != http.StatusUnprocessableEntity {
			t.Skipf("an empty ballot answers %d: no ballot error to check", st)
		}
		tab.CheckAxe()
	})
}
