package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/mail"
)

// maxCodesPerWindow is how many sign-in codes one account may be sent per
// account.ThrottleWindow; beyond that the form answers as usual but sends nothing, so that
// it cannot be used to flood a mailbox.
const maxCodesPerWindow = 5

// signinCodePage is the code sign-in page, in two steps: the e-mail address, then the code
// received (CodeSent), the address kept in a hidden field.
type signinCodePage struct {
	Base
	Email    string
	Next     string
	CodeSent bool
	Minutes  int // how long a code lives
	Error    string
	Errors   apperr.FieldErrors
}

func (s *Server) codePage(r *http.Request, email, next string) signinCodePage {
	return signinCodePage{Base: s.base(r, "authcode.title"), Email: email, Next: next,
		Minutes: int(account.LoginCodeTTL / time.Minute)}
}

func (s *Server) signinCodeShow(w http.ResponseWriter, r *http.Request) error {
	next := r.URL.Query().Get("suite")
	if actorOf(r).SignedIn() {
		http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, http.StatusOK, "signin_code", s.codePage(r, "", next))
}

// signinCodeSend e-mails a sign-in code if the address has an account that may sign in. The
// answer is the same either way (the form to type the code), so that the form does not tell
// who has an account.
func (s *Server) signinCodeSend(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostFormValue("email"))
	p := s.codePage(r, email, r.PostFormValue("suite"))
	if key, ok := account.CheckEmail(email); !ok {
		p.Errors = apperr.FieldErrors{"email": apperr.Msg(key)}
		return s.render(w, r, http.StatusUnprocessableEntity, "signin_code", p)
	}
	a, err := account.ByEmail(r.Context(), s.db, email)
	switch {
	case apperr.IsKind(err, apperr.NotFound):
	case err != nil:
		return err
	case !a.Disabled:
		if err := s.sendLoginCode(r, a); err != nil {
			return err
		}
	}
	p.CodeSent = true
	return s.render(w, r, http.StatusOK, "signin_code", p)
}

// sendLoginCode issues a code and queues the e-mail that carries it, unless the account was
// sent too many codes lately.
func (s *Server) sendLoginCode(r *http.Request, a *access.Account) error {
	lang := langOf(r)
	_, err := change.Do(r.Context(), s.changeEnv(), change.Request{
		Who: change.By(actorOf(r)), Permission: access.PermPublic, Action: "account.login_code_sent", EntityKind: "account",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			now := s.now()
			n, err := account.TokensIssuedSince(ctx, tx, a.ID, account.PurposeLoginCode, now.Add(-account.ThrottleWindow))
			if err != nil {
				return change.Outcome{}, err
			}
			if n >= maxCodesPerWindow {
				return change.Outcome{}, errTooManyCodes
			}
			code, err := account.IssueToken(ctx, tx, a.ID, account.PurposeLoginCode, account.LoginCodeTTL, now)
			if err != nil {
				return change.Outcome{}, err
			}
			m := mail.Message{To: a.Email, Subject: s.cat.T(lang, "mail.code.subject"),
				Body: s.cat.T(lang, "mail.code.body", code, int(account.LoginCodeTTL/time.Minute))}
			return change.Outcome{EntityID: strconv.FormatInt(a.ID, 10), Mails: []mail.Message{m}}, nil
		},
	})
	if errors.Is(err, errTooManyCodes) {
		// Nothing is written, nothing is said: the codes already sent still work.
		s.log.Warn("sign-in codes: too many requests", "id", requestID(r.Context()), "account", a.ID)
		return nil
	}
	return err
}

// errTooManyCodes rolls the code request back without telling the visitor.
var errTooManyCodes = apperr.New(apperr.TooMany, "error.too_many")

// signinCodeVerify signs in with the address and the code received, then goes on exactly
// like the password sign-in. Guesses are throttled by account.SignInWithCode.
func (s *Server) signinCodeVerify(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostFormValue("email"))
	code := strings.TrimSpace(r.PostFormValue("code"))
	next := r.PostFormValue("suite")
	p := s.codePage(r, email, next)
	p.CodeSent = true
	if code == "" {
		p.Errors = apperr.FieldErrors{"code": apperr.Msg("authcode.code_required")}
		return s.render(w, r, http.StatusUnprocessableEntity, "signin_code", p)
	}
	a, err := account.SignInWithCode(r.Context(), s.db, email, code, clientIP(r), s.now())
	if err != nil {
		ae, ok := apperr.As(err)
		if !ok {
			return err
		}
		status, known := statusOf[ae.Kind]
		if !known {
			status = http.StatusBadRequest
		}
		if ae.Kind == apperr.Invalid {
			p.Errors = apperr.FieldErrors{"code": ae.Message}
		} else {
			p.Error = s.cat.T(langOf(r), ae.Message.Key, ae.Message.Args...)
		}
		return s.render(w, r, status, "signin_code", p)
	}
	if err := s.startSession(r, a.ID); err != nil {
		return err
	}
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
	return nil
}
