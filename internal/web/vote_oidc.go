package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/oidc"
	"budgetcitoyen/internal/vote"
)

// The vote's identity step through OpenID Connect (FranceConnect): the voter, signed in with
// an account, is sent to the provider, comes back to OIDCCallbackPath, sees the names and
// birth date the provider asserts, declares only a commune, and is registered with method
// "oidc" through the same checks as a declaration (eligibility, one person per campaign by
// the keyed hash).

// Session keys of a sign-in in progress and of the identity waiting for its commune. Both
// hold JSON (scs stores strings as they are).
const (
	sessionOIDCPendingKey  = "oidc_pending"
	sessionOIDCIdentityKey = "oidc_identity"
)

// oidcPending is the secret part of one sign-in, with whom and for which vote it started.
type oidcPending struct {
	oidc.Pending
	Slug      string
	AccountID int64
}

// oidcIdentity is what the provider asserted, kept until the voter declares a commune.
type oidcIdentity struct {
	Slug       string
	AccountID  int64
	GivenName  string
	FamilyName string
	BirthDate  string
}

func (s *Server) sessionJSON(ctx context.Context, key string, v any) bool {
	raw := s.sessions.GetString(ctx, key)
	return raw != "" && json.Unmarshal([]byte(raw), v) == nil
}

func (s *Server) putSessionJSON(ctx context.Context, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, key, string(b))
	return nil
}

// voteOIDCOffered reports whether the identity step may use OpenID Connect for this
// campaign: a provider is configured and the campaign accepts the method.
func (s *Server) voteOIDCOffered(settings vote.Settings) bool { return s.oidc != nil && settings.OIDC }

// voteOIDCStart (POST /{slug}/vote/franceconnect) sends the voter to the provider. The
// state, the nonce and the PKCE verifier stay in the session; only what the protocol needs
// (state, nonce, the verifier's challenge) goes in the address.
func (s *Server) voteOIDCStart(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	p, err := s.votePage(r)
	if err != nil {
		return err
	}
	switch {
	case !s.voteOIDCOffered(p.Settings):
		return apperr.New(apperr.Forbidden, "vote.identity.method_off")
	case vote.Step(p.Step).Closed():
		return apperr.New(apperr.Conflict, "vote.closed")
	case p.Step != string(vote.StepIdentity):
		http.Redirect(w, r, "/"+c.Slug+"/vote", http.StatusSeeOther)
		return nil
	}
	authURL, pend, err := s.oidc.Start(r.Context())
	if err != nil {
		s.log.Warn("openid connect provider unreachable", "id", requestID(r.Context()), "err", err)
		return apperr.New(apperr.Conflict, "oidcvote.error.provider")
	}
	if err := s.putSessionJSON(r.Context(), sessionOIDCPendingKey,
		oidcPending{Pending: pend, Slug: c.Slug, AccountID: actorOf(r).ID()}); err != nil {
		return err
	}
	http.Redirect(w, r, authURL, http.StatusSeeOther)
	return nil
}

// oidcCallback (GET /connexion/oidc/retour) finishes the sign-in: the state must be the one
// of this session's sign-in (which is used once), the code is exchanged with the PKCE
// verifier, and the ID token's nonce and signature and the signed userinfo are checked by
// the client. The identity waits in the session for the commune.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var pend oidcPending
	found := s.sessionJSON(ctx, sessionOIDCPendingKey, &pend)
	s.sessions.Remove(ctx, sessionOIDCPendingKey)
	q := r.URL.Query()
	if !found {
		s.renderErrorMsg(w, r, http.StatusBadRequest, apperr.Msg("oidcvote.error.no_signin"))
		return nil
	}
	if q.Get("error") != "" {
		// The person cancelled at the provider, or the provider refused.
		if q.Get("state") != pend.State {
			s.renderErrorMsg(w, r, http.StatusBadRequest, apperr.Msg("oidcvote.error.state"))
			return nil
		}
		s.renderErrorMsg(w, r, http.StatusBadRequest, apperr.Msg("oidcvote.error.cancelled"))
		return nil
	}
	if !actorOf(r).SignedIn() || actorOf(r).ID() != pend.AccountID {
		return apperr.New(apperr.Forbidden, "oidcvote.error.account")
	}
	id, err := s.oidc.Finish(ctx, pend.Pending, q.Get("state"), q.Get("code"))
	if err != nil {
		key := "oidcvote.error.refused"
		switch {
		case errors.Is(err, oidc.ErrState):
			key = "oidcvote.error.state"
		case errors.Is(err, oidc.ErrExchange):
			key = "oidcvote.error.expired"
		case errors.Is(err, oidc.ErrIncomplete):
			key = "oidcvote.error.incomplete"
		}
		s.log.Warn("openid connect sign-in refused", "id", requestID(ctx), "err", err)
		s.renderErrorMsg(w, r, http.StatusBadRequest, apperr.Msg(key))
		return nil
	}
	if err := s.putSessionJSON(ctx, sessionOIDCIdentityKey, oidcIdentity{Slug: pend.Slug, AccountID: pend.AccountID,
		GivenName: id.GivenName, FamilyName: id.FamilyName, BirthDate: id.BirthDate}); err != nil {
		return err
	}
	// The code stays out of the history: the commune form has its own address.
	http.Redirect(w, r, "/"+pend.Slug+"/vote/franceconnect/commune", http.StatusSeeOther)
	return nil
}

