package browsertest

import (
	"budgetcitoyen/internal/access"
	"fmt"
	"net/http"
	"strconv"
	"testing"
)

// a11yPage is one page to check: opened as a role (or as a visitor when role is empty),
// then optionally acted upon (to re-display a form with its errors) before the checks.
type a11yPage struct {
	name   string
	role   access.Role
	path   string
	status int                          // expected status of path; 200 when zero
	action func(t *testing.T, tab *Tab) // optional: e.g. submit the form with errors
}

// submitWithErrors submits the main form and wants it re-displayed with its errors.
func submitWithErrors(t *testing.T, tab *Tab) {
	t.Helper()
	if st := tab.Submit(mainSubmit); st != http.StatusUnprocessableEntity {
		t.Fatalf("submit: status %d, want 422; page:\n%s", st, tab.MainText())
	}
	if !tab.Has(`.error-summary, .error-msg`) {
		t.Fatalf("the form came back without error messages:\n%s", tab.MainText())
	}
}

// a11yPages lists every page of the site as it exists now, and its main forms both empty
// and re-displayed with errors. A new page adds its line here.
func a11yPages(s *Site) []a11yPage {
	open, vote := s.Slugs()
	followed := "/" + ArchivedSlug + "/projets/" + strconv.FormatInt(s.FundedProject(), 10)
	return []a11yPage{
		// The follow-up of the funded projects, and following one by e-mail.
		{name: "followup", path: "/" + ArchivedSlug + "/suivi"},
		{name: "followed-project", path: followed},
		{name: "followed-project-subscribe-errors", path: followed, action: func(t *testing.T, tab *Tab) {
			tab.Fill("email", "pas une adresse")
			submitWithErrors(t, tab)
		}},
		{name: "unsubscribed", path: "/abonnements/desabonner?jeton=inconnu"},

		// The statistics of participation (TestStatsAccessibility checks them alone).
		{name: "stats-archived", path: "/" + ArchivedSlug + "/statistiques"},
		{name: "stats-archived-en", path: "/" + ArchivedSlug + "/statistiques?lang=en"},
		{name: "stats-communes", path: "/" + ArchivedSlug + "/statistiques/communes"},
		{name: "stats-open", path: "/" + open + "/statistiques"},
		{name: "stats-vote", path: "/" + vote + "/statistiques"},
		{name: "stats-agents", role: access.Agent, path: "/admin/campagnes/" + ArchivedSlug + "/statistiques"},

		// A campaign's news by e-mail: the form's page, its errors, the preferences page of
		// the e-mails' links (reached here from the confirmed page); the newsletters.
		{name: "news-subscribe", path: "/" + open + "/abonnement"},
		{name: "news-subscribe-errors", path: "/" + open + "/abonnement", action: func(t *testing.T, tab *Tab) {
			tab.Fill("email", "pas une adresse")
			submitWithErrors(t, tab)
		}},
		{name: "news-preferences", path: "/" + open + "/abonnement", action: func(t *testing.T, tab *Tab) {
			tab.Fill("email", "a11y-nouvelles@example.org")
			tab.SubmitOK(mainSubmit)
			tab.Open(s.LastLink(t, "a11y-nouvelles@example.org", "abonnements/confirmer"))
			tab.SubmitOK(`main form[action="/abonnements/confirmer"] button[type=submit]`)
			tab.SubmitOK(`main a[href^="/abonnements/preferences"]`)
		}},
		{name: "news-idea-optin", role: access.Citizen, path: "/" + open + "/idees/deposer"},
		{name: "newsletters", role: access.Agent, path: "/admin/campagnes/" + open + "/lettres"},
		{name: "newsletters-errors", role: access.Agent, path: "/admin/campagnes/" + open + "/lettres", action: submitWithErrors},
		{name: "newsletter", role: access.Agent, path: "/admin/campagnes/" + open + "/lettres", action: func(t *testing.T, tab *Tab) {
			tab.Fill("title", "Le vote approche", "body", "Premier paragraphe.\n\nSecond paragraphe.")
			tab.SubmitOK(mainSubmit)
		}},

		// Public pages.
		{name: "home", path: "/"},
		{name: "home-en", path: "/?lang=en"},
		{name: "campaign-open", path: "/" + open},
		{name: "campaign-vote", path: "/" + vote},
		{name: "campaign-archived", path: "/" + ArchivedSlug},
		{name: "calendar", path: "/" + open + "/calendrier"},
		{name: "calendar-en", path: "/" + vote + "/calendrier?lang=en"},
		{name: "legal", path: "/mentions-legales"},
		{name: "privacy", path: "/donnees-personnelles"},
		{name: "privacy-register", path: "/donnees-personnelles/registre"},
		{name: "accessibility", path: "/accessibilite"},
		{name: "contact", path: "/contact"},
		{name: "not-found", path: "/pas-de-page-ici/vraiment", status: http.StatusNotFound},
		{name: "ideas-search", path: "/" + ArchivedSlug + "/idees?q=%C3%A9piceries"},

		// Accounts.
		{name: "signin", path: "/connexion"},
		{name: "signin-errors", path: "/connexion", action: func(t *testing.T, tab *Tab) {
			tab.Fill("email", "personne@example.org", "password", "pas le bon mot de passe")
			submitWithErrors(t, tab)
		}},
		{name: "register", path: "/inscription"},
		{name: "register-errors", path: "/inscription", action: func(t *testing.T, tab *Tab) {
			tab.Fill("email", "marie.dupont@example.org", "name", "Marie Dupont",
				"password", "une longue phrase secrète", "password_confirm", "une autre phrase secrète")
			submitWithErrors(t, tab)
		}},
		{name: "forgot", path: "/mot-de-passe-oublie"},
		{name: "forgot-errors", path: "/mot-de-passe-oublie", action: func(t *testing.T, tab *Tab) {
			tab.Fill("email", "pas une adresse")
			submitWithErrors(t, tab)
		}},
		{name: "reset", path: "/reinitialiser?jeton=inconnu"},
		{name: "reset-errors", path: "/reinitialiser?jeton=inconnu", action: func(t *testing.T, tab *Tab) {
			tab.Fill("password", "une longue phrase secrète", "password_confirm", "une autre")
			submitWithErrors(t, tab)
		}},
		{name: "verify", path: "/verifier?jeton=inconnu"},
		{name: "verify-errors", path: "/verifier?jeton=inconnu", action: submitWithErrors},
		{name: "espace", role: access.Citizen, path: "/espace"},
		{name: "espace-carrier", role: access.Carrier, path: "/espace"},
		{name: "account", role: access.Citizen, path: "/compte"},
		{name: "my-data", role: access.Citizen, path: "/compte/donnees"},
		{name: "forbidden", role: access.Citizen, path: "/admin", status: http.StatusForbidden},

		// Administration.
		{name: "admin-home", role: access.Agent, path: "/admin"},
		{name: "admin-campaigns", role: access.Agent, path: "/admin/campagnes"},
		{name: "admin-campaign-new", role: access.Agent, path: "/admin/campagnes/nouvelle"},
		{name: "admin-campaign-new-errors", role: access.Agent, path: "/admin/campagnes/nouvelle", action: func(t *testing.T, tab *Tab) {
			tab.Fill("years", "cent", "name", "", "slug", "Pas Valide !")
			submitWithErrors(t, tab)
		}},
		{name: "admin-campaign-console", role: access.Agent, path: "/admin/campagnes/" + open},
		{name: "admin-campaign-console-vote", role: access.Agent, path: "/admin/campagnes/" + vote},
		{name: "admin-campaign-console-archived", role: access.Agent, path: "/admin/campagnes/" + ArchivedSlug},
		{name: "admin-campaign-edit", role: access.Agent, path: "/admin/campagnes/" + open + "/parametres"},
		{name: "admin-campaign-edit-errors", role: access.Agent, path: "/admin/campagnes/" + open + "/parametres", action: func(t *testing.T, tab *Tab) {
			tab.Fill("envelope", "beaucoup", "slug", "Pas Valide !", "phase_vote_start", "2000-01-01")
			submitWithErrors(t, tab)
		}},
		{name: "admin-audit", role: access.Admin, path: "/admin/journal"},
		{name: "admin-accounts", role: access.Admin, path: "/admin/comptes"},
		{name: "admin-privacy", role: access.Admin, path: "/admin/donnees-personnelles"},
		{name: "admin-privacy-errors", role: access.Admin, path: "/admin/donnees-personnelles", action: func(t *testing.T, tab *Tab) {
			tab.Fill("throttle_hours", "2", "log_days", "toujours")
			submitWithErrors(t, tab)
		}},
		{name: "admin-identity", role: access.Admin, path: "/admin/identite"},
		{name: "admin-identity-errors", role: access.Admin, path: "/admin/identite", action: func(t *testing.T, tab *Tab) {
			tab.Fill("color", "#ffff00", "name", "")
			submitWithErrors(t, tab)
		}},
		{name: "admin-account", role: access.Admin, path: fmt.Sprintf("/admin/comptes/%d", s.accountID(s.demoEmail(access.Citizen)))},
	}
}

