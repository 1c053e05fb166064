package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"strings"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/dossier"
)

// Every route of a carrier's dossier (/{slug}/dossiers/{id}…) is refused by guard, before
// its handler runs and before its body is read, to whoever may not see the dossier: the
// handlers' forms, uploads and error pages are only ever about a dossier of the asker's.

// dossierRoutePrefix starts the path of every route of one carrier's dossier.
const dossierRoutePrefix = "/{slug}/dossiers/{id}"

// dossierScoped reports whether a route pattern is a route of one dossier.
func dossierScoped(pattern string) bool {
	_, path, _ := strings.Cut(pattern, " ")
	return path == dossierRoutePrefix || strings.HasPrefix(path, dossierRoutePrefix+"/")
}

type guardKey int

const (
	ctxDossier guardKey = iota
	ctxCSRFPending
)

// dossierScope loads the dossier of a dossier route and checks that the asker may use the
// route: reading (GET) is for those who may read the dossier (its structure's members, the
// agents, the committee members it is assigned to), any change (POST) for its structure's
// members alone, as the commands require. Anyone else is told that the dossier does not
// exist, the same answer as for an id that is no dossier's. The dossier is kept in the
// request for dossierOf.
func (s *Server) dossierScope(r *http.Request) (*http.Request, error) {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return r, err
	}
	actor := actorOf(r)
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		err = s.canRead(r.Context(), actor, c, d)
	} else if !actor.SignedIn() {
		err = apperr.New(apperr.Unauthenticated, "error.unauthenticated")
	} else if ok, merr := dossier.IsMember(r.Context(), s.db, d.StructureID, actor.ID()); merr != nil {
		err = merr
	} else if !ok {
		err = apperr.New(apperr.NotFound, "dossier.not_found")
	}
	if err != nil {
		return r, err
	}
	return r.WithContext(context.WithValue(r.Context(), ctxDossier, d)), nil
}

// pendingCSRF is the body of a multipart request whose anti-forgery token is in the body
// itself: checkCSRF leaves it unread, so that guard may first refuse the request on what
// needs no body (the permission, the dossier's members), and then checks the token
// (checkPendingCSRF). Until then the body cannot be read, so no handler can act on a request
// whose token was not checked.
type pendingCSRF struct {
	want string
	body io.ReadCloser
	open bool
}

var errCSRFPending = errors.New("request body read before its anti-forgery token was checked")

func (p *pendingCSRF) Read(b []byte) (int, error) {
	if !p.open {
		return 0, errCSRFPending
	}
	return p.body.Read(b)
}

func (p *pendingCSRF) Close() error { return p.body.Close() }

// deferCSRF makes r's body a pendingCSRF, to be checked by guard.
func deferCSRF(r *http.Request, want string) *http.Request {
	p := &pendingCSRF{want: want, body: r.Body}
	r = r.WithContext(context.WithValue(r.Context(), ctxCSRFPending, p))
	r.Body = p
	return r
}

// checkPendingCSRF checks the token of a multipart body left by checkCSRF, reading the form;
// it answers the request (and returns false) when the token is wrong or the body too large.
func (s *Server) checkPendingCSRF(w http.ResponseWriter, r *http.Request) bool {
	p, _ := r.Context().Value(ctxCSRFPending).(*pendingCSRF)
	if p == nil || p.open {
		return true
	}
	p.open = true
	var tooBig *http.MaxBytesError
	if err := r.ParseMultipartForm(maxBody); errors.As(err, &tooBig) {
		s.renderError(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
		return false
	}
	got := r.PostFormValue(csrfField)
	if p.want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(p.want)) != 1 {
		s.renderError(w, r, http.StatusForbidden, "error.csrf")
		return false
	}
	return true
}
