package vote

import (
	"context"
	"fmt"

	"budgetcitoyen/internal/db"
)

// Readiness is what the agents must still prepare before a campaign's vote opens, and its
// running number of voters, as the agents' console shows them.
type Readiness struct {
	SettingsSaved bool // the agents chose the identity methods (else DefaultSettings apply)
	CensusEmpty   bool // the census is an identity method but its list is empty
	BoxCeremony   bool // the key ceremony took place (the box is sealed, or was unsealed)
	Voters        int  // people in the participation register
}

// ReadinessOf reads the vote's readiness of a campaign.
func ReadinessOf(ctx context.Context, q db.Querier, campaignID int64) (Readiness, error) {
	var r Readiness
	var saved, census, box int
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM vote_settings WHERE campaign_id = $1),
		(SELECT COUNT(*) FROM vote_census WHERE campaign_id = $1),
		(SELECT COUNT(*) FROM vote_boxes WHERE campaign_id = $1)`, campaignID).Scan(&saved, &census, &box)
	if err != nil {
		return r, fmt.Errorf("read the vote's readiness: %w", err)
	}
	s, err := SettingsOf(ctx, q, campaignID)
	if err != nil {
		return r, err
	}
	r.SettingsSaved, r.CensusEmpty, r.BoxCeremony = saved > 0, s.Census && census == 0, box > 0
	if r.Voters, err = VoterCount(ctx, q, campaignID); err != nil {
		return r, err
	}
	return r, nil
}
