package browsertest

import (
	"net/http"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
)

// TestCommuneChoiceWithoutJavaScript: a postcode shared by two communes, typed in the
// structure's commune field with JavaScript off, brings the form back with the two communes
// to choose from; picking one saves the structure. Screenshots at 1280 and 375 px; no
// horizontal scroll on the phone.
func TestCommuneChoiceWithoutJavaScript(t *testing.T) {
	t.Parallel()
	site := NewSite(t)
	open, _ := site.Slugs()
	for _, w := range []int64{1280, 375} {
		tab := site.NewTab(t)
		tab.DisableJavaScript()
		if w == 375 {
			tab.SetViewport(375, 812, true)
		}
		tab.SignInAs(access.Carrier)
		tab.Open("/compte/structures/nouvelle?campagne=" + open)
		tab.Fill("name", "Coop du bassin minier "+map[int64]string{1280: "A", 375: "B"}[w], "siret", "732 829 320 00074",
			"address", "1 rue de Lille", "commune", "62300")
		tab.Set("legal_form", "association")
		if st := tab.Submit(mainSubmit); st != http.StatusUnprocessableEntity {
			t.Fatalf("%d px: status %d, want the choice; page:\n%s", w, st, tab.MainText())
		}
		tab.WantText("Quelle commune ?", "Lens (62300)", "Éleu-dit-Leauwette (62300)")
		tab.Screenshot("commune-choice-" + map[int64]string{1280: "1280", 375: "375"}[w])
		if sw, iw := Eval[int](tab, `Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)`), Eval[int](tab, `window.innerWidth`); sw > iw {
			t.Errorf("%d px: the page is %d px wide", w, sw)
		}
		tab.Click(`#f-commune_pick-62498`)
		if st := tab.Submit(mainSubmit); st != http.StatusOK || tab.Has(`.error-summary`) {
			t.Fatalf("%d px: the pick was refused (status %d):\n%s", w, st, tab.MainText())
		}
		if p := tab.Path(); !strings.HasPrefix(p, "/"+open+"/dossiers/nouveau?structure=") {
			t.Errorf("%d px: after the structure, on %s", w, p)
		}
		// The new dossier's form has the structure just declared chosen.
		if got := Eval[string](tab, `document.querySelector('select[name=structure]').selectedOptions[0].textContent`); !strings.HasPrefix(got, "Coop du bassin minier") {
			t.Errorf("%d px: the new dossier's form chose %q", w, got)
		}
	}
}
