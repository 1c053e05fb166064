package followup

import (
	"context"
	"strconv"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
)

// settingsAudit is what the audit log keeps of the settings.
type settingsAudit struct {
	Steps          []string `json:"steps"`
	Indicators     []string `json:"indicators"`
	MaxPhotos      int      `json:"max_photos"`
	AdvancePercent int      `json:"advance_percent"`
	ReportDueOn    string   `json:"report_due_on,omitempty"`
	StaleMonths    int      `json:"stale_months"`
}

func settingsAuditOf(s Settings) settingsAudit {
	a := settingsAudit{Steps: s.Steps, Indicators: s.Indicators, MaxPhotos: s.MaxPhotos, AdvancePercent: s.AdvancePercent,
		StaleMonths: s.StaleMonths}
	if !s.ReportDueOn.IsZero() {
		a.ReportDueOn = s.ReportDueOn.String()
	}
	return a
}

// UpdateSettings saves a campaign's follow-up settings as typed (an agent who manages
// campaigns); the form's errors come back as field errors (see ParseSettings) and change
// nothing. Audited as followup.settings, before and after. The reports already filed keep
// the labels of their indicators.
func UpdateSettings(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, in SettingsInput) (Settings, error) {
	s, fe := ParseSettings(in)
	if len(fe) > 0 {
		return s, fe.Err()
	}
	_, err := change.Do(ctx, env.Change, change.Request{Who: who, Permission: access.PermManageCampaigns, Campaign: c,
		Action: "followup.settings", EntityKind: "campaign",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			old, err := SettingsOf(ctx, tx, c.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			if err := SaveSettings(ctx, tx, c.ID, s, env.Change.Now()); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: strconv.FormatInt(c.ID, 10), Before: settingsAuditOf(old), After: settingsAuditOf(s)}, nil
		}})
	return s, err
}
