// Package oidc is the OpenID Connect client of the vote's identity step, compatible with
// FranceConnect: discovery, authorization code flow with state, nonce and PKCE (S256),
// acr_values, the scopes "openid given_name family_name birthdate", and a userinfo answer that
// may be a signed JWT (as FranceConnect v2 serves it), whose signature is checked against the
// provider's published keys.
//
// The package keeps no state: Start returns the secrets of one sign-in (state, nonce, PKCE
// verifier) for the caller to keep in its session, and Finish checks them.
package oidc

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"sync"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Scopes are FranceConnect's: the identity the vote needs and no more.
var Scopes = []string{gooidc.ScopeOpenID, "given_name", "family_name", "birthdate"}

// Config is a provider registration.
type Config struct {
	Issuer       string // e.g. https://fcp-low.sbx.dev-franceconnect.fr/api/v2
	ClientID     string
	ClientSecret string
	RedirectURL  string // the platform's callback, registered with the provider
	ACR          string // acr_values, e.g. "eidas1"; empty: none asked
}

// Enabled reports whether a provider is configured.
func (c Config) Enabled() bool { return c.Issuer != "" && c.ClientID != "" }

// Identity is what the provider asserts about the person.
type Identity struct {
	Subject    string
	GivenName  string
	FamilyName string
	BirthDate  string // YYYY-MM-DD (a presumed date may be YYYY-01-01)
	ACR        string
}

// Pending is the secret part of one sign-in in progress, kept in the user's session.
type Pending struct {
	State, Nonce, Verifier string
}

// Errors Finish returns; each one refuses the sign-in.
var (
	ErrState      = errors.New("oidc: the state does not match the sign-in in progress")
	ErrNonce      = errors.New("oidc: the ID token's nonce does not match")
	ErrExchange   = errors.New("oidc: the provider refused the code (expired, used or unknown)")
	ErrIDToken    = errors.New("oidc: the ID token is not valid")
	ErrUserInfo   = errors.New("oidc: the userinfo answer is not valid")
	ErrIncomplete = errors.New("oidc: the provider gave no name or birth date")
)

// Client talks to one provider. Discovery runs on first use (so that a provider that is down
// at start-up does not stop the platform) and is kept once it succeeds.
type Client struct {
	cfg      Config
	mu       sync.Mutex
	provider *gooidc.Provider
}

// New returns a client for cfg.
func New(cfg Config) *Client { return &Client{cfg: cfg} }

func (c *Client) discover(ctx context.Context) (*gooidc.Provider, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return c.provider, nil
	}
	p, err := gooidc.NewProvider(ctx, c.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc discovery: %w", err)
	}
	c.provider = p
	return p, nil
}

func (c *Client) oauth(p *gooidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, RedirectURL: c.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: Scopes}
}

// Start begins a sign-in: the address to send the browser to, and the secrets to keep.
func (c *Client) Start(ctx context.Context) (string, Pending, error) {
	p, err := c.discover(ctx)
	if err != nil {
		return "", Pending{}, err
	}
	pend := Pending{State: oauth2.GenerateVerifier(), Nonce: oauth2.GenerateVerifier(), Verifier: oauth2.GenerateVerifier()}
	opts := []oauth2.AuthCodeOption{gooidc.Nonce(pend.Nonce), oauth2.S256ChallengeOption(pend.Verifier)}
	if c.cfg.ACR != "" {
		opts = append(opts, oauth2.SetAuthURLParam("acr_values", c.cfg.ACR))
	}
	return c.oauth(p).AuthCodeURL(pend.State, opts...), pend, nil
}

// Finish completes a sign-in from the callback's state and code: the state must be the one
// kept, the code is exchanged with the PKCE verifier, the ID token's signature, issuer,
// audience, expiry and nonce are checked, and the identity is read from the userinfo
// endpoint (a signed JWT is checked against the provider's keys).
func (c *Client) Finish(ctx context.Context, pend Pending, state, code string) (*Identity, error) {
	if pend.State == "" || subtle.ConstantTimeCompare([]byte(pend.State), []byte(state)) != 1 {
		return nil, ErrState
	}
	p, err := c.discover(ctx)
	if err != nil {
		return nil, err
	}
	oc := c.oauth(p)
	tok, err := oc.Exchange(ctx, code, oauth2.VerifierOption(pend.Verifier))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrExchange, err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return nil, fmt.Errorf("%w: none in the token answer", ErrIDToken)
	}
	idt, err := p.Verifier(&gooidc.Config{ClientID: c.cfg.ClientID}).Verify(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrIDToken, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(pend.Nonce)) != 1 {
		return nil, ErrNonce
	}
	var acr struct {
		ACR string `json:"acr"`
	}
	_ = idt.Claims(&acr)
	ui, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUserInfo, err)
	}
	if ui.Subject != idt.Subject {
		return nil, fmt.Errorf("%w: subject differs from the ID token's", ErrUserInfo)
	}
	var claims struct {
		GivenName  string `json:"given_name"`
		FamilyName string `json:"family_name"`
		BirthDate  string `json:"birthdate"`
	}
	if err := ui.Claims(&claims); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUserInfo, err)
	}
	id := &Identity{Subject: idt.Subject, GivenName: strings.TrimSpace(claims.GivenName),
		FamilyName: strings.TrimSpace(claims.FamilyName), BirthDate: strings.TrimSpace(claims.BirthDate), ACR: acr.ACR}
	if id.GivenName == "" || id.FamilyName == "" || id.BirthDate == "" {
		return nil, ErrIncomplete
	}
	return id, nil
}
