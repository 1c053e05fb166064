package dossier

import (
	"context"
	"fmt"
	"time"

	"budgetcitoyen/internal/db"
)

// The personal data of the dossier domain: what a person reads of their own (the right of
// access) and what goes when they delete their account (the right to erasure).

// Membership is a structure the account acts for, with the day it joined.
type Membership struct {
	Structure
	AddedAt time.Time
}

// MembershipsOf lists the structures the account is a member of, with when it joined, by name.
func MembershipsOf(ctx context.Context, q db.Querier, accountID int64) ([]Membership, error) {
	structures, err := StructuresOf(ctx, q, accountID)
	if err != nil {
		return nil, err
	}
	added := map[int64]time.Time{}
	rows, err := q.QueryContext(ctx, "SELECT structure_id, added_at FROM structure_members WHERE account_id = $1", accountID)
	if err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("list memberships: %w", err)
		}
		added[id] = at.UTC()
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	out := make([]Membership, len(structures))
	for i, s := range structures {
		out[i] = Membership{Structure: s, AddedAt: added[s.ID]}
	}
	return out, nil
}

// DossiersOf lists, in every campaign, the dossiers of the structures the account is a member
// of and those it created (a structure it left may have kept one), by campaign then id,
// with their budget lines.
func DossiersOf(ctx context.Context, q db.Querier, accountID int64) ([]Dossier, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+dossierCols+` FROM dossiers d JOIN structures s ON s.id = d.structure_id
		WHERE d.created_by = $1 OR d.structure_id IN (SELECT structure_id FROM structure_members WHERE account_id = $1)
		ORDER BY d.campaign_id, d.id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("list the dossiers of account %d: %w", accountID, err)
	}
	var out []Dossier
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list the dossiers of account %d: %w", accountID, err)
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, loadLines(ctx, q, out)
}

// ForgetMember removes an account that is being deleted from every structure it acts for,
// and deletes the invitations sent to its address (pending or ended: each holds the
// address). A structure left without members stays, with its dossiers: the campaign's
// record needs them, and an agent can still reach them. The invitations the account sent
// keep only its id. It returns how many structures the account left.
func ForgetMember(ctx context.Context, q db.Querier, accountID int64, email string) (int64, error) {
	res, err := q.ExecContext(ctx, "DELETE FROM structure_members WHERE account_id = $1", accountID)
	if err != nil {
		return 0, fmt.Errorf("remove account %d from its structures: %w", accountID, err)
	}
	left, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("remove account %d from its structures: %w", accountID, err)
	}
	if _, err := q.ExecContext(ctx, "DELETE FROM structure_invitations WHERE lower(email) = lower($1)", email); err != nil {
		return 0, fmt.Errorf("delete the invitations to an address: %w", err)
	}
	return left, nil
}
