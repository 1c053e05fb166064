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
// sees the same counts. Two limits hold:
//
//   - per account and client address (the pair): after MaxFailuresPerPair failures, that
//     client may not try that account's password again for a delay that doubles with each
//     further failure (LockDelay); failures are remembered for FailureMemory. Only the pair is
//     locked: the owner signing in from elsewhere, or with an e-mailed code, is not, so that
//     an attacker cannot lock anyone out of their account.
//   - per client: within any ThrottleWindow, a client may fail MaxFailuresPerIP times, at
//     passwords and sign-in codes of any accounts together; beyond that it is refused until
//     the oldest failures leave the window.
//
// A sign-in code also accepts at most MaxCodeGuesses wrong guesses (see ConsumeLoginCode).
const (
	ThrottleWindow     = 15 * time.Minute
	MaxFailuresPerPair = 5
	MaxFailuresPerIP   = 20
	FirstLockDelay     = 15 * time.Minute
	MaxLockDelay       = 24 * time.Hour
	FailureMemory      = 24 * time.Hour
)

// LockDelay is how long a pair that failed n times is refused after its last failure: none
// below MaxFailuresPerPair, then FirstLockDelay, doubled at each further failure, at most
// MaxLockDelay.
func LockDelay(n int) time.Duration {
	if n < MaxFailuresPerPair {
		return 0
	}
	d := FirstLockDelay
	for range n - MaxFailuresPerPair {
		if d *= 2; d >= MaxLockDelay {
			return MaxLockDelay
		}
	}
	return d
}

// The account's part of a key is its normalised e-mail, not its id, so that unknown
// addresses are throttled exactly like known ones and the throttle tells nothing about who
// has an account.
func accountKey(email string) string { return "email:" + NormalizeEmail(email) }

// pairKey names an account tried from a client.
func pairKey(email, clientIP string) string {
	return "pair:" + ipKey(clientIP) + " " + accountKey(email)
}

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
	d       *db.DB
	pairKey string  // "" for a code sign-in, which the pair's lock does not concern
	ids     []int64 // our rows in login_failures
	ipID    int64   // our row for the client, 0 if none
}

// refusal ends the transaction of a refused attempt, so that it leaves no row, and tells
// how long to wait.
type refusal struct{ wait time.Duration }

func (r refusal) Error() string { return "too many sign-in failures" }

// beginAttempt records the attempt and refuses it (apperr TooMany) when the pair (pairKey,
// unless empty) is locked or the client used up its failures in the window. Each key's
// check and record happen in one transaction under a lock of that key (SQLite transactions
// are serialised anyway), so that attempts on a key are counted one after the other: a burst
// of parallel guesses gets exactly the tries left, no more and no fewer. The pair's key is
// always locked before the client's, so two attempts never wait for each other's lock.
func beginAttempt(ctx context.Context, d *db.DB, pair, clientIP string, now time.Time) (*attempt, error) {
	now = now.UTC()
	a := &attempt{d: d, pairKey: pair}
	record := func(tx *db.Tx, key string) (int64, error) {
		var id int64
		err := tx.QueryRowContext(ctx,
			"INSERT INTO login_failures (throttle_key, failed_at) VALUES ($1, $2) RETURNING id", key, now).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("record sign-in attempt: %w", err)
		}
		a.ids = append(a.ids, id)
		return id, nil
	}
	err := d.InTx(ctx, func(tx *db.Tx) error {
		if pair != "" {
			if err := d.Lock(ctx, tx, "login_failures:"+pair); err != nil {
				return err
			}
			n, last, err := failuresSince(ctx, tx, pair, now.Add(-FailureMemory))
			if err != nil {
				return err
			}
			// A refused attempt is not a failure (its rows go with the rollback): it does not
			// push the end of the lock further, so the delay grows with the guesses actually
			// checked, not with the requests.
			if until := last.Add(LockDelay(n)); n >= MaxFailuresPerPair && now.Before(until) {
				return refusal{until.Sub(now)}
			}
			if _, err := record(tx, pair); err != nil {
				return err
			}
		}
		key := ipKey(clientIP)
		if key == "" {
			return nil
		}
		if err := d.Lock(ctx, tx, "login_failures:"+key); err != nil {
			return err
		}
		id, err := record(tx, key)
		if err != nil {
			return err
		}
		a.ipID = id
		n, _, err := failuresSince(ctx, tx, key, now.Add(-ThrottleWindow))
		if err != nil {
			return err
		}
		// n includes this attempt: refuse when the earlier failures reach the limit.
		if n > MaxFailuresPerIP {
			return refusal{ThrottleWindow}
		}
		return nil
	})
	var r refusal
	if errors.As(err, &r) {
		minutes := int((r.wait + time.Minute - 1) / time.Minute)
		return nil, apperr.New(apperr.TooMany, "account.too_many_attempts", max(minutes, 1))
	}
	if err != nil {
		return nil, err
	}
	return a, nil
}

