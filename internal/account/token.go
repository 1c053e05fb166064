package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
)

// Purpose says what a single-use token is for; a token of one purpose is worth nothing for
// another.
type Purpose string

// The token purposes.
const (
	PurposeVerify    Purpose = "verify"     // link proving the e-mail address
	PurposeReset     Purpose = "reset"      // link to choose a new password
	PurposeLoginCode Purpose = "login_code" // short code to sign in without a password
)

// How long each kind of token lives, unless the caller says otherwise. A reset link is a
// password in all but name, so it is short-lived; a sign-in code is short and typed by
// hand, so shorter still.
const (
	VerifyTTL    = 48 * time.Hour
	ResetTTL     = time.Hour
	LoginCodeTTL = 15 * time.Minute
)

// LoginCodeDigits is the length of a sign-in code: 10^8 values, against at most
// MaxCodeGuesses guesses per code.
const LoginCodeDigits = 8

// DefaultTTL returns the usual lifetime of a token of purpose p.
func (p Purpose) DefaultTTL() time.Duration {
	switch p {
	case PurposeVerify:
		return VerifyTTL
	case PurposeReset:
		return ResetTTL
	case PurposeLoginCode:
		return LoginCodeTTL
	}
	return 0
}

func (p Purpose) valid() bool { return p.DefaultTTL() > 0 }

// hashLink is what is stored for a link token: its SHA-256. The secret has 256 bits of
// entropy, so no salt or slow hash is needed; a database leak gives no usable link.
func hashLink(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// hashCode is what is stored for a sign-in code. Codes are short, so two accounts may well
// receive the same one: the account id is part of the hash, which keeps the stored hashes
// unique and makes a code valid only for the account it was sent to.
func hashCode(accountID int64, code string) string {
	sum := sha256.Sum256([]byte(string(PurposeLoginCode) + ":" + strconv.FormatInt(accountID, 10) + ":" + code))
	return hex.EncodeToString(sum[:])
}

func newLinkSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("token secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func newCode() (string, error) {
	limit := big.NewInt(1)
	for range LoginCodeDigits {
		limit.Mul(limit, big.NewInt(10))
	}
	n, err := rand.Int(rand.Reader, limit)
	if err != nil {
		return "", fmt.Errorf("sign-in code: %w", err)
	}
	return fmt.Sprintf("%0*d", LoginCodeDigits, n), nil
}

// IssueToken creates a single-use token for the account and returns its secret, to be sent
// by e-mail: a URL-safe link secret for verify and reset, an 8-digit code for login_code.
// Only a hash is stored. ttl <= 0 means the purpose's default lifetime. Issuing a reset link
// or a sign-in code cancels the account's earlier unused ones of the same purpose, so that
// only the latest e-mail works.
func IssueToken(ctx context.Context, q db.Querier, accountID int64, purpose Purpose, ttl time.Duration, now time.Time) (string, error) {
	if !purpose.valid() {
		return "", fmt.Errorf("issue token: unknown purpose %q", purpose)
	}
	if ttl <= 0 {
		ttl = purpose.DefaultTTL()
	}
	now = now.UTC()
	if purpose == PurposeReset || purpose == PurposeLoginCode {
		if err := invalidateTokens(ctx, q, accountID, now, purpose); err != nil {
			return "", err
		}
	}
	var secret, hash string
	var err error
	if purpose == PurposeLoginCode {
		secret, err = newCode()
		hash = hashCode(accountID, secret)
	} else {
		secret, err = newLinkSecret()
		hash = hashLink(secret)
	}
	if err != nil {
		return "", err
	}
	// A new code may, once in 10^8, equal an earlier code of the same account, which the
	// unique index would refuse (and a failed statement aborts a PostgreSQL transaction).
	// That earlier code is cancelled or spent already, so it is deleted first.
	if purpose == PurposeLoginCode {
		if _, err := q.ExecContext(ctx, "DELETE FROM account_tokens WHERE token_hash = $1", hash); err != nil {
			return "", fmt.Errorf("issue %s token for account %d: %w", purpose, accountID, err)
		}
	}
	_, err = q.ExecContext(ctx,
		`INSERT INTO account_tokens (account_id, purpose, token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)`,
		accountID, string(purpose), hash, now.Add(ttl), now)
	if err != nil {
		return "", fmt.Errorf("issue %s token for account %d: %w", purpose, accountID, err)
	}
	return secret, nil
}

// invalidateTokens spends the account's unused tokens of the given purposes.
func invalidateTokens(ctx context.Context, q db.Querier, accountID int64, now time.Time, purposes ...Purpose) error {
	for _, p := range purposes {
		_, err := q.ExecContext(ctx,
			"UPDATE account_tokens SET used_at = $1 WHERE account_id = $2 AND purpose = $3 AND used_at IS NULL",
			now.UTC(), accountID, string(p))
		if err != nil {
			return fmt.Errorf("cancel %s tokens of account %d: %w", p, accountID, err)
		}
	}
	return nil
}

// ConsumeToken spends a verify or reset token and returns its account. Checking and
// spending are one statement, so that of two concurrent uses of one link exactly one
// succeeds. An unknown, expired or already used token is an apperr Invalid with a message
// that says which. Sign-in codes are consumed with ConsumeLoginCode, which needs the
// account.
func ConsumeToken(ctx context.Context, q db.Querier, purpose Purpose, secret string, now time.Time) (int64, error) {
	if purpose == PurposeLoginCode || !purpose.valid() {
		return 0, fmt.Errorf("consume token: purpose %q cannot be consumed by secret alone", purpose)
	}
	secret = strings.TrimSpace(secret)
	if secret == "" || len(secret) > 128 {
		return 0, apperr.New(apperr.Invalid, "account.token_invalid")
	}
	return consume(ctx, q, purpose, hashLink(secret), now)
}

// MaxCodeGuesses is how many wrong guesses a sign-in code accepts: at the last one it is
// spent, and a new one must be asked.
const MaxCodeGuesses = 5

// ConsumeLoginCode spends a sign-in code sent to the account. Spaces and dashes that people
// type inside codes are ignored. A wrong, expired or used code is an apperr Invalid
// (without saying which: the code is the secret). A wrong guess is counted on the account's
// live code: the MaxCodeGuesses-th spends it, and from then on, until a new code is sent,
// the answer is the apperr Invalid "guard.code_exhausted", which tells to ask for a new one.
// Use SignInWithCode from the sign-in page, which also throttles guesses and checks them one
// at a time.
func ConsumeLoginCode(ctx context.Context, q db.Querier, accountID int64, code string, now time.Time) error {
	return consumeLoginCode(ctx, q, accountID, "", code, now)
}

// consumeLoginCode is ConsumeLoginCode; when the account has no live code and email is
// given, a wrong guess is counted for the address as for an address without an account
// (countCodeGuess), so that the answers do not tell the two apart.
func consumeLoginCode(ctx context.Context, q db.Querier, accountID int64, email, code string, now time.Time) error {
	code, ok := normalizeCode(code)
	if ok {
		_, err := consume(ctx, q, PurposeLoginCode, hashCode(accountID, code), now)
		if err == nil {
			return nil
		}
		if _, isApp := apperr.As(err); !isApp {
			return err
		}
	}
	live, err := wrongCodeGuess(ctx, q, accountID, now)
	switch {
	case err != nil || live:
		return err
	case email == "":
		return apperr.New(apperr.Invalid, "account.code_invalid")
	}
	return countCodeGuess(ctx, q, email, now)
}

// wrongCodeGuess counts a wrong guess on the account's live sign-in code (spending it at the
// last one allowed) and returns the answer to give; live is false, and the error nil, when
// the account has no live code and its latest one was not spent by guesses.
func wrongCodeGuess(ctx context.Context, q db.Querier, accountID int64, now time.Time) (live bool, err error) {
	now = now.UTC()
	var guesses int
	err = q.QueryRowContext(ctx,
		`UPDATE account_tokens SET failed_guesses = failed_guesses + 1,
		     used_at = CASE WHEN failed_guesses + 1 >= $1 THEN $2 ELSE used_at END
		 WHERE account_id = $3 AND purpose = $4 AND used_at IS NULL AND expires_at > $2
		 RETURNING failed_guesses`, MaxCodeGuesses, now, accountID, string(PurposeLoginCode)).Scan(&guesses)
	switch {
	case err == nil:
		live = true
	case db.IsNotFound(err):
		// No live code: say so if the latest one, unexpired, was spent by wrong guesses.
		err = q.QueryRowContext(ctx,
			`SELECT failed_guesses FROM account_tokens
			 WHERE account_id = $1 AND purpose = $2 AND expires_at > $3
			 ORDER BY created_at DESC, id DESC LIMIT 1`, accountID, string(PurposeLoginCode), now).Scan(&guesses)
		if err != nil && !db.IsNotFound(err) {
			return false, fmt.Errorf("read sign-in code: %w", err)
		}
	default:
		return false, fmt.Errorf("count a wrong sign-in code: %w", err)
	}
	if guesses >= MaxCodeGuesses {
		return true, apperr.New(apperr.Invalid, "guard.code_exhausted", MaxCodeGuesses)
	}
	if live {
		return true, apperr.New(apperr.Invalid, "account.code_invalid")
	}
	return false, nil
}

func normalizeCode(code string) (string, bool) {
	code = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' || r == '\u202f' || r == '\t' {
			return -1
		}
		return r
	}, code)
	if len(code) != LoginCodeDigits {
		return "", false
	}
	for _, c := range []byte(code) {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return code, true
}