// pagesPerTab is how many pages one tab checks in turn. A tab that goes on from page to
// page saves its start, its sign-in and most of axe-core's start (the renderer keeps the
// compiled script); two tabs side by side keep the two cores busy.
const pagesPerTab = 12

// TestAccessibility checks every page with axe-core (zero WCAG 2.1 A/AA violations) at 1280
// and at 375 px, and at 375 px that it does not scroll sideways. The pages are grouped by role; each group goes through
// its pages in one tab, and the groups run side by side.
func TestAccessibility(t *testing.T) {
	t.Parallel()
	s := SharedSite(t)
	type group struct {
		name  string
		role  access.Role
		pages []a11yPage
	}
	var groups []*group
	byRole := map[access.Role][]*group{}
	for _, p := range a11yPages(s) {
		gs := byRole[p.role]
		if len(gs) == 0 || len(gs[len(gs)-1].pages) == pagesPerTab {
			name := string(p.role)
			if name == "" {
				name = "visitor"
			}
			g := &group{name: fmt.Sprintf("%s-%d", name, len(gs)+1), role: p.role}
			groups = append(groups, g)
			byRole[p.role] = append(gs, g)
			gs = byRole[p.role]
		}
		g := gs[len(gs)-1]
		g.pages = append(g.pages, p)
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			tab := s.NewTab(t)
			if g.role != "" {
				tab.SignInAs(g.role)
			}
			for _, p := range g.pages {
				t.Run(p.name, func(t *testing.T) { checkPage(t, tab.For(t), p) })
			}
		})
	}
}

