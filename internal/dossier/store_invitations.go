package dossier

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
)

// Invitation is an invitation to act for a structure, sent to an address.
type Invitation struct {
	ID          int64
	StructureID int64
	Email       string
	InvitedBy   int64 // 0: the account is gone
	CreatedAt   time.Time
	ExpiresAt   time.Time
	AcceptedAt  *time.Time
	AcceptedBy  int64
	WithdrawnAt *time.Time
}

// Pending tells whether the invitation can still be accepted at now.
func (inv *Invitation) Pending(now time.Time) bool {
	return inv.AcceptedAt == nil && inv.WithdrawnAt == nil && now.Before(inv.ExpiresAt)
}

// hashInvitation is what is stored of an invitation link's secret: its SHA-256 (the secret
// has 256 bits of entropy).
func hashInvitation(secret string) string {
	sum := sha256.Sum256([]byte("structure-invitation:" + secret))
	return hex.EncodeToString(sum[:])
}

func newInvitationSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("invitation secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

const invitationColumns = `id, structure_id, email, invited_by, created_at, expires_at, accepted_at, accepted_by, withdrawn_at`

func scanInvitation(sc interface{ Scan(...any) error }) (Invitation, error) {
	var inv Invitation
	var invitedBy, acceptedBy sql.NullInt64
	var accepted, withdrawn sql.NullTime
	if err := sc.Scan(&inv.ID, &inv.StructureID, &inv.Email, &invitedBy, &inv.CreatedAt, &inv.ExpiresAt,
		&accepted, &acceptedBy, &withdrawn); err != nil {
		return inv, err
	}
	inv.InvitedBy, inv.AcceptedBy = invitedBy.Int64, acceptedBy.Int64
	inv.CreatedAt, inv.ExpiresAt = inv.CreatedAt.UTC(), inv.ExpiresAt.UTC()
	if accepted.Valid {
		t := accepted.Time.UTC()
		inv.AcceptedAt = &t
	}
	if withdrawn.Valid {
		t := withdrawn.Time.UTC()
		inv.WithdrawnAt = &t
	}
	return inv, nil
}

// InsertInvitation stores a new invitation and returns the secret of its link (never stored).
func InsertInvitation(ctx context.Context, q db.Querier, inv *Invitation) (string, error) {
	secret, err := newInvitationSecret()
	if err != nil {
		return "", err
	}
	err = q.QueryRowContext(ctx, `INSERT INTO structure_invitations (structure_id, email, token_hash, invited_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		inv.StructureID, inv.Email, hashInvitation(secret), nullID(inv.InvitedBy), utc(inv.CreatedAt), utc(inv.ExpiresAt)).Scan(&inv.ID)
	if err != nil {
		return "", fmt.Errorf("insert invitation: %w", err)
	}
	return secret, nil
}

// InvitationBySecret reads the invitation of a link's secret (NotFound if none).
func InvitationBySecret(ctx context.Context, q db.Querier, secret string) (*Invitation, error) {
	if secret == "" {
		return nil, apperr.New(apperr.NotFound, "dossier.invitation.invalid")
	}
	inv, err := scanInvitation(q.QueryRowContext(ctx, "SELECT "+invitationColumns+
		" FROM structure_invitations WHERE token_hash = $1", hashInvitation(secret)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "dossier.invitation.invalid")
	}
	if err != nil {
		return nil, fmt.Errorf("read invitation: %w", err)
	}
	return &inv, nil
}

// InvitationByID reads one invitation of a structure (NotFound if none).
func InvitationByID(ctx context.Context, q db.Querier, structureID, id int64) (*Invitation, error) {
	inv, err := scanInvitation(q.QueryRowContext(ctx, "SELECT "+invitationColumns+
		" FROM structure_invitations WHERE structure_id = $1 AND id = $2", structureID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "dossier.invitation.invalid")
	}
	if err != nil {
		return nil, fmt.Errorf("read invitation: %w", err)
	}
	return &inv, nil
}

// PendingInvitations lists a structure's invitations that can still be accepted at now,
// the oldest first.
func PendingInvitations(ctx context.Context, q db.Querier, structureID int64, now time.Time) ([]Invitation, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+invitationColumns+` FROM structure_invitations
		WHERE structure_id = $1 AND accepted_at IS NULL AND withdrawn_at IS NULL AND expires_at > $2
		ORDER BY created_at, id`, structureID, utc(now))
	if err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// WithdrawPendingInvitations ends the pending invitations of a structure to an address (a
// new invitation replaces them); it returns how many it ended.
func WithdrawPendingInvitations(ctx context.Context, q db.Querier, structureID int64, email string, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `UPDATE structure_invitations SET withdrawn_at = $3
		WHERE structure_id = $1 AND email = $2 AND accepted_at IS NULL AND withdrawn_at IS NULL`, structureID, email, utc(now))
	if err != nil {
		return 0, fmt.Errorf("withdraw invitations: %w", err)
	}
	return res.RowsAffected()
}

// WithdrawInvitation ends one pending invitation.
func WithdrawInvitation(ctx context.Context, q db.Querier, id int64, now time.Time) error {
	if _, err := q.ExecContext(ctx, `UPDATE structure_invitations SET withdrawn_at = $2
		WHERE id = $1 AND accepted_at IS NULL AND withdrawn_at IS NULL`, id, utc(now)); err != nil {
		return fmt.Errorf("withdraw invitation %d: %w", id, err)
	}
	return nil
}

// MarkInvitationAccepted records the acceptance of a pending invitation by an account; it
// reports false when the invitation was no longer pending (accepted or withdrawn meanwhile).
func MarkInvitationAccepted(ctx context.Context, q db.Querier, id, accountID int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE structure_invitations SET accepted_at = $2, accepted_by = $3
		WHERE id = $1 AND accepted_at IS NULL AND withdrawn_at IS NULL AND expires_at > $2`, id, utc(now), accountID)
	if err != nil {
		return false, fmt.Errorf("accept invitation %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// PurgeInvitationAddresses blanks the address of the invitations that ended (accepted,
// withdrawn or expired) before before: the record of the invitation stays, the address of a
// person who may never have had an account goes. It returns how many were blanked.
func PurgeInvitationAddresses(ctx context.Context, q db.Querier, before time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `UPDATE structure_invitations SET email = '' WHERE email <> ''
		AND (accepted_at < $1 OR withdrawn_at < $1 OR expires_at < $1)`, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("purge invitation addresses: %w", err)
	}
	return res.RowsAffected()
}
