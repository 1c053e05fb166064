package browsertest

import (
	"fmt"
	"testing"

	"budgetcitoyen/internal/access"
)

// stepAdminSetsRetention: an administrator sets the site-wide retention periods from the
// administration's home (a wrong value comes back with its message and the form as typed),
// then a visitor finds them on the personal-data page, linked from every page's footer, and
// the processing register linked from it.
func stepAdminSetsRetention(t *testing.T, j *journey) {
	tab := j.site.NewTab(t)
	tab.SignInAs(access.Admin)
	tab.Open("/admin")
	tab.SubmitOK(`main a[href="/admin/donnees-personnelles"]`)
	tab.WantText("Données personnelles : durées de conservation", "E-mails envoyés (jours)")
	tab.Fill("outbox_days", "quinze", "unverified_days", "14", "controller", "Département du Pas-de-Calais")
	submitWithErrors(t, tab)
	tab.WantText("Indiquez un nombre entier.")
	if v := tab.Value("controller"); v != "Département du Pas-de-Calais" {
		t.Errorf("the form lost what was typed: controller %q", v)
	}
	tab.CheckAxe()
	tab.Screenshot("privacy-settings-errors")
	tab.Fill("outbox_days", "15")
	tab.SubmitOK(mainSubmit)
	tab.WantText("Les durées de conservation ont été enregistrées.")

	visitor := j.site.NewTab(t)
	visitor.Open("/")
	visitor.SubmitOK(`footer a[href="/donnees-personnelles"]`)
	wantAnywhere(t, visitor, "Durées de conservation", "15 jours", "14 jours", "après la clôture du vote, soit jusqu'au")
	visitor.CheckAxe()
	visitor.Screenshot("privacy")
	visitor.SubmitOK(`main a[href="/donnees-personnelles/registre"]`)
	wantAnywhere(t, visitor, "Registre des traitements", "Responsable de traitement : Département du Pas-de-Calais", "Vote des citoyens")
	visitor.CheckAxe()
	visitor.Screenshot("privacy-register")
	// On a phone, both pages fit the width.
	visitor.CheckNoHorizontalScroll()
	visitor.SetViewport(375, 800, true)
	visitor.Screenshot("privacy-register-phone")
	visitor.Open("/donnees-personnelles")
	visitor.CheckNoHorizontalScroll()
	visitor.Screenshot("privacy-phone")
	visitor.ResetViewport()
}

// wantAnywhere is WantText for a long page: the main element's whole text, not its first
// 2,000 characters.
func wantAnywhere(t *testing.T, tab *Tab, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !Eval[bool](tab, fmt.Sprintf(`document.querySelector('main').innerText.includes(%s)`, jsString(sub))) {
			t.Errorf("on %s: the page lacks %q", tab.location(), sub)
		}
	}
}
