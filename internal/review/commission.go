package review

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
)

// Commission is the commission's validation of the labelled list.
type Commission struct {
	CampaignID int64
	Name       string
	HeldOn     campaign.Date
	Reference  string
	RecordedAt time.Time
}

// ParseCommission checks the commission's form values.
func ParseCommission(name, heldOn, reference string) (Commission, apperr.FieldErrors) {
	fe := apperr.FieldErrors{}
	c := Commission{Name: trimmed(name), Reference: trimmed(reference)}
	if c.Name == "" {
		fe.Add("name", "review.commission.name_required")
	}
	checkLen(fe, "name", c.Name, 300)
	if c.Reference == "" {
		fe.Add("reference", "review.commission.reference_required")
	}
	checkLen(fe, "reference", c.Reference, 200)
	d, err := campaign.ParseDate(trimmed(heldOn))
	if err != nil {
		fe.Add("held_on", "review.date_invalid")
	}
	c.HeldOn = d
	return c, fe
}

// CommissionOf returns the campaign's commission validation, or nil if none is recorded.
func CommissionOf(ctx context.Context, q db.Querier, campaignID int64) (*Commission, error) {
	c := Commission{CampaignID: campaignID}
	var held string
	err := q.QueryRowContext(ctx, "SELECT name, held_on, reference, recorded_at FROM review_commissions WHERE campaign_id = $1",
		campaignID).Scan(&c.Name, &held, &c.Reference, &c.RecordedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read commission: %w", err)
	}
	c.HeldOn, _ = campaign.ParseDate(held)
	c.RecordedAt = c.RecordedAt.UTC()
	return &c, nil
}

