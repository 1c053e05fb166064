package account

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
)

// The commands a person makes on their own account: register, prove their address, reset or
// change their password, ask for a sign-in code. Each is one change (change.Do): the check of
// who acts, the change through the store functions, the audit entry and the e-mail commit
// together. The store functions tell the session caches of the accounts they change.

// errNothingToDo ends the transaction of a request that must change nothing and say nothing
// to the visitor (an address without an account, a sign-in code asked too often): the answer
// is the same as for a request that did something, so that the form tells nothing.
var errNothingToDo = errors.New("account: nothing to do")

func entityID(id int64) string { return strconv.FormatInt(id, 10) }

// RegisterInput is a sign-up: the address, the name shown and the chosen password (already
// typed twice the same), and the language of the page, that of the e-mail.
type RegisterInput struct {
	Email, Name, Password string
	Lang                  i18n.Lang
}

// Register creates a citizen account (anyone may) and sends the link that proves its
// address. Invalid input is field errors on "email", "display_name" and "password"; nothing
// is saved then. An address that has an account already is not refused, which would tell
// anyone who has one: its owner is sent a notice instead (someone tried to register with
// this address; sign in, or choose a new password), after the same work (the password is
// hashed all the same), and the account is nil. The visitor gets the same answer either way:
// see your mailbox.
func Register(ctx context.Context, env Env, who change.Who, in RegisterInput) (*access.Account, error) {
	var acc *access.Account
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermPublic, Action: "account.register", EntityKind: "account",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			now := env.Change.Now()
			a, err := CreateWithPassword(ctx, tx, env.Passwords, in.Email, in.Name, in.Password, now)
			if ae, ok := apperr.As(err); ok && ae.Fields["email"].Key == "account.email_taken" {
				owner, err := ByEmail(ctx, tx, in.Email)
				if err != nil {
					return change.Outcome{}, err
				}
				m := env.Mail.AlreadyRegistered(owner.Email, in.Lang)
				return change.Outcome{EntityID: entityID(owner.ID),
					After: map[string]any{"already_registered": true}, Mails: []mail.Message{m}}, nil
			}
			if err != nil {
				return change.Outcome{}, err
			}
			if err := GrantRole(ctx, tx, a.ID, access.Citizen, nil, now); err != nil {
				return change.Outcome{}, err
			}
			m, err := NewVerification(ctx, tx, env.Mail, a, in.Lang, now)
			if err != nil {
				return change.Outcome{}, err
			}
			a.Roles = []access.Grant{{Role: access.Citizen}}
			acc = a
			return change.Outcome{EntityID: entityID(a.ID), AccountsCreated: 1,
				After: map[string]any{"role": access.Citizen}, Mails: []mail.Message{m}}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return acc, nil
}

// VerifyInput is the secret of a verification link.
type VerifyInput struct {
	Token string
}

// Verify spends a verification link (anyone holding it may), marks its account verified and
// returns the account's id. An unknown, used or expired link is an apperr Invalid that says
// which.
func Verify(ctx context.Context, env change.Env, who change.Who, in VerifyInput) (int64, error) {
	var accountID int64
	_, err := change.Do(ctx, env, change.Request{
		Who: who, Permission: access.PermPublic, Action: "account.verify", EntityKind: "account",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			id, err := ConsumeToken(ctx, tx, PurposeVerify, in.Token, env.Now())
			if err != nil {
				return change.Outcome{}, err
			}
			if err := MarkVerified(ctx, tx, id, env.Now()); err != nil {
				return change.Outcome{}, err
			}
			accountID = id
			return change.Outcome{EntityID: entityID(id), After: map[string]any{"verified": true}}, nil
		},
	})
	if err != nil {
		return 0, err
	}
	return accountID, nil
}

// ResendInput is the language of the page asking for a new verification link.
type ResendInput struct {
	Lang i18n.Lang
}

// ResendVerification sends a new verification link to the signed-in person, unless their
// address is verified already (sent is false then, and nothing is written).
func ResendVerification(ctx context.Context, env Env, who change.Who, in ResendInput) (sent bool, err error) {
	_, err = change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermSignedIn, Action: "account.verification_sent", EntityKind: "account",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			a, err := ByID(ctx, tx, who.Actor.ID())
			if err != nil {
				return change.Outcome{}, err
			}
			if a.Verified() {
				return change.Outcome{}, errNothingToDo
			}
			m, err := NewVerification(ctx, tx, env.Mail, a, in.Lang, env.Change.Now())
			if err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: entityID(a.ID), Mails: []mail.Message{m}}, nil
		},
	})
	if errors.Is(err, errNothingToDo) {
		return false, nil
	}
	return err == nil, err
}

