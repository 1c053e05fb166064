package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/review"
)

// fullReviewForm fills every field of the review form for a grid.
func fullReviewForm(crit []review.Criterion, score string) url.Values {
	v := url.Values{"submit": {"final"}, "opinion": {"favourable"}, "motivation": {"Projet utile et bien construit."}}
	for _, it := range review.Items() {
		v.Set(review.ItemField(it), "yes")
	}
	for _, c := range crit {
		v.Set(review.ScoreField(c.ID), score)
	}
	return v
}

// TestReviewJourney follows the "Done when" from the demo: an agent builds the
// committee and assigns reviewers, a member with a conflict cannot see the dossier and it is
// reassigned, members score, the agent labels (one, then in bulk), the commission validates,
// the projects are on the public ballot page; the audit chain holds, and breaks when a row
// is changed by hand.
func TestReviewJourney(t *testing.T) {
	eachSiteDB(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		ctx := context.Background()
		open, _ := demo.Slugs(testNow)
		c, err := campaign.BySlug(ctx, d, open)
		if err != nil {
			t.Fatal(err)
		}
		// The open campaign's drafts are submitted; the committee sits two months later.
		if _, err := d.ExecContext(ctx, "UPDATE dossiers SET state = 'submitted', submitted_at = $1 WHERE campaign_id = $2",
			testNow, c.ID); err != nil {
			t.Fatal(err)
		}
		drafts, _ := dossier.List(ctx, d, dossier.Filter{CampaignID: c.ID, State: dossier.StateSubmitted})
		if len(drafts) < 4 {
			t.Fatalf("only %d dossiers to review", len(drafts))
		}
		admin := "/admin/campagnes/" + open
		agent := s.browser()
		ag := demoAccount(t, access.Agent)
		agent.signIn(ag.Email, ag.Password)

		// Before the labelling phase: refused with the phase message.
		wantStatus(t, agent.get(admin+"/comite"), http.StatusOK, "committee page")
		p := agent.post(admin+"/comite/affectations/auto", url.Values{})
		wantStatus(t, p, http.StatusConflict, "assignment before the phase")
		s.now = testNow.Add(65 * 24 * time.Hour)
		if !c.IsOpen(campaign.PhaseLabelling, s.now) {
			t.Fatal("labelling phase not open at the test's clock")
		}

		// The committee: the demo member, the demo citizen, and a new person.
		committee, citizen := demoAccount(t, access.Committee), demoAccount(t, access.Citizen)
		for _, m := range []url.Values{
			{"email": {committee.Email}, "kind": {"ess"}, "organisation": {"CRESS"}},
			{"email": {citizen.Email}, "kind": {"departement"}},
			{"email": {"nouvelle.membre@exemple.fr"}, "name": {"Aline Nouvelle"}, "kind": {"financer"}, "organisation": {"France Active"}},
		} {
			wantStatus(t, agent.post(admin+"/comite/membres", m), http.StatusSeeOther, "add member "+m.Get("email"))
		}
		p = plain(agent.post(admin+"/comite/membres", url.Values{"email": {"inconnu@exemple.fr"}, "kind": {"ess"}}))
		wantStatus(t, p, http.StatusUnprocessableEntity, "new member without a name")
		wantContains(t, p, "new member without a name", "indiquez le nom de la personne")
		wantStatus(t, agent.post(admin+"/comite/reglages", url.Values{"min_reviewers": {"2"}}), http.StatusSeeOther, "settings")
		wantStatus(t, agent.post(admin+"/comite/affectations/auto", url.Values{}), http.StatusSeeOther, "auto assignment")
		all, _ := review.Assignments(ctx, d, c.ID)
		if len(all) != 2*len(drafts) {
			t.Fatalf("%d assignments for %d dossiers", len(all), len(drafts))
		}
		// Assigning a member twice to a dossier is refused.
		p = agent.post(admin+"/comite/affectations", url.Values{"dossier": {strconv.FormatInt(all[0].DossierID, 10)},
			"member": {strconv.FormatInt(all[0].AccountID, 10)}})
		wantStatus(t, p, http.StatusConflict, "assigning twice")
		page := plain(agent.get(admin + "/comite"))
		wantContains(t, page, "committee page", "Aline Nouvelle", "Financeur solidaire", "En cours d'examen")

		// The demo member: a conflict on the first dossier.
		cm := s.browser()
		cm.signIn(committee.Email, committee.Password)
		acc, _ := account.ByEmail(ctx, d, committee.Email)
		mine, _ := review.AssignmentsOf(ctx, d, c.ID, acc.ID)
		if len(mine) < 2 {
			t.Fatalf("demo member has %d dossiers", len(mine))
		}
		wantStatus(t, cm.get("/"+open+"/comite"), http.StatusOK, "member's list")
		conflicted := strconv.FormatInt(mine[0].DossierID, 10)
		p = plain(cm.get("/" + open + "/comite/" + conflicted))
		wantStatus(t, p, http.StatusOK, "declaration page")
		wantContains(t, p, "declaration page", "conflit d'intérêts", `name="conflict"`)
		if strings.Contains(p.Body, "Grille d'analyse") {
			t.Error("the grid is shown before the declaration")
		}
		wantStatus(t, cm.post("/"+open+"/comite/"+conflicted+"/declaration", url.Values{"conflict": {"yes"},
			"note": {"Je préside cette association."}}), http.StatusSeeOther, "declare a conflict")
		p = plain(cm.get("/" + open + "/comite/" + conflicted))
		wantStatus(t, p, http.StatusForbidden, "opening a dossier in conflict")
		wantContains(t, p, "conflict page", "conflit d'intérêts")
		wantStatus(t, cm.post("/"+open+"/comite/"+conflicted, fullReviewForm(nil, "3")), http.StatusForbidden, "scoring in conflict")
		// Nor through the dossier's own page or its documents.
		wantStatus(t, cm.get("/"+open+"/dossiers/"+conflicted), http.StatusForbidden, "dossier page in conflict")
		as, _ := review.DossierAssignments(ctx, d, mine[0].DossierID)
		active := 0
		for _, a := range as {
			if a.Active() {
				active++
			}
		}
		if active != 2 {
			t.Fatalf("after the conflict the dossier has %d active reviewers: %+v", active, as)
		}
		// A dossier not assigned to the member: 403 too.
		assigned := map[int64]bool{}
		for _, a := range mine {
			assigned[a.DossierID] = true
		}
		for _, ds := range drafts {
			if !assigned[ds.ID] {
				wantStatus(t, cm.get("/"+open+"/comite/"+strconv.FormatInt(ds.ID, 10)), http.StatusForbidden, "not assigned")
				break
			}
		}

		// Every member scores: the demo member and the citizen through the site, the new member
		// (no password) once given one.
		nouvelle, _ := account.ByEmail(ctx, d, "nouvelle.membre@exemple.fr")
		if err := account.SetPassword(ctx, d, testPasswords, nouvelle.ID, "mot-de-passe-solide-62", testNow); err != nil {
			t.Fatal(err)
		}
		grids, _ := review.Criteria(ctx, d, c.Categories[0].ID, c.Categories[1].ID, c.Categories[2].ID)
		for _, m := range []struct{ email, password string }{{committee.Email, committee.Password},
			{citizen.Email, citizen.Password}, {"nouvelle.membre@exemple.fr", "mot-de-passe-solide-62"}} {
			b := s.browser()
			b.signIn(m.email, m.password)
			a, _ := account.ByEmail(ctx, d, m.email)
			list, _ := review.AssignmentsOf(ctx, d, c.ID, a.ID)
			for _, x := range list {
				if x.Conflict == review.ConflictDeclared {
					continue
				}
				id := strconv.FormatInt(x.DossierID, 10)
				wantStatus(t, b.post("/"+open+"/comite/"+id+"/declaration", url.Values{"conflict": {"no"}}), http.StatusSeeOther, "declare none")
				ds, _ := dossier.ByID(ctx, d, x.DossierID)
				form := b.get("/" + open + "/comite/" + id)
				wantStatus(t, form, http.StatusOK, "review form")
				wantContains(t, form, "review form", "<fieldset", "<legend>", `name="opinion"`)
				// Handing in an incomplete review: errors next to the fields, nothing lost.
				bad := fullReviewForm(grids[ds.CategoryID], "3")
				bad.Del("opinion")
				p := plain(b.post("/"+open+"/comite/"+id, bad))
				wantStatus(t, p, http.StatusUnprocessableEntity, "incomplete review")
				wantContains(t, p, "incomplete review", "Donnez votre avis global", "Projet utile et bien construit.")
				wantStatus(t, b.post("/"+open+"/comite/"+id, fullReviewForm(grids[ds.CategoryID], "3")), http.StatusSeeOther, "hand in")
			}
		}

		// The session: averages, then decisions one by one and in bulk.
		page = plain(agent.get(admin + "/comite/seance"))
		wantStatus(t, page, http.StatusOK, "session")
		wantContains(t, page, "session", "20,0", "Éligible", "2 Favorable")
		ids := make([]string, len(drafts))
		for i, ds := range drafts {
			ids[i] = strconv.FormatInt(ds.ID, 10)
		}
		p = plain(agent.post(admin+"/comite/seance", url.Values{"ids": {ids[0]}, "decision": {"ineligible"}}))
		wantStatus(t, p, http.StatusUnprocessableEntity, "ineligible without reason")
		wantContains(t, p, "ineligible without reason", "Indiquez une motivation")
		wantStatus(t, agent.post(admin+"/comite/seance", url.Values{"ids": {ids[0]}, "decision": {"not_labelled"},
			"motivation": {"Plan de financement fragile."}}), http.StatusSeeOther, "not labelled")
		// An illegal move: a not-labelled dossier cannot be declared eligible.
		p = plain(agent.post(admin+"/comite/seance", url.Values{"ids": {ids[0]}, "decision": {"eligible"}}))
		wantStatus(t, p, http.StatusConflict, "illegal move")
		wantContains(t, p, "illegal move", "Seul un dossier en cours d'examen peut être déclaré éligible")
		wantStatus(t, agent.post(admin+"/comite/seance", url.Values{"ids": {ids[1]}, "decision": {"labelled"}}), http.StatusSeeOther, "label one")
		wantStatus(t, agent.post(admin+"/comite/seance", url.Values{"ids": ids[2:], "decision": {"labelled"},
			"motivation": {"Projet utile."}}), http.StatusSeeOther, "label in bulk")
		wantStatus(t, agent.get(admin+"/comite/dossiers/"+ids[1]), http.StatusOK, "dossier's reviews")
		csv := agent.get(admin + "/comite/seance/pv.csv")
		wantStatus(t, csv, http.StatusOK, "minutes CSV")
		wantContains(t, csv, "minutes CSV", "Labellisé", "Plan de financement fragile.")
		pdf := agent.get(admin + "/comite/seance/pv.pdf")
		if pdf.Status != http.StatusOK || !strings.HasPrefix(pdf.Body, "%PDF") {
			t.Fatalf("minutes PDF: %d", pdf.Status)
		}

		// A member cannot reach the agents' pages.
		wantStatus(t, cm.get(admin+"/comite/seance"), http.StatusForbidden, "member on the session")

		// The commission, in its phase: one project withdrawn, the others on the ballot.
		s.now = testNow.Add(125 * 24 * time.Hour)
		wantStatus(t, agent.get(admin+"/commission"), http.StatusOK, "commission page")
		form := url.Values{"name": {"Commission Attractivité départementale et emploi"}, "held_on": {"2027-04-01"},
			"reference": {"C1-2027-04"}, review.WithdrawField(drafts[2].ID): {"1"}}
		p = plain(agent.post(admin+"/commission", form))
		wantStatus(t, p, http.StatusUnprocessableEntity, "withdrawal without reason")
		form.Set(review.WithdrawReasonField(drafts[2].ID), "Projet déjà financé par ailleurs.")
		wantStatus(t, agent.post(admin+"/commission", form), http.StatusSeeOther, "commission")
		ballot, _ := dossier.List(ctx, d, dossier.Filter{CampaignID: c.ID, State: dossier.StateBallot})
		if len(ballot) != len(drafts)-2 {
			t.Fatalf("%d projects on the ballot, want %d", len(ballot), len(drafts)-2)
		}
		pub := plain(s.browser().get("/" + open + "/projets"))
		wantStatus(t, pub, http.StatusOK, "public ballot page")
		wantContains(t, pub, "public ballot page", ballot[0].Title)

		// The carrier follows the project's history.
		carrier := demoAccount(t, access.Carrier)
		ca, _ := account.ByEmail(ctx, d, carrier.Email)
		theirs, _ := dossier.List(ctx, d, dossier.Filter{CampaignID: c.ID, AccountID: ca.ID})
		if len(theirs) != 1 {
			t.Fatalf("carrier has %d dossiers", len(theirs))
		}
		cb := s.browser()
		cb.signIn(carrier.Email, carrier.Password)
		h := plain(cb.get(review.HistoryURL(open, theirs[0].ID)))
		wantStatus(t, h, http.StatusOK, "history")
		wantContains(t, h, "history", "Historique du projet", "Déposé", "En cours d'examen", t2s(theirs[0].State))
		if strings.Contains(h.Body, "Projet utile et bien construit.") {
			t.Error("a private review shows in the carrier's history")
		}
		wantStatus(t, s.browser().get(review.HistoryURL(open, theirs[0].ID)), http.StatusSeeOther, "history for a visitor")

		// The audit chain holds, and breaks when a row is changed by hand.
		rep, err := audit.Verify(ctx, d)
		if err != nil || !rep.OK() {
			t.Fatalf("audit after the journey: %+v %v", rep, err)
		}
		var n int
		_ = d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'review.%'").Scan(&n)
		if n < 10 {
			t.Errorf("only %d review entries in the audit log", n)
		}
		if _, err := d.ExecContext(ctx, `UPDATE audit_log SET after_json = '{"state":"labelled"}'
			WHERE id = (SELECT MAX(id) FROM audit_log WHERE action = 'review.commission')`); err != nil {
			t.Fatal(err)
		}
		if rep, err := audit.Verify(ctx, d); err != nil || rep.OK() {
			t.Fatalf("audit after tampering: %+v %v", rep, err)
		}
	})
}

// t2s names a state the way the history page shows it in French.
func t2s(st dossier.State) string {
	switch st {
	case dossier.StateBallot:
		return "Soumis au vote"
	case dossier.StateWithdrawn:
		return "Retiré par la commission"
	case dossier.StateNotLabelled:
		return "Non labellisé"
	}
	return string(st)
}
