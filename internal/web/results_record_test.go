package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/results"
	"budgetcitoyen/internal/review"
	"budgetcitoyen/internal/vote"
)

func TestRecordResults(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		c, slug := votingCampaign(t, s)
		withoutBox(t, s, c)
		ballot, err := vote.BallotProjects(ctx, s.db, c.ID)
		if err != nil || len(ballot) < 3 {
			t.Fatalf("projects on the ballot: %d %v", len(ballot), err)
		}
		// A global envelope for about half the support asked, so that some projects lose.
		var asked int64
		for _, pr := range ballot {
			asked += pr.SupportCents
		}
		if _, err := s.db.ExecContext(ctx, "UPDATE campaigns SET envelope_cents = $1, per_category_envelopes = $2 WHERE id = $3",
			asked/2, false, c.ID); err != nil {
			t.Fatal(err)
		}
		if c, err = campaign.BySlug(ctx, s.db, slug); err != nil {
			t.Fatal(err)
		}
		castBallots(t, s, c, 60)
		decisionURL := "/admin/campagnes/" + slug + "/commission-permanente"
		recordURL := "/admin/campagnes/" + slug + "/resultats"

		agent := demoAccount(t, "agent")
		a := s.browser()
		a.signIn(agent.Email, agent.Password)

		// Before the close: nothing to press, and the route refuses.
		p := a.get(decisionURL)
		wantStatus(t, p, http.StatusOK, "decision page before the close")
		wantContains(t, p, "decision page before the close", "après la clôture du vote")
		wantStatus(t, a.post(recordURL, url.Values{}), http.StatusConflict, "record before the close")

		// After the close: the agent records the engine's winners.
		w, _ := c.Window(campaign.PhaseVote)
		s.now = w.End.Add(time.Second)
		p = a.get(decisionURL)
		wantContains(t, p, "decision page after the close", `action="`+recordURL+`"`, "Enregistrer les résultats")

		citizen := demoAccount(t, "citizen")
		cb := s.browser()
		cb.signIn(citizen.Email, citizen.Password)
		wantStatus(t, cb.post(recordURL, url.Values{}), http.StatusForbidden, "citizen records")

		p = a.post(recordURL, url.Values{})
		wantStatus(t, p, http.StatusSeeOther, "record")
		if p.Location != decisionURL {
			t.Errorf("after recording: %q", p.Location)
		}

		data, err := results.Load(ctx, s.db, c)
		if err != nil {
			t.Fatal(err)
		}
		res, err := results.Compute(data)
		if err != nil || len(res.Winners) == 0 || len(res.Winners) == len(ballot) {
			t.Fatalf("engine: %d winners of %d (%v)", len(res.Winners), len(ballot), err)
		}
		for _, pr := range ballot {
			d, err := dossier.ByID(ctx, s.db, pr.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := dossier.StateNotFunded
			if slices.Contains(res.Winners, pr.ID) {
				want = dossier.StateWinner
			}
			if d.State != want {
				t.Errorf("project %d: %s, want %s", pr.ID, d.State, want)
			}
		}
		wantAudit(t, s, "review.results", `"ballot"`, `"winner"`)

		// The Commission permanente form lists the winners with their computed support.
		p = a.get(decisionURL)
		wantStatus(t, p, http.StatusOK, "decision form")
		wantContains(t, p, "decision form", "Résultats enregistrés", `name="deliberation"`)
		for _, pr := range ballot {
			field := `name="` + review.GrantAmountField(pr.ID) + `"`
			if slices.Contains(res.Winners, pr.ID) {
				wantContains(t, p, "decision form", field, `value="`+campaign.MoneyInput(pr.SupportCents)+`"`)
			} else if strings.Contains(p.Body, field) {
				t.Errorf("project %d not funded, yet in the decision form", pr.ID)
			}
		}
		if strings.Contains(p.Body, `action="`+recordURL+`"`) {
			t.Errorf("the record button is still offered")
		}

		// A second press is refused, and changes nothing.
		p = a.post(recordURL, url.Values{})
		wantStatus(t, p, http.StatusConflict, "second press")
		wantContains(t, p, "second press", "déjà enregistrés")
		winners, _ := dossier.List(ctx, s.db, dossier.Filter{CampaignID: c.ID, State: dossier.StateWinner})
		if len(winners) != len(res.Winners) {
			t.Errorf("%d winners after a second press, want %d", len(winners), len(res.Winners))
		}
	})
}
