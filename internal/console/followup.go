package console

import (
	"context"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/followup"
)

// ScreenFollowup is the staff's board of the funded projects' follow-up.
const ScreenFollowup Screen = "followup"

// followupWaiting is the follow-up's waiting work: the final reports to review, the
// payments due from the agreements' schedule, the reports that are late.
func followupWaiting(ctx context.Context, q db.Querier, c *campaign.Campaign, now time.Time) ([]Item, error) {
	ps, err := followup.Projects(ctx, q, c.ID)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	st, err := followup.SettingsOf(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	pays, err := followup.CampaignPayments(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	var reports, due, late int
	for _, l := range followup.Lines(c, st, ps, pays, now) {
		if l.Report == followup.ReportPending {
			reports++
		}
		due += len(l.Due)
		if l.Late {
			late++
		}
	}
	var out []Item
	for _, it := range []Item{{Key: "followup_reports", N: reports}, {Key: "followup_payments", N: due}, {Key: "followup_late", N: late}} {
		if it.N > 0 {
			it.Screen = ScreenFollowup
			out = append(out, it)
		}
	}
	return out, nil
}
