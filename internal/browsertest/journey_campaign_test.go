package browsertest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/mail"
)

// The campaign's life is played on the open demo campaign (ideas, comptoirs and dossiers
// open at seedNow): its animator and committee member are the demo's. The clock is moved to
// a day inside each phase, counted from seedNow (see demo's openNow offsets).
const (
	dayComptoirDone = 35  // after the comptoirs the citizen registers to (3 to 34 days on)
	dayDossier      = 40  // dossiers: -5 … 90
	dayLabelling    = 65  // labelling: 60 … 120
	dayCommission   = 125 // commission: 121 … 150
	dayVote         = 155 // vote: 151 … 176
	dayWinners      = 180 // winners: 177 … 207
	dayProclamation = 210 // proclamation: 208 … 237
)

// setDay places the site's clock on a day counted from seedNow, at 10:00.
func (j *journey) setDay(d int) { j.site.SetNow(seedNow.AddDate(0, 0, d)) }

// openSlug is the campaign the journey plays.
func (j *journey) openSlug() string { open, _ := j.site.Slugs(); return open }

// citizenTab is a tab signed in as the citizen registered in the journey.
func (j *journey) citizenTab(t *testing.T) *Tab {
	tab := j.site.NewTab(t)
	tab.SignIn(j.citizenEmail, j.citizenPassword)
	return tab
}

func stepCitizenDepositsIdea(t *testing.T, j *journey) {
	slug := j.openSlug()
	tab := j.citizenTab(t)
	tab.Open("/" + slug)
	tab.SubmitOK(`main a[href="/` + slug + `/idees/deposer"]`)
	j.ideaTitle = "Une épicerie solidaire à Arras"
	tab.Fill("title", j.ideaTitle,
		"description", "Un lieu où chacun achète selon ses moyens, géré par les habitants du quartier.",
		"theme", "alimentation", "commune_q", "Arras", "structure", "Les Paniers solidaires")
	tab.Click(`input[name=carrier][value=association]`)
	tab.Screenshot("idea-deposit")
	st := tab.Submit(mainSubmit)
	if st == http.StatusUnprocessableEntity && tab.Has(`input[name=commune]`) {
		// Several communes match: choose the first.
		tab.Click(`input[name=commune]`)
		st = tab.Submit(mainSubmit)
	}
	if st != http.StatusOK || !strings.HasSuffix(tab.Path(), "/orientation") {
		t.Fatalf("idea deposit: status %d on %s, want the orientation page; page:\n%s", st, tab.Path(), tab.MainText())
	}
	j.orientationPath = tab.Path()
	tab.WantText(j.ideaTitle)
	tab.Screenshot("idea-orientation")
}

func stepCitizenRegistersComptoir(t *testing.T, j *journey) {
	tab := j.citizenTab(t)
	tab.Open(j.orientationPath)
	form := `main form[action$="/inscription"]`
	if !tab.Has(form) {
		t.Fatalf("the orientation page offers no registration to a comptoir:\n%s", tab.MainText())
	}
	j.sessionPath = strings.TrimSuffix(Eval[string](tab, `document.querySelector('main form[action$="/inscription"]').getAttribute('action')`), "/inscription")
	tab.SubmitOK(form + ` button[type=submit]`)
	if p := tab.Path(); p != j.sessionPath {
		t.Fatalf("after registering: on %s, want the session %s", p, j.sessionPath)
	}
	if !tab.Has(`main form[action$="/desinscription"]`) {
		t.Fatalf("the session page does not show the registration:\n%s", tab.MainText())
	}
	tab.Screenshot("comptoir-registered")
}

func stepAnimatorMarksAttendance(t *testing.T, j *journey) {
	j.setDay(dayComptoirDone)
	tab := j.site.NewTab(t)
	tab.SignInAs(account.Animator)
	tab.Open(j.sessionPath)
	tab.SubmitOK(`main a[href="` + j.sessionPath + `/presences"]`)
	id := j.site.accountID(j.citizenEmail)
	radio := fmt.Sprintf(`#a-%d-p`, id)
	if !tab.Has(radio) {
		t.Fatalf("the attendance sheet does not list the citizen (account %d):\n%s", id, tab.MainText())
	}
	tab.Click(radio)
	tab.Screenshot("attendance")
	tab.SubmitOK(mainSubmit)
	if !Eval[bool](tab, fmt.Sprintf(`document.querySelector(%s).checked`, jsString(radio))) {
		t.Fatalf("the citizen is not marked present after saving:\n%s", tab.MainText())
	}
}