// ResetRequest is a request for a password reset link: the address typed and the language
// of the page.
type ResetRequest struct {
	Email string
	Lang  i18n.Lang
}

// RequestReset sends a link to choose a new password (anyone may ask) if the address has an
// account that is not disabled; otherwise it does nothing and says nothing, so that the form
// does not tell who has an account. An address that is not one is a field error on "email".
func RequestReset(ctx context.Context, env Env, who change.Who, in ResetRequest) error {
	if err := checkEmailField(in.Email); err != nil {
		return err
	}
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermPublic, Action: "account.reset_requested", EntityKind: "account",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			a, err := enabledByEmail(ctx, tx, in.Email)
			if err != nil {
				return change.Outcome{}, err
			}
			secret, err := IssueToken(ctx, tx, a.ID, PurposeReset, ResetTTL, env.Change.Now())
			if err != nil {
				return change.Outcome{}, err
			}
			m := env.Mail.Reset(a.Email, in.Lang, secret)
			return change.Outcome{EntityID: entityID(a.ID), Mails: []mail.Message{m}}, nil
		},
	})
	if errors.Is(err, errNothingToDo) {
		return askedAnyway(ctx, env, who, in.Email)
	}
	return err
}

// askedAnyway counts against the limits on e-mails (mail.Take) a request that asked for an
// e-mail to email and sends none (no account there, or too many codes sent lately), so that
// a refusal does not tell whether the address has an account.
func askedAnyway(ctx context.Context, env Env, who change.Who, email string) error {
	ask := mail.Ask{Client: who.Actor.Client, Exempt: who.IsSystem() || who.Actor.Staff(), To: []string{NormalizeEmail(email)}}
	return mail.TakeAlone(ctx, env.Change.DB, mail.DefaultLimits(), ask, env.Change.Now())
}

// checkEmailField is CheckEmail as the field error "email".
func checkEmailField(email string) error {
	if key, ok := CheckEmail(email); !ok {
		fe := apperr.FieldErrors{}
		fe.Add("email", key)
		return fe.Err()
	}
	return nil
}

// enabledByEmail returns the account of the address, or errNothingToDo when there is none
// or it is disabled.
func enabledByEmail(ctx context.Context, q db.Querier, email string) (*access.Account, error) {
	a, err := ByEmail(ctx, q, email)
	switch {
	case apperr.IsKind(err, apperr.NotFound):
		return nil, errNothingToDo
	case err != nil:
		return nil, err
	case a.Disabled:
		return nil, errNothingToDo
	}
	return a, nil
}

// ResetInput is the secret of a reset link and the new password (already typed twice the
// same).
type ResetInput struct {
	Token, Password string
}

// ResetPassword spends a reset link (anyone holding it may), sets the new password and ends
// every session of the account. The password is checked first, so that a typo does not use
// up the link: its faults are field errors on "password"; an unknown, used or expired link
// is an apperr Invalid that says which.
func ResetPassword(ctx context.Context, env Env, who change.Who, in ResetInput) error {
	if key, args, ok := CheckPassword(in.Password, ""); !ok {
		fe := apperr.FieldErrors{}
		fe.Add("password", key, args...)
		return fe.Err()
	}
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermPublic, Action: "account.password_reset", EntityKind: "account",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			id, err := ConsumeToken(ctx, tx, PurposeReset, in.Token, env.Change.Now())
			if err != nil {
				return change.Outcome{}, err
			}
			if err := SetPassword(ctx, tx, env.Passwords, id, in.Password, env.Change.Now()); err != nil {
				return change.Outcome{}, err
			}
			ended, err := EndSessions(ctx, tx, id, "")
			if err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: entityID(id), After: map[string]any{"sessions_ended": ended}}, nil
		},
	})
	return err
}

// ChangePasswordInput is a password change: the current password (ignored for an account
// without one), the new one (already typed twice the same), the client's address (for the
// throttling of guesses) and the token of the session the change is made from, which stays
// open.
type ChangePasswordInput struct {
	Current, Password string
	ClientIP          string
	KeepSession       string
}

