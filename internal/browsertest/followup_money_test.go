package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
)

// TestFollowupMoneyPagesAndScreens checks the follow-up's money pages with axe-core at both widths,
// their forms empty and re-displayed with errors: the carrier's final report (the demo
// carrier made a member of a funded 2018 project's structure, on a site of its own), the
// agent's page of the project and the follow-up settings; with -screens, it saves their
// screenshots.
func TestFollowupMoneyPagesAndScreens(t *testing.T) {
	t.Parallel()
	s := NewSite(t)
	ctx := context.Background()
	c, err := campaign.BySlug(ctx, s.DB, campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := followup.Projects(ctx, s.DB, c.ID)
	if err != nil || len(ps) == 0 {
		t.Fatalf("2018 funded projects: %d %v", len(ps), err)
	}
	var pr followup.Project
	for _, p := range ps {
		if followup.Open(p.State) {
			pr = p
			break
		}
	}
	if err := dossier.AddMember(ctx, s.DB, pr.StructureID, s.accountID(s.demoEmail(access.Carrier)), s.Now()); err != nil {
		t.Fatal(err)
	}
	report := fmt.Sprintf("/%s/dossiers/%d/bilan", c.Slug, pr.DossierID)
	board := "/admin/campagnes/" + c.Slug + "/suivi"
	staff := fmt.Sprintf("%s/%d", board, pr.DossierID)
	check := func(t *testing.T, tab *Tab, name string, wantErrors bool, submit string) {
		t.Helper()
		if wantErrors {
			if st := tab.Submit(submit); st != http.StatusUnprocessableEntity {
				t.Fatalf("%s: status %d, want 422:\n%s", name, st, tab.MainText())
			}
		}
		tab.SetViewport(1280, 900, false)
		tab.CheckAxe()
		tab.SetViewport(phoneWidth, phoneHeight, true)
		tab.CheckAxe()
		tab.CheckNoHorizontalScroll()
		tab.ResetViewport()
		if *screensDir != "" {
			tab.screens(*screensDir, name)
		}
	}
	carrier := s.NewTab(t)
	carrier.SignInAs(access.Carrier)
	carrier.Open(report)
	check(t, carrier, "followup-report", false, "")
	carrier.Fill("ind0", "-3", "total_cost", "beaucoup")
	check(t, carrier, "followup-report-errors", true, `main form[enctype] button[type=submit]`)

	agent := s.NewTab(t)
	agent.SignInAs(access.Agent)
	agent.Open(board)
	check(t, agent, "followup-board", false, "")
	agent.Open(staff)
	check(t, agent, "followup-staff", false, "")
	agent.Fill("amount", "999 999 999", "paid_on", "2099-01-01")
	check(t, agent, "followup-staff-errors", true, `main form[action$="/paiements"] button[type=submit]`)
	agent.Open(board + "/parametres")
	check(t, agent, "followup-settings", false, "")
	agent.Fill("advance_percent", "150", "steps", "")
	check(t, agent, "followup-settings-errors", true, `main form button[type=submit]`)
}