// testFiles writes a small PDF and a PNG for the uploads and returns their paths.
func testFiles(t *testing.T) (pdf, pngPath string) {
	dir := t.TempDir()
	pdf = filepath.Join(dir, "statuts.pdf")
	body := "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
	if err := os.WriteFile(pdf, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		for y := range 30 {
			img.Set(x, y, color.RGBA{uint8(6 * x), 120, uint8(8 * y), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	pngPath = filepath.Join(dir, "photo.png")
	if err := os.WriteFile(pngPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return pdf, pngPath
}

var dossierURLRe = regexp.MustCompile(`^(/[a-z0-9-]+/dossiers/\d+)/`)

func stepCarrierFilesDossier(t *testing.T, j *journey) {
	j.setDay(dayDossier)
	slug := j.openSlug()
	tab := j.citizenTab(t)
	tab.Open("/compte/structures/nouvelle?campagne=" + slug)
	tab.Fill("name", "Les Paniers solidaires de l'Artois", "siret", "732 829 320 00074",
		"rna", "W622012345", "address", "12 rue Émile Zola", "commune", "Arras")
	tab.Set("legal_form", "association")
	tab.Screenshot("structure")
	tab.SubmitOK(mainSubmit)
	if tab.Has(`.error-summary`) {
		t.Fatalf("the structure was refused:\n%s", tab.MainText())
	}

	tab.Open("/" + slug + "/dossiers/nouveau")
	if tab.Has(`select[name=structure]`) {
		Eval[bool](tab, `(() => { const s = document.querySelector('select[name=structure]'); s.selectedIndex = s.options.length - 1; return true })()`)
	} else if tab.Has(`input[name=structure]`) {
		tab.Click(`input[name=structure]`)
	}
	tab.Click(`input[name=category]`)
	tab.SubmitOK(mainSubmit)
	m := dossierURLRe.FindStringSubmatch(tab.Path())
	if m == nil {
		t.Fatalf("new dossier: on %s, want one of its steps; page:\n%s", tab.Path(), tab.MainText())
	}
	j.dossierURL = m[1]
	j.projectTitle = "Épicerie solidaire du centre d'Arras"

	tab.Open(j.dossierURL + "/presentation")
	tab.Fill("title", j.projectTitle, "summary", "Une épicerie où chacun paie selon ses moyens.",
		"description", "Ouvrir une épicerie solidaire gérée par les habitants, avec des produits locaux.",
		"communes", "Arras", "timeline", "Printemps : travaux ; été : ouverture.")
	tab.SubmitOK(mainSubmit)

	tab.Open(j.dossierURL + "/budget")
	tab.Fill("exp0_label", "Travaux et équipement", "exp0_amount", "20 000",
		"fund0_label", "Fonds propres", "fund0_amount", "15 500") // 20 000 € = 15 500 € + the flat 4 500 € of the first category
	tab.Set("fund0_source", "own")
	tab.SubmitOK(mainSubmit)
	if tab.Has(`.error-summary`) {
		t.Fatalf("the budget was refused:\n%s", tab.MainText())
	}
	tab.Open(j.dossierURL + "/budget")
	tab.Screenshot("dossier-budget")

	pdf, photo := testFiles(t)
	tab.Open(j.dossierURL + "/documents")
	kinds := Eval[[]string](tab, `[...document.querySelectorAll('main form input[name=kind]')].map(e => e.value)`)
	if len(kinds) == 0 {
		t.Fatalf("no upload form on the documents page:\n%s", tab.MainText())
	}
	for _, kind := range kinds {
		file := pdf
		if kind == "photo" {
			file = photo
		}
		form := fmt.Sprintf(`main form:has(input[name=kind][value=%q])`, kind)
		if !tab.Has(form) {
			continue // already uploaded
		}
		tab.run("choose the file for "+kind, chromedp.SetUploadFiles(chromedp.CSS(form+` input[type=file]`), []string{file}))
		tab.SubmitOK(form + ` button[type=submit]`)
	}
	tab.Screenshot("dossier-documents")

	tab.Open(j.dossierURL)
	tab.SubmitOK(`main form[action="` + j.dossierURL + `/envoyer"] button[type=submit]`)
	tab.WantText("Dossier déposé le")
	tab.Screenshot("dossier-submitted")
	msgs, err := mail.Sent(t.Context(), j.site.DB, j.citizenEmail)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range msgs {
		found = found || strings.HasPrefix(m.Subject, "Dossier n°")
	}
	if !found {
		t.Errorf("no acknowledgement e-mailed to the carrier")
	}
}
