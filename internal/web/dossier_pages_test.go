package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/demo"
)

// TestDossierPages renders the dossier pages in both languages (no missing message) and
// the agents' question editor.
func TestDossierPages(t *testing.T) {
	eachPlainDB(t, func(t *testing.T, d *db.DB) {
		s := newDossierSite(t, d)
		open, _ := demo.Slugs(testNow)
		carrier := demoAccount(t, access.Carrier)
		b := s.browser()
		b.signIn(carrier.Email, carrier.Password)
		home := b.get("/" + open + "/dossiers")
		wantStatus(t, home, http.StatusOK, "carrier home")
		m := regexp.MustCompile(`href="(/` + open + `/dossiers/\d+)"`).FindStringSubmatch(home.Body)
		if m == nil {
			t.Fatalf("no demo draft on the carrier's page:\n%s", excerpt(home.Body))
		}
		structs := b.get("/compte/structures")
		sm := regexp.MustCompile(`href="(/compte/structures/\d+)"`).FindStringSubmatch(structs.Body)
		if sm == nil {
			t.Fatal("no structure")
		}
		agent := demoAccount(t, access.Agent)
		ag := s.browser()
		ag.signIn(agent.Email, agent.Password)
		admin := "/admin/campagnes/" + open + "/dossiers"
		for _, lang := range []string{"fr", "en"} {
			for _, path := range []string{"/" + open + "/dossiers", m[1], m[1] + "/projet", m[1] + "/presentation", m[1] + "/budget",
				m[1] + "/documents", "/compte/structures", sm[1], "/compte/structures/nouvelle", "/" + open + "/dossiers/nouveau"} {
				p := b.get(path + "?lang=" + lang)
				if p.Status != http.StatusOK && p.Status != http.StatusForbidden {
					t.Errorf("%s (%s): status %d", path, lang, p.Status)
				}
				if strings.Contains(p.Body, "⟦") || strings.Contains(p.Body, "%!") {
					t.Errorf("%s (%s): missing message:\n%s", path, lang, excerpt(p.Body))
				}
			}
			for _, path := range []string{admin, admin + "/questions", "/admin/campagnes/" + campaignPreset + "/dossiers"} {
				p := ag.get(path + "?lang=" + lang)
				wantStatus(t, p, http.StatusOK, path)
				if strings.Contains(p.Body, "⟦") || strings.Contains(p.Body, "%!") {
					t.Errorf("%s (%s): missing message", path, lang)
				}
			}
		}
		// Questions of a category, then asked in the carrier's presentation step.
		q := ag.get(admin + "/questions")
		field := regexp.MustCompile(`name="(cat\d+)"`).FindStringSubmatch(q.Body)[1]
		p := ag.post(admin+"/questions", url.Values{field: {"Quels partenaires associez-vous ?\nQuel public visez-vous ?"}})
		wantStatus(t, p, http.StatusSeeOther, "questions saved")
		wantContains(t, ag.get(admin+"/questions"), "questions kept", "Quel public visez-vous ?")
		// The 2018 archive: sixty submitted dossiers, the sums against the envelope.
		p = plain(ag.get("/admin/campagnes/" + campaignPreset + "/dossiers?lang=fr"))
		wantContains(t, p, "2018 list", "60 dossiers", "352 151 €")
	})
}

const campaignPreset = "pas-de-calais-2018"
