package idea

import (
	"context"
	"fmt"
	"time"

	"budgetcitoyen/internal/db"
)

// Counts are the numbers of a campaign's ideas that the agents' console shows.
type Counts struct {
	Total  int // every idea deposited, hidden ones included
	Hidden int // hidden by a moderator
	Recent int // published (not hidden) and deposited since the given instant
}

// CountIdeas counts the ideas of a campaign. Ideas are published at once and moderated
// afterwards (post-moderation), so there is no queue: Recent, the published ideas deposited
// since since, is what a moderator has not had long to look over yet.
func CountIdeas(ctx context.Context, q db.Querier, campaignID int64, since time.Time) (Counts, error) {
	var c Counts
	err := q.QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN hidden_at IS NOT NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN hidden_at IS NULL AND created_at >= $2 THEN 1 ELSE 0 END), 0)
		FROM ideas WHERE campaign_id = $1`, campaignID, since.UTC()).Scan(&c.Total, &c.Hidden, &c.Recent)
	if err != nil {
		return c, fmt.Errorf("count ideas: %w", err)
	}
	return c, nil
}
