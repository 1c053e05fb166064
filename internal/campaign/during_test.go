package campaign_test

import (
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
)

func TestDuring(t *testing.T) {
	c := &campaign.Campaign{ID: 7}
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	c.SetWindow(campaign.PhaseIdeas, start, start.AddDate(0, 1, 0))
	inside, outside := start.AddDate(0, 0, 3), start.AddDate(0, 2, 0)
	var none *campaign.Campaign
	cases := []struct {
		name   string
		scope  interface{ OpenAt(time.Time) bool }
		at     time.Time
		wantOK bool
	}{
		{"campaign alone, any time", c, outside, true},
		{"no phase named", c.During(), outside, true},
		{"phase open", c.During(campaign.PhaseVote, campaign.PhaseIdeas), inside, true},
		{"phase closed", c.During(campaign.PhaseIdeas), outside, false},
		{"phase without window", c.During(campaign.PhaseVote), inside, false},
		{"no campaign, a phase named", none.During(campaign.PhaseIdeas), inside, false},
	}
	for _, tc := range cases {
		if got := tc.scope.OpenAt(tc.at); got != tc.wantOK {
			t.Errorf("%s: OpenAt = %v, want %v", tc.name, got, tc.wantOK)
		}
	}
	if got := c.During(campaign.PhaseIdeas).CampaignID(); got != 7 {
		t.Errorf("CampaignID = %d, want 7", got)
	}
	if got := none.CampaignID(); got != 0 {
		t.Errorf("nil campaign's CampaignID = %d, want 0", got)
	}
}
