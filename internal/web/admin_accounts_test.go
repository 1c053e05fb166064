package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/demo"
)

// accountID returns the id of the account of a demo address.
func (s *site) accountID(email string) int64 {
	s.t.Helper()
	a, err := account.ByEmail(context.Background(), s.db, email)
	if err != nil {
		s.t.Fatal(err)
	}
	return a.ID
}

func (s *site) campaignID(slug string) int64 {
	s.t.Helper()
	c, err := campaign.BySlug(context.Background(), s.db, slug)
	if err != nil {
		s.t.Fatal(err)
	}
	return c.ID
}

func TestAdminAccountsAccess(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		citizen := demoAccount(t, access.Citizen)
		paths := []string{"/admin/comptes", "/admin/comptes/" + strconv.FormatInt(s.accountID(citizen.Email), 10)}
		for _, role := range []access.Role{access.Agent, access.Citizen} {
			a := demoAccount(t, role)
			b := s.browser()
			b.signIn(a.Email, a.Password)
			for _, path := range paths {
				wantStatus(t, b.get(path), http.StatusForbidden, string(role)+" on "+path)
			}
			p := b.post(paths[1]+"/statut", url.Values{"disabled": {"1"}})
			wantStatus(t, p, http.StatusForbidden, string(role)+" disabling")
		}
		visitor := s.browser()
		for _, path := range paths {
			p := visitor.get(path)
			if p.Status != http.StatusSeeOther || p.Location != "/connexion?suite="+url.QueryEscape(path) {
				t.Errorf("visitor on %s: %d → %q", path, p.Status, p.Location)
			}
		}
		// A number that is no account, and a path value that is no number.
		admin := demoAccount(t, access.Admin)
		b := s.browser()
		b.signIn(admin.Email, admin.Password)
		wantStatus(t, b.get("/admin/comptes/999999"), http.StatusNotFound, "unknown account")
		wantStatus(t, b.get("/admin/comptes/abc"), http.StatusNotFound, "non-numeric id")
	})
}

func TestAdminAccountsList(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		admin := demoAccount(t, access.Admin)
		b := s.browser()
		b.signIn(admin.Email, admin.Password)
		open, vote := demo.Slugs(testNow)

		p := b.get("/admin/comptes")
		wantStatus(t, p, http.StatusOK, "list")
		wantContains(t, p, "list", "Comptes et rôles", `<th scope="col">`, `<label for="f-role">`, "comptes trouvés ; affichés : 1 à")

		// The committee member holds the role for two campaigns, both named.
		p = b.get("/admin/comptes?role=committee")
		wantContains(t, p, "by role", "Bernard Membre du comité")
		var committee []string
		for _, slug := range []string{open, vote} {
			c, err := campaign.BySlug(context.Background(), s.db, slug)
			if err != nil {
				t.Fatal(err)
			}
			committee = append(committee, "Membre du comité de labellisation — "+c.Name)
		}
		wantContains(t, p, "by role", committee...)
		if strings.Contains(p.Body, "Lucas Citoyen") {
			t.Error("role filter kept the citizen")
		}

		p = b.get("/admin/comptes?q=LUCAS+citoyen")
		wantContains(t, p, "search by name", "1 compte trouvé.", "Lucas Citoyen", "citoyen@demo.budgetcitoyen.test", `value="LUCAS citoyen"`)
		p = b.get("/admin/comptes?q=porteur%40demo")
		wantContains(t, p, "search by e-mail", "1 compte trouvé.", "Nadia Porteuse")
		p = b.get("/admin/comptes?q=personne-inconnue")
		wantContains(t, p, "no match", "Aucun compte ne correspond")
		p = b.get("/admin/comptes?role=animator&campagne=" + strconv.FormatInt(s.campaignID(open), 10))
		wantContains(t, p, "role in a campaign", "Sophie Animatrice", `<option value="animator" selected>`)
		p = b.get("/admin/comptes?role=animator&campagne=" + strconv.FormatInt(s.campaignID(vote), 10))
		if strings.Contains(p.Body, "Sophie Animatrice") {
			t.Error("the animator of one campaign is listed for another")
		}
		p = b.get("/admin/comptes?statut=desactives&q=demo.budgetcitoyen")
		wantContains(t, p, "disabled filter", "Aucun compte ne correspond")
		// Nonsense in the filters is ignored, not an error.
		wantStatus(t, b.get("/admin/comptes?role=king&campagne=x&page=-3&statut=?"), http.StatusOK, "bad filters")

		// Paging: 50 per page, the filters kept in the links.
		for i := range 55 {
			if _, err := account.Create(context.Background(), s.db, "zz-pagination"+strconv.Itoa(i)+"@exemple.fr", "Habitant", testNow); err != nil {
				t.Fatal(err)
			}
		}
		p = b.get("/admin/comptes?q=zz-pagination")
		wantContains(t, p, "page 1", "55 comptes trouvés ; affichés : 1 à 50", "Page 1 sur 2", `href="/admin/comptes?page=2&amp;q=zz-pagination"`)
		p = b.get("/admin/comptes?q=zz-pagination&page=2")
		wantContains(t, p, "page 2", "affichés : 51 à 55", `href="/admin/comptes?q=zz-pagination"`, "zz-pagination54@exemple.fr")
	})
}

