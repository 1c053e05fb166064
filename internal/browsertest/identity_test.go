package browsertest

import (
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
)

// TestIdentityHeader: the home page shows the demo's identity (logo, institution, site
// name in the header on the main colour; address and contact in the footer) at 1280 and
// 375 px, with no WCAG 2.1 A/AA violation and no horizontal scroll on the phone.
func TestIdentityHeader(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	tab := s.NewTab(t)
	for _, vp := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"1280", 1280, 900, false}, {"375", phoneWidth, phoneHeight, true}} {
		tab.SetViewport(vp.width, vp.height, vp.mobile)
		tab.Open("/")
		if !Eval[bool](tab, `(() => { const i = document.querySelector('header .brand img.brand-logo');
			return !!i && i.complete && i.naturalWidth > 0 })()`) {
			t.Errorf("%s: the header's logo did not load", vp.name)
		}
		if got := Eval[string](tab, `document.querySelector('header .brand').innerText.replace(/\s+/g, ' ').trim()`); got != "Département du Pas-de-Calais Budget citoyen" {
			t.Errorf("%s: the brand reads %q", vp.name, got)
		}
		// The main colour, from /identite.css, is the header's background.
		if bg := Eval[string](tab, `getComputedStyle(document.querySelector('header.site-header')).backgroundColor`); bg != "rgb(11, 83, 148)" {
			t.Errorf("%s: header background %s, want the demo's #0b5394", vp.name, bg)
		}
		footer := Eval[string](tab, `document.querySelector('footer').innerText`)
		for _, want := range []string{"1 rue de l'Exemple, 62000 Arras", "budget-citoyen@demo.budgetcitoyen.test"} {
			if !strings.Contains(footer, want) {
				t.Errorf("%s: the footer lacks %q", vp.name, want)
			}
		}
		tab.CheckAxe()
		// CheckNoHorizontalScroll leaves a phone-sized viewport (ResetViewport does not
		// restore the width): the viewport is set again before each screenshot.
		tab.CheckNoHorizontalScroll()
		tab.SetViewport(vp.width, vp.height, vp.mobile)
		tab.Screenshot("home-identity-" + vp.name)
		tab.SetViewport(vp.width, vp.height, vp.mobile)
		tab.ViewportScreenshot("home-identity-top-" + vp.name)
	}
	tab.ResetViewport()
}

// TestIdentityAdminForm: the administrators' identity form, empty and sent back with a
// colour too light (its message names the contrast obtained), passes axe-core and fits a
// phone. It saves nothing: the shared site keeps the demo's identity for the other tests.
func TestIdentityAdminForm(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	tab := s.NewTab(t)
	tab.SignInAs(access.Admin)
	tab.Open("/admin")
	tab.SubmitOK(`main a[href="/admin/identite"]`)
	tab.WantText("Identité de l'institution", "Couleur principale")
	tab.CheckAxe()
	tab.Fill("color", "#ffcc00", "name", "Ville d'Exemple")
	submitWithErrors(t, tab)
	tab.WantText("Cette couleur est trop claire", "1,5:1")
	if v := tab.Value("name"); v != "Ville d'Exemple" {
		t.Errorf("the form lost what was typed: name %q", v)
	}
	tab.CheckAxe()
	tab.CheckNoHorizontalScroll()
	tab.SetViewport(1280, 900, false)
	tab.Screenshot("identity-admin-errors-1280")
	tab.SetViewport(phoneWidth, phoneHeight, true)
	tab.Screenshot("identity-admin-errors-375")
	tab.ResetViewport()
}
