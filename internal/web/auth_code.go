package web

import (
	"net/http"
	"strings"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
)

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
	err := s.sendCode(r, email)
	if ae, ok := apperr.As(err); ok && ae.Fields != nil {
		p.Errors = ae.Fields
		return s.render(w, r, formStatus(ae), "signin_code", p)
	}
	if err != nil {
		return err
	}
	p.CodeSent = true
	return s.render(w, r, http.StatusOK, "signin_code", p)
}

// sendLoginCode e-mails a sign-in code to the account, unless it is disabled or was sent too
// many codes lately.
func (s *Server) sendLoginCode(r *http.Request, a *access.Account) error {
	return s.sendCode(r, a.Email)
}

// sendCode runs account.SendLoginCode and logs the requests refused for sending too many
// codes: nothing is written, nothing is said, the codes already sent still work.
func (s *Server) sendCode(r *http.Request, email string) error {
	res, err := account.SendLoginCode(r.Context(), s.accountEnv(), change.By(actorOf(r)),
		account.CodeRequest{Email: email, Lang: langOf(r)})
	if res.Throttled {
		s.log.Warn("sign-in codes: too many requests", "id", requestID(r.Context()), "account", res.AccountID)
	}
	return err
}

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
