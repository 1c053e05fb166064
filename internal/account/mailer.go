package account

import (
	"context"
	"strings"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
)

// Env is what the account commands that send e-mails need: the change environment and the
// writer of the e-mails.
type Env struct {
	Change change.Env
	Mail   Mailer
	// Passwords are the hashing parameters of new passwords (zero: DefaultParams).
	Passwords PasswordParams
}

// Mailer writes the e-mails of the accounts (verification link, reset link, sign-in code) in
// the language of the page that asked for them: the person is reading it at that moment.
// Each proves the address (mail.Message.Proof), and holds nothing typed by anyone: only the
// catalog's text and the link or the code.
type Mailer struct {
	Cat     *i18n.Catalog
	BaseURL string // the site's public address, for links
}

// The pages the links of the e-mails open.
const (
	VerifyPath = "/verifier"
	ResetPath  = "/reinitialiser"
	SignInPath = "/connexion"
	ForgotPath = "/mot-de-passe-oublie"
)

func (m Mailer) link(path, secret string) string {
	return strings.TrimRight(m.BaseURL, "/") + path + "?jeton=" + secret
}

// Verification is the e-mail that carries a verification link.
func (m Mailer) Verification(to string, lang i18n.Lang, secret string) mail.Message {
	return mail.Message{To: to, Subject: m.Cat.T(lang, "mail.verify.subject"),
		Body: m.Cat.T(lang, "mail.verify.body", m.link(VerifyPath, secret)), Proof: true}
}

// Reset is the e-mail that carries a link to choose a new password.
func (m Mailer) Reset(to string, lang i18n.Lang, secret string) mail.Message {
	return mail.Message{To: to, Subject: m.Cat.T(lang, "mail.reset.subject"),
		Body: m.Cat.T(lang, "mail.reset.body", m.link(ResetPath, secret)), Proof: true}
}

// LoginCode is the e-mail that carries a sign-in code.
func (m Mailer) LoginCode(to string, lang i18n.Lang, code string) mail.Message {
	return mail.Message{To: to, Subject: m.Cat.T(lang, "mail.code.subject"),
		Body: m.Cat.T(lang, "mail.code.body", code, int(LoginCodeTTL/time.Minute)), Proof: true}
}

// AlreadyRegistered is the e-mail sent to the owner of an address when someone registers
// with it again: it carries links to sign in and to choose a new password, no secret and
// nothing typed by anyone, and may go to an address not confirmed yet, like a reset link.
func (m Mailer) AlreadyRegistered(to string, lang i18n.Lang) mail.Message {
	base := strings.TrimRight(m.BaseURL, "/")
	return mail.Message{To: to, Subject: m.Cat.T(lang, "guard.mail.registered.subject"),
		Body: m.Cat.T(lang, "guard.mail.registered.body", base+SignInPath, base+ForgotPath), Proof: true}
}

// NewVerification issues a verification link for a, through q (the caller's transaction),
// and writes the e-mail that carries it. Commands of other domains that create an account on
// the way (an idea deposited without one) send it too.
func NewVerification(ctx context.Context, q db.Querier, m Mailer, a *access.Account, lang i18n.Lang, now time.Time) (mail.Message, error) {
	secret, err := IssueToken(ctx, q, a.ID, PurposeVerify, VerifyTTL, now)
	if err != nil {
		return mail.Message{}, err
	}
	return m.Verification(a.Email, lang, secret), nil
}
