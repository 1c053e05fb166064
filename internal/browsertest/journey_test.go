package browsertest

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/demo"
)

// journey is what the steps of the journey hand on to each other: one site, one clock, and
// what earlier steps created.
type journey struct {
	site *Site

	citizenEmail, citizenPassword string // the account registered in the journey
	newSlug                       string // the edition the administrator created

	ideaTitle, orientationPath string   // the idea deposited and its orientation page
	sessionPath                string   // the comptoir session the citizen registered to
	dossierURL, projectTitle   string   // the dossier filed (/{slug}/dossiers/{id})
	receipts                   []string // the voters' receipts
}

// journeyStep is one step of the campaign's life, done in the browser as that role's user;
// only the clock is set directly (j.site.SetNow).
type journeyStep struct {
	name string
	run  func(t *testing.T, j *journey)
}

// journeySteps is the journey so far. Later features append their steps in the campaign's
// order: a citizen deposits an idea, registers to a comptoir, the animator marks attendance,
// the carrier files a dossier, the reviewers score, the commission validates, citizens vote
// (one without JavaScript, one on a phone), the results, the proclamation, the receipts.
var journeySteps = []journeyStep{
	{"visitor-home-and-language", stepVisitorHome},
	{"visitor-registers-and-verifies", stepRegister},
	{"admin-creates-next-edition", stepAdminNextEdition},
	{"agent-seals-next-box", stepAgentSealsNextBox},
	{"citizen-refused-admin", stepCitizenRefusedAdmin},
	{"admin-sets-retention", stepAdminSetsRetention},
	{"citizen-deposits-idea", stepCitizenDepositsIdea},
	{"citizen-registers-to-comptoir", stepCitizenRegistersComptoir},
	{"animator-marks-attendance", stepAnimatorMarksAttendance},
	{"carrier-files-dossier", stepCarrierFilesDossier},
	{"agent-assigns-reviewers", stepAgentAssignsReviewers},
	{"member-declares-and-scores", stepMemberScores},
	{"agent-labels", stepAgentLabels},
	{"commission-validates", stepCommissionValidates},
	{"citizens-vote", stepCitizensVote},
	{"trustees-unseal", stepTrusteesUnseal},
	{"results-show-winner", stepResultsShowWinner},
	{"agent-records-decides-proclaims", stepAgentRecordsAndProclaims},
	{"voter-finds-receipt", stepVoterFindsReceipt},
}

// TestJourney runs the steps in order on one site; a failed step stops the journey.
func TestJourney(t *testing.T) {
	t.Parallel()
	j := &journey{site: NewSite(t)}
	for _, st := range journeySteps {
		if !t.Run(st.name, func(t *testing.T) { st.run(t, j) }) {
			t.Fatalf("step %s failed: the journey stops there", st.name)
		}
	}
}

// htmlLang is the language the page declares.
func htmlLang(tab *Tab) string { return Eval[string](tab, `document.documentElement.lang`) }

func stepVisitorHome(t *testing.T, j *journey) {
	tab := j.site.NewTab(t)
	tab.Open("/")
	if lang := htmlLang(tab); lang != "fr" {
		t.Fatalf("home page in %q, want fr", lang)
	}
	open, vote := j.site.Slugs()
	if !tab.Has(`main a[href="/`+open+`"]`) || !tab.Has(`main a[href="/`+vote+`"]`) {
		t.Fatalf("the home page does not link to the current campaigns:\n%s", tab.MainText())
	}
	tab.Screenshot("home")

	tab.SubmitOK(`header a[hreflang=en]`)
	if lang := htmlLang(tab); lang != "en" {
		t.Fatalf("after the switch to English the page is in %q", lang)
	}
	if brand := tab.Text("header .brand-site"); brand != "Citizen budget" {
		t.Errorf("the site's name in English is %q", brand)
	}
	tab.Screenshot("home-en")
	// The choice sticks for the next page.
	tab.SubmitOK(`header a[href="/calendrier"]`)
	if lang := htmlLang(tab); lang != "en" {
		t.Errorf("the calendar after the switch is in %q, want en", lang)
	}
	tab.SubmitOK(`header a[hreflang=fr]`)
	if lang := htmlLang(tab); lang != "fr" {
		t.Fatalf("after the switch back the page is in %q", lang)
	}
}

func stepRegister(t *testing.T, j *journey) {
	j.citizenEmail, j.citizenPassword = "marie.dupont@example.org", "une longue phrase secrète"
	tab := j.site.NewTab(t)
	tab.Open("/")
	tab.SubmitOK(`header a[href="/connexion"]`)
	tab.SubmitOK(`main a[href="/inscription"]`)
	tab.Fill("email", j.citizenEmail, "name", "Marie Dupont",
		"password", j.citizenPassword, "password_confirm", j.citizenPassword)
	tab.Screenshot("register")
	tab.SubmitOK(mainSubmit)
	// Registering signs no one in (the answer is the same for an address that has an
	// account): the e-mail's link does.
	if p := tab.Path(); p != "/connexion" {
		t.Fatalf("after registering: on %s, want /connexion", p)
	}
	tab.WantText("Consultez votre boîte aux lettres")

	// The e-mail's link, then the confirm button (the link alone changes nothing), which
	// signs in.
	tab.Open(j.site.LastLink(t, j.citizenEmail, "verifier"))
	tab.Screenshot("verify")
	tab.SubmitOK(`main form[action="/verifier"] button[type=submit]`)
	tab.WantText("Votre adresse e-mail est confirmée")
	if strings.Contains(tab.MainText(), "non confirmée") {
		t.Errorf("the account page still says the address is not confirmed:\n%s", tab.MainText())
	}
	tab.Screenshot("account")
	tab.SignOut()
}

