package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/workshop"
)

// structureFor returns the structure of the account named name.
func structureFor(t *testing.T, s *site, email, name string) *dossier.Structure {
	t.Helper()
	ctx := context.Background()
	acc, err := account.ByEmail(ctx, s.db, email)
	if err != nil {
		t.Fatal(err)
	}
	list, err := dossier.StructuresOf(ctx, s.db, acc.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range list {
		if list[i].Name == name {
			return &list[i]
		}
	}
	t.Fatalf("no structure %q for %s", name, email)
	return nil
}

// TestStructureCommuneIsAPostcodeFirst: "62300" typed in the commune field is the postcode
// of Lens and Éleu-dit-Leauwette, not the INSEE code of Équihen-Plage; the form asks which,
// without JavaScript, and keeps the one picked.
func TestStructureCommuneIsAPostcodeFirst(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		open, _ := demo.Slugs(testNow)
		carrier := demoAccount(t, access.Carrier)
		b := s.browser()
		b.signIn(carrier.Email, carrier.Password)
		b.get("/compte/structures/nouvelle?campagne=" + open)
		form := url.Values{"name": {"Coop du bassin minier"}, "legal_form": {"association"},
			"siret": {"732 829 320 00074"}, "address": {"1 rue de Lille"}, "commune": {"62300"}}
		p := plain(b.post("/compte/structures/nouvelle?campagne="+open, form))
		wantStatus(t, p, http.StatusUnprocessableEntity, "shared postcode")
		wantContains(t, p, "shared postcode", `name="commune_pick"`, `value="62498"`, "Lens (62300)",
			`value="62291"`, "Éleu-dit-Leauwette (62300)", `value="62300"`)
		if strings.Contains(p.Body, "Équihen") {
			t.Errorf("shared postcode: Équihen-Plage offered; body:\n%s", excerpt(p.Body))
		}

		form.Set("commune_pick", "62498")
		p = b.post("/compte/structures/nouvelle?campagne="+open, form)
		wantStatus(t, p, http.StatusSeeOther, "commune picked")
		st := structureFor(t, s, carrier.Email, "Coop du bassin minier")
		if st.Commune != "62498" || st.Postcode != "62300" {
			t.Errorf("saved commune %q postcode %q, want Lens 62498, 62300", st.Commune, st.Postcode)
		}

		// A pick that is not among the communes of the text is no pick.
		form.Set("name", "Coop de la côte")
		form.Set("commune_pick", "62300")
		p = b.post("/compte/structures/nouvelle?campagne="+open, form)
		wantStatus(t, p, http.StatusUnprocessableEntity, "pick outside the choices")

		// In the list of communes of a dossier, the shared postcode is flagged with the
		// communes to write instead.
		c, err := campaign.BySlug(context.Background(), s.db, open)
		if err != nil {
			t.Fatal(err)
		}
		list, err := dossier.List(context.Background(), s.db, dossier.Filter{CampaignID: c.ID, AccountID: s.accountID(carrier.Email)})
		if err != nil || len(list) == 0 {
			t.Fatalf("the demo carrier's dossiers: %v, %v", list, err)
		}
		durl := "/" + open + "/dossiers/" + strconv.FormatInt(list[0].ID, 10) + "/presentation"
		b.get(durl)
		p = plain(b.post(durl, url.Values{"title": {"Jardin"}, "summary": {"Un jardin."}, "description": {"Un jardin."},
			"timeline": {"Printemps."}, "communes": {"Arras\n62300"}}))
		wantStatus(t, p, http.StatusUnprocessableEntity, "shared postcode in the communes")
		wantContains(t, p, "shared postcode in the communes", "« 62300 » désigne plusieurs communes", "« Lens (62498) »",
			"« Éleu-dit-Leauwette (62291) »")
	})
}

var selectedStructureRe = regexp.MustCompile(`<option value="(\d+)" selected>`)

// TestNewDossierChoosesTheStructureJustDeclared: back from declaring a structure, the
// new-dossier form has that structure chosen, not the first one in alphabetical order.
func TestNewDossierChoosesTheStructureJustDeclared(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		open, _ := demo.Slugs(testNow)
		carrier := demoAccount(t, access.Carrier)
		b := s.browser()
		b.signIn(carrier.Email, carrier.Password)
		b.get("/compte/structures/nouvelle?campagne=" + open)
		form := url.Values{"name": {"Zèbres solidaires"}, "legal_form": {"association"},
			"siret": {"732 829 320 00074"}, "address": {"1 rue de Lille"}, "commune": {"Arras"}}
		p := b.post("/compte/structures/nouvelle?campagne="+open, form)
		wantStatus(t, p, http.StatusSeeOther, "structure")
		if !strings.HasPrefix(p.Location, "/"+open+"/dossiers/nouveau") {
			t.Fatalf("after the structure: redirected to %q", p.Location)
		}
		st := structureFor(t, s, carrier.Email, "Zèbres solidaires")
		p = b.get(p.Location)
		wantStatus(t, p, http.StatusOK, "new dossier form")
		m := selectedStructureRe.FindStringSubmatch(p.Body)
		if m == nil || m[1] != strconv.FormatInt(st.ID, 10) {
			t.Errorf("new dossier form: selected %v, want structure %d; body:\n%s", m, st.ID, excerpt(p.Body))
		}
		// Someone else's structure in the address is not chosen.
		p = b.get("/" + open + "/dossiers/nouveau?structure=999999")
		if selectedStructureRe.MatchString(p.Body) {
			t.Errorf("someone else's structure chosen")
		}
	})
}

