package demo

import (
	"context"
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/territory"
)

func TestDemoDossiers(t *testing.T) {
	now := SeededNow
	terr, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range demoCommunes {
		if c, ok := terr.Commune(code); !ok || c.Departement != "62" {
			t.Errorf("demo commune %s is not in the Pas-de-Calais", code)
		}
	}
	Seeded.Each(t, func(t *testing.T, d *db.DB, _ string) {
		ctx := context.Background()
		c, err := campaign.BySlug(ctx, d, campaign.PresetPasDeCalais2018)
		if err != nil {
			t.Fatal(err)
		}
		// All 60 were submitted; the review has since moved them on (labelled, on the ballot…).
		list, err := dossier.List(ctx, d, dossier.Filter{CampaignID: c.ID, WithLines: true})
		if err != nil || len(list) != 60 {
			t.Fatalf("2018 dossiers: %d, %v", len(list), err)
		}
		perCat := map[int64]int{}
		w, _ := c.Window(campaign.PhaseDossiers)
		for _, ds := range list {
			perCat[ds.CategoryID]++
			cat, _ := c.Category(ds.CategoryID)
			bal := dossier.BalanceOf(ds.Budget, cat.Rule)
			if !bal.Balanced() || bal.SupportCents != ds.SupportCents || ds.SupportCents <= 0 {
				t.Errorf("dossier %d: %+v, stored support %d", ds.ID, bal, ds.SupportCents)
			}
			if ds.SubmittedAt == nil || !w.Contains(*ds.SubmittedAt) {
				t.Errorf("dossier %d submitted at %v, outside the 2018 window", ds.ID, ds.SubmittedAt)
			}
			st, err := dossier.StructureByID(ctx, d, ds.StructureID)
			if err != nil || dossier.CheckSIRET(st.SIRET) != nil || !st.LegalForm.ESS() {
				t.Errorf("structure %+v, %v", st, err)
			}
		}
		if len(perCat) != 3 {
			t.Errorf("categories %v", perCat)
		}
		openSlug, _ := Slugs(now)
		o, _ := campaign.BySlug(ctx, d, openSlug)
		drafts, _ := dossier.List(ctx, d, dossier.Filter{CampaignID: o.ID, State: dossier.StateDraft})
		if len(drafts) < 3 {
			t.Errorf("open campaign drafts: %d", len(drafts))
		}
		for _, a := range Accounts(now) {
			if a.Role != "carrier" {
				continue
			}
			var id int64
			if err := d.QueryRowContext(ctx, "SELECT id FROM accounts WHERE email = $1", a.Email).Scan(&id); err != nil {
				t.Fatal(err)
			}
			mine, _ := dossier.List(ctx, d, dossier.Filter{CampaignID: o.ID, AccountID: id})
			structs, _ := dossier.StructuresOf(ctx, d, id)
			found := false
			for _, st := range structs {
				found = found || st.Name == "Association Les Jardins de Nadia"
			}
			if len(mine) != 1 || !found {
				t.Errorf("demo carrier: %d dossiers in the open campaign, structures %v", len(mine), structs)
			}
		}
		// The dossiers alone (seeded a second time on top, which they allow).
		start := time.Now()
		if err := seedDossiers(ctx, d, now); err != nil {
			t.Fatal(err)
		}
		t.Logf("dossiers seeded in %v", time.Since(start))
	})
}
