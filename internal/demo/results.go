package demo

import (
	"context"
	"fmt"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/results"
	"budgetcitoyen/internal/review"
)

// seedResults2018 closes the archived edition as it happened: the results engine computes the
// winners from the 2018 ballots, the Commission permanente grants each winner its computed
// support, and the results are proclaimed. Each step is dated within its 2018 phase.
func seedResults2018(ctx context.Context, env change.Env, d *db.DB) error {
	c, err := campaign.BySlug(ctx, d, campaign.PresetPasDeCalais2018)
	if err != nil {
		return fmt.Errorf("demo results: %w", err)
	}
	data, err := results.Load(ctx, d, c)
	if err != nil {
		return fmt.Errorf("demo results: %w", err)
	}
	if data == nil || len(data.Projects) == 0 {
		return nil // no project on the 2018 ballot: nothing to close
	}
	res, err := results.Compute(data)
	if err != nil {
		return fmt.Errorf("demo results: %w", err)
	}
	var clock time.Time
	renv, err := reviewEnv(env.DB, func() time.Time { return clock })
	if err != nil {
		return err
	}
	at := func(p campaign.Phase, days int) review.Env {
		w, _ := c.Window(p)
		clock = w.Start.Add(time.Duration(days) * 24 * time.Hour)
		return renv
	}
	who := change.Who{System: "demo"}
	if err := review.RecordResults(ctx, at(campaign.PhaseWinners, 2), who, c, res.Winners); err != nil {
		return fmt.Errorf("demo results: %w", err)
	}
	decision := review.CPDecision{CampaignID: c.ID, Date: campaign.Date{Year: 2018, Month: time.November, Day: 19},
		Deliberation: "CP-2018-11-19-42"}
	for _, g := range res.Groups {
		for _, row := range g.Rows {
			if row.Selected {
				decision.Grants = append(decision.Grants, review.Grant{DossierID: row.Project.ID, Title: row.Project.Title,
					AmountCents: row.Project.SupportCents, ComputedCents: row.Project.SupportCents})
			}
		}
	}
	if err := review.RecordDecision(ctx, at(campaign.PhaseProclamation, 18), who, c, decision); err != nil {
		return fmt.Errorf("demo decision: %w", err)
	}
	if err := review.Proclaim(ctx, at(campaign.PhaseProclamation, 20), who, c); err != nil {
		return fmt.Errorf("demo proclamation: %w", err)
	}
	return nil
}