func consume(ctx context.Context, q db.Querier, purpose Purpose, hash string, now time.Time) (int64, error) {
	now = now.UTC()
	var accountID int64
	err := q.QueryRowContext(ctx,
		`UPDATE account_tokens SET used_at = $1
		 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
		 RETURNING account_id`, now, hash, string(purpose)).Scan(&accountID)
	if err == nil {
		return accountID, nil
	}
	if !db.IsNotFound(err) {
		return 0, fmt.Errorf("consume %s token: %w", purpose, err)
	}
	// Nothing spent: tell the person why, so that they know to ask for a new link.
	var used *time.Time
	var expires time.Time
	err = q.QueryRowContext(ctx,
		"SELECT used_at, expires_at FROM account_tokens WHERE token_hash = $1 AND purpose = $2", hash, string(purpose)).Scan(&used, &expires)
	switch {
	case db.IsNotFound(err):
		return 0, apperr.New(apperr.Invalid, "account.token_invalid")
	case err != nil:
		return 0, fmt.Errorf("read %s token: %w", purpose, err)
	case used != nil:
		return 0, apperr.New(apperr.Invalid, "account.token_used")
	default:
		return 0, apperr.New(apperr.Invalid, "account.token_expired")
	}
}

// PurgeTokens deletes the tokens that expired before the given instant (used or not): they
// can never be used again, and the personal data they point to should not linger.
func PurgeTokens(ctx context.Context, q db.Querier, before time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, "DELETE FROM account_tokens WHERE expires_at < $1", before.UTC())
	if err != nil {
		return 0, fmt.Errorf("purge tokens: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge tokens: %w", err)
	}
	return n, nil
}
