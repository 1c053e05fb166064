package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/mail"
)

// The campaign's life is played on the open demo campaign (ideas, comptoirs and dossiers
// open at seedNow): its animator and committee member are the demo's. The clock is moved to
// a day inside each phase, counted from seedNow (see demo's openNow offsets).
const (
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
	// A session not started offers to unregister; one in progress (the demo's comptoir in
	// Arras today, which takes walk-ins) just says so.
	if !tab.Has(`main form[action$="/desinscription"]`) && !strings.Contains(tab.MainText(), "Vous êtes inscrit à cette séance.") {
		t.Fatalf("the session page does not show the registration:\n%s", tab.MainText())
	}
	tab.Screenshot("comptoir-registered")
}

// stepAnimatorMarksAttendance: the citizen registered to the nearest comptoir, the demo's
// session in Arras in progress today; the animator marks them present the same day, without
// moving the clock (attendance is refused before a session starts).
func stepAnimatorMarksAttendance(t *testing.T, j *journey) {
	tab := j.site.NewTab(t)
	tab.SignInAs(access.Animator)
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
	// A 600 × 400 picture: a green field under a sky, a red square (a shed) on it.
	img := image.NewRGBA(image.Rect(0, 0, 600, 400))
	for x := range 600 {
		for y := range 400 {
			c := color.RGBA{uint8(120 + y/4), uint8(170 + y/6), 235, 255}
			if y > 250 {
				c = color.RGBA{70, uint8(160 - (y-250)/3), 60, 255}
			}
			if x > 240 && x < 360 && y > 170 && y < 280 {
				c = color.RGBA{190, 50, 40, 255}
			}
			img.Set(x, y, c)
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
		if kind == "photo" {
			// The photo goes with its description for those who cannot see it (required).
			tab.Type("alt", journeyPhotoAlt)
		}
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

// dossierID is the number of the dossier filed in the journey.
func (j *journey) dossierID() string { return j.dossierURL[strings.LastIndex(j.dossierURL, "/")+1:] }

func stepAgentAssignsReviewers(t *testing.T, j *journey) {
	j.setDay(dayLabelling)
	slug := j.openSlug()
	admin := "/admin/campagnes/" + slug
	tab := j.site.NewTab(t)
	tab.SignInAs(access.Agent)
	tab.Open(admin + "/comite")
	member := j.site.Account(t, access.Committee)
	add := `main form[action="` + admin + `/comite/membres"]`
	tab.Type("email", member.Email)
	tab.Set("kind", "ess")
	tab.Type("organisation", "CRESS Hauts-de-France")
	tab.SubmitOK(add + ` button[type=submit]`)
	tab.WantText(member.Name)
	tab.Type("min_reviewers", "1")
	tab.SubmitOK(`main form[action="` + admin + `/comite/reglages"] button[type=submit]`)
	tab.SubmitOK(`main form[action="` + admin + `/comite/affectations/auto"] button[type=submit]`)
	if tab.Has(`.error-summary`) {
		t.Fatalf("the automatic assignment failed:\n%s", tab.MainText())
	}
	tab.WantText(j.projectTitle)
	tab.Screenshot("committee")
}

// chooseRadios ticks, in every group of radio buttons of the form, the button whose value
// is preferred (the first of prefer found), or else the last one (the highest score).
func chooseRadios(tab *Tab, form string, prefer ...string) {
	tab.t.Helper()
	ids := Eval[[]string](tab, fmt.Sprintf(`(() => {
  const prefer = %s;
  const groups = {};
  for (const r of document.querySelectorAll(%s + ' input[type=radio]')) (groups[r.name] = groups[r.name] || []).push(r);
  return Object.values(groups).map(rs => {
    for (const p of prefer) { const r = rs.find(r => r.value === p); if (r) return r.id; }
    return rs[rs.length - 1].id;
  });
})()`, "["+strings.Join(func() []string {
		out := make([]string, len(prefer))
		for i, p := range prefer {
			out[i] = jsString(p)
		}
		return out
	}(), ",")+"]", jsString(form)))
	for _, id := range ids {
		tab.Click("#" + id)
	}
}

func stepMemberScores(t *testing.T, j *journey) {
	slug := j.openSlug()
	tab := j.site.NewTab(t)
	tab.SignInAs(access.Committee)
	tab.Open("/" + slug + "/comite")
	path := "/" + slug + "/comite/" + j.dossierID()
	tab.SubmitOK(`main a[href="` + path + `"]`)
	tab.Click(`#conflict-no`)
	tab.Screenshot("declaration")
	tab.SubmitOK(`main form[action="` + path + `/declaration"] button[type=submit]`)
	form := `main form[action="` + path + `"]`
	if !tab.Has(form) {
		t.Fatalf("no review grid after declaring no conflict:\n%s", tab.MainText())
	}
	chooseRadios(tab, form, "yes", "favourable")
	tab.Type("motivation", "Projet utile, budget réaliste, porté par les habitants.")
	tab.Screenshot("review-form")
	tab.SubmitOK(form + ` button[name=submit][value=final]`)
	if tab.Has(`.error-summary`) {
		t.Fatalf("the review was refused:\n%s", tab.MainText())
	}
}

func stepAgentLabels(t *testing.T, j *journey) {
	admin := "/admin/campagnes/" + j.openSlug()
	tab := j.site.NewTab(t)
	tab.SignInAs(access.Agent)
	tab.Open(admin + "/comite/seance")
	tab.Click("#sel-" + j.dossierID())
	tab.Set("decision", "labelled")
	tab.Type("motivation", "Projet utile et bien construit.")
	tab.Screenshot("session")
	tab.SubmitOK(mainSubmit)
	if tab.Has(`.error-summary`) {
		t.Fatalf("labelling refused:\n%s", tab.MainText())
	}
	tab.WantText("Labellisé")
}

func stepCommissionValidates(t *testing.T, j *journey) {
	j.setDay(dayCommission)
	slug := j.openSlug()
	tab := j.site.NewTab(t)
	tab.SignInAs(access.Agent)
	tab.Open("/admin/campagnes/" + slug + "/commission")
	tab.Fill("name", "Commission Attractivité départementale et emploi", "reference", "C1-2027-04")
	tab.Set("held_on", j.site.Now().Format(time.DateOnly))
	tab.Screenshot("commission")
	tab.SubmitOK(mainSubmit)
	if tab.Has(`.error-summary`) {
		t.Fatalf("the commission was refused:\n%s", tab.MainText())
	}
	tab.Open("/" + slug + "/projets")
	tab.WantText(j.projectTitle)
	tab.Screenshot("catalogue")
	// The carrier's photo is on the catalogue's card and on the project page, with its
	// description; every card without a photo has its category's illustration.
	photo := `img[alt=` + jsString(journeyPhotoAlt) + `]`
	if !tab.Has(`main .card ` + photo) {
		t.Fatalf("the catalogue does not show the carrier's photo:\n%s", tab.MainText())
	}
	if n := Eval[int](tab, `[...document.querySelectorAll('main .card')].filter(c => !c.querySelector('figure.project-photo')).length`); n != 0 {
		t.Errorf("%d cards of the catalogue have neither a photo nor an illustration", n)
	}
	for _, vp := range []struct {
		w, h   int64
		mobile bool
	}{{1280, 900, false}, {375, 812, true}} {
		tab.SetViewport(vp.w, vp.h, vp.mobile)
		tab.Open("/" + slug + "/projets")
		loadImages(t, tab)
		tab.Screenshot(fmt.Sprintf("catalogue-photos-%d", vp.w))
	}
	tab.SetViewport(1280, 900, false)
	tab.Open("/" + slug + "/projets")
	tab.SubmitOK(`main .card h2 a[href="/` + slug + `/projets/` + j.dossierID() + `"]`)
	if !tab.Has(`main figure.project-photo ` + photo) {
		t.Fatalf("the project page does not show the carrier's photo:\n%s", tab.MainText())
	}
	loadImages(t, tab)
	tab.Screenshot("project-photo")
}

// journeyPhotoAlt is the description the carrier gives with the photo.
const journeyPhotoAlt = "Un abri de jardin rouge au milieu d'un pré vert, sous un ciel bleu"

// loadImages has the page's lazy images load now (a full-page screenshot does not scroll)
// and waits until each is loaded; a photo that fails to load fails the test.
func loadImages(t *testing.T, tab *Tab) {
	t.Helper()
	Eval[bool](tab, `(document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager'), true)`)
	for range 50 {
		if Eval[bool](tab, `[...document.images].every(i => i.complete)`) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if broken := Eval[[]string](tab, `[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.currentSrc || i.src)`); len(broken) > 0 {
		t.Errorf("images not loaded: %v", broken)
	}
}

// voter is one of the journey's voters: how their tab is set up.
type voter struct {
	email, family, first, birth string
	noJS, phone                 bool
}

func (j *journey) vote(t *testing.T, v voter) {
	slug := j.openSlug()
	tab := j.site.NewTab(t)
	if v.noJS {
		tab.DisableJavaScript()
	}
	phone := func() {
		if v.phone {
			tab.CheckNoHorizontalScroll()
			tab.SetViewport(phoneWidth, phoneHeight, true)
		}
	}
	if v.phone {
		tab.SetViewport(phoneWidth, phoneHeight, true)
	}
	tab.Open("/" + slug)
	tab.SubmitOK(`main a[href="/` + slug + `/vote"]`)
	phone()
	tab.Type("email", v.email)
	tab.SubmitOK(`main form[action="/` + slug + `/vote/courriel"] button[type=submit]`)
	msgs, err := mail.Sent(t.Context(), j.site.DB, v.email)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("no code e-mailed to %s: %v", v.email, err)
	}
	code := regexp.MustCompile(`\b(\d{8})\b`).FindStringSubmatch(msgs[0].Body)
	if code == nil {
		t.Fatalf("no code in the e-mail: %q", msgs[0].Body)
	}
	phone()
	tab.Type("code", code[1])
	tab.SubmitOK(`main form[action="/connexion/code/verifier"] button[type=submit]`)
	if p := tab.Path(); p != "/"+slug+"/vote" {
		t.Fatalf("after the code: on %s, want the vote page", p)
	}
	phone()
	decl := `main form[action="/` + slug + `/vote/identite"]:has(input[name=methode][value=email])`
	tab.Type("nom", v.family)
	tab.Type("prenom", v.first)
	tab.Set("naissance", v.birth)
	tab.Set("commune", "62041")
	tab.Screenshot("vote-identity")
	tab.SubmitOK(decl + ` button[type=submit]`)
	ballot := `main form[action="/` + slug + `/vote/verifier"]`
	if !tab.Has(ballot) {
		t.Fatalf("no ballot after the declaration:\n%s", tab.MainText())
	}
	phone()
	tab.Check("p", true)
	tab.Screenshot("vote-ballot")
	if !v.noJS {
		// The ballot shows the carrier's photo with its description, at 1280 and 375 px.
		if !tab.Has(`main form.ballot .choice img[alt=` + jsString(journeyPhotoAlt) + `]`) {
			t.Errorf("the ballot does not show the carrier's photo")
		}
		w, h := int64(1280), int64(900)
		if v.phone {
			w, h = phoneWidth, phoneHeight
		}
		tab.SetViewport(w, h, v.phone)
		loadImages(t, tab)
		tab.Screenshot(fmt.Sprintf("vote-ballot-photos-%d", w))
	}
	tab.SubmitOK(ballot + ` button[type=submit]`)
	phone()
	tab.WantText(j.projectTitle)
	tab.Screenshot("vote-review")
	tab.SubmitOK(`main form[action="/` + slug + `/vote/confirmer"] button[type=submit]`)
	phone()
	receipt := tab.Text("#receipt")
	if !regexp.MustCompile(`^[A-Z0-9-]{23}$`).MatchString(receipt) {
		t.Fatalf("receipt %q on the confirmation page:\n%s", receipt, tab.MainText())
	}
	tab.Screenshot("vote-receipt")
	j.receipts = append(j.receipts, receipt)
	if !v.noJS && !v.phone {
		j.myData(t, tab, receipt)
	}
}

// myData: the voter reads what the site keeps about them, from the account page: the fact
// that they voted, never what (the receipt is nowhere on the page), at 375 and 1280 px.
func (j *journey) myData(t *testing.T, tab *Tab, receipt string) {
	tab.Open("/compte")
	tab.SubmitOK(`main a[href="/compte/donnees"]`)
	tab.WantText("Mes données", "Vous avez voté.")
	if strings.Contains(tab.MainText(), receipt) {
		t.Errorf("the data page shows the receipt")
	}
	tab.CheckNoHorizontalScroll()
	tab.SetViewport(phoneWidth, phoneHeight, true)
	tab.Screenshot("my-data-375")
	tab.SetViewport(1280, 900, false)
	tab.Screenshot("my-data-1280")
	tab.ResetViewport()
}

func stepCitizensVote(t *testing.T, j *journey) {
	j.setDay(dayVote)
	for _, v := range []voter{
		{email: "louise.martin@example.org", family: "Martin", first: "Louise", birth: "1985-03-14"},
		{email: "yanis.benali@example.org", family: "Benali", first: "Yanis", birth: "1999-11-02", noJS: true},
		{email: "rose.delattre@example.org", family: "Delattre", first: "Rose", birth: "1962-07-21", phone: true},
	} {
		name := "desktop"
		if v.noJS {
			name = "no-javascript"
		} else if v.phone {
			name = "phone"
		}
		if !t.Run(name, func(t *testing.T) { j.vote(t, v) }) {
			t.FailNow()
		}
	}
}

// stepTrusteesUnseal: after the close, two of the demo's three trustees sit together and
// open the sealed box through the trustees' page with their shares (the demo prints them).
func stepTrusteesUnseal(t *testing.T, j *journey) {
	j.setDay(dayWinners)
	slug := j.openSlug()
	shares, err := demo.Shares(context.Background(), j.site.DB, seedNow)
	if err != nil {
		t.Fatal(err)
	}
	var mine []string
	for _, s := range shares {
		if s.Slug == slug {
			mine = append(mine, s.Share)
		}
	}
	if len(mine) < 2 {
		t.Fatalf("the demo box of %s has %d shares", slug, len(mine))
	}
	tab := j.site.NewTab(t)
	// The box's public board before the unsealing: the three ballots, sealed.
	tab.Open("/" + slug + "/vote/urne")
	tab.WantText("L'urne est scellée")
	tab.CheckAxe()
	tab.Screenshot("board")
	tab.CheckNoHorizontalScroll()
	tab.SetViewport(375, 800, true)
	tab.Screenshot("board-phone")
	tab.ResetViewport()
	tab.SignInAs(access.Trustee)
	tab.Open("/" + slug + "/vote/urne/ouvrir")
	for i, share := range mine[1:3] { // shares 2 and 3, in their fields 1 and 2
		Eval[bool](tab, fmt.Sprintf(`(document.getElementById('f-shares-%d').value = %s, true)`, i+1, jsString(share)))
	}
	tab.SubmitOK(`main form[action="/` + slug + `/vote/urne/ouvrir"] button[type=submit]`)
	tab.WantText("Bulletins descellés : 3")
	tab.CheckAxe()
	tab.Screenshot("unsealed")
}

func stepResultsShowWinner(t *testing.T, j *journey) {
	j.setDay(dayWinners)
	slug := j.openSlug()
	tab := j.site.NewTab(t)
	tab.Open("/" + slug)
	tab.SubmitOK(`main a[href="/` + slug + `/resultats"]`)
	// The project's row: funded, with the three votes.
	row := Eval[string](tab, fmt.Sprintf(`(() => {
  for (const tr of document.querySelectorAll('main tr')) if (tr.innerText.includes(%s)) return tr.innerText;
  return '';
})()`, jsString(j.projectTitle)))
	cells := strings.Split(row, "\t")
	if row == "" || strings.Contains(row, "Non financé") || !strings.Contains(row, "Financé") || !slices.Contains(cells, "3") {
		t.Fatalf("the results do not show %q funded with 3 votes; its row: %q; page:\n%s", j.projectTitle, row, tab.MainText())
	}
	tab.CheckAxe()
	tab.Screenshot("results")
	if !tab.Has(`main tr img[alt=` + jsString(journeyPhotoAlt) + `]`) {
		t.Errorf("the results do not show the carrier's photo")
	}
}

func stepAgentRecordsAndProclaims(t *testing.T, j *journey) {
	admin := "/admin/campagnes/" + j.openSlug()
	tab := j.site.NewTab(t)
	tab.SignInAs(access.Agent)
	tab.Open(admin + "/commission-permanente")
	tab.SubmitOK(`main form[action="` + admin + `/resultats"] button[type=submit]`)
	if tab.Has(`.error-summary`) {
		t.Fatalf("recording the results failed:\n%s", tab.MainText())
	}
	j.setDay(dayProclamation)
	tab.Open(admin + "/commission-permanente")
	tab.Set("date", j.site.Now().AddDate(0, 0, -1).Format(time.DateOnly))
	tab.Type("deliberation", "CP-2027-06-042")
	for _, name := range Eval[[]string](tab, `[...document.querySelectorAll('main form input')].map(e => e.name).filter(n => /amount/i.test(n))`) {
		if tab.Value(name) == "" {
			tab.Type(name, "4 500")
		}
	}
	tab.Screenshot("decision")
	tab.SubmitOK(mainSubmit)
	if tab.Has(`.error-summary`) {
		t.Fatalf("the Commission permanente decision was refused:\n%s", tab.MainText())
	}
	tab.WantText("CP-2027-06-042", j.projectTitle)
	tab.SubmitOK(`main form[action="` + admin + `/proclamation"] button[type=submit]`)
	if tab.Has(`.error-summary`) {
		t.Fatalf("the proclamation failed:\n%s", tab.MainText())
	}
	tab.WantText("Résultats proclamés le")
	tab.Screenshot("proclaimed")
}

func stepVoterFindsReceipt(t *testing.T, j *journey) {
	slug := j.openSlug()
	tab := j.site.NewTab(t)
	tab.Open("/" + slug + "/resultats")
	tab.SubmitOK(`main a[href="/` + slug + `/resultats/bulletins"]`)
	tab.Type("code", j.receipts[1])
	tab.SubmitOK(`main form[action="/` + slug + `/resultats/bulletins"] button[type=submit]`)
	tab.WantText("Ce bulletin a été compté", j.projectTitle)
	tab.CheckAxe()
	tab.Screenshot("receipt-found")
}
