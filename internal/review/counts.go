package review

import (
	"context"
	"fmt"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
)

// Backlog is the committee's work waiting in a campaign, as the agents' console shows it.
type Backlog struct {
	Members int // committee members
	// Unassigned: submitted dossiers, or dossiers under review, that no member without a
	// conflict of interest is assigned to.
	Unassigned int
	// Pending: assignments of dossiers still before the committee (submitted, under review,
	// eligible) whose review is not returned, conflicts of interest apart.
	Pending int
	// Ready: dossiers under review or eligible with at least minReturned returned reviews:
	// the committee's session can decide them.
	Ready int
}

// The states of a dossier before the committee's decision.
var beforeDecision = []dossier.State{dossier.StateSubmitted, dossier.StateUnderReview, dossier.StateEligible}

// CountBacklog counts the committee's waiting work in a campaign; minReturned is the number
// of returned reviews a dossier needs to be ready for the decision (MinReviewers).
func CountBacklog(ctx context.Context, q db.Querier, campaignID int64, minReturned int) (Backlog, error) {
	var b Backlog
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM review_members WHERE campaign_id = $1),
		(SELECT COUNT(*) FROM dossiers d WHERE d.campaign_id = $1 AND d.state IN ($2, $3)
			AND NOT EXISTS (SELECT 1 FROM review_assignments a WHERE a.dossier_id = d.id AND a.conflict <> $5)),
		(SELECT COUNT(*) FROM review_assignments a JOIN dossiers d ON d.id = a.dossier_id
			WHERE a.campaign_id = $1 AND d.state IN ($2, $3, $4) AND a.submitted_at IS NULL AND a.conflict <> $5),
		(SELECT COUNT(*) FROM dossiers d WHERE d.campaign_id = $1 AND d.state IN ($3, $4)
			AND (SELECT COUNT(*) FROM review_assignments a WHERE a.dossier_id = d.id
				AND a.submitted_at IS NOT NULL AND a.conflict <> $5) >= $6)`,
		campaignID, beforeDecision[0], beforeDecision[1], beforeDecision[2], ConflictDeclared, minReturned).
		Scan(&b.Members, &b.Unassigned, &b.Pending, &b.Ready)
	if err != nil {
		return b, fmt.Errorf("count the committee's backlog: %w", err)
	}
	return b, nil
}