func stepAdminNextEdition(t *testing.T, j *journey) {
	tab := j.site.NewTab(t)
	tab.SignInAs(access.Admin)
	tab.SubmitOK(`header a[href="/admin"]`)
	tab.SubmitOK(`main a[href="/admin/campagnes/nouvelle"]`)
	j.newSlug = "budget-citoyen-2028"
	tab.Fill("source", "copy:"+ArchivedSlug, "years", "10",
		"name", "Budget citoyen du Pas-de-Calais 2028", "slug", j.newSlug)
	tab.SubmitOK(mainSubmit)
	if p := tab.Path(); p != "/admin/campagnes/"+j.newSlug+"/parametres" {
		t.Fatalf("after creating the edition: on %s, want its edit form; page:\n%s", p, tab.MainText())
	}
	tab.WantText("La campagne est créée")
	if v := tab.Value("phase_vote_start"); !strings.HasPrefix(v, "2028-") {
		t.Errorf("the copy's vote starts on %q, want a day of 2028", v)
	}

	tab.Type("envelope", "500 000")
	tab.SubmitOK(mainSubmit)
	tab.WantText("Les modifications sont enregistrées")
	tab.Screenshot("campaign-edited")
	c, err := campaign.BySlug(context.Background(), j.site.DB, j.newSlug)
	if err != nil {
		t.Fatal(err)
	}
	if c.EnvelopeCents != 500_000_00 {
		t.Errorf("envelope of %s: %d cents, want 500 000 €", j.newSlug, c.EnvelopeCents)
	}
	tab.Open("/" + j.newSlug)
	tab.WantText("Budget citoyen du Pas-de-Calais 2028")
	tab.Screenshot("campaign-page")
}

// stepAgentSealsNextBox: an agent holds the key ceremony of the new edition's box, from its
// vote settings, with the demo's three trustees: the shares are shown once, to print.
func stepAgentSealsNextBox(t *testing.T, j *journey) {
	tab := j.site.NewTab(t)
	tab.SignInAs(access.Agent)
	tab.Open("/admin/campagnes/" + j.newSlug + "/vote")
	tab.WantText("le vote ne s'ouvrira pas, même à sa date")
	tab.SubmitOK(`main a[href="/admin/campagnes/` + j.newSlug + `/vote/urne"]`)
	tab.WantText("Aucune urne n'est encore scellée")
	tab.CheckAxe()
	tab.Screenshot("box-ceremony")
	var trustees []string
	for _, a := range demo.Accounts(seedNow) {
		if a.Role == access.Trustee {
			trustees = append(trustees, a.Email)
		}
	}
	tab.Fill("trustees", strings.Join(trustees, "\n"), "k", "2")
	tab.SubmitOK(mainSubmit)
	tab.WantText("ne s'affichent qu'une seule fois", "Il faudra 2 de ces 3 parts")
	if n := Eval[int](tab, `document.querySelectorAll('.share-code').length`); n != 3 {
		t.Errorf("%d shares on the page", n)
	}
	// With JavaScript, the print button shows (the page tells how to print without it).
	if !Eval[bool](tab, `!document.querySelector('button[data-print]').hidden`) {
		t.Error("the print button stays hidden with JavaScript on")
	}
	tab.CheckAxe()
	tab.Screenshot("box-shares")
	tab.CheckNoHorizontalScroll()
	tab.SetViewport(375, 800, true)
	tab.Screenshot("box-shares-phone")
	tab.ResetViewport()
	tab.SubmitOK(`main a[href="/admin/campagnes/` + j.newSlug + `/vote/urne"]`)
	tab.WantText("L'urne est scellée depuis le")
	tab.Screenshot("box-sealed")
}

func stepCitizenRefusedAdmin(t *testing.T, j *journey) {
	tab := j.site.NewTab(t)
	tab.SignInAs(access.Citizen)
	if tab.Has(`header a[href="/admin"]`) {
		t.Errorf("a citizen's header links to the administration")
	}
	if st := tab.OpenStatus("/admin"); st != http.StatusForbidden {
		t.Fatalf("a citizen on /admin: status %d, want 403", st)
	}
	if lang := htmlLang(tab); lang != "fr" {
		t.Errorf("the 403 page is in %q, want fr", lang)
	}
	tab.WantText("Vous n'avez pas accès à cette page.")
	tab.Screenshot("forbidden")
}