func TestAdminGrantsAndRevokesRoles(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		admin, citizen := demoAccount(t, access.Admin), demoAccount(t, access.Citizen)
		b := s.browser()
		b.signIn(admin.Email, admin.Password)
		open, _ := demo.Slugs(testNow)
		cid := strconv.FormatInt(s.campaignID(open), 10)
		c, _ := campaign.BySlug(context.Background(), s.db, open)
		base := "/admin/comptes/" + strconv.FormatInt(s.accountID(citizen.Email), 10)

		p := b.get(base)
		wantStatus(t, p, http.StatusOK, "account page")
		wantContains(t, p, "account page", "Lucas Citoyen", "adresse confirmée", "Attribuer un rôle",
			`<label for="f-campaign">`, `aria-describedby="f-role-hint"`, "Désactiver le compte")

		// An animator is appointed for one campaign: without it, the page says so next to the field.
		p = b.post(base+"/roles", url.Values{"role": {"animator"}})
		wantStatus(t, p, http.StatusUnprocessableEntity, "animator without campaign")
		wantContains(t, p, "animator without campaign", `id="f-campaign-error"`, "choisissez la campagne",
			`<option value="animator" selected>`)
		// Staff roles hold for every campaign.
		p = b.post(base+"/roles", url.Values{"role": {"agent"}, "campaign": {cid}})
		wantStatus(t, p, http.StatusUnprocessableEntity, "agent for one campaign")
		wantContains(t, p, "agent for one campaign", "ne peut pas être attribué pour une seule campagne", `<option value="`+cid+`" selected>`)
		p = b.post(base+"/roles", url.Values{"role": {""}})
		wantContains(t, p, "no role", `id="f-role-error"`, "Choisissez un rôle dans la liste")
		p = b.post(base+"/roles", url.Values{"role": {"animator"}, "campaign": {"987654"}})
		wantContains(t, p, "unknown campaign", `id="f-campaign-error"`, "Cette campagne n&#39;existe pas")

		p = b.post(base+"/roles", url.Values{"role": {"animator"}, "campaign": {cid}})
		if p.Status != http.StatusSeeOther || p.Location != base {
			t.Fatalf("grant: %d → %q\n%s", p.Status, p.Location, excerpt(p.Body))
		}
		wantContains(t, b.get(base), "after grant", "Le rôle est attribué", "Animateur de comptoir</th>", c.Name)
		p = b.post(base+"/roles", url.Values{"role": {"animator"}, "campaign": {cid}})
		wantContains(t, p, "granted twice", "Ce compte a déjà ce rôle")

		// The person sees the role on their own page.
		lucas := s.browser()
		lucas.signIn(citizen.Email, citizen.Password)
		wantContains(t, lucas.get("/compte"), "citizen's account page", "Animateur de comptoir — "+c.Name)

		wantAudit(t, s, "account.grant", `"roles":["citizen"]`, `"roles":["citizen","animator@campaign:`+cid+`"]`)

		p = b.post(base+"/roles/retirer", url.Values{"role": {"animator"}, "campaign": {cid}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("revoke: %d\n%s", p.Status, excerpt(p.Body))
		}
		wantContains(t, b.get(base), "after revoke", "Le rôle est retiré")
		if strings.Contains(lucas.get("/compte").Body, "Animateur de comptoir") {
			t.Error("the revoked role still shows on the person's page")
		}
		wantAudit(t, s, "account.revoke", `"roles":["citizen","animator@campaign:`+cid+`"]`, `"roles":["citizen"]`)
		p = b.post(base+"/roles/retirer", url.Values{"role": {"animator"}, "campaign": {cid}})
		wantStatus(t, p, http.StatusConflict, "revoked twice")
		wantContains(t, p, "revoked twice", "n&#39;a pas (ou plus) ce rôle")

		// An administrator cannot take their own administrator role.
		self := "/admin/comptes/" + strconv.FormatInt(s.accountID(admin.Email), 10)
		wantContains(t, b.get(self), "own page", "Votre propre rôle d&#39;administrateur ne peut pas être retiré")
		p = b.post(self+"/roles/retirer", url.Values{"role": {"admin"}})
		wantStatus(t, p, http.StatusConflict, "self revoke")
		wantContains(t, p, "self revoke", "Vous ne pouvez pas retirer votre propre rôle d&#39;administrateur")
		wantContains(t, b.get("/admin/comptes"), "still admin", "Comptes et rôles")
	})
}