// failuresSince counts the failures of key after since, and gives the latest one's instant.
func failuresSince(ctx context.Context, tx *db.Tx, key string, since time.Time) (int, time.Time, error) {
	var n int
	var last time.Time
	rows, err := tx.QueryContext(ctx,
		"SELECT failed_at FROM login_failures WHERE throttle_key = $1 AND failed_at > $2 ORDER BY failed_at DESC", key, since)
	if err != nil {
		return 0, last, fmt.Errorf("count sign-in failures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var at time.Time
		if err := rows.Scan(&at); err != nil {
			return 0, last, fmt.Errorf("count sign-in failures: %w", err)
		}
		if n == 0 {
			last = at
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, last, fmt.Errorf("count sign-in failures: %w", err)
	}
	return n, last, nil
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

// succeed clears the pair's failures (the owner got in from this client; earlier typos are
// forgiven) and this attempt's row for the client, but not the client's other failures: one
// account of the attacker's own must not reset a client's count of guesses at other
// accounts. The failures of the account from other clients stay: they are theirs.
func (a *attempt) succeed(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx)
	if a.pairKey != "" {
		if _, err := a.d.ExecContext(ctx, "DELETE FROM login_failures WHERE throttle_key = $1", a.pairKey); err != nil {
			return fmt.Errorf("clear sign-in failures: %w", err)
		}
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
// An unknown address and a wrong password give the same apperr Invalid after the same work
// (one argon2 derivation: a dummy one when there is no hash to check, or when the password is
// too long to be one); an account without a password (code sign-in only) is refused the same
// way. Too many failures of this client at this account, or of this client at all, give an
// apperr TooMany (see MaxFailuresPerPair), and a disabled account an apperr Forbidden once
// the password is right. A hash made with older parameters than p is replaced by one made
// with p.
func Authenticate(ctx context.Context, d *db.DB, p PasswordParams, email, password, clientIP string, now time.Time) (*access.Account, error) {
	att, err := beginAttempt(ctx, d, pairKey(email, clientIP), clientIP, now)
	if err != nil {
		return nil, err
	}
	a, hash, err := byEmailWithHash(ctx, d, email)
	if err != nil && !apperr.IsKind(err, apperr.NotFound) {
		att.forgive(ctx)
		return nil, err
	}
	if a == nil || hash == "" || len(password) > 4*MaxPasswordLen {
		p.burn(password[:min(len(password), 4*MaxPasswordLen)])
		return nil, badCredentials()
	}
	if !VerifyPassword(hash, password) {
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
// PurposeLoginCode) and returns the account with its roles. A wrong guess counts against the
// client (MaxFailuresPerIP) and against the code, which is spent after MaxCodeGuesses wrong
// ones (apperr Invalid "guard.code_exhausted": a new code must be asked); the password
// failures of a pair do not lock the code sign-in. An unknown address and a wrong, expired
// or used code give the same apperr Invalid. Receiving the code proves the address, so the
// account becomes verified.
func SignInWithCode(ctx context.Context, d *db.DB, email, code, clientIP string, now time.Time) (*access.Account, error) {
	att, err := beginAttempt(ctx, d, "", clientIP, now)
	if err != nil {
		return nil, err
	}
	a, _, err := byEmailWithHash(ctx, d, email)
	if apperr.IsKind(err, apperr.NotFound) {
		err := unknownCodeGuess(ctx, d, email, now)
		if !apperr.IsKind(err, apperr.Invalid) {
			att.forgive(ctx)
		}
		return nil, err
	}
	if err != nil {
		att.forgive(ctx)
		return nil, err
	}
	var refused error // a wrong guess: its count commits with the transaction
	err = d.InTx(ctx, func(tx *db.Tx) error {
		// The account's guesses are checked one at a time, so that a burst of parallel ones
		// cannot all be tried before any is counted.
		if err := d.Lock(ctx, tx, "login_code:"+entityID(a.ID)); err != nil {
			return err
		}
		err := consumeLoginCode(ctx, tx, a.ID, a.Email, code, now)
		if apperr.IsKind(err, apperr.Invalid) {
			refused, err = err, nil
		}
		return err
	})
	if err == nil {
		err = refused
	}
	if err != nil {
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

// codeGuessKey counts the guesses at the code of an address without an account.
func codeGuessKey(email string) string { return "code:" + NormalizeEmail(email) }

// unknownCodeGuess answers a code typed for an address without an account (countCodeGuess),
// one guess at a time.
func unknownCodeGuess(ctx context.Context, d *db.DB, email string, now time.Time) error {
	var answer error
	err := d.InTx(ctx, func(tx *db.Tx) error {
		if err := d.Lock(ctx, tx, "login_failures:"+codeGuessKey(email)); err != nil {
			return err
		}
		answer = countCodeGuess(ctx, tx, email, now)
		if apperr.IsKind(answer, apperr.Invalid) {
			return nil
		}
		return answer
	})
	if err != nil {
		return err
	}
	return answer
}

// countCodeGuess answers a code typed for an address that has no live code (no account, or
// none asked lately) as one typed for a live code would be: "code_invalid", then
// "code_exhausted" from the MaxCodeGuesses-th guess since the address last asked for a code
// (SendLoginCode forgets the guesses), within a code's lifetime. Otherwise the message that a
// code was spent would tell which addresses have an account.
func countCodeGuess(ctx context.Context, q db.Querier, email string, now time.Time) error {
	key := codeGuessKey(email)
	now = now.UTC()
	if _, err := q.ExecContext(ctx, "INSERT INTO login_failures (throttle_key, failed_at) VALUES ($1, $2)", key, now); err != nil {
		return fmt.Errorf("record a sign-in code guess: %w", err)
	}
	var n int
	if err := q.QueryRowContext(ctx,
		"SELECT COUNT(*) FROM login_failures WHERE throttle_key = $1 AND failed_at > $2", key, now.Add(-LoginCodeTTL)).Scan(&n); err != nil {
		return fmt.Errorf("count sign-in code guesses: %w", err)
	}
	if n >= MaxCodeGuesses {
		return apperr.New(apperr.Invalid, "guard.code_exhausted", MaxCodeGuesses)
	}
	return apperr.New(apperr.Invalid, "account.code_invalid")
}

// PurgeLoginFailures deletes failures recorded before the given instant; those older than
// FailureMemory no longer count. Returns how many were deleted.
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
