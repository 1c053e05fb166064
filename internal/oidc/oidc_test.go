package oidc_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"budgetcitoyen/internal/oidc"
	"budgetcitoyen/internal/oidc/oidctest"
)

// The provider is oidctest's: zitadel's example OpenID provider, run in the test, asserting
// FranceConnect's claims and serving userinfo as a signed JWT.

const callback = "http://platform.test/connexion/oidc/retour"

type provider struct{ *oidctest.Provider }

func startProvider(t *testing.T) provider { return provider{oidctest.Start(t, callback)} }

// login returns the state and the code of the callback the provider redirects to.
func (p provider) login(t *testing.T, authURL string) (state, code string) {
	t.Helper()
	loc := p.Login(t, authURL)
	return loc.Query().Get("state"), loc.Query().Get("code")
}

func client(p provider) *oidc.Client {
	return oidc.New(oidc.Config{Issuer: p.URL, ClientID: oidctest.ClientID, ClientSecret: oidctest.ClientSecret,
		RedirectURL: callback, ACR: "eidas1"})
}

func TestFlow(t *testing.T) {
	p := startProvider(t)
	ctx := context.Background()
	c := client(p)
	authURL, pend, err := c.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := url.Parse(authURL)
	for k, want := range map[string]string{"acr_values": "eidas1", "code_challenge_method": "S256", "nonce": pend.Nonce,
		"state": pend.State, "scope": "openid given_name family_name birthdate", "response_type": "code"} {
		if got := q.Query().Get(k); got != want {
			t.Errorf("auth URL %s = %q, want %q", k, got, want)
		}
	}
	state, code := p.login(t, authURL)
	id, err := c.Finish(ctx, pend, state, code)
	if err != nil {
		t.Fatal(err)
	}
	if id.GivenName != "Angela Claire Louise" || id.FamilyName != "DUBOIS" || id.BirthDate != "1962-08-24" || id.Subject == "" {
		t.Errorf("identity %+v", id)
	}
	// A code is good once.
	if _, err := c.Finish(ctx, pend, state, code); !errors.Is(err, oidc.ErrExchange) {
		t.Errorf("code used twice: %v", err)
	}
}

func TestRefusals(t *testing.T) {
	p := startProvider(t)
	ctx := context.Background()
	c := client(p)

	t.Run("bad state", func(t *testing.T) {
		authURL, pend, _ := c.Start(ctx)
		_, code := p.login(t, authURL)
		if _, err := c.Finish(ctx, pend, "forged-state", code); !errors.Is(err, oidc.ErrState) {
			t.Errorf("bad state: %v", err)
		}
		if _, err := c.Finish(ctx, oidc.Pending{}, "", code); !errors.Is(err, oidc.ErrState) {
			t.Errorf("no sign-in in progress: %v", err)
		}
	})
	t.Run("bad nonce", func(t *testing.T) {
		authURL, pend, _ := c.Start(ctx)
		u, _ := url.Parse(authURL)
		v := u.Query()
		v.Set("nonce", "replayed-nonce")
		u.RawQuery = v.Encode()
		state, code := p.login(t, u.String())
		if _, err := c.Finish(ctx, pend, state, code); !errors.Is(err, oidc.ErrNonce) {
			t.Errorf("bad nonce: %v", err)
		}
	})
	t.Run("expired code", func(t *testing.T) {
		authURL, pend, _ := c.Start(ctx)
		state, code := p.login(t, authURL)
		p.Advance(time.Minute)
		if _, err := c.Finish(ctx, pend, state, code); !errors.Is(err, oidc.ErrExchange) {
			t.Errorf("expired code: %v", err)
		}
	})
	t.Run("bad signature", func(t *testing.T) {
		authURL, pend, _ := c.Start(ctx)
		state, code := p.login(t, authURL)
		p.SignBadly(true)
		defer p.SignBadly(false)
		if _, err := c.Finish(ctx, pend, state, code); !errors.Is(err, oidc.ErrUserInfo) {
			t.Errorf("bad userinfo signature: %v", err)
		}
	})
	t.Run("wrong verifier", func(t *testing.T) {
		authURL, pend, _ := c.Start(ctx)
		state, code := p.login(t, authURL)
		pend.Verifier = "another-verifier-another-verifier-another-verifier"
		if _, err := c.Finish(ctx, pend, state, code); !errors.Is(err, oidc.ErrExchange) {
			t.Errorf("PKCE verifier not checked: %v", err)
		}
	})
}