func checkPage(t *testing.T, tab *Tab, p a11yPage) {
	want := p.status
	if want == 0 {
		want = http.StatusOK
	}
	if st := tab.OpenStatus(p.path); st != want {
		t.Fatalf("open %s: status %d, want %d; page:\n%s", p.path, st, want, tab.MainText())
	}
	if p.action != nil {
		p.action(t, tab)
	}
	// axe-core at both widths: a phone's layout (cards, wrapped navigation) is another page.
	tab.SetViewport(1280, 900, false)
	tab.CheckAxe()
	tab.SetViewport(phoneWidth, phoneHeight, true)
	tab.CheckAxe()
	tab.SetViewport(1280, 900, false)
	tab.CheckNoHorizontalScroll()
}

// TestChecksCatchFaults breaks a page on purpose, to show that the checks above would fail:
// a field without its label, text without contrast, an element wider than a phone.
func TestChecksCatchFaults(t *testing.T) {
	t.Parallel()
	tab := SharedSite(t).NewTab(t)
	tab.Open("/connexion")
	Eval[bool](tab, `(() => {
  document.querySelector('label[for=f-email]').remove();
  document.querySelector('h1').style.color = '#bbb';
  const wide = document.createElement('div');
  wide.style.width = '500px';
  wide.textContent = 'trop large';
  document.querySelector('main').appendChild(wide);
  return true;
})()`)
	found := map[string]bool{}
	for _, v := range tab.Axe() {
		found[v.ID] = true
	}
	for _, id := range []string{"label", "color-contrast"} {
		if !found[id] {
			t.Errorf("axe-core did not report %q on a broken page; it found %v", id, found)
		}
	}
	if o := tab.PhoneOverflow(); o.ScrollWidth <= phoneWidth {
		t.Errorf("a 500 px element did not make the page wider than %d px: %+v", phoneWidth, o)
	}
}
