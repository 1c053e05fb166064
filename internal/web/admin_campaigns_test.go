package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/campaign"
)

func TestAdminAreaAccess(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		anon := s.browser()
		p := anon.get("/admin")
		if p.Status != http.StatusSeeOther || p.Location != "/connexion?suite=%2Fadmin" {
			t.Fatalf("visitor on /admin: %d → %q, want the sign-in page", p.Status, p.Location)
		}
		for _, role := range []access.Role{access.Citizen, access.Carrier, access.Committee, access.Animator} {
			b := s.browser()
			a := demoAccount(t, role)
			b.signIn(a.Email, a.Password)
			for _, path := range []string{"/admin", "/admin/campagnes", "/admin/campagnes/nouvelle", "/admin/journal", "/admin/campagnes/pas-de-calais-2018"} {
				wantStatus(t, b.get(path), http.StatusForbidden, string(role)+" on "+path)
			}
			p := b.post("/admin/campagnes/nouvelle", url.Values{"source": {"preset:pas-de-calais-2018"}, "years": {"1"}, "name": {"x"}, "slug": {"sneaky"}})
			wantStatus(t, p, http.StatusForbidden, string(role)+" creating a campaign")
		}
		agent := s.browser()
		a := demoAccount(t, access.Agent)
		agent.signIn(a.Email, a.Password)
		for _, path := range []string{"/admin", "/admin/campagnes", "/admin/campagnes/nouvelle", "/admin/journal", "/admin/campagnes/pas-de-calais-2018"} {
			wantStatus(t, agent.get(path), http.StatusOK, "agent on "+path)
		}
		if n := countCampaigns(t, s); n != 3 {
			t.Errorf("%d campaigns after refused attempts, want the 3 of the demo", n)
		}
	})
}

func countCampaigns(t *testing.T, s *site) int {
	t.Helper()
	n, err := campaign.Count(context.Background(), s.db)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAdminCopiesTheLastEdition(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		admin := demoAccount(t, access.Admin)
		b.signIn(admin.Email, admin.Password)
		wantContains(t, b.get("/admin/campagnes"), "campaign list", "Budget citoyen du Pas-de-Calais 2018", "Copier pour une nouvelle édition")
		form := b.get("/admin/campagnes/nouvelle?source=copy:pas-de-calais-2018")
		wantContains(t, form, "new campaign form", `value="copy:pas-de-calais-2018" selected`)

		// Errors first: reserved address, no name, nonsense year shift.
		bad := url.Values{"source": {"copy:pas-de-calais-2018"}, "years": {"un"}, "name": {""}, "slug": {"admin"}}
		p := b.post("/admin/campagnes/nouvelle", bad)
		wantStatus(t, p, http.StatusUnprocessableEntity, "invalid copy")
		wantContains(t, p, "invalid copy", "Indiquez un nombre entier", `value="un"`, `value="admin"`)
		bad.Set("years", "1")
		p = b.post("/admin/campagnes/nouvelle", bad)
		wantContains(t, p, "invalid copy", "est réservée", "Indiquez le nom")
		if n := countCampaigns(t, s); n != 3 {
			t.Fatalf("an invalid form saved something: %d campaigns", n)
		}

		good := url.Values{"source": {"copy:pas-de-calais-2018"}, "years": {"1"},
			"name": {"Budget citoyen du Pas-de-Calais 2019"}, "slug": {"pas-de-calais-2019"}}
		p = b.post("/admin/campagnes/nouvelle", good)
		if p.Status != http.StatusSeeOther || p.Location != "/admin/campagnes/pas-de-calais-2019/parametres" {
			t.Fatalf("copy: %d → %q\n%s", p.Status, p.Location, excerpt(p.Body))
		}
		edit := b.get(p.Location)
		wantContains(t, edit, "edit form of the copy", "La campagne est créée", `value="2019-09-05"`, `value="2019-09-30"`,
			`value="Innovation sociale"`, `value="352 151"`)
		pub := b.get("/pas-de-calais-2019/calendrier")
		wantContains(t, pub, "calendar of the copy", "5 septembre 2019", "30 septembre 2019")
		// The same address twice is refused.
		p = b.post("/admin/campagnes/nouvelle", good)
		wantStatus(t, p, http.StatusUnprocessableEntity, "duplicate address")
		wantContains(t, p, "duplicate address", "Une autre campagne utilise déjà cette adresse")
	})
}

