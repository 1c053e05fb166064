package demo_test

import (
	"context"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/review"
)

// TestDemoDataIsConsistent: the demo committee member sits on the committee of the campaign
// whose dossiers are open; each structure's legal form is the one its name announces; no
// project name twice in 2018; the demo carrier may vote (no "compte de gestion"). The data
// do not depend on the database: SQLite alone.
func TestDemoDataIsConsistent(t *testing.T) {
	ctx := context.Background()
	now := demo.SeededNow
	d, _ := demo.Seeded.SQLite(t)
	open, vote := demo.Slugs(now)
	oc, err := campaign.BySlug(ctx, d, open)
	if err != nil {
		t.Fatal(err)
	}
	vc, err := campaign.BySlug(ctx, d, vote)
	if err != nil {
		t.Fatal(err)
	}
	if !oc.IsOpen(campaign.PhaseDossiers, now) {
		t.Fatalf("%s: dossiers not open", open)
	}

	members, err := review.Members(ctx, d, oc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var committee, carrier demo.Account
	for _, a := range demo.Accounts(now) {
		switch a.Role {
		case access.Committee:
			committee = a
		case access.Carrier:
			carrier = a
		}
	}
	on := false
	for _, m := range members {
		on = on || m.Email == committee.Email
	}
	if !on {
		t.Errorf("the demo committee member is not on the committee of %s (members %v)", open, members)
	}

	forms := map[string]dossier.LegalForm{"SCIC": dossier.FormSCIC, "SCOP": dossier.FormSCOP, "CAE": dossier.FormCAE,
		"Association": dossier.FormAssociation, "Coopérative": dossier.FormCooperative, "Fondation": dossier.FormFoundation,
		"Mutuelle": dossier.FormMutual}
	archived, err := campaign.BySlug(ctx, d, campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*campaign.Campaign{archived, oc, vc} {
		list, err := dossier.List(ctx, d, dossier.Filter{CampaignID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		titles := map[string]bool{}
		for _, ds := range list {
			first, _, _ := strings.Cut(ds.StructureName, " ")
			if want, ok := forms[first]; ok && ds.LegalForm != want {
				t.Errorf("%s: structure %q is a %s", c.Slug, ds.StructureName, ds.LegalForm)
			}
			if ds.Title != "" && titles[ds.Title] {
				t.Errorf("%s: project %q twice", c.Slug, ds.Title)
			}
			titles[ds.Title] = true
		}
	}

	acc, err := account.Authenticate(ctx, d, demo.TestPasswords, carrier.Email, carrier.Password, "", now)
	if err != nil {
		t.Fatal(err)
	}
	if !access.Allowed(access.ActorFor(acc), access.PermVote, &vc.ID) {
		t.Error("the demo carrier may not vote: told « compte de gestion »")
	}
}
