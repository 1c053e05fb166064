package web_test

import (
	"net/http"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
)

// The committee's session shows its dossiers twenty at a time: the 2018 edition's sixty
// made one page over sixteen thousand pixels tall. Each page has its own dossiers, a number
// past the last shows the last, and the pages link to each other.
func TestReviewSessionIsPaged(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		agent := demoAccount(t, access.Agent)
		b := s.browser()
		b.signIn(agent.Email, agent.Password)
		path := "/admin/campagnes/" + campaign.PresetPasDeCalais2018 + "/comite/seance"
		rows := func(p page) int { return strings.Count(p.Body, `name="ids"`) }
		first := b.get(path)
		wantStatus(t, first, http.StatusOK, "page 1")
		wantContains(t, first, "page 1", "Dossiers 1 à 20 sur 60.", "Page 1 sur 3", `href="`+path+`?page=2" rel="next"`)
		if n := rows(first); n != 20 {
			t.Errorf("page 1 shows %d dossiers, want 20", n)
		}
		second := b.get(path + "?page=2")
		wantContains(t, second, "page 2", "Dossiers 21 à 40 sur 60.", `href="`+path+`" rel="prev"`, `value="2"`)
		if n := rows(second); n != 20 {
			t.Errorf("page 2 shows %d dossiers, want 20", n)
		}
		if strings.Contains(second.Body, `id="sel-1"`) {
			t.Error("page 2 shows the first page's dossier 1")
		}
		last := b.get(path + "?page=99")
		wantContains(t, last, "past the last page", "Dossiers 41 à 60 sur 60.", "Page 3 sur 3")
		if strings.Contains(last.Body, `rel="next"`) {
			t.Error("the last page links to a next one")
		}
	})
}
