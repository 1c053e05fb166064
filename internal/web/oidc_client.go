package web

import "budgetcitoyen/internal/oidc"

// OIDCCallbackPath is where the OpenID Connect provider sends the browser back; register
// BaseURL + this path with the provider.
const OIDCCallbackPath = "/connexion/oidc/retour"

// OIDC returns the OpenID Connect client, or nil when no provider is configured. The vote's
// identity step starts and finishes sign-ins with it (see internal/oidc).
func (s *Server) OIDC() *oidc.Client { return s.oidc }
