package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/demo"
)

// The personal-data page and the processing register state the durations the purge
// applies; an administrator changes the site-wide ones, a campaign's agents its own, and
// both pages follow. A wrong value is refused with the form as typed.
func TestPrivacyPagesFollowTheSettings(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		visitor := s.browser()
		p := visitor.get("/donnees-personnelles")
		wantStatus(t, p, http.StatusOK, "privacy page")
		wantContains(t, p, "privacy page", "Durées de conservation", "E-mails envoyés", "30 jours", "12 heures", "24 heures",
			"180 jours (conservés par l&#39;hébergeur)",
			// The 2018 edition's vote closed at the end of 30 September 2018.
			"Registre des votants de « Budget citoyen du Pas-de-Calais 2018 »",
			"90 jours après la clôture du vote, soit jusqu&#39;au samedi 29 décembre 2018",
			`href="/compte"`, `href="/donnees-personnelles/registre"`)
		p = visitor.get("/donnees-personnelles/registre")
		wantStatus(t, p, http.StatusOK, "register")
		wantContains(t, p, "register", "Registre des traitements", "Finalité", "Base légale", "Vote des citoyens",
			"Journal d&#39;audit", "la collectivité qui organise la campagne", "30 jours")

		admin := demoAccount(t, access.Admin)
		b := s.browser()
		b.signIn(admin.Email, admin.Password)
		wantContains(t, b.get("/admin"), "admin home", `href="/admin/donnees-personnelles"`)
		form := url.Values{"throttle_hours": {"12"}, "unverified_days": {"sept"}, "outbox_days": {"1"}, "log_days": {"365"},
			"controller": {"Département du Pas-de-Calais"}, "dpo_contact": {"dpo@pasdecalais.fr"}}
		p = b.post("/admin/donnees-personnelles", form)
		wantStatus(t, p, http.StatusUnprocessableEntity, "wrong durations")
		wantContains(t, p, "wrong durations", "Indiquez un nombre d&#39;heures entre 24 et", "Indiquez un nombre entier.",
			`value="12"`, `value="sept"`, `value="Département du Pas-de-Calais"`)
		form.Set("throttle_hours", "48")
		form.Set("unverified_days", "7")
		p = b.post("/admin/donnees-personnelles", form)
		if p.Status != http.StatusSeeOther {
			t.Fatalf("saving the durations: %d\n%s", p.Status, excerpt(p.Body))
		}
		p = visitor.get("/donnees-personnelles")
		wantContains(t, p, "privacy page after the change", "48 heures", "1 jour<", "365 jours", "7 jours",
			"Délégué à la protection des données : dpo@pasdecalais.fr.")
		wantContains(t, visitor.get("/donnees-personnelles/registre"), "register after the change", "Département du Pas-de-Calais")

		// The campaign's own duration, from its vote settings.
		agent := demoAccount(t, access.Agent)
		a := s.browser()
		a.signIn(agent.Email, agent.Password)
		path := "/admin/campagnes/" + campaign.PresetPasDeCalais2018 + "/vote"
		wantContains(t, a.get(path), "vote settings", "Conservation du registre des votants", `name="voter_days"`, `value="90"`)
		p = a.post(path+"/conservation", url.Values{"voter_days": {"0"}})
		wantStatus(t, p, http.StatusUnprocessableEntity, "zero days")
		wantContains(t, p, "zero days", "Indiquez un nombre de jours entre 1 et", `value="0"`)
		p = a.post(path+"/conservation", url.Values{"voter_days": {"30"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("saving the campaign's duration: %d\n%s", p.Status, excerpt(p.Body))
		}
		wantContains(t, visitor.get("/donnees-personnelles"), "privacy page after the campaign's change",
			"30 jours après la clôture du vote, soit jusqu&#39;au mardi 30 octobre 2018")

		// Only administrators set the site-wide durations; a carrier cannot set a campaign's.
		wantStatus(t, a.get("/admin/donnees-personnelles"), http.StatusForbidden, "agent on the site-wide settings")
		citizen := demoAccount(t, access.Citizen)
		c := s.browser()
		c.signIn(citizen.Email, citizen.Password)
		_, vote := demo.Slugs(testNow)
		p = c.post("/admin/campagnes/"+vote+"/vote/conservation", url.Values{"voter_days": {"1"}})
		wantStatus(t, p, http.StatusForbidden, "citizen on a campaign's duration")
	})
}
