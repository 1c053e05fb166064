package web

import (
	"net/http"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
)

type tokenPage struct {
	Base
	Token  string
	Error  string
	Errors apperr.FieldErrors
}

// verifyShow shows a button rather than consuming the link on GET: mail scanners that open
// links would otherwise use it up before the person does.
func (s *Server) verifyShow(w http.ResponseWriter, r *http.Request) error {
	p := tokenPage{Base: s.base(r, "auth.verify.title"), Token: r.URL.Query().Get("jeton")}
	return s.render(w, r, http.StatusOK, "verify", p)
}

func (s *Server) verifySubmit(w http.ResponseWriter, r *http.Request) error {
	token := r.PostFormValue("jeton")
	id, err := account.Verify(r.Context(), s.changeEnv(), change.By(actorOf(r)), account.VerifyInput{Token: token})
	if ae, ok := apperr.As(err); ok {
		p := tokenPage{Base: s.base(r, "auth.verify.title"), Token: token, Error: s.cat.T(langOf(r), ae.Message.Key, ae.Message.Args...)}
		return s.render(w, r, http.StatusUnprocessableEntity, "verify", p)
	}
	if err != nil {
		return err
	}
	// The link proves the address, as a sign-in code does: a visitor who opens it is signed
	// in to its account (registration no longer signs in, so that it tells nothing of who
	// has an account), unless the account is disabled.
	if !actorOf(r).SignedIn() {
		a, err := account.ByID(r.Context(), s.db, id)
		if err != nil {
			return err
		}
		if a.Disabled {
			s.flash(r, "auth.verify.done")
			http.Redirect(w, r, "/connexion", http.StatusSeeOther)
			return nil
		}
		if err := s.startSession(r, a.ID); err != nil {
			return err
		}
	}
	s.flash(r, "auth.verify.done")
	http.Redirect(w, r, "/espace", http.StatusSeeOther)
	return nil
}

// verifyResend sends a new verification link to the signed-in person (nothing if their
// address is verified already).
func (s *Server) verifyResend(w http.ResponseWriter, r *http.Request) error {
	sent, err := account.ResendVerification(r.Context(), s.accountEnv(), change.By(actorOf(r)), account.ResendInput{Lang: langOf(r)})
	if err != nil {
		return err
	}
	if sent {
		s.flash(r, "auth.verify.sent")
	}
	http.Redirect(w, r, "/compte", http.StatusSeeOther)
	return nil
}
