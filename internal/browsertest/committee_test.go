package browsertest

import (
	"context"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
)

// TestCommitteeSchedulePages shows the pages issue 22 item 3 changes — the committee page
// with its settings (quorum, due date), the session and the dossier's decision form refused
// below the quorum, the member's list with the due date — at 1280 and 375 px, with axe-core.
// The blocks added here fit the phone, and no page scrolls sideways.
func TestCommitteeSchedulePages(t *testing.T) {
	s := NewSite(t)
	ctx := context.Background()
	open, _ := s.Slugs()
	c, err := campaign.BySlug(ctx, s.DB, open)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.ExecContext(ctx, "UPDATE dossiers SET state = 'submitted', submitted_at = $1 WHERE campaign_id = $2",
		seedNow, c.ID); err != nil {
		t.Fatal(err)
	}
	s.SetNow(seedNow.AddDate(0, 0, 65))
	_, last, _ := c.Days(campaign.PhaseLabelling)
	admin := "/admin/campagnes/" + open

	tab := s.NewTab(t)
	tab.SignInAs(access.Agent)
	tab.Open(admin + "/comite")
	member := s.Account(t, access.Committee)
	tab.Type("email", member.Email)
	tab.Set("kind", "ess")
	tab.SubmitOK(`main form[action="` + admin + `/comite/membres"] button[type=submit]`)
	// A due date outside the phase: the form comes back with the message, as typed.
	tab.Type("min_reviewers", "1")
	tab.Type("quorum", "1")
	tab.Set("due_on", "2000-01-01")
	if st := tab.Submit(`main form[action="` + admin + `/comite/reglages"] button[type=submit]`); st != 422 {
		t.Fatalf("due date outside the phase: status %d", st)
	}
	tab.WantText("La date limite doit tomber pendant la phase de labellisation")
	shoot(t, tab, "committee-settings-error", "#reglages ~ form")
	tab.Set("due_on", last.String())
	tab.SubmitOK(`main form[action="` + admin + `/comite/reglages"] button[type=submit]`)
	tab.SubmitOK(`main form[action="` + admin + `/comite/affectations/auto"] button[type=submit]`)
	tab.WantText("Les avis sont attendus au plus tard le")
	shoot(t, tab, "committee", "#reglages ~ form")

	// The session: a decision without any review is refused below the quorum.
	tab.Open(admin + "/comite/seance")
	tab.Click(`main input[name=ids]`)
	tab.Set("decision", "labelled")
	tab.Type("motivation", "Projet solide.")
	if st := tab.Submit(`main form[action="` + admin + `/comite/seance"] button[type=submit]`); st != 422 {
		t.Fatalf("decision below the quorum: status %d", st)
	}
	// The session's table is long: read the decision block itself (WantText reads the
	// first 2,000 characters of the page).
	if got := tab.Text(".quorum-override"); !strings.Contains(got, "n'atteint pas le quorum") || !strings.Contains(got, "Décider sous le quorum") {
		t.Errorf("the quorum's refusal: %q", got)
	}
	if tab.Value("motivation") != "Projet solide." {
		t.Errorf("the motivation typed was lost: %q", tab.Value("motivation"))
	}
	shoot(t, tab, "committee-session-quorum", ".quorum-override")

	// The member's list with the due date.
	mt := s.NewTab(t)
	mt.SignIn(member.Email, member.Password)
	mt.Open("/" + open + "/comite")
	mt.WantText("Vos avis sont attendus au plus tard le")
	shoot(t, mt, "committee-member", ".committee-due")
}

// shoot checks the page with axe-core, takes its screenshots at 1280 and 375 px, and checks
// that the element sel (a block this issue adds) fits a 375 px phone, as the page does.
func shoot(t *testing.T, tab *Tab, name, sel string) {
	t.Helper()
	tab.CheckAxe()
	tab.SetViewport(1280, 900, false)
	tab.Screenshot(name + "-1280")
	tab.SetViewport(phoneWidth, phoneHeight, true)
	tab.Screenshot(name + "-375")
	right := Eval[float64](tab, `Math.max(...[...document.querySelectorAll(`+jsString(sel)+`)].map(e => e.getBoundingClientRect().right))`)
	if right > phoneWidth {
		t.Errorf("%s: %s reaches %.0f px on a %d px phone", name, sel, right, phoneWidth)
	}
	tab.ResetViewport()
	tab.CheckNoHorizontalScroll()
}
