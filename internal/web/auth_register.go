package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
)

type registerForm struct {
	Email, Name string
}

type registerPage struct {
	Base
	Form   registerForm
	Errors apperr.FieldErrors
}

func (s *Server) registerShow(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "register", registerPage{Base: s.base(r, "auth.register.title")})
}

// registerSubmit creates a citizen account, signs it in and sends the verification link.
// The passwords are never sent back to the form.
func (s *Server) registerSubmit(w http.ResponseWriter, r *http.Request) error {
	f := registerForm{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name"))}
	password := r.PostFormValue("password")
	errs := apperr.FieldErrors{}
	if password != r.PostFormValue("password_confirm") {
		errs.Add("password_confirm", "auth.password_mismatch")
	}
	lang := langOf(r)
	var acc *access.Account
	if len(errs) == 0 {
		_, err := change.Do(r.Context(), s.changeEnv(), change.Request{
			Who: change.By(actorOf(r)), Permission: access.PermPublic, Action: "account.register", EntityKind: "account",
			Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
				now := s.now()
				a, err := account.Create(ctx, tx, f.Email, f.Name, password, now)
				if err != nil {
					return change.Outcome{}, err
				}
				if err := account.GrantRole(ctx, tx, a.ID, access.Citizen, nil, now); err != nil {
					return change.Outcome{}, err
				}
				m, err := s.verificationMail(ctx, tx, a, lang, now)
				if err != nil {
					return change.Outcome{}, err
				}
				acc = a
				return change.Outcome{EntityID: strconv.FormatInt(a.ID, 10),
					After: map[string]any{"email": a.Email, "role": access.Citizen}, Mails: []mail.Message{m}}, nil
			},
		})
		if ae, ok := apperr.As(err); ok && ae.Fields != nil {
			errs = ae.Fields
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		p := registerPage{Base: s.base(r, "auth.register.title"), Form: f, Errors: errs}
		return s.render(w, r, http.StatusUnprocessableEntity, "register", p)
	}
	if err := s.startSession(r, acc.ID); err != nil {
		return err
	}
	s.flash(r, "auth.register.done")
	http.Redirect(w, r, "/compte", http.StatusSeeOther)
	return nil
}

// verificationMail issues a verification link for a and writes the e-mail that carries it.
func (s *Server) verificationMail(ctx context.Context, tx *db.Tx, a *access.Account, lang i18n.Lang, now time.Time) (mail.Message, error) {
	secret, err := account.IssueToken(ctx, tx, a.ID, account.PurposeVerify, account.VerifyTTL, now)
	if err != nil {
		return mail.Message{}, err
	}
	link := s.baseURL + "/verifier?jeton=" + secret
	return mail.Message{To: a.Email, Subject: s.cat.T(lang, "mail.verify.subject"),
		Body: s.cat.T(lang, "mail.verify.body", link)}, nil
}

func (s *Server) changeEnv() change.Env { return change.Env{DB: s.db, Now: s.now} }
