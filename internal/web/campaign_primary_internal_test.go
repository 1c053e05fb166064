package web

import (
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/i18n"
)

func TestPrimaryOf(t *testing.T) {
	c := &campaign.Campaign{Slug: "c", TimeZone: "Europe/Paris"}
	paris, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2026, 9, 10, 12, 0, 0, 0, time.UTC)
	for _, p := range []campaign.Phase{campaign.PhaseIdeas, campaign.PhaseComptoirs, campaign.PhaseDossiers, campaign.PhaseVote} {
		c.SetDays(p, campaign.Date{Year: 2026, Month: time.September, Day: 1}, campaign.Date{Year: 2026, Month: time.September, Day: 30})
	}
	cases := []struct {
		name    string
		open    []campaign.Phase
		results bool
		path    string
		dated   bool
	}{
		{"vote first", []campaign.Phase{campaign.PhaseIdeas, campaign.PhaseVote}, false, "/c/vote", true},
		{"ideas", []campaign.Phase{campaign.PhaseComptoirs, campaign.PhaseIdeas}, false, "/c/idees/deposer", true},
		{"dossiers before comptoirs", []campaign.Phase{campaign.PhaseComptoirs, campaign.PhaseDossiers}, false, "/c/dossiers", false},
		{"comptoirs alone", []campaign.Phase{campaign.PhaseComptoirs}, false, "/c/comptoirs", false},
		{"results while the winners are presented", []campaign.Phase{campaign.PhaseWinners}, true, "/c/resultats", false},
		{"nothing open", nil, false, "", false},
	}
	for _, tc := range cases {
		a := primaryOf(c, tc.open, tc.results, now)
		switch {
		case tc.path == "" && a != nil:
			t.Errorf("%s: %+v, want none", tc.name, a)
		case tc.path != "" && (a == nil || a.Path != tc.path || a.Until.IsZero() == tc.dated):
			t.Errorf("%s: %+v, want %s (dated %v)", tc.name, a, tc.path, tc.dated)
		}
	}
	end := time.Date(2026, 9, 30, 23, 59, 59, 0, paris)
	for _, tc := range []struct {
		lang i18n.Lang
		now  time.Time
		want string
	}{
		{i18n.FR, now, "30 septembre"}, {i18n.EN, now, "30 September"}, {i18n.FR, now.AddDate(-1, 0, 0), "30 septembre 2026"},
	} {
		if got := untilDate(tc.lang, end, tc.now); got != tc.want {
			t.Errorf("untilDate(%s, %v) = %q, want %q", tc.lang, tc.now, got, tc.want)
		}
	}
}
