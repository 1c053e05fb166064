package account

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"budgetcitoyen/internal/db"
)

// DeletedPrefix begins the placeholder that replaces the address of a deleted account
// ("supprime-42"): it is not an address (no "@"), so no one can sign in with it, ask a code
// for it or register it, and it keeps the column's UNIQUE NOT NULL constraint.
const DeletedPrefix = "supprime-"

// DeletedEmail is the placeholder address of the deleted account id.
func DeletedEmail(id int64) string { return DeletedPrefix + strconv.FormatInt(id, 10) }

// Anonymise erases an account in place, for its owner's right to erasure: the row keeps its
// id (the ideas, dossiers and audit entries that refer to it still do) but no longer says
// who it was: the address becomes DeletedEmail, the name and the password hash are cleared,
// the address counts as unproven and the account is disabled and marked deleted. What only
// served the person goes: every session (signed out everywhere, this one too), every link and
// code, every role, and the sign-in failures counted against the address. It returns the
// address it held, for the caller to erase elsewhere (e-mails queued to it, invitations).
// Anonymising an account deleted already is an apperr NotFound.
func Anonymise(ctx context.Context, q db.Querier, accountID int64, now time.Time) (email string, err error) {
	err = q.QueryRowContext(ctx, "SELECT email FROM accounts WHERE id = $1 AND deleted_at IS NULL", accountID).Scan(&email)
	if db.IsNotFound(err) {
		return "", errNotFound()
	}
	if err != nil {
		return "", fmt.Errorf("read account %d: %w", accountID, err)
	}
	if _, err := EndSessions(ctx, q, accountID, ""); err != nil {
		return "", err
	}
	for _, stmt := range []string{
		"DELETE FROM account_tokens WHERE account_id = $1",
		"DELETE FROM account_roles WHERE account_id = $1",
	} {
		if _, err := q.ExecContext(ctx, stmt, accountID); err != nil {
			return "", fmt.Errorf("erase account %d: %w", accountID, err)
		}
	}
	if err := forgetFailures(ctx, q, email); err != nil {
		return "", err
	}
	res, err := q.ExecContext(ctx, `UPDATE accounts SET email = $1, display_name = '', password_hash = '',
		email_verified_at = NULL, lang = $2, disabled = $3, deleted_at = $4 WHERE id = $5`,
		DeletedEmail(accountID), DefaultLang, true, now.UTC(), accountID)
	if err != nil {
		return "", fmt.Errorf("anonymise account %d: %w", accountID, err)
	}
	accountChanged(q, accountID)
	return email, mustAffect(res, accountID)
}

// forgetFailures deletes the sign-in failures counted against an address: those of the
// account (accountKey), of the account from each client (pairKey) and the code guesses
// (codeGuessKey). The pair keys end with the account's key; they are matched by their end
// rather than with LIKE, which an address's "_" would turn into a wildcard.
func forgetFailures(ctx context.Context, q db.Querier, email string) error {
	suffix := " " + accountKey(email)
	_, err := q.ExecContext(ctx, `DELETE FROM login_failures WHERE throttle_key IN ($1, $2)
		OR (substr(throttle_key, 1, 5) = 'pair:' AND length(throttle_key) > length(CAST($3 AS TEXT))
			AND substr(throttle_key, length(throttle_key) - length(CAST($3 AS TEXT)) + 1) = CAST($3 AS TEXT))`,
		accountKey(email), codeGuessKey(email), suffix)
	if err != nil {
		return fmt.Errorf("forget the sign-in failures of an address: %w", err)
	}
	return nil
}

// Deleted reports whether the account was deleted by its owner (Anonymise).
func Deleted(ctx context.Context, q db.Querier, accountID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM accounts WHERE id = $1 AND deleted_at IS NOT NULL", accountID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read account %d: %w", accountID, err)
	}
	return n > 0, nil
}

// UnconfirmedBefore lists the accounts created before before whose address was never
// confirmed and that are not deleted yet, for the retention purge. Accounts holding a role
// beyond citizen and carrier are left out: staff accounts are made by staff, who answer for
// them.
func UnconfirmedBefore(ctx context.Context, q db.Querier, before time.Time) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM accounts a WHERE email_verified_at IS NULL AND deleted_at IS NULL
		AND created_at < $1 AND NOT EXISTS (SELECT 1 FROM account_roles r WHERE r.account_id = a.id
		AND r.role NOT IN ('citizen', 'carrier')) ORDER BY id`, before.UTC())
	if err != nil {
		return nil, fmt.Errorf("list unconfirmed accounts: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list unconfirmed accounts: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