func TestAdminDisablesAccount(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		admin, agent := demoAccount(t, access.Admin), demoAccount(t, access.Agent)
		b := s.browser()
		b.signIn(admin.Email, admin.Password)
		karim := s.browser()
		karim.signIn(agent.Email, agent.Password)
		wantStatus(t, karim.get("/compte"), http.StatusOK, "agent signed in")

		base := "/admin/comptes/" + strconv.FormatInt(s.accountID(agent.Email), 10)
		b.get(base)
		p := b.post(base+"/statut", url.Values{"disabled": {"1"}})
		if p.Status != http.StatusSeeOther || p.Location != base {
			t.Fatalf("disable: %d → %q\n%s", p.Status, p.Location, excerpt(p.Body))
		}
		wantContains(t, b.get(base), "after disable", "Le compte est désactivé", "Réactiver le compte")
		wantAudit(t, s, "account.disable", `"disabled":false`, `"disabled":true`)

		// The disabled person's next request is signed out, and they cannot sign in again.
		p = karim.get("/compte")
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/connexion") {
			t.Fatalf("disabled person's next request: %d → %q", p.Status, p.Location)
		}
		again := s.browser()
		again.get("/connexion")
		p = again.post("/connexion", url.Values{"email": {agent.Email}, "password": {agent.Password}})
		wantStatus(t, p, http.StatusForbidden, "disabled sign-in")
		wantContains(t, b.get("/admin/comptes?statut=desactives&q=demo.budgetcitoyen"), "disabled filter", "1 compte trouvé.", agent.Email)

		p = b.post(base+"/statut", url.Values{"disabled": {"1"}})
		wantStatus(t, p, http.StatusConflict, "disabled twice")
		wantContains(t, p, "disabled twice", "déjà désactivé")

		p = b.post(base+"/statut", url.Values{"disabled": {"0"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("enable: %d\n%s", p.Status, excerpt(p.Body))
		}
		wantAudit(t, s, "account.enable", `"disabled":true`, `"disabled":false`)
		karim.signIn(agent.Email, agent.Password)

		// An administrator cannot disable their own account.
		self := "/admin/comptes/" + strconv.FormatInt(s.accountID(admin.Email), 10)
		p = b.get(self)
		wantContains(t, p, "own page", "vous ne pouvez pas le désactiver")
		if strings.Contains(p.Body, "Désactiver le compte") {
			t.Error("own page offers to disable the account")
		}
		p = b.post(self+"/statut", url.Values{"disabled": {"1"}})
		wantStatus(t, p, http.StatusConflict, "self disable")
		wantContains(t, p, "self disable", "Vous ne pouvez pas désactiver votre propre compte")
		wantStatus(t, b.get("/admin/comptes"), http.StatusOK, "admin still signed in")
	})
}

// wantAudit checks that the latest audit entry of action holds the before and after states.
func wantAudit(t *testing.T, s *site, action, before, after string) {
	t.Helper()
	entries, err := audit.List(context.Background(), s.db, audit.Filter{Action: action, Limit: 1})
	if err != nil || len(entries) == 0 {
		t.Fatalf("audit entry %s: %v (%d entries)", action, err, len(entries))
	}
	e := entries[0]
	if e.Action != action || !strings.Contains(e.Before, before) || !strings.Contains(e.After, after) {
		t.Errorf("audit %s: before %s, after %s; want %s and %s", e.Action, e.Before, e.After, before, after)
	}
}
