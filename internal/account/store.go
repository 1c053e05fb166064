package account

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
)

// MaxDisplayNameLen bounds the name shown next to an account's contributions.
const MaxDisplayNameLen = 100

// DefaultLang is the language of new accounts.
const DefaultLang = "fr"

const accountColumns = "id, email, display_name, password_hash, email_verified_at, lang, disabled, created_at"

// errNotFound is returned when no account matches; it wraps sql.ErrNoRows so that
// db.IsNotFound works on it too.
func errNotFound() error {
	return &apperr.Error{Kind: apperr.NotFound, Message: apperr.Msg("account.not_found"), Cause: sql.ErrNoRows}
}

// normalizeDisplayName trims a display name and folds its inner white space.
func normalizeDisplayName(s string) string { return strings.Join(strings.Fields(s), " ") }

func checkDisplayName(fe apperr.FieldErrors, name string) {
	if !utf8.ValidString(name) {
		fe.Add("display_name", "account.display_name_invalid")
		return
	}
	if utf8.RuneCountInString(name) > MaxDisplayNameLen {
		fe.Add("display_name", "account.display_name_too_long", MaxDisplayNameLen)
		return
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			fe.Add("display_name", "account.display_name_invalid")
			return
		}
	}
}

// Create makes an account without a password: it signs in with one-time codes sent by e-mail
// (voters, people who deposit an idea, committee members added by an agent). Invalid input
// and an address already used give apperr field errors on "email" and "display_name". The
// account starts with no role and an unverified address.
func Create(ctx context.Context, q db.Querier, email, displayName string, now time.Time) (*access.Account, error) {
	return CreateWithPassword(ctx, q, PasswordParams{}, email, displayName, "", now)
}

