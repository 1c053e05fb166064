package account

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
)

// Sign-in throttling. Failures are rows of login_failures, so that every server process
// sees the same counts. Within any ThrottleWindow, an address may fail
// MaxFailuresPerAccount times and a client MaxFailuresPerIP times; beyond that, sign-in is
// refused, even with the right password, until the oldest failures leave the window.
const (
	ThrottleWindow        = 15 * time.Minute
	MaxFailuresPerAccount = 5
	MaxFailuresPerIP      = 20
)

// The account's key is its normalised e-mail, not its id, so that unknown addresses are
// throttled exactly like known ones and the throttle tells nothing about who has an account.
func accountKey(email string) string { return "email:" + NormalizeEmail(email) }

// ipKey names a client. IPv6 clients are counted by /64, the block one subscriber usually
// holds, else an attacker would rotate through 2^64 addresses.
func ipKey(clientIP string) string {
	if clientIP == "" {
		return ""
	}
	addr, err := netip.ParseAddr(clientIP)
	if err != nil {
		if ap, err2 := netip.ParseAddrPort(clientIP); err2 == nil {
			addr, err = ap.Addr(), nil
		}
	}
	if err != nil {
		if len(clientIP) > 64 {
			clientIP = clientIP[:64]
		}
		return "ip:" + clientIP
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + addr.String()
}

// attempt is a sign-in in progress. It is counted as a failure from the start and only
// forgiven once it succeeds: counting before checking means that a burst of parallel
// guesses cannot all pass the check before any of them is recorded.
type attempt struct {
	d          *db.DB
	accountKey string
	ids        []int64 // our rows in login_failures
	ipID       int64   // our row for the client, 0 if none
}

// errRefused ends the transaction of a refused attempt, so that it leaves no row.
var errRefused = errors.New("too many sign-in failures")

// beginAttempt records the attempt and refuses it (apperr TooMany) when the account or the
// client already used up its failures in the window. Each key's record and count happen in
// one transaction under a lock of that key (SQLite transactions are serialised anyway), so
// that attempts on a key are counted one after the other: a burst of parallel guesses gets
// exactly the tries left, no more and no fewer. The account's key is always locked before
// the client's, so two attempts never wait for each other's lock.
func beginAttempt(ctx context.Context, d *db.DB, email, clientIP string, now time.Time) (*attempt, error) {
	now = now.UTC()
	a := &attempt{d: d, accountKey: accountKey(email)}
	limits := []struct {
		key string
		max int
	}{{a.accountKey, MaxFailuresPerAccount}, {ipKey(clientIP), MaxFailuresPerIP}}
	err := d.InTx(ctx, func(tx *db.Tx) error {
		for _, l := range limits {
			if l.key == "" {
				continue
			}
			if err := d.Lock(ctx, tx, "login_failures:"+l.key); err != nil {
				return err
			}
			var id int64
			err := tx.QueryRowContext(ctx,
				"INSERT INTO login_failures (throttle_key, failed_at) VALUES ($1, $2) RETURNING id", l.key, now).Scan(&id)
			if err != nil {
				return fmt.Errorf("record sign-in attempt: %w", err)
			}
			a.ids = append(a.ids, id)
			if l.key != a.accountKey {
				a.ipID = id
			}
			var n int
			err = tx.QueryRowContext(ctx,
				"SELECT COUNT(*) FROM login_failures WHERE throttle_key = $1 AND failed_at > $2", l.key, now.Add(-ThrottleWindow)).Scan(&n)
			if err != nil {
				return fmt.Errorf("count sign-in failures: %w", err)
			}
			// n includes this attempt: refuse when the earlier failures reach the limit.
			// A refused attempt is not a failure (its rows go with the rollback): it must
			// not push the end of the lock further, or a script hammering the form would
			// lock the owner out for ever.
			if n > l.max {
				return errRefused
			}
		}
		return nil
	})
	if errors.Is(err, errRefused) {
		return nil, apperr.New(apperr.TooMany, "account.too_many_attempts", int(ThrottleWindow/time.Minute))
	}
	if err != nil {
		return nil, err
	}
	return a, nil
}

// forgive removes this attempt's rows: it was refused before any check of a secret.
func (a *attempt) forgive(ctx context.Context) {
	if len(a.ids) == 0 {
		return
	}
	args := make([]any, len(a.ids))
	for i, id := range a.ids {
		args[i] = id
	}
	// Best effort: on failure the rows simply count until they leave the window.
	_, _ = a.d.ExecContext(context.WithoutCancel(ctx),
		"DELETE FROM login_failures WHERE id IN ("+db.Placeholders(1, len(args))+")", args...)
	a.ids = nil
}

// succeed clears the account's failures (the owner got in; earlier typos are forgiven) and
// this attempt's row for the client, but not the client's other failures: one account of
// the attacker's own must not reset a client's count of guesses at other accounts.
func (a *attempt) succeed(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx)
	if _, err := a.d.ExecContext(ctx, "DELETE FROM login_failures WHERE throttle_key = $1", a.accountKey); err != nil {
		return fmt.Errorf("clear sign-in failures: %w", err)
	}
	if a.ipID != 0 {
		if _, err := a.d.ExecContext(ctx, "DELETE FROM login_failures WHERE id = $1", a.ipID); err != nil {
			return fmt.Errorf("clear sign-in attempt: %w", err)
		}
	}
	return nil
}

