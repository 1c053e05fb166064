package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/demo"
)

var searchCountRe = regexp.MustCompile(`(\d+) résultats? pour « ([^»]*) »`)

// searchCount reads the number of results a list page announces for its search.
func searchCount(t *testing.T, p page, what string) int {
	t.Helper()
	wantStatus(t, p, 200, what)
	m := searchCountRe.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("%s: no count of results; body:\n%s", what, excerpt(p.Body))
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestSearchLists searches the demo's public and staff lists through the site, on both
// databases: « épicerie » is found from « epicerie » and « épiceries » in ideas and in
// projects, with the lists' other filters, never showing a hidden idea to the public.
func TestSearchLists(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		const arch = "/pas-de-calais-2018"
		v := s.browser()

		ideas := map[string]int{}
		for _, q := range []string{"épicerie", "epicerie", "épiceries", "EPICERIES"} {
			p := v.get(arch + "/idees?q=" + url.QueryEscape(q))
			ideas[q] = searchCount(t, p, "ideas for "+q)
			wantContains(t, p, "ideas for "+q, `type="search"`, `value="`+q+`"`, "Une épicerie solidaire")
		}
		if ideas["épicerie"] == 0 || ideas["epicerie"] != ideas["épicerie"] || ideas["épiceries"] != ideas["épicerie"] || ideas["EPICERIES"] != ideas["épicerie"] {
			t.Errorf("ideas found: %v", ideas)
		}
		// With a filter: fewer or as many, the filter kept in its field.
		p := v.get(arch + "/idees?theme=alimentation&q=epicerie")
		if n := searchCount(t, p, "food ideas for epicerie"); n == 0 || n > ideas["epicerie"] {
			t.Errorf("food ideas for epicerie: %d of %d", n, ideas["epicerie"])
		}
		wantContains(t, p, "food ideas for epicerie", `<option value="alimentation" selected>`, `value="epicerie"`)
		wantContains(t, v.get(arch+"/idees?q=zzzzqq"), "ideas for zzzzqq", "Aucun résultat pour « zzzzqq »")
		// The pages of a search keep it.
		p = v.get(arch + "/idees?q=habitants")
		if n := searchCount(t, p, "ideas for habitants"); n <= 20 {
			t.Errorf("%d ideas for habitants: not enough for a second page", n)
		}
		wantContains(t, p, "ideas for habitants", `href="`+arch+`/idees?page=2&amp;q=habitants"`)
		for _, q := range []string{"de la", "!!!", `"*(`, "«»"} {
			wantContains(t, v.get(arch+"/idees?q="+url.QueryEscape(q)), "ideas for "+q, "ne contient aucun mot à rechercher")
		}

		// A hidden idea: not found by the public, found by the moderation.
		var id int64
		var title string
		if err := s.db.QueryRowContext(context.Background(), `SELECT id, title FROM ideas WHERE hidden_at IS NOT NULL
			ORDER BY id LIMIT 1`).Scan(&id, &title); err != nil {
			t.Fatal(err)
		}
		link := fmt.Sprintf(`/idees/%d"`, id)
		var slug string
		if err := s.db.QueryRowContext(context.Background(), `SELECT c.slug FROM campaigns c JOIN ideas i ON i.campaign_id = c.id
			WHERE i.id = $1`, id).Scan(&slug); err != nil {
			t.Fatal(err)
		}
		if p := v.get("/" + slug + "/idees?q=" + url.QueryEscape(title)); strings.Contains(p.Body, link) {
			t.Errorf("the public finds the hidden idea %q", title)
		}
		agent := s.browser()
		a := demoAccount(t, access.Agent)
		agent.signIn(a.Email, a.Password)
		p = agent.get("/" + slug + "/idees/moderation?etat=masquees&q=" + url.QueryEscape(title))
		wantContains(t, p, "moderation of the hidden idea", link, `value="masquees" selected`)

		// Projects: the catalogue, and the agents' list of dossiers.
		projects := map[string]int{}
		for _, q := range []string{"épicerie", "epicerie", "épiceries"} {
			p := v.get(arch + "/projets?q=" + url.QueryEscape(q))
			projects[q] = searchCount(t, p, "projects for "+q)
			wantContains(t, p, "projects for "+q, "Épicerie solidaire")
		}
		if projects["épicerie"] == 0 || projects["epicerie"] != projects["épicerie"] || projects["épiceries"] != projects["épicerie"] {
			t.Errorf("projects found: %v", projects)
		}
		if n := searchCount(t, agent.get("/admin/campagnes"+arch+"/dossiers?q=epiceries"), "dossiers for epiceries"); n < projects["épicerie"] {
			t.Errorf("%d dossiers for epiceries, %d projects", n, projects["épicerie"])
		}

		// Comptoirs: the public list and the agents'.
		open, _ := demo.Slugs(s.now)
		p = v.get("/" + open + "/comptoirs?q=financements")
		if n := searchCount(t, p, "comptoirs for financements"); n != 2 {
			t.Errorf("%d comptoirs for financements, want 2 (Calais, Liévin)", n)
		}
		wantContains(t, p, "comptoirs for financements", "Comptoir de Calais", "Comptoir de Liévin")
		if n := searchCount(t, agent.get("/"+open+"/comptoirs/gestion?q=financement"), "managed comptoirs for financement"); n != 2 {
			t.Errorf("%d managed comptoirs for financement, want 2", n)
		}
	})
}
