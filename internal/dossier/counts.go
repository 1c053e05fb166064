package dossier

import (
	"context"
	"fmt"

	"budgetcitoyen/internal/db"
)

// CountByState returns the number of a campaign's dossiers in each state; states without
// dossiers are absent.
func CountByState(ctx context.Context, q db.Querier, campaignID int64) (map[State]int, error) {
	rows, err := q.QueryContext(ctx, "SELECT state, COUNT(*) FROM dossiers WHERE campaign_id = $1 GROUP BY state", campaignID)
	if err != nil {
		return nil, fmt.Errorf("count dossiers by state: %w", err)
	}
	defer rows.Close()
	out := map[State]int{}
	for rows.Next() {
		var s State
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("count dossiers by state: %w", err)
		}
		out[s] = n
	}
	return out, rows.Err()
}

// Reached lists the states of a dossier that went at least as far as state s along the way
// to funding: s itself and every state that only follows it. A refusal on the way
// (ineligible, not labelled, withdrawn, not funded) is not "further": it counts for the
// steps the dossier did pass.
func Reached(s State) []State {
	after := map[State][]State{
		StateDraft:      {StateDraft, StateSubmitted, StateUnderReview, StateEligible, StateIneligible, StateLabelled, StateNotLabelled, StateWithdrawn, StateBallot, StateWinner, StateNotFunded, StateGranted, StateInProgress, StateCompleted, StateAbandoned},
		StateSubmitted:  {StateSubmitted, StateUnderReview, StateEligible, StateIneligible, StateLabelled, StateNotLabelled, StateWithdrawn, StateBallot, StateWinner, StateNotFunded, StateGranted, StateInProgress, StateCompleted, StateAbandoned},
		StateEligible:   {StateEligible, StateLabelled, StateWithdrawn, StateBallot, StateWinner, StateNotFunded, StateGranted, StateInProgress, StateCompleted, StateAbandoned},
		StateLabelled:   {StateLabelled, StateWithdrawn, StateBallot, StateWinner, StateNotFunded, StateGranted, StateInProgress, StateCompleted, StateAbandoned},
		StateBallot:     {StateBallot, StateWinner, StateNotFunded, StateGranted, StateInProgress, StateCompleted, StateAbandoned},
		StateWinner:     {StateWinner, StateGranted, StateInProgress, StateCompleted, StateAbandoned},
		StateGranted:    {StateGranted, StateInProgress, StateCompleted, StateAbandoned},
		StateInProgress: {StateInProgress, StateCompleted},
		StateCompleted:  {StateCompleted},
	}
	return after[s]
}
