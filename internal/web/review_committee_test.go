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
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/review"
)

// committeeMailCount counts the committee's e-mails (assignments, reminders) queued to addr.
func (s *site) committeeMailCount(addr string) int {
	n := 0
	for _, m := range s.mails(addr) {
		if strings.Contains(m.Subject, "Comité de labellisation") || strings.Contains(m.Subject, "avis du comité") {
			n++
		}
	}
	return n
}

// TestCommitteeScheduleAndQuorum goes through the real router: the settings form refuses a
// quorum above the reviewers and a due date outside the labelling phase (422, as typed),
// the due date shows on the agent's and the members' pages, the automatic assignment
// e-mails the members and only them, and a decision below the quorum is refused without an
// override and a reason, on the session's form and on the dossier's, keeping what was
// typed; with them it is recorded and the reason is in the audit entry.
func TestCommitteeScheduleAndQuorum(t *testing.T) {
	eachSiteDB(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		ctx := context.Background()
		open := openSlug()
		c, err := campaign.BySlug(ctx, d, open)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, "UPDATE dossiers SET state = 'submitted', submitted_at = $1 WHERE campaign_id = $2",
			testNow, c.ID); err != nil {
			t.Fatal(err)
		}
		s.now = testNow.Add(65 * 24 * time.Hour)
		first, last, ok := c.Days(campaign.PhaseLabelling)
		if !ok || !c.IsOpen(campaign.PhaseLabelling, s.now) {
			t.Fatal("labelling phase not open at the test's clock")
		}
		admin := "/admin/campagnes/" + open
		agent := s.browser()
		ag := demoAccount(t, access.Agent)
		agent.signIn(ag.Email, ag.Password)
		committee, citizen, carrier := demoAccount(t, access.Committee), demoAccount(t, access.Citizen), demoAccount(t, access.Carrier)
		for _, m := range []url.Values{{"email": {committee.Email}, "kind": {"ess"}}, {"email": {citizen.Email}, "kind": {"departement"}}} {
			wantStatus(t, agent.post(admin+"/comite/membres", m), http.StatusSeeOther, "add member")
		}

		// The settings form: refused as typed.
		for _, tc := range []struct {
			name             string
			min, quorum, due string
			want             []string
			wantValues       []string
		}{
			{"quorum above reviewers", "2", "3", "", []string{"Le quorum ne peut pas dépasser le nombre minimal d'examinateurs par dossier (2)."},
				[]string{`name="quorum" type="number" value="3"`}},
			{"due date not a date", "2", "2", "bientôt", []string{"Indiquez une date au format JJ/MM/AAAA."}, []string{`value="bientôt"`}},
			{"due date after the phase", "2", "2", last.DayStart(c.Location()).AddDate(0, 0, 1).Format("2006-01-02"),
				[]string{"La date limite doit tomber pendant la phase de labellisation"}, nil},
			{"due date before the phase", "2", "2", first.DayStart(c.Location()).AddDate(0, 0, -1).Format("2006-01-02"),
				[]string{"La date limite doit tomber pendant la phase de labellisation, du " + i18n.Date(i18n.FR, first.DayStart(time.UTC)) +
					" au " + i18n.Date(i18n.FR, last.DayStart(time.UTC)) + "."},
				[]string{`value="` + first.DayStart(c.Location()).AddDate(0, 0, -1).Format("2006-01-02") + `"`}},
		} {
			p := plain(agent.post(admin+"/comite/reglages", url.Values{"min_reviewers": {tc.min}, "quorum": {tc.quorum}, "due_on": {tc.due}}))
			wantStatus(t, p, http.StatusUnprocessableEntity, tc.name)
			wantContains(t, p, tc.name, tc.want...)
			wantContains(t, p, tc.name, tc.wantValues...)
		}
		if set, _ := review.SettingsOf(ctx, d, c.ID); set.Quorum != review.DefaultQuorum || set.HasDue() {
			t.Fatalf("a refused form changed the settings: %+v", set)
		}
		wantStatus(t, agent.post(admin+"/comite/reglages", url.Values{"min_reviewers": {"2"}, "quorum": {"2"}, "due_on": {last.String()}}),
			http.StatusSeeOther, "settings")
		dueWords := i18n.Date(i18n.FR, last.DayStart(time.UTC))
		p := plain(agent.get(admin + "/comite"))
		wantContains(t, p, "committee page", "Les avis sont attendus au plus tard le "+dueWords+".", `value="`+last.String()+`"`, "Aucun avis n'est en retard.")

		// The assignment e-mails the members, once each, and nobody else.
		wantStatus(t, agent.post(admin+"/comite/affectations/auto", url.Values{}), http.StatusSeeOther, "auto assignment")
		for _, addr := range []string{committee.Email, citizen.Email} {
			if n := s.committeeMailCount(addr); n != 1 {
				t.Errorf("%s: %d committee e-mails, want 1", addr, n)
			}
		}
		for _, addr := range []string{ag.Email, carrier.Email} {
			if n := s.committeeMailCount(addr); n != 0 {
				t.Errorf("%s is no member and got %d committee e-mails", addr, n)
			}
		}

		// The member sees the due date and hands in one review.
		cm := s.browser()
		cm.signIn(committee.Email, committee.Password)
		p = plain(cm.get("/" + open + "/comite"))
		wantStatus(t, p, http.StatusOK, "member's list")
		acc, _ := account.ByEmail(ctx, d, committee.Email)
		mine, _ := review.AssignmentsOf(ctx, d, c.ID, acc.ID)
		if len(mine) == 0 {
			t.Fatal("the member has no dossier")
		}
		wantContains(t, p, "member's list", "Vos avis sont attendus au plus tard le "+i18n.LongDate(i18n.FR, last.DayStart(time.UTC))+".")
		x := mine[0].DossierID
		id := strconv.FormatInt(x, 10)
		wantStatus(t, cm.post("/"+open+"/comite/"+id+"/declaration", url.Values{"conflict": {"no"}}), http.StatusSeeOther, "declare none")
		wantContains(t, plain(cm.get("/"+open+"/comite/"+id)), "review form", "Vos avis sont attendus au plus tard le")
		ds, _ := dossier.ByID(ctx, d, x)
		grids, _ := review.Criteria(ctx, d, ds.CategoryID)
		wantStatus(t, cm.post("/"+open+"/comite/"+id, fullReviewForm(grids[ds.CategoryID], "3")), http.StatusSeeOther, "hand in")

		// One review of the two the quorum asks: refused, as typed.
		motivation := "Projet solide, partenaires engagés."
		for _, tc := range []struct {
			name string
			form url.Values
			want []string
		}{
			{"no override", url.Values{"ids": {id}, "decision": {"labelled"}, "motivation": {motivation}},
				[]string{"Le dossier n° " + id + " n'atteint pas le quorum de 2 avis (avis rendus : 1).", motivation,
					`value="` + id + `" id="sel-` + id + `" checked`}},
			{"override without reason", url.Values{"ids": {id}, "decision": {"labelled"}, "motivation": {motivation}, "override": {"1"}},
				[]string{"Indiquez la raison de décider sous le quorum.", motivation, `name="override" value="1" checked`}},
			{"dossier page", url.Values{"ids": {id}, "decision": {"labelled"}, "motivation": {motivation}, "back": {"dossier"}},
				[]string{"n'atteint pas le quorum", motivation, `name="back" value="dossier"`, `id="dec-labelled" name="decision" value="labelled" checked`}},
		} {
			p := plain(agent.post(admin+"/comite/seance", tc.form))
			wantStatus(t, p, http.StatusUnprocessableEntity, tc.name)
			wantContains(t, p, tc.name, tc.want...)
			if st, _ := dossier.ByID(ctx, d, x); st.State != dossier.StateUnderReview {
				t.Fatalf("%s: the dossier is %s", tc.name, st.State)
			}
		}
		reason := "Le second examinateur est absent jusqu'à la commission."
		wantStatus(t, agent.post(admin+"/comite/seance", url.Values{"ids": {id}, "decision": {"labelled"}, "motivation": {motivation},
			"override": {"1"}, "override_reason": {reason}}), http.StatusSeeOther, "decision with override")
		if st, _ := dossier.ByID(ctx, d, x); st.State != dossier.StateLabelled {
			t.Fatalf("not labelled with the override: %s", st.State)
		}
		es, err := audit.List(ctx, d, audit.Filter{Action: "review.label", EntityID: id})
		if err != nil || len(es) != 1 || !strings.Contains(es[0].After, reason) || !strings.Contains(es[0].After, `"quorum_override"`) ||
			strings.Contains(es[0].After, "@") {
			t.Fatalf("audit of the override: %+v %v", es, err)
		}

		// After the due date: the agent sees the overdue reviews, the member is told.
		s.now = last.DayEnd(c.Location()).Add(time.Hour)
		late, err := review.Overdue(ctx, d, c.ID, s.now)
		if err != nil || len(late) == 0 {
			t.Fatalf("overdue: %d %v", len(late), err)
		}
		p = plain(agent.get(admin + "/comite"))
		wantContains(t, p, "committee page after the due date", "en retard")
		if len(late) > 1 {
			wantContains(t, p, "committee page after the due date", strconv.Itoa(len(late))+" avis sont en retard.")
		}
		if len(mine) > 1 {
			wantContains(t, plain(cm.get("/"+open+"/comite")), "member's list after the due date", "La date limite est passée")
		}
	})
}
