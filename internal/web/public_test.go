package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/demo"
)

func TestPublicPages(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		open, vote := demo.Slugs(testNow)
		home := b.get("/")
		wantStatus(t, home, http.StatusOK, "home")
		wantContains(t, home, "home", `<html lang="fr">`, "Budget citoyen du Pas-de-Calais 2018", "Éditions précédentes",
			"Ouvert en ce moment", "Dépôt des idées", "Vote des citoyens", `href="#contenu"`)

		c := b.get("/pas-de-calais-2018")
		wantStatus(t, c, http.StatusOK, "2018 campaign")
		wantContains(t, c, "2018 campaign", "352\u202f151\u00a0€", "Forfait de 4\u202f500\u00a0€",
			"10\u00a0% du coût total, plafonné à 15\u202f000\u00a0€", "20\u00a0% du coût total, plafonné à 20\u202f000\u00a0€",
			"Édition archivée")

		cal := b.get("/pas-de-calais-2018/calendrier")
		wantStatus(t, cal, http.StatusOK, "calendar")
		wantContains(t, cal, "calendar", "5 septembre 2018", "30 septembre 2018", "1er mars 2018", "Terminé")

		cur := b.get("/" + open)
		wantContains(t, cur, "open campaign", "Participer maintenant", `href="/`+open+`/idees/deposer"`,
			`href="/`+open+`/comptoirs"`, `href="/`+open+`/dossiers"`)
		if strings.Contains(c.Body, "Participer maintenant") {
			t.Error("the archived campaign offers actions")
		}
		wantContains(t, c, "2018 results link", `href="/pas-de-calais-2018/resultats"`)
		wantContains(t, b.get("/"+vote), "vote campaign", `href="/`+vote+`/vote"`, `href="/`+vote+`/projets"`)
		for _, slug := range []string{open, vote} {
			wantStatus(t, b.get("/"+slug), http.StatusOK, slug)
			wantContains(t, b.get("/"+slug+"/calendrier"), slug, "En cours")
		}
		wantStatus(t, b.get("/no-such-campaign"), http.StatusNotFound, "unknown campaign")
		nf := b.get("/no-such-campaign/calendrier")
		wantStatus(t, nf, http.StatusNotFound, "unknown campaign calendar")
		for _, path := range []string{"/mentions-legales", "/donnees-personnelles", "/accessibilite", "/contact"} {
			wantStatus(t, b.get(path), http.StatusOK, path)
		}
		wantContains(t, b.get("/accessibilite"), "accessibility statement", "partiellement conforme", "Défenseur des droits")
	})
}

func TestPathsWithoutSlugRedirectToTheCampaignInThatPhase(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		open, vote := demo.Slugs(testNow)
		for path, want := range map[string]string{
			"/vote":          "/" + vote + "/vote",
			"/comptoirs":     "/" + open + "/comptoirs",
			"/idees/deposer": "/" + open + "/idees/deposer",
			"/resultats?x=1": "/pas-de-calais-2018/resultats?x=1", // no current campaign has results yet
			"/calendrier":    "/" + open + "/calendrier",
		} {
			p := b.get(path)
			if p.Status != http.StatusSeeOther || p.Location != want {
				t.Errorf("%s: status %d location %q, want 303 %q", path, p.Status, p.Location, want)
			}
		}
	})
}

func TestEnglishSwitch(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		p := b.get("/?lang=en")
		wantContains(t, p, "english home", `<html lang="en">`, "Past editions", "Français")
		// The choice is remembered.
		p = b.get("/pas-de-calais-2018")
		wantContains(t, p, "english campaign", `<html lang="en">`, "€352,151", "10% of the total cost, capped at €15,000")
		p = b.get("/?lang=fr")
		wantContains(t, p, "back to french", `<html lang="fr">`)
	})
}

