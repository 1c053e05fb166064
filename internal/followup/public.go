package followup

import (
	"context"
	"fmt"
	"time"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
)

// Milestones are the dates of a funded project's life, as its public history (the review's
// history of states) records them, and the public reason of its abandonment.
type Milestones struct {
	GrantedAt   *time.Time // the Commission permanente's grant
	StartedAt   *time.Time // in progress
	CompletedAt *time.Time
	AbandonedAt *time.Time
	Reason      string // why it was abandoned (the motivation of the move), "" otherwise
}

// MilestonesOf returns the milestones of a campaign's projects, by dossier id (the latest
// move to each state counts).
func MilestonesOf(ctx context.Context, q db.Querier, campaignID int64) (map[int64]Milestones, error) {
	rows, err := q.QueryContext(ctx, `SELECT h.dossier_id, h.to_state, h.motivation, h.at FROM review_history h
		JOIN dossiers d ON d.id = h.dossier_id WHERE d.campaign_id = $1
		AND h.to_state IN ('granted', 'in_progress', 'completed', 'abandoned') ORDER BY h.dossier_id, h.at, h.id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("read the projects' milestones: %w", err)
	}
	defer rows.Close()
	out := map[int64]Milestones{}
	for rows.Next() {
		var id int64
		var to, motivation string
		var at time.Time
		if err := rows.Scan(&id, &to, &motivation, &at); err != nil {
			return nil, fmt.Errorf("read a project's milestone: %w", err)
		}
		at = at.UTC()
		m := out[id]
		switch dossier.State(to) {
		case dossier.StateGranted:
			m.GrantedAt = &at
		case dossier.StateInProgress:
			m.StartedAt = &at
		case dossier.StateCompleted:
			m.CompletedAt = &at
		case dossier.StateAbandoned:
			m.AbandonedAt, m.Reason = &at, motivation
		}
		out[id] = m
	}
	return out, rows.Err()
}
