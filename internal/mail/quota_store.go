package mail

import (
	"context"
	"fmt"
	"time"

	"budgetcitoyen/internal/db"
)

// Take checks the ask against the limits l and records it, inside the caller's transaction
// tx of d: a refusal is the apperr TooMany of Refusal.Err, and records nothing (the caller's
// transaction then rolls back its change too); otherwise it returns which notices to leave
// out (Verdict.Drop), and records the rest. Check and record are serialised (a lock on
// PostgreSQL; SQLite writes one transaction at a time), so that requests at the same instant
// cannot pass a limit together. Rows older than the window are deleted on the way.
func Take(ctx context.Context, d *db.DB, tx *db.Tx, l Limits, a Ask, now time.Time) (Verdict, error) {
	if a.Empty() {
		return Verdict{Drop: make([]bool, len(a.Notify))}, nil
	}
	now = now.UTC()
	if err := d.Lock(ctx, tx, "mail_quota"); err != nil {
		return Verdict{}, err
	}
	since := now.Add(-l.Window)
	if _, err := tx.ExecContext(ctx, "DELETE FROM mail_quota WHERE at <= $1", since); err != nil {
		return Verdict{}, fmt.Errorf("forget old mail quota rows: %w", err)
	}
	u, err := usage(ctx, tx, a, since)
	if err != nil {
		return Verdict{}, err
	}
	v := l.Check(a, u)
	if err := v.Refusal.Err(); err != nil {
		return Verdict{}, err
	}
	for i := 0; i < a.Accounts; i++ {
		if _, err := tx.ExecContext(ctx, "INSERT INTO mail_quota (at, kind, client) VALUES ($1, 'account', $2)", now, a.Client); err != nil {
			return Verdict{}, fmt.Errorf("record account quota: %w", err)
		}
	}
	for _, to := range a.To {
		if _, err := tx.ExecContext(ctx, "INSERT INTO mail_quota (at, kind, client, recipient) VALUES ($1, 'mail', $2, $3)",
			now, a.Client, AddressKey(to)); err != nil {
			return Verdict{}, fmt.Errorf("record mail quota: %w", err)
		}
	}
	for i, to := range a.Notify {
		if v.Drop[i] {
			continue
		}
		// A notice counts for its address only: the client did not choose it.
		if _, err := tx.ExecContext(ctx, "INSERT INTO mail_quota (at, kind, recipient) VALUES ($1, 'mail', $2)",
			now, AddressKey(to)); err != nil {
			return Verdict{}, fmt.Errorf("record mail quota: %w", err)
		}
	}
	return v, nil
}

// TakeAlone is Take in a transaction of its own: for a request that asked for an e-mail and
// sends none (an address without an account), counted all the same so that the answer does
// not tell which addresses have one.
func TakeAlone(ctx context.Context, d *db.DB, l Limits, a Ask, now time.Time) error {
	if a.Empty() {
		return nil
	}
	return d.InTx(ctx, func(tx *db.Tx) error {
		_, err := Take(ctx, d, tx, l, a, now)
		return err
	})
}

// usage counts what was asked since the start of the window by the ask's client and to its
// addresses.
func usage(ctx context.Context, q db.Querier, a Ask, since time.Time) (Usage, error) {
	u := Usage{ToAddress: map[string]int{}}
	for _, to := range append(append([]string(nil), a.To...), a.Notify...) {
		k := AddressKey(to)
		if _, done := u.ToAddress[k]; done {
			continue
		}
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM mail_quota WHERE recipient = $1 AND kind = 'mail' AND at > $2",
			k, since).Scan(&n); err != nil {
			return Usage{}, fmt.Errorf("count e-mails to an address: %w", err)
		}
		u.ToAddress[k] = n
	}
	if a.Client == "" {
		return u, nil
	}
	rows, err := q.QueryContext(ctx, "SELECT kind, COUNT(*) FROM mail_quota WHERE client = $1 AND at > $2 GROUP BY kind",
		a.Client, since)
	if err != nil {
		return Usage{}, fmt.Errorf("count a client's e-mails and accounts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			return Usage{}, fmt.Errorf("scan mail quota: %w", err)
		}
		switch kind {
		case "mail":
			u.ClientSends = n
		case "account":
			u.ClientAccounts = n
		}
	}
	return u, rows.Err()
}

// Confirmed reports whether addr is a confirmed address: that of an account or of a
// subscription (package subscription) whose owner proved, by a link or a code, that they
// receive e-mails there. Only e-mails that carry such a proof (Message.Proof) may go to an
// address not confirmed.
func Confirmed(ctx context.Context, q db.Querier, addr string) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM accounts WHERE email = $1 AND email_verified_at IS NOT NULL)
		+ (SELECT COUNT(*) FROM subscriptions WHERE email = $1 AND confirmed_at IS NOT NULL)`,
		addr).Scan(&n); err != nil {
		return false, fmt.Errorf("is the address confirmed: %w", err)
	}
	return n > 0, nil
}

// PurgeQuota deletes the quota rows recorded before before (package privacy's retention of
// throttling records; Take already forgets those older than its window as it goes).
func PurgeQuota(ctx context.Context, q db.Querier, before time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, "DELETE FROM mail_quota WHERE at < $1", before.UTC())
	if err != nil {
		return 0, fmt.Errorf("purge mail quota: %w", err)
	}
	return res.RowsAffected()
}