type voteOIDCPage struct {
	Base
	Campaign   *campaign.Campaign
	GivenName  string
	FamilyName string
	BirthDate  string // as shown
	Commune    string
	Communes   []option
	Error      string
	Errors     apperr.FieldErrors
}

// voteOIDCIdentity returns the identity waiting in the session for this campaign and account.
func (s *Server) voteOIDCIdentity(r *http.Request) (oidcIdentity, bool) {
	var id oidcIdentity
	ok := s.sessionJSON(r.Context(), sessionOIDCIdentityKey, &id)
	return id, ok && id.Slug == campaignOf(r).Slug && id.AccountID == actorOf(r).ID()
}

func (s *Server) voteOIDCPage(r *http.Request, id oidcIdentity) voteOIDCPage {
	c := campaignOf(r)
	shown := id.BirthDate
	if d, err := vote.ParseDate(id.BirthDate); err == nil && langOf(r) == i18n.FR {
		shown = fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
	}
	return voteOIDCPage{Base: s.base(r, "oidcvote.commune.title", c.Name), Campaign: c, GivenName: id.GivenName,
		FamilyName: id.FamilyName, BirthDate: shown, Communes: s.voteCommuneOptions(c)}
}

// voteOIDCCommune (GET /{slug}/vote/franceconnect/commune) shows the identity from the
// provider, read-only, and asks for the commune.
func (s *Server) voteOIDCCommune(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.voteOIDCIdentity(r)
	if !ok {
		http.Redirect(w, r, "/"+campaignOf(r).Slug+"/vote", http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, http.StatusOK, "vote_oidc", s.voteOIDCPage(r, id))
}

// voteOIDCRegister (POST /{slug}/vote/franceconnect/commune) registers the voter with the
// provider's identity and the declared commune, then goes on to the ballot.
func (s *Server) voteOIDCRegister(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	id, ok := s.voteOIDCIdentity(r)
	if !ok {
		http.Redirect(w, r, "/"+c.Slug+"/vote", http.StatusSeeOther)
		return nil
	}
	hp, err := s.votePage(r)
	if err != nil {
		return err
	}
	switch {
	case !s.voteOIDCOffered(hp.Settings):
		return apperr.New(apperr.Forbidden, "vote.identity.method_off")
	case vote.Step(hp.Step).Closed():
		return apperr.New(apperr.Conflict, "vote.closed")
	case hp.Step != string(vote.StepIdentity):
		s.sessions.Remove(r.Context(), sessionOIDCIdentityKey)
		http.Redirect(w, r, "/"+c.Slug+"/vote", http.StatusSeeOther)
		return nil
	}
	p := s.voteOIDCPage(r, id)
	p.Commune = r.PostFormValue("commune")
	_, err = vote.Register(r.Context(), s.voteEnv(), whoOf(r), vote.RegisterInput{Campaign: c, Identity: vote.Identity{
		Method: vote.MethodOIDC, FamilyName: id.FamilyName, GivenName: id.GivenName, BirthDate: id.BirthDate, Commune: p.Commune}})
	if status, ok := s.voteRefused(r, err, &p.Error, &p.Errors); ok {
		if _, bad := p.Errors["commune"]; len(p.Errors) > 0 && (!bad || len(p.Errors) > 1) {
			// The provider's names or birth date are not usable: nothing the voter can fix here.
			s.sessions.Remove(r.Context(), sessionOIDCIdentityKey)
			return apperr.New(apperr.Invalid, "oidcvote.error.incomplete")
		}
		return s.render(w, r, status, "vote_oidc", p)
	}
	if err != nil {
		return err
	}
	s.sessions.Remove(r.Context(), sessionOIDCIdentityKey)
	http.Redirect(w, r, "/"+c.Slug+"/vote", http.StatusSeeOther)
	return nil
}
