package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
)

// guard runs a route: it loads the campaign named by {slug}, checks the route's permission
// for the signed-in person (deny by default) and maps the handler's error to a page.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var campaignID *int64
		if slug := r.PathValue("slug"); slug != "" {
			// The administration reads the campaign it edits afresh; the rest of the site
			// may use the process's copy (at most a second old, see readCacheTTL).
			load := s.campaignBySlug
			if strings.HasPrefix(r.URL.Path, "/admin/") {
				load = func(ctx context.Context, slug string) (*campaign.Campaign, error) {
					return campaign.BySlug(ctx, s.db, slug)
				}
			}
			c, err := load(r.Context(), slug)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			campaignID = &c.ID
			r = withValue(r, ctxCampaign, c)
		}
		actor := actorOf(r)
		if !access.Allowed(actor, rt.perm, campaignID) {
			if !actor.SignedIn() {
				s.fail(w, r, apperr.New(apperr.Unauthenticated, "error.unauthenticated"))
			} else {
				s.fail(w, r, apperr.New(apperr.Forbidden, "error.forbidden"))
			}
			return
		}
		if dossierScoped(rt.pattern) {
			var err error
			if r, err = s.dossierScope(r); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if !s.checkPendingCSRF(w, r) {
			return
		}
		if err := rt.h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

var statusOf = map[apperr.Kind]int{
	apperr.Invalid:         http.StatusUnprocessableEntity,
	apperr.NotFound:        http.StatusNotFound,
	apperr.Forbidden:       http.StatusForbidden,
	apperr.Unauthenticated: http.StatusUnauthorized,
	apperr.Conflict:        http.StatusConflict,
	apperr.TooMany:         http.StatusTooManyRequests,
}

// fail answers with the page for err: a user-facing error shows its French message with its
// status; a visitor asking for a page that needs an account is sent to sign in; anything
// else is logged with the request id and shown as "Erreur interne".
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if ae, ok := apperr.As(err); ok {
		if ae.Kind == apperr.Unauthenticated && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			http.Redirect(w, r, "/connexion?suite="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		status, ok := statusOf[ae.Kind]
		if !ok {
			status = http.StatusBadRequest
		}
		s.renderErrorMsg(w, r, status, ae.Message)
		return
	}
	if errors.Is(err, errClientGone) || r.Context().Err() != nil {
		return
	}
	s.log.Error("internal error", "id", requestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
	s.renderErrorMsg(w, r, http.StatusInternalServerError, apperr.Msg("error.internal", requestID(r.Context())))
}

var errClientGone = errors.New("client went away")

type errorPage struct {
	Base
	Status  int
	Message string
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, key string) {
	s.renderErrorMsg(w, r, status, apperr.Msg(key))
}

func (s *Server) renderErrorMsg(w http.ResponseWriter, r *http.Request, status int, m apperr.Message) {
	lang := langOf(r)
	p := errorPage{Base: s.base(r, "error.title"), Status: status, Message: s.cat.T(lang, m.Key, m.Args...)}
	if err := s.render(w, r, status, "error", p); err != nil {
		s.log.Error("render error page", "id", requestID(r.Context()), "err", err)
		http.Error(w, p.Message, status)
	}
}

// notFound answers unmatched paths; "/x/" is sent to "/x" when that is what was meant.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") && r.Method == http.MethodGet {
		http.Redirect(w, r, strings.TrimRight(p, "/"), http.StatusMovedPermanently)
		return nil
	}
	return apperr.New(apperr.NotFound, "error.not_found")
}
