package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/vote"
)

// For two minutes after the close, the results read the ballot box again at every request,
// so that a ballot accepted in the last second and committed just after the close is
// counted. After that the ballots and the turnout are final, and the results of every
// request come from the process's one copy of them.
func TestResultsOfAClosedVote(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		c, slug := votingCampaign(t, s)
		withoutBox(t, s, c)
		castBallots(t, s, c, 20)
		ps, err := vote.BallotProjects(ctx, s.db, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		late := func(i int) {
			t.Helper()
			_, err := vote.NewBox(s.db, time.Now).Cast(ctx, vote.Cast{CampaignID: c.ID, PersonKey: fmt.Sprintf("late-%d", i),
				Commune: "62041", AgeBracket: vote.AgeBrackets()[0], Choices: []int64{ps[0].ID}})
			if err != nil {
				t.Fatal(err)
			}
		}
		b := s.browser()
		counts := func(what string, wantBallots int) {
			t.Helper()
			p := b.get("/api/v1/campaigns/" + slug + "/results")
			wantStatus(t, p, http.StatusOK, what)
			var r struct {
				Ballots int `json:"ballots"`
				Turnout struct {
					Voters int `json:"voters"`
				} `json:"turnout"`
			}
			if err := json.Unmarshal([]byte(p.Body), &r); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if r.Ballots != wantBallots || r.Turnout.Voters != wantBallots {
				t.Errorf("%s: %d ballots and %d voters, want %d", what, r.Ballots, r.Turnout.Voters, wantBallots)
			}
		}
		w, _ := c.Window(campaign.PhaseVote)
		s.now = w.End.Add(time.Minute)
		counts("a minute after the close", 20)
		late(1)
		counts("a ballot committed after the close", 21)
		s.now = w.End.Add(3 * time.Minute)
		counts("closed for good", 21)
		late(2) // cannot happen any more: the copy is what the results show
		counts("closed for good, from the copy", 21)
		wantContains(t, b.get("/"+slug+"/resultats"), "results page from the copy", "21 bulletins")
	})
}
