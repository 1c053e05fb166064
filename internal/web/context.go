package web

import (
	"context"
	"net/http"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/review"
)

// What every handler reads from its request (set by the middleware and guard: its id, its
// language, who asks, the campaign of a /{slug}/… route; the dossier of a …/{id} route and
// whether the asker may read it, for the dossier and the committee pages) and the
// environment of the domains' commands it calls.

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
func (s *Server) reviewEnv() review.Env {
	return review.Env{Change: s.changeEnv(), Cat: s.cat, BaseURL: s.baseURL}
}

// whoOf is the requester as the author of a change.
func whoOf(r *http.Request) change.Who { return change.By(actorOf(r)) }

// dossierOf loads the dossier {id} of the route's campaign (guard has loaded it already for
// the routes of a carrier's dossier, see dossierScope).
func (s *Server) dossierOf(r *http.Request) (*campaign.Campaign, *dossier.Dossier, error) {
	c := campaignOf(r)
	if d, ok := r.Context().Value(ctxDossier).(*dossier.Dossier); ok {
		return c, d, nil
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, err
	}
	d, err := dossier.ByID(r.Context(), s.db, id)
	if err != nil {
		return nil, nil, err
	}
	if d.CampaignID != c.ID {
		return nil, nil, apperr.New(apperr.NotFound, "dossier.not_found")
	}
	return c, d, nil
}

// isStaffReader reports whether the actor reads every dossier of the campaign: agents.
// Committee members read only the dossiers assigned to them (see canRead).
func isStaffReader(actor access.Actor, c *campaign.Campaign) bool {
	return access.Allowed(actor, access.PermManageDossiers, nil)
}

// canRead reports whether the actor may read the dossier and its documents: a member of its
// structure, an agent, or a committee member of the campaign to whom it is assigned and who
// declared no conflict of interest. Anyone else is told the dossier does not exist; a
// committee member kept out by a conflict is told why.
func (s *Server) canRead(ctx context.Context, actor access.Actor, c *campaign.Campaign, d *dossier.Dossier) error {
	if !actor.SignedIn() {
		return apperr.New(apperr.Unauthenticated, "error.unauthenticated")
	}
	if isStaffReader(actor, c) {
		return nil
	}
	ok, err := dossier.IsMember(ctx, s.db, d.StructureID, actor.ID())
	if err != nil || ok {
		return err
	}
	if actor.HasRole(access.Committee, &c.ID) {
		_, err := review.CanOpen(ctx, s.db, d.ID, actor.ID())
		if err == nil || !apperr.IsKind(err, apperr.Forbidden) {
			return err
		}
		if ae, _ := apperr.As(err); ae.Message.Key != "review.not_assigned" {
			return err
		}
	}
	return apperr.New(apperr.NotFound, "dossier.not_found")
}