// TestAttendanceOnlyFromTheSessionStart: marking someone present at a comptoir that has
// not started is refused (it would unlock dossier filing early); the demo's comptoir in
// Arras in progress today takes a new person, who is marked present the same day and may
// then start a dossier.
func TestAttendanceOnlyFromTheSessionStart(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		open, _ := demo.Slugs(testNow)
		c, err := campaign.BySlug(ctx, s.db, open)
		if err != nil {
			t.Fatal(err)
		}
		up, err := workshop.Upcoming(ctx, s.db, c.ID, testNow)
		if err != nil {
			t.Fatal(err)
		}
		var today, later *workshop.Session
		for i, ws := range up {
			switch {
			case ws.Commune != "62041" || len(ws.Animators) == 0:
			case !ws.StartsAt.After(testNow):
				today = &up[i]
			case later == nil:
				later = &up[i]
			}
		}
		if today == nil || later == nil {
			t.Fatalf("the demo has no animated comptoir in Arras in progress (%v) or to come (%v)", today, later)
		}
		regs, err := workshop.Registrations(ctx, s.db, later.ID)
		if err != nil || len(regs) == 0 {
			t.Fatalf("registrations of the comptoir to come: %v, %v", regs, err)
		}

		animator := s.browser()
		an := demoAccount(t, access.Animator)
		animator.signIn(an.Email, an.Password)
		path := "/" + open + "/comptoirs/" + strconv.FormatInt(later.ID, 10) + "/presences"
		p := plain(animator.get(path))
		wantContains(t, p, "sheet before the start", "n'a pas encore commencé")
		p = plain(animator.post(path, url.Values{"a-" + strconv.FormatInt(regs[0].AccountID, 10): {"present"}}))
		wantStatus(t, p, http.StatusConflict, "attendance before the start")
		wantContains(t, p, "attendance before the start", "Ce comptoir n'a pas encore commencé")
		if ok, _ := workshop.Attended(ctx, s.db, c.ID, regs[0].AccountID); ok {
			t.Error("marked present at a comptoir to come")
		}

		// A new person walks into today's comptoir, registers, is marked present.
		cit := demoAccount(t, access.Citizen)
		citizen := s.browser()
		citizen.signIn(cit.Email, cit.Password)
		todayPath := "/" + open + "/comptoirs/" + strconv.FormatInt(today.ID, 10)
		wantContains(t, citizen.get(todayPath), "registration open in progress", todayPath+`/inscription"`)
		p = citizen.post(todayPath+"/inscription", url.Values{})
		wantStatus(t, p, http.StatusSeeOther, "registration to the comptoir in progress")
		id := s.accountID(cit.Email)
		p = animator.post(todayPath+"/presences", url.Values{"a-" + strconv.FormatInt(id, 10): {"present"}})
		wantStatus(t, p, http.StatusSeeOther, "attendance in progress")
		if ok, _ := workshop.Attended(ctx, s.db, c.ID, id); !ok {
			t.Error("the new person is not marked present")
		}
	})
}

// TestFrenchTypography: "arrondissement d'Arras", dates in words in sentences, a full stop
// between the rule and the tie-break, singular counts, required fields marked as the form
// says.
func TestFrenchTypography(t *testing.T) {
	s := newSite(t, siteDB(t))
	b := s.browser()
	p := plain(b.get("/pas-de-calais-2018/resultats"))
	wantStatus(t, p, http.StatusOK, "2018 results")
	wantContains(t, p, "2018 results", "délibération CP-2018-11-19-42 du 19 novembre 2018", "le permet. En cas d'égalité")
	if regexp.MustCompile(`du \d{4}-\d{2}-\d{2}`).MatchString(p.Body) {
		t.Errorf("2018 results: an ISO date in a sentence")
	}

	arras, _ := demoSessionID(t, s, "Arras : de l'idée")
	open, _ := demo.Slugs(testNow)
	p = plain(b.get("/" + open + "/comptoirs/" + arras))
	wantContains(t, p, "nearly full session", "arrondissement d'Arras", "1 place libre sur 12")
	if strings.Contains(p.Body, "arrondissement de Arras") || strings.Contains(p.Body, "1 places") {
		t.Errorf("session page: %s", excerpt(p.Body))
	}

	cit := demoAccount(t, access.Citizen)
	b.signIn(cit.Email, cit.Password)
	p = plain(b.get("/" + open + "/idees/deposer"))
	wantContains(t, p, "idea form", "Les champs marqués « (obligatoire) » doivent être remplis.",
		`Thème <span class="req">(obligatoire)</span>`)
	if strings.Contains(p.Body, "astérisque") {
		t.Error("the idea form speaks of asterisks it does not show")
	}
}
