package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/results"
)

// A project's public page outlives the vote: every project of the 2018 edition that was on
// its ballot (winners, not funded, granted since) is in its catalogue and answers 200 at its
// address; a dossier that never reached the ballot stays a 404.
func TestProjectPagesOutliveTheVote(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		c, err := campaign.BySlug(ctx, s.db, campaign.PresetPasDeCalais2018)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := results.Projects(ctx, s.db, c.ID)
		if err != nil || len(ps) == 0 {
			t.Fatalf("the 2018 ballot: %d projects (%v)", len(ps), err)
		}
		b := s.browser()
		list := b.get("/" + c.Slug + "/projets")
		wantStatus(t, list, http.StatusOK, "2018 catalogue")
		wantContains(t, list, "2018 catalogue", fmt.Sprintf("%d projets affichés", len(ps)))
		for _, p := range ps {
			path := fmt.Sprintf("/%s/projets/%d", c.Slug, p.ID)
			if !strings.Contains(list.Body, `href="`+path+`"`) {
				t.Errorf("the catalogue does not link %s", path)
			}
			wantStatus(t, b.get(path), http.StatusOK, path)
		}
		all, err := dossier.List(ctx, s.db, dossier.Filter{CampaignID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		public := map[dossier.State]bool{}
		for _, st := range dossier.PublicStates() {
			public[st] = true
		}
		hidden := 0
		for _, d := range all {
			if !public[d.State] {
				hidden++
				wantStatus(t, b.get(fmt.Sprintf("/%s/projets/%d", c.Slug, d.ID)), http.StatusNotFound, "dossier "+string(d.State))
			}
		}
		if hidden == 0 {
			t.Fatal("every 2018 dossier reached the ballot: the 404 case proves nothing")
		}
	})
}
