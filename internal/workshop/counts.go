package workshop

import (
	"context"
	"fmt"
	"time"

	"budgetcitoyen/internal/db"
)

// Participation is what the agents' console shows of a campaign's comptoirs.
type Participation struct {
	Sessions   int // sessions not cancelled
	Registered int // distinct people holding a seat (not the waiting list) in one of them
	Present    int // distinct people marked present at one of them
	// Unmarked is the number of sessions over at now whose attendance is not recorded for
	// every seat holder: the attendance unlocks dossier filing, so it is work waiting.
	Unmarked int
}

// CountParticipation counts the comptoir participation of a campaign at now.
func CountParticipation(ctx context.Context, q db.Querier, campaignID int64, now time.Time) (Participation, error) {
	var p Participation
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM workshop_sessions WHERE campaign_id = $1 AND cancelled_at IS NULL),
		(SELECT COUNT(DISTINCT r.account_id) FROM workshop_registrations r JOIN workshop_sessions s ON s.id = r.session_id
			WHERE s.campaign_id = $1 AND s.cancelled_at IS NULL AND r.status = 'registered'),
		(SELECT COUNT(DISTINCT r.account_id) FROM workshop_registrations r JOIN workshop_sessions s ON s.id = r.session_id
			WHERE s.campaign_id = $1 AND r.attendance = 'present'),
		(SELECT COUNT(DISTINCT s.id) FROM workshop_sessions s JOIN workshop_registrations r ON r.session_id = s.id
			WHERE s.campaign_id = $1 AND s.cancelled_at IS NULL AND s.ends_at <= $2
			AND r.status = 'registered' AND r.attendance = '')`, campaignID, now.UTC()).
		Scan(&p.Sessions, &p.Registered, &p.Present, &p.Unmarked)
	if err != nil {
		return p, fmt.Errorf("count comptoir participation: %w", err)
	}
	return p, nil
}