// ValidateCommission records the commission's validation: every labelled dossier goes on
// the ballot (state "ballot", public from then on) except those withdrawn, each with its
// reason. One transaction, one audit entry; e-mails to the carriers.
func ValidateCommission(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, cm Commission, withdrawn map[int64]string) error {
	labelled, err := dossier.List(ctx, env.Change.DB, dossier.Filter{CampaignID: c.ID, State: dossier.StateLabelled})
	if err != nil {
		return err
	}
	if len(labelled) == 0 {
		return apperr.New(apperr.Conflict, "review.commission.none_labelled")
	}
	var steps []Step
	for _, d := range labelled {
		if reason, ok := withdrawn[d.ID]; ok {
			if trimmed(reason) == "" {
				fe := apperr.FieldErrors{}
				fe.Add(WithdrawReasonField(d.ID), "review.commission.reason_required")
				return fe.Err()
			}
			steps = append(steps, Step{DossierID: d.ID, To: dossier.StateWithdrawn, Motivation: reason})
		}
	}
	// Put the withdrawals and the ballot in one batch: same phases (commission).
	for _, d := range labelled {
		if _, ok := withdrawn[d.ID]; !ok {
			steps = append(steps, Step{DossierID: d.ID, To: dossier.StateBallot})
		}
	}
	return MoveAll(ctx, env, who, c, "commission", steps, func(ctx context.Context, tx *db.Tx) (any, error) {
		var by any
		if who.System == "" {
			by = who.Actor.ID()
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO review_commissions (campaign_id, name, held_on, reference, recorded_by,
			recorded_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (campaign_id) DO NOTHING`,
			c.ID, cm.Name, cm.HeldOn.String(), cm.Reference, by, utc(env.Change.Now()))
		if err != nil {
			return nil, fmt.Errorf("record commission: %w", err)
		}
		return map[string]any{"name": cm.Name, "held_on": cm.HeldOn.String(), "reference": cm.Reference}, nil
	})
}

// WithdrawField and WithdrawReasonField name the commission form's fields of a dossier.
func WithdrawField(id int64) string       { return fmt.Sprintf("withdraw_%d", id) }
func WithdrawReasonField(id int64) string { return fmt.Sprintf("withdraw_%d_reason", id) }

// RecordResults records the outcome of the vote: the winners go to state "winner", every
// other project on the ballot to "not_funded". For the results engine (system) or an agent.
func RecordResults(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, winners []int64) error {
	onBallot, err := dossier.List(ctx, env.Change.DB, dossier.Filter{CampaignID: c.ID, State: dossier.StateBallot})
	if err != nil {
		return err
	}
	var steps []Step
	for _, d := range onBallot {
		to := dossier.StateNotFunded
		if slices.Contains(winners, d.ID) {
			to = dossier.StateWinner
		}
		steps = append(steps, Step{DossierID: d.ID, To: to})
	}
	return MoveAll(ctx, env, who, c, "results", steps, nil)
}

// Grant is the support granted to a winner by the Commission permanente.
type Grant struct {
	DossierID     int64
	Title         string
	AmountCents   int64
	ComputedCents int64  // the support computed from the budget
	Reason        string // why the amount differs from the computed support
}

// CPDecision is the Commission permanente decision of a campaign.
type CPDecision struct {
	CampaignID   int64
	Date         campaign.Date
	Deliberation string
	Grants       []Grant
	RecordedAt   time.Time
}

// TotalCents is the sum of the granted amounts.
func (d *CPDecision) TotalCents() int64 {
	var t int64
	for _, g := range d.Grants {
		t += g.AmountCents
	}
	return t
}

// GrantAmountField and GrantReasonField name the decision form's fields of a winner.
func GrantAmountField(id int64) string { return fmt.Sprintf("amount_%d", id) }
func GrantReasonField(id int64) string { return fmt.Sprintf("amount_%d_reason", id) }

// CheckDecision validates a decision: a date, a deliberation number, and for each grant a
// positive amount, with a reason when it differs from the computed support.
func CheckDecision(d *CPDecision) apperr.FieldErrors {
	fe := apperr.FieldErrors{}
	d.Deliberation = trimmed(d.Deliberation)
	if d.Date.IsZero() {
		fe.Add("date", "review.date_invalid")
	}
	if d.Deliberation == "" {
		fe.Add("deliberation", "review.decision.deliberation_required")
	}
	checkLen(fe, "deliberation", d.Deliberation, 200)
	for i := range d.Grants {
		g := &d.Grants[i]
		g.Reason = trimmed(g.Reason)
		if g.AmountCents <= 0 {
			fe.Add(GrantAmountField(g.DossierID), "review.decision.amount_invalid")
		}
		if g.AmountCents != g.ComputedCents && g.Reason == "" {
			fe.Add(GrantReasonField(g.DossierID), "review.decision.reason_required")
		}
		checkLen(fe, GrantReasonField(g.DossierID), g.Reason, MaxComment)
	}
	return fe
}

// RecordDecision records the Commission permanente decision: every winner is granted its
// amount (state "granted", with the amount and the deliberation in its public history).
func RecordDecision(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, d CPDecision) error {
	if fe := CheckDecision(&d); len(fe) > 0 {
		return fe.Err()
	}
	if len(d.Grants) == 0 {
		return apperr.New(apperr.Conflict, "review.decision.no_winner")
	}
	var steps []Step
	for _, g := range d.Grants {
		m := env.Cat.T(i18n.FR, "review.decision.history", i18n.Money(i18n.FR, g.AmountCents), d.Deliberation, i18n.Date(i18n.FR, d.Date.DayStart(time.UTC)))
		if g.Reason != "" {
			m += " " + g.Reason
		}
		steps = append(steps, Step{DossierID: g.DossierID, To: dossier.StateGranted, Motivation: m})
	}
	return MoveAll(ctx, env, who, c, "decision", steps, func(ctx context.Context, tx *db.Tx) (any, error) {
		var by any
		if who.System == "" {
			by = who.Actor.ID()
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO review_decisions (campaign_id, decided_on, deliberation, recorded_by,
			recorded_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (campaign_id) DO NOTHING`,
			c.ID, d.Date.String(), d.Deliberation, by, utc(env.Change.Now()))
		if err != nil {
			return nil, fmt.Errorf("record decision: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, apperr.New(apperr.Conflict, "review.decision.already")
		}
		for _, g := range d.Grants {
			if _, err := tx.ExecContext(ctx, `INSERT INTO review_grants (dossier_id, campaign_id, amount_cents,
				computed_cents, reason) VALUES ($1, $2, $3, $4, $5)`, g.DossierID, c.ID, g.AmountCents, g.ComputedCents, g.Reason); err != nil {
				return nil, fmt.Errorf("record grant: %w", err)
			}
		}
		return map[string]any{"date": d.Date.String(), "deliberation": d.Deliberation, "grants": d.Grants}, nil
	})
}

// Decision returns the Commission permanente decision of a campaign with its grants (by
// dossier id), or nil when none is recorded yet.
func Decision(ctx context.Context, q db.Querier, campaignID int64) (*CPDecision, error) {
	d := CPDecision{CampaignID: campaignID}
	var date string
	err := q.QueryRowContext(ctx, "SELECT decided_on, deliberation, recorded_at FROM review_decisions WHERE campaign_id = $1",
		campaignID).Scan(&date, &d.Deliberation, &d.RecordedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read decision: %w", err)
	}
	d.Date, _ = campaign.ParseDate(date)
	d.RecordedAt = d.RecordedAt.UTC()
	rows, err := q.QueryContext(ctx, `SELECT g.dossier_id, d.title, g.amount_cents, g.computed_cents, g.reason
		FROM review_grants g JOIN dossiers d ON d.id = g.dossier_id WHERE g.campaign_id = $1 ORDER BY g.dossier_id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("read grants: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g Grant
		if err := rows.Scan(&g.DossierID, &g.Title, &g.AmountCents, &g.ComputedCents, &g.Reason); err != nil {
			return nil, err
		}
		d.Grants = append(d.Grants, g)
	}
	return &d, rows.Err()
}

// Proclaim records the proclamation of the results, which publishes the results page. It
// needs the Commission permanente decision first.
func Proclaim(ctx context.Context, env Env, who change.Who, c *campaign.Campaign) error {
	r := request(who, c, dossier.Transition{Perm: access.PermManageDossiers, Phases: proclaim}, "proclaim", "campaign")
	r.Apply = func(ctx context.Context, tx *db.Tx) (outcome change.Outcome, err error) {
		d, err := Decision(ctx, tx, c.ID)
		if err != nil {
			return outcome, err
		}
		if d == nil {
			return outcome, apperr.New(apperr.Conflict, "review.proclaim.no_decision")
		}
		var by any
		if who.System == "" {
			by = who.Actor.ID()
		}
		now := utc(env.Change.Now())
		res, err := tx.ExecContext(ctx, `INSERT INTO review_proclamations (campaign_id, proclaimed_at, recorded_by)
			VALUES ($1, $2, $3) ON CONFLICT (campaign_id) DO NOTHING`, c.ID, now, by)
		if err != nil {
			return outcome, fmt.Errorf("record proclamation: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return outcome, apperr.New(apperr.Conflict, "review.proclaim.already")
		}
		outcome.EntityID = fmt.Sprint(c.ID)
		outcome.After = map[string]any{"proclaimed_at": now}
		return outcome, nil
	}
	_, err := change.Do(ctx, env.Change, r)
	return err
}

// Proclaimed reports whether the campaign's results are proclaimed, and when.
func Proclaimed(ctx context.Context, q db.Querier, campaignID int64) (bool, time.Time, error) {
	var at time.Time
	err := q.QueryRowContext(ctx, "SELECT proclaimed_at FROM review_proclamations WHERE campaign_id = $1", campaignID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return false, time.Time{}, nil
	}
	if err != nil {
		return false, time.Time{}, fmt.Errorf("read proclamation: %w", err)
	}
	return true, at.UTC(), nil
}