func badCredentials() error { return apperr.New(apperr.Invalid, "account.bad_credentials") }

// Authenticate checks an e-mail and password and returns the account with its roles.
// An unknown address and a wrong password give the same apperr Invalid and take about the
// same time (a dummy hash is verified); an account without a password (code sign-in only)
// is refused the same way. Too many failures give an apperr TooMany (see ThrottleWindow),
// and a disabled account an apperr Forbidden once the password is right. A hash made with
// older parameters than p is replaced by one made with p.
func Authenticate(ctx context.Context, d *db.DB, p PasswordParams, email, password, clientIP string, now time.Time) (*access.Account, error) {
	att, err := beginAttempt(ctx, d, email, clientIP, now)
	if err != nil {
		return nil, err
	}
	a, hash, err := byEmailWithHash(ctx, d, email)
	if err != nil && !apperr.IsKind(err, apperr.NotFound) {
		att.forgive(ctx)
		return nil, err
	}
	if a == nil || hash == "" {
		p.burn(password)
		return nil, badCredentials()
	}
	if len(password) > 4*MaxPasswordLen || !VerifyPassword(hash, password) {
		return nil, badCredentials()
	}
	if err := att.succeed(ctx); err != nil {
		return nil, err
	}
	if a.Disabled {
		return nil, apperr.New(apperr.Forbidden, "account.disabled")
	}
	if p.NeedsRehash(hash) {
		// Best effort: if the write fails the old hash still works, and the next sign-in
		// tries again.
		if h, err := p.Hash(password); err == nil {
			_ = setHash(ctx, d, a.ID, h)
		}
	}
	if err := loadGrants(ctx, d, a); err != nil {
		return nil, err
	}
	return a, nil
}

// SignInWithCode signs in with a one-time code sent by e-mail (IssueToken with
// PurposeLoginCode) and returns the account with its roles. Guesses are throttled like
// passwords; an unknown address and a wrong, expired or used code give the same apperr
// Invalid. Receiving the code proves the address, so the account becomes verified.
func SignInWithCode(ctx context.Context, d *db.DB, email, code, clientIP string, now time.Time) (*access.Account, error) {
	att, err := beginAttempt(ctx, d, email, clientIP, now)
	if err != nil {
		return nil, err
	}
	a, _, err := byEmailWithHash(ctx, d, email)
	if apperr.IsKind(err, apperr.NotFound) {
		return nil, apperr.New(apperr.Invalid, "account.code_invalid")
	}
	if err != nil {
		att.forgive(ctx)
		return nil, err
	}
	if err := ConsumeLoginCode(ctx, d, a.ID, code, now); err != nil {
		if !apperr.IsKind(err, apperr.Invalid) {
			att.forgive(ctx)
		}
		return nil, err
	}
	if err := att.succeed(ctx); err != nil {
		return nil, err
	}
	if a.Disabled {
		return nil, apperr.New(apperr.Forbidden, "account.disabled")
	}
	if a.EmailVerifiedAt == nil {
		if err := MarkVerified(ctx, d, a.ID, now); err != nil {
			return nil, err
		}
		t := now.UTC()
		a.EmailVerifiedAt = &t
	}
	if err := loadGrants(ctx, d, a); err != nil {
		return nil, err
	}
	return a, nil
}

// PurgeLoginFailures deletes failures recorded before the given instant; those older than
// ThrottleWindow no longer count. Returns how many were deleted.
func PurgeLoginFailures(ctx context.Context, q db.Querier, before time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, "DELETE FROM login_failures WHERE failed_at < $1", before.UTC())
	if err != nil {
		return 0, fmt.Errorf("purge sign-in failures: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge sign-in failures: %w", err)
	}
	return n, nil
}