// ChangePassword sets a new password for the signed-in person and ends their other sessions.
// The current password is asked, and its guesses throttled like sign-ins, unless the account
// has none yet: it signs in with codes, which proved the address. Faults are field errors on
// "password" and "current_password".
func ChangePassword(ctx context.Context, env Env, who change.Who, in ChangePasswordInput) error {
	if !who.Actor.SignedIn() {
		return apperr.New(apperr.Unauthenticated, "error.unauthenticated")
	}
	acc := who.Actor.Account
	if key, args, ok := CheckPassword(in.Password, acc.Email); !ok {
		fe := apperr.FieldErrors{}
		fe.Add("password", key, args...)
		return fe.Err()
	}
	if acc.HasPassword {
		if err := checkCurrent(ctx, env, acc.Email, in); err != nil {
			return err
		}
	}
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermSignedIn, Action: "account.password_change", EntityKind: "account",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if err := SetPassword(ctx, tx, env.Passwords, acc.ID, in.Password, env.Change.Now()); err != nil {
				return change.Outcome{}, err
			}
			ended, err := EndSessions(ctx, tx, acc.ID, in.KeepSession)
			if err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: entityID(acc.ID),
				Before: map[string]any{"has_password": acc.HasPassword},
				After:  map[string]any{"has_password": true, "other_sessions_ended": ended}}, nil
		},
	})
	return err
}

// checkCurrent checks the current password as a sign-in would (throttled): too many guesses
// and a wrong password are field errors on "current_password".
func checkCurrent(ctx context.Context, env Env, email string, in ChangePasswordInput) error {
	_, err := Authenticate(ctx, env.Change.DB, env.Passwords, email, in.Current, in.ClientIP, env.Change.Now())
	ae, ok := apperr.As(err)
	switch {
	case err == nil:
		return nil
	case !ok:
		return err
	}
	fe := apperr.FieldErrors{}
	if ae.Kind == apperr.TooMany {
		fe["current_password"] = ae.Message
	} else {
		fe.Add("current_password", "passwordchange.current_wrong")
	}
	return fe.Err()
}

// MaxCodesPerWindow is how many sign-in codes one account may be sent per ThrottleWindow;
// beyond that SendLoginCode answers as usual but sends nothing, so that the form cannot be
// used to flood a mailbox.
const MaxCodesPerWindow = 5

// CodeRequest is a request for a sign-in code: the address typed and the language of the
// page.
type CodeRequest struct {
	Email string
	Lang  i18n.Lang
}

// CodeSent tells what SendLoginCode did, for the server's log only: the visitor gets the
// same answer whatever happened.
type CodeSent struct {
	AccountID int64 // the account of the address, 0 for none
	Throttled bool  // the account was sent MaxCodesPerWindow codes lately: none was sent
}

// SendLoginCode e-mails a sign-in code (anyone may ask) if the address has an account that is
// not disabled and was not sent too many codes lately; otherwise it writes nothing. An
// address that is not one is a field error on "email".
func SendLoginCode(ctx context.Context, env Env, who change.Who, in CodeRequest) (CodeSent, error) {
	if err := checkEmailField(in.Email); err != nil {
		return CodeSent{}, err
	}
	var res CodeSent
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermPublic, Action: "account.login_code_sent", EntityKind: "account",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			a, err := enabledByEmail(ctx, tx, in.Email)
			if err != nil {
				return change.Outcome{}, err
			}
			res.AccountID = a.ID
			now := env.Change.Now()
			n, err := TokensIssuedSince(ctx, tx, a.ID, PurposeLoginCode, now.Add(-ThrottleWindow))
			if err != nil {
				return change.Outcome{}, err
			}
			if n >= MaxCodesPerWindow {
				res.Throttled = true
				return change.Outcome{}, errNothingToDo
			}
			code, err := IssueToken(ctx, tx, a.ID, PurposeLoginCode, LoginCodeTTL, now)
			if err != nil {
				return change.Outcome{}, err
			}
			m := env.Mail.LoginCode(a.Email, in.Lang, code)
			return change.Outcome{EntityID: entityID(a.ID), Mails: []mail.Message{m}}, nil
		},
	})
	if err == nil || (errors.Is(err, errNothingToDo) && !res.Throttled) {
		// Whether a code was sent or not (no account), the request forgets the guesses typed
		// for the address without a live code (see countCodeGuess): the next answers are the
		// same either way.
		if _, err := env.Change.DB.ExecContext(ctx, "DELETE FROM login_failures WHERE throttle_key = $1", codeGuessKey(in.Email)); err != nil {
			return res, fmt.Errorf("forget sign-in code guesses: %w", err)
		}
	}
	if errors.Is(err, errNothingToDo) {
		return res, askedAnyway(ctx, env, who, in.Email)
	}
	return res, err
}