func TestOperations(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		wantContains(t, b.get("/healthz"), "healthz", "ok")
		wantContains(t, b.get("/readyz"), "readyz", "ready")
		b.get("/")
		// Without a token configured, the site has no /metrics (see TestMetricsBehindToken).
		wantStatus(t, b.get("/metrics"), http.StatusNotFound, "metrics")
		if id := b.get("/").Header.Get("X-Request-Id"); len(id) != 16 {
			t.Errorf("X-Request-Id = %q", id)
		}
		css := b.get("/static/site.css")
		wantStatus(t, css, http.StatusOK, "style sheet")
		if !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") {
			t.Errorf("site.css content type %q", css.Header.Get("Content-Type"))
		}
		if csp := b.get("/").Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("CSP = %q", csp)
		}
	})
}

func TestStateChangingRequestsNeedTheToken(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		b.get("/")
		p := b.postRaw("/deconnexion", url.Values{})
		wantStatus(t, p, http.StatusForbidden, "POST without token")
		wantContains(t, p, "csrf page", "refusée par sécurité")
		p = b.postRaw("/deconnexion", url.Values{"csrf_token": {"forged"}})
		wantStatus(t, p, http.StatusForbidden, "POST with a forged token")
	})
}

func TestOversizedUploadGetsASizeMessage(t *testing.T) {
	s := newSite(t, siteDB(t))
	b := s.browser()
	b.get("/")
	body := strings.NewReader(strings.Repeat("x", 33<<20))
	req, err := http.NewRequest(http.MethodPost, s.srv.URL+"/compte/structures/nouvelle", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "multipart/form-data; boundary=xyz")
	req.Header.Set("Origin", s.srv.URL)
	p := b.do(req)
	wantStatus(t, p, http.StatusRequestEntityTooLarge, "33 MB upload")
	wantContains(t, p, "33 MB upload", "trop volumineux")
}

// The public lists of campaigns come from a copy kept a second at most, which a change made
// through this process replaces at once.
func TestCampaignListsShowAChangeAtOnce(t *testing.T) {
	s := newSite(t, siteDB(t))
	ctx := context.Background()
	b := s.browser()
	wantContains(t, b.get("/"), "home", "Budget citoyen du Pas-de-Calais 2018")
	wantContains(t, b.get("/api/v1/campaigns"), "API", "Budget citoyen du Pas-de-Calais 2018")
	c, err := campaign.BySlug(ctx, s.db, "pas-de-calais-2018")
	if err != nil {
		t.Fatal(err)
	}
	c.Name = "Budget participatif 2018 (renommé)"
	if err := campaign.Update(ctx, s.db, c, testNow); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/api/v1/campaigns", "/donnees"} {
		wantContains(t, b.get(path), path+" after the change", "Budget participatif 2018 (renommé)")
	}
}

// The assets are the same for everyone: served before the session is read, their responses
// do not vary with the cookie and set none, so that shared caches may keep them. They keep
// the security headers, and an unknown asset still gets the French 404 page.
func TestAssetsDoNotDependOnTheSession(t *testing.T) {
	s := newSite(t, siteDB(t))
	b := s.browser()
	a := demoAccount(t, "citizen")
	b.signIn(a.Email, a.Password)
	for _, path := range []string{"/static/site.css", "/static/favicon.svg"} {
		p := b.get(path)
		wantStatus(t, p, http.StatusOK, path)
		if v := p.Header.Values("Vary"); len(v) != 0 {
			t.Errorf("%s: Vary %q", path, v)
		}
		if c := p.Header.Values("Set-Cookie"); len(c) != 0 {
			t.Errorf("%s: sets cookies %q", path, c)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Request-Id"} {
			if p.Header.Get(h) == "" {
				t.Errorf("%s: no %s", path, h)
			}
		}
		if cc := p.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
			t.Errorf("%s: Cache-Control %q", path, cc)
		}
	}
	nf := b.get("/static/nope.css")
	wantStatus(t, nf, http.StatusNotFound, "unknown asset")
	wantContains(t, nf, "unknown asset", `<html lang="fr">`, "Se déconnecter")
	if v := b.get("/").Header.Values("Vary"); len(v) == 0 {
		t.Error("pages no longer vary with the cookie")
	}
}
