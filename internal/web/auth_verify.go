package web

import (
	"context"
	"net/http"
	"strconv"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/mail"
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
	_, err := change.Do(r.Context(), s.changeEnv(), change.Request{
		Who: change.By(actorOf(r)), Permission: access.PermPublic, Action: "account.verify", EntityKind: "account",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			id, err := account.ConsumeToken(ctx, tx, account.PurposeVerify, token, s.now())
			if err != nil {
				return change.Outcome{}, err
			}
			if err := account.MarkVerified(ctx, tx, id, s.now()); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: strconv.FormatInt(id, 10), After: map[string]any{"verified": true}}, nil
		},
	})
	if ae, ok := apperr.As(err); ok {
		p := tokenPage{Base: s.base(r, "auth.verify.title"), Token: token, Error: s.cat.T(langOf(r), ae.Message.Key, ae.Message.Args...)}
		return s.render(w, r, http.StatusUnprocessableEntity, "verify", p)
	}
	if err != nil {
		return err
	}
	s.flash(r, "auth.verify.done")
	if actorOf(r).SignedIn() {
		http.Redirect(w, r, "/compte", http.StatusSeeOther)
	} else {
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
	}
	return nil
}

// verifyResend sends a new verification link to the signed-in person.
func (s *Server) verifyResend(w http.ResponseWriter, r *http.Request) error {
	actor := actorOf(r)
	if actor.Account.Verified() {
		http.Redirect(w, r, "/compte", http.StatusSeeOther)
		return nil
	}
	lang := langOf(r)
	_, err := change.Do(r.Context(), s.changeEnv(), change.Request{
		Who: change.By(actor), Permission: access.PermSignedIn, Action: "account.verification_sent", EntityKind: "account",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			m, err := s.verificationMail(ctx, tx, actor.Account, lang, s.now())
			if err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: strconv.FormatInt(actor.ID(), 10), Mails: []mail.Message{m}}, nil
		},
	})
	if err != nil {
		return err
	}
	s.flash(r, "auth.verify.sent")
	http.Redirect(w, r, "/compte", http.StatusSeeOther)
	return nil
}