// editForm returns the edit form's values for slug as the page shows them.
func editForm(t *testing.T, s *site, slug string) url.Values {
	t.Helper()
	c, err := campaign.BySlug(context.Background(), s.db, slug)
	if err != nil {
		t.Fatal(err)
	}
	return campaign.FormValues(c)
}

func TestAdminEditKeepsInputOnErrorsAndSavesNothing(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		agent := demoAccount(t, access.Agent)
		b.signIn(agent.Email, agent.Password)
		b.get("/admin/campagnes/pas-de-calais-2018/parametres")
		before, _ := campaign.BySlug(context.Background(), s.db, "pas-de-calais-2018")

		v := editForm(t, s, "pas-de-calais-2018")
		v.Set("envelope", "trois cents euros")
		v.Set("phase_vote_start", "2018-07-01") // before the committee's end
		v.Set("cat1_rate", "150")
		v.Set("name", "Nom modifié qui ne doit pas être enregistré")
		p := b.post("/admin/campagnes/pas-de-calais-2018/parametres", v)
		wantStatus(t, p, http.StatusUnprocessableEntity, "invalid edit")
		wantContains(t, p, "invalid edit", "Le formulaire contient des erreurs",
			"Montant illisible", `value="trois cents euros"`,
			"Le vote doit commencer après la fin du comité de labellisation", `value="2018-07-01"`,
			"Le taux doit être compris entre 0 et 100", `value="150"`,
			`value="Nom modifié qui ne doit pas être enregistré"`, `aria-invalid="true"`)
		after, _ := campaign.BySlug(context.Background(), s.db, "pas-de-calais-2018")
		if after.Name != before.Name || after.EnvelopeCents != before.EnvelopeCents || !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Fatalf("an invalid edit changed the campaign: %q %d", after.Name, after.EnvelopeCents)
		}

		// "Add another category" shows one more empty row and saves nothing.
		v = editForm(t, s, "pas-de-calais-2018")
		v.Set("cat3_name", "Transition écologique")
		v.Set("cat3_rule", "flat")
		v.Set("cat3_flat", "5 000")
		v.Set("action", "add_category")
		p = b.post("/admin/campagnes/pas-de-calais-2018/parametres", v)
		wantStatus(t, p, http.StatusOK, "add a row")
		wantContains(t, p, "add a row", `value="Transition écologique"`, `name="cat4_name"`)
		if c, _ := campaign.BySlug(context.Background(), s.db, "pas-de-calais-2018"); len(c.Categories) != 3 {
			t.Fatalf("adding a row saved the campaign")
		}

		// A valid edit is saved and audited.
		v.Del("action")
		v.Set("envelope", "360 000")
		p = b.post("/admin/campagnes/pas-de-calais-2018/parametres", v)
		if p.Status != http.StatusSeeOther {
			t.Fatalf("valid edit: %d\n%s", p.Status, excerpt(p.Body))
		}
		c, _ := campaign.BySlug(context.Background(), s.db, "pas-de-calais-2018")
		if c.EnvelopeCents != 360_000_00 || len(c.Categories) != 4 || c.Categories[3].Rule.FlatCents != 5_000_00 {
			t.Fatalf("saved campaign: envelope %d, %d categories", c.EnvelopeCents, len(c.Categories))
		}
		if c.Categories[0].ID != before.Categories[0].ID {
			t.Errorf("category ids changed on edit")
		}
		entries, err := audit.List(context.Background(), s.db, audit.Filter{Action: "campaign.update"})
		if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Before, "352151") || !strings.Contains(entries[0].After, "360000") {
			t.Fatalf("audit of the edit: %v %+v", err, entries)
		}
		if rep, err := audit.Verify(context.Background(), s.db); err != nil || !rep.OK() {
			t.Fatalf("audit chain after the edit: %v %+v", err, rep)
		}
		wantContains(t, b.get("/admin/journal?action=campaign."), "audit page", "campaign.update", agent.Name)
	})
}
