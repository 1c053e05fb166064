package privacy

import (
	"context"
	"fmt"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
)

// SiteOf returns the site-wide settings, the defaults while none were saved.
func SiteOf(ctx context.Context, q db.Querier) (Site, error) {
	s := DefaultSite
	err := q.QueryRowContext(ctx, `SELECT throttle_hours, unverified_days, outbox_days, log_days, controller, dpo_contact
		FROM privacy_settings WHERE singleton = 1`).
		Scan(&s.ThrottleHours, &s.UnverifiedDays, &s.OutboxDays, &s.LogDays, &s.Controller, &s.DPOContact)
	if db.IsNotFound(err) {
		return DefaultSite, nil
	}
	if err != nil {
		return s, fmt.Errorf("read privacy settings: %w", err)
	}
	return s, nil
}

// SaveSite writes the site-wide settings (validated by the caller).
func SaveSite(ctx context.Context, q db.Querier, s Site, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO privacy_settings (singleton, throttle_hours, unverified_days, outbox_days,
		log_days, controller, dpo_contact, updated_at) VALUES (1, $1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (singleton) DO UPDATE SET throttle_hours = excluded.throttle_hours,
		unverified_days = excluded.unverified_days, outbox_days = excluded.outbox_days, log_days = excluded.log_days,
		controller = excluded.controller, dpo_contact = excluded.dpo_contact, updated_at = excluded.updated_at`,
		s.ThrottleHours, s.UnverifiedDays, s.OutboxDays, s.LogDays, s.Controller, s.DPOContact, now.UTC())
	if err != nil {
		return fmt.Errorf("save privacy settings: %w", err)
	}
	return nil
}

// CampaignOf returns a campaign's durations, the defaults while none were saved.
func CampaignOf(ctx context.Context, q db.Querier, campaignID int64) (Campaign, error) {
	c := DefaultCampaign
	err := q.QueryRowContext(ctx, "SELECT voter_days FROM campaign_retention WHERE campaign_id = $1", campaignID).
		Scan(&c.VoterDays)
	if db.IsNotFound(err) {
		return DefaultCampaign, nil
	}
	if err != nil {
		return c, fmt.Errorf("read campaign retention: %w", err)
	}
	return c, nil
}

// SaveCampaign writes a campaign's durations (validated by the caller).
func SaveCampaign(ctx context.Context, q db.Querier, campaignID int64, c Campaign, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO campaign_retention (campaign_id, voter_days, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (campaign_id) DO UPDATE SET voter_days = excluded.voter_days, updated_at = excluded.updated_at`,
		campaignID, c.VoterDays, now.UTC())
	if err != nil {
		return fmt.Errorf("save campaign retention: %w", err)
	}
	return nil
}

// votersPurged reports whether the purge already erased a campaign's voter identities.
func votersPurged(ctx context.Context, q db.Querier, campaignID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM campaign_retention
		WHERE campaign_id = $1 AND voters_purged_at IS NOT NULL`, campaignID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read voter purge mark: %w", err)
	}
	return n > 0, nil
}

// markVotersPurged records that the campaign's voter identities were erased, keeping its
// durations (the defaults if none were saved).
func markVotersPurged(ctx context.Context, q db.Querier, campaignID int64, c Campaign, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO campaign_retention (campaign_id, voter_days, voters_purged_at, updated_at)
		VALUES ($1, $2, $3, $3) ON CONFLICT (campaign_id) DO UPDATE SET voters_purged_at = excluded.voters_purged_at`,
		campaignID, c.VoterDays, now.UTC())
	if err != nil {
		return fmt.Errorf("mark voter purge: %w", err)
	}
	return nil
}

// Rules returns the durations of every campaign that has a vote, newest edition first, for
// the pages that state them.
func Rules(ctx context.Context, q db.Querier) ([]CampaignRule, error) {
	list, err := campaign.List(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []CampaignRule
	for _, c := range list {
		w, ok := c.Window(campaign.PhaseVote)
		if !ok {
			continue
		}
		rules, err := CampaignOf(ctx, q, c.ID)
		if err != nil {
			return nil, err
		}
		// The day the purge falls is read in the campaign's time zone.
		out = append(out, CampaignRule{Name: c.Name, VoteClose: w.End.In(c.Location()), Rules: rules})
	}
	return out, nil
}
