package web

import (
	"context"
	"net/http"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/review"
)

// What every handler reads from its request (set by the middleware and guard: its id, its
// language, who asks, the campaign of a /{slug}/… route) and the environment of the
// domains' commands it calls.

type ctxKey int

const (
	ctxRequestID ctxKey = iota
	ctxLang
	ctxActor
	ctxCampaign
)

// requestID is the id withRequestID gave the request.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxRequestID).(string)
	return id
}

// langOf is the language of the page (withLang).
func langOf(r *http.Request) i18n.Lang {
	if l, ok := r.Context().Value(ctxLang).(i18n.Lang); ok {
		return l
	}
	return i18n.FR
}

// actorOf is who asks (loadActor): a visitor when nobody is signed in.
func actorOf(r *http.Request) access.Actor {
	a, _ := r.Context().Value(ctxActor).(access.Actor)
	return a
}

func withValue(r *http.Request, k ctxKey, v any) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), k, v))
}

// campaignOf returns the campaign loaded by guard for a /{slug}/… route.
func campaignOf(r *http.Request) *campaign.Campaign {
	c, _ := r.Context().Value(ctxCampaign).(*campaign.Campaign)
	return c
}

// changeEnv is the environment of the domains' commands: the database and the server's
// clock.
func (s *Server) changeEnv() change.Env { return change.Env{DB: s.db, Now: s.now} }

// accountMailer writes the e-mails of the accounts.
func (s *Server) accountMailer() account.Mailer {
	return account.Mailer{Cat: s.cat, BaseURL: s.baseURL}
}

// accountEnv is the environment of the account commands.
func (s *Server) accountEnv() account.Env {
	return account.Env{Change: s.changeEnv(), Mail: s.accountMailer(), Passwords: s.passwords}
}

// reviewEnv is the environment of the review commands.
func (s *Server) reviewEnv() review.Env { return review.Env{Change: s.changeEnv(), Cat: s.cat, BaseURL: s.baseURL} }

// whoOf is the requester as the author of a change.
func whoOf(r *http.Request) change.Who { return change.By(actorOf(r)) }
