package demo_test

import (
	"context"
	"testing"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/idea"
	"budgetcitoyen/internal/territory"
)

func TestSeedIdeas(t *testing.T) {
	terr, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	now := demo.SeededNow
	demo.Seeded.Each(t, func(t *testing.T, d *db.DB, _ string) {
		ctx := context.Background()
		open, _ := demo.Slugs(now)
		for _, tc := range []struct {
			slug           string
			total, hidden  int
			minCommunes    int
			minThemes      int
			minArrondissem int
		}{
			{campaign.PresetPasDeCalais2018, 120, 5, 60, 8, 7},
			{open, 10, 0, 5, 4, 3},
		} {
			c, err := campaign.BySlug(ctx, d, tc.slug)
			if err != nil {
				t.Fatal(err)
			}
			all, total, err := idea.List(ctx, d, idea.Filter{CampaignID: c.ID, IncludeHidden: true})
			if err != nil {
				t.Fatal(err)
			}
			_, published, _ := idea.List(ctx, d, idea.Filter{CampaignID: c.ID})
			if total != tc.total || total-published != tc.hidden {
				t.Errorf("%s: %d ideas, %d hidden; want %d, %d", tc.slug, total, total-published, tc.total, tc.hidden)
			}
			w, _ := c.Window(campaign.PhaseIdeas)
			communes, themes, arrs, titles := map[string]bool{}, map[idea.Theme]bool{}, map[string]bool{}, map[string]bool{}
			for _, i := range all {
				cm, ok := terr.Commune(i.Commune)
				if !ok || cm.Departement != "62" || cm.Arrondissement != i.Arrondissement || cm.EPCI != i.EPCI {
					t.Errorf("idea %d in commune %q (%+v)", i.ID, i.Commune, cm)
				}
				if i.CreatedAt.Before(w.Start) || i.CreatedAt.After(w.End) || i.CreatedAt.After(now) {
					t.Errorf("idea %d deposited at %v, outside %v – %v", i.ID, i.CreatedAt, w.Start, w.End)
				}
				if i.Hidden() && i.HiddenReason == "" {
					t.Errorf("idea %d hidden without a reason", i.ID)
				}
				if !i.Theme.Valid() || !i.Carrier.Valid() || i.Title == "" || len([]rune(i.Title)) > idea.MaxTitleLen || i.Description == "" {
					t.Errorf("idea %d is not a valid deposit: %+v", i.ID, i)
				}
				communes[i.Commune], themes[i.Theme], arrs[i.Arrondissement], titles[i.Title] = true, true, true, true
			}
			if len(communes) < tc.minCommunes || len(themes) < tc.minThemes || len(arrs) < tc.minArrondissem {
				t.Errorf("%s: ideas in %d communes, %d themes, %d arrondissements: not spread enough", tc.slug, len(communes), len(themes), len(arrs))
			}
			if len(titles) < tc.total*3/4 {
				t.Errorf("%s: only %d different titles", tc.slug, len(titles))
			}
			counts, err := idea.CountByCommune(ctx, d, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			sum := 0
			for _, n := range counts {
				sum += n
			}
			if sum != tc.total {
				t.Errorf("%s: CountByCommune sums to %d", tc.slug, sum)
			}
		}
	})
}