// CreateWithPassword makes an account whose password is hashed with p; an empty password
// makes one as Create does. Invalid input and an address already used give apperr field
// errors on "email", "display_name" and "password".
func CreateWithPassword(ctx context.Context, q db.Querier, p PasswordParams, email, displayName, password string, now time.Time) (*access.Account, error) {
	email = NormalizeEmail(email)
	displayName = normalizeDisplayName(displayName)
	fe := apperr.FieldErrors{}
	if key, ok := CheckEmail(email); !ok {
		fe.Add("email", key)
	}
	checkDisplayName(fe, displayName)
	if password != "" {
		if key, args, ok := CheckPassword(password, email); !ok {
			fe.Add("password", key, args...)
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	hash := ""
	if password != "" {
		var err error
		if hash, err = p.Hash(password); err != nil {
			return nil, err
		}
	}
	// Look first: on PostgreSQL a failed INSERT aborts the caller's transaction, which the
	// caller would then have to roll back just to show "address taken". The unique index
	// still decides when two sign-ups race.
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM accounts WHERE email = $1", email).Scan(&n); err != nil {
		return nil, fmt.Errorf("check account e-mail: %w", err)
	}
	if n > 0 {
		return nil, emailTaken()
	}
	now = now.UTC()
	a := &access.Account{Email: email, DisplayName: displayName, Lang: DefaultLang, CreatedAt: now, HasPassword: hash != ""}
	err := q.QueryRowContext(ctx,
		`INSERT INTO accounts (email, display_name, password_hash, lang, disabled, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		email, displayName, hash, DefaultLang, false, now).Scan(&a.ID)
	if db.IsUniqueViolation(err) {
		return nil, emailTaken()
	}
	if err != nil {
		return nil, fmt.Errorf("insert account: %w", err)
	}
	return a, nil
}

func emailTaken() error {
	fe := apperr.FieldErrors{}
	fe.Add("email", "account.email_taken")
	return fe.Err()
}

// ByID returns the account with its roles, or an apperr NotFound. One query reads both
// (every signed-in request asks for it).
func ByID(ctx context.Context, q db.Querier, id int64) (*access.Account, error) {
	rows, err := q.QueryContext(ctx, byIDQuery, id)
	if err != nil {
		return nil, fmt.Errorf("read account %d: %w", id, err)
	}
	defer rows.Close()
	a, _, err := collectAccount(rows)
	if err != nil {
		return nil, fmt.Errorf("read account %d: %w", id, err)
	}
	if a == nil {
		return nil, errNotFound()
	}
	return a, nil
}

// withRolesColumns are accountColumns of "a" then the grant columns of "r", for a query of
// accounts a LEFT JOIN account_roles r (see collectAccount).
var withRolesColumns = "a." + strings.ReplaceAll(accountColumns, ", ", ", a.") + ", r.role, r.campaign_id"

var byIDQuery = "SELECT " + withRolesColumns +
	" FROM accounts a LEFT JOIN account_roles r ON r.account_id = a.id WHERE a.id = $1"

// collectAccount reads the rows of one account joined with its roles (withRolesColumns, then
// the extra destinations): the account's columns are repeated on each of its grants' rows,
// or come once with empty grant columns. It returns the account (nil when there is no row,
// or when its columns are NULL: an outer join that found none) and the number of rows.
func collectAccount(rows *sql.Rows, extra ...any) (*access.Account, int, error) {
	var (
		a *access.Account
		n int
	)
	for rows.Next() {
		var (
			role sql.NullString
			cid  *int64
		)
		row, _, err := scanAccount(rows, append([]any{&role, &cid}, extra...)...)
		if err != nil {
			return nil, 0, err
		}
		if n++; a == nil {
			a = row
		}
		if a != nil && role.Valid {
			a.Roles = append(a.Roles, access.Grant{Role: access.Role(role.String), CampaignID: cid})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if a != nil {
		sortGrants(a.Roles)
	}
	return a, n, nil
}

// ByEmail returns the account of an address (normalised first) with its roles, or an apperr
// NotFound.
func ByEmail(ctx context.Context, q db.Querier, email string) (*access.Account, error) {
	a, _, err := byEmailWithHash(ctx, q, email)
	if err != nil {
		return nil, err
	}
	return a, loadGrants(ctx, q, a)
}

func byEmailWithHash(ctx context.Context, q db.Querier, email string) (*access.Account, string, error) {
	return scanOne(ctx, q, "SELECT "+accountColumns+" FROM accounts WHERE email = $1", NormalizeEmail(email))
}

type scanner interface{ Scan(dest ...any) error }

// scanAccount reads one row that begins with accountColumns, followed by the extra
// destinations; it returns the password hash beside the account so that the hash never
// travels in an Account value. The account is nil when its columns are NULL (an outer join
// that found no account).
func scanAccount(s scanner, extra ...any) (*access.Account, string, error) {
	var (
		id                sql.NullInt64
		email, name, hash sql.NullString
		lang              sql.NullString
		verified, created sql.NullTime
		disabled          sql.NullBool
	)
	dest := append([]any{&id, &email, &name, &hash, &verified, &lang, &disabled, &created}, extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, "", err
	}
	if !id.Valid {
		return nil, "", nil
	}
	a := &access.Account{ID: id.Int64, Email: email.String, DisplayName: name.String, Lang: lang.String,
		Disabled: disabled.Bool, CreatedAt: created.Time.UTC(), HasPassword: hash.String != ""}
	if verified.Valid {
		t := verified.Time.UTC()
		a.EmailVerifiedAt = &t
	}
	return a, hash.String, nil
}

func scanOne(ctx context.Context, q db.Querier, query string, args ...any) (*access.Account, string, error) {
	a, hash, err := scanAccount(q.QueryRowContext(ctx, query, args...))
	if db.IsNotFound(err) {
		return nil, "", errNotFound()
	}
	if err != nil {
		return nil, "", fmt.Errorf("read account: %w", err)
	}
	return a, hash, nil
}

// SetPassword checks and stores a new password (the account's earlier unused reset links
// and sign-in codes stop working: whoever asked for them no longer needs them). Rule
// violations are apperr field errors on "password".
func SetPassword(ctx context.Context, q db.Querier, p PasswordParams, accountID int64, password string, now time.Time) error {
	var email string
	err := q.QueryRowContext(ctx, "SELECT email FROM accounts WHERE id = $1", accountID).Scan(&email)
	if db.IsNotFound(err) {
		return errNotFound()
	}
	if err != nil {
		return fmt.Errorf("read account %d: %w", accountID, err)
	}
	if key, args, ok := CheckPassword(password, email); !ok {
		fe := apperr.FieldErrors{}
		fe.Add("password", key, args...)
		return fe.Err()
	}
	hash, err := p.Hash(password)
	if err != nil {
		return err
	}
	if err := setHash(ctx, q, accountID, hash); err != nil {
		return err
	}
	return invalidateTokens(ctx, q, accountID, now, PurposeReset, PurposeLoginCode)
}

func setHash(ctx context.Context, q db.Querier, accountID int64, hash string) error {
	if _, err := q.ExecContext(ctx, "UPDATE accounts SET password_hash = $1 WHERE id = $2", hash, accountID); err != nil {
		return fmt.Errorf("store password of account %d: %w", accountID, err)
	}
	return nil
}

// MarkVerified records that the account proved it controls its address. The first proof
// is kept: verifying again changes nothing.
func MarkVerified(ctx context.Context, q db.Querier, accountID int64, now time.Time) error {
	res, err := q.ExecContext(ctx,
		"UPDATE accounts SET email_verified_at = COALESCE(email_verified_at, $1) WHERE id = $2", now.UTC(), accountID)
	if err != nil {
		return fmt.Errorf("mark account %d verified: %w", accountID, err)
	}
	accountChanged(q, accountID)
	return mustAffect(res, accountID)
}

// SetDisabled disables (or re-enables) an account: a disabled account cannot sign in and
// holds no role, whatever its grants.
func SetDisabled(ctx context.Context, q db.Querier, accountID int64, disabled bool) error {
	res, err := q.ExecContext(ctx, "UPDATE accounts SET disabled = $1 WHERE id = $2", disabled, accountID)
	if err != nil {
		return fmt.Errorf("set account %d disabled=%v: %w", accountID, disabled, err)
	}
	accountChanged(q, accountID)
	return mustAffect(res, accountID)
}

// SetLang stores the account's preferred language ("fr", "en", "en-GB"…), used for its
// e-mails; an unsupported language is an apperr Invalid.
func SetLang(ctx context.Context, q db.Querier, accountID int64, lang string) error {
	l, ok := i18n.Parse(lang)
	if !ok {
		return apperr.New(apperr.Invalid, "account.lang_unknown")
	}
	res, err := q.ExecContext(ctx, "UPDATE accounts SET lang = $1 WHERE id = $2", string(l), accountID)
	if err != nil {
		return fmt.Errorf("set language of account %d: %w", accountID, err)
	}
	accountChanged(q, accountID)
	return mustAffect(res, accountID)
}

func mustAffect(res sql.Result, accountID int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("update account %d: %w", accountID, err)
	}
	if n == 0 {
		return errNotFound()
	}
	return nil
}
