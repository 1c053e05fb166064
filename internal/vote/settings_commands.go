package vote

import (
	"context"
	"strconv"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
)

// The commands of the agents who prepare a campaign's vote: how voters prove who they are,
// and the census list. Each is one change with its audit entry; the census list's rows
// (names and birth dates) are never written to the audit log, only their number.

// Configure saves the identity methods of c's vote (agents of the campaign). Settings
// without any method are an apperr Invalid "vote.settings.none"; nothing is saved then.
func Configure(ctx context.Context, env change.Env, who change.Who, c *campaign.Campaign, s Settings) error {
	_, err := change.Do(ctx, env, change.Request{
		Who: who, Permission: access.PermManageCampaigns, Campaign: c,
		Action: "vote.settings", EntityKind: "campaign",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			before, err := SettingsOf(ctx, tx, c.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			if err := SaveSettings(ctx, tx, c.ID, s, env.Now()); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: strconv.FormatInt(c.ID, 10), Before: before.audit(), After: s.audit()}, nil
		},
	})
	return err
}

// LoadCensus replaces c's census list with rows (agents of the campaign) and returns how
// many the list holds. The audit entry records the sizes of the list before and after.
func LoadCensus(ctx context.Context, env change.Env, who change.Who, c *campaign.Campaign, rows []CensusRow) (int, error) {
	var n int
	_, err := change.Do(ctx, env, change.Request{
		Who: who, Permission: access.PermManageCampaigns, Campaign: c,
		Action: "vote.census_import", EntityKind: "campaign",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			before, err := CensusSize(ctx, tx, c.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			if n, err = ImportCensus(ctx, tx, c.ID, rows); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: strconv.FormatInt(c.ID, 10),
				Before: map[string]int{"census": before}, After: map[string]int{"census": n}}, nil
		},
	})
	return n, err
}

// audit is how the audit log shows the settings.
func (s Settings) audit() map[string]bool {
	return map[string]bool{"email_declaration": s.EmailDeclaration, "census": s.Census, "oidc": s.OIDC}
}
