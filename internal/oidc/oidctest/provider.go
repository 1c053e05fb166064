// Package oidctest runs a real OpenID provider inside a test, as FranceConnect v2 behaves:
// zitadel's example provider, with a storage that asserts FranceConnect's claims, signs with
// a key of the test, lets codes expire after 30 s of a clock the test moves, and whose
// userinfo endpoint answers a signed JWT. The oidc package's end-to-end test and the vote's
// HTTP test share it.
package oidctest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// The registration every provider of the tests knows.
const (
	ClientID     = "budgetcitoyen"
	ClientSecret = "s3cret"
)

// Claims is the identity the provider asserts.
type Claims struct {
	GivenName, FamilyName, BirthDate string
}

// DefaultClaims are FranceConnect's test identity.
var DefaultClaims = Claims{GivenName: "Angela Claire Louise", FamilyName: "DUBOIS", BirthDate: "1962-08-24"}

type key struct{ k *rsa.PrivateKey }

func (k key) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k key) Key() any                                    { return k.k }
func (k key) ID() string                                  { return "fc-test" }

type pub struct{ k *rsa.PrivateKey }

func (p pub) ID() string                         { return "fc-test" }
func (p pub) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (p pub) Use() string                        { return "sig" }
func (p pub) Key() any                           { return &p.k.PublicKey }

type fcStorage struct {
	*storage.Storage
	key    *rsa.PrivateKey
	mu     sync.Mutex
	now    time.Time
	issued map[string]time.Time
	claims Claims
}

func (s *fcStorage) SigningKey(context.Context) (op.SigningKey, error) { return key{s.key}, nil }
func (s *fcStorage) KeySet(context.Context) ([]op.Key, error)          { return []op.Key{pub{s.key}}, nil }

func (s *fcStorage) SetUserinfoFromToken(ctx context.Context, ui *zoidc.UserInfo, tokenID, subject, origin string) error {
	if err := s.Storage.SetUserinfoFromToken(ctx, ui, tokenID, subject, origin); err != nil {
		return err
	}
	s.mu.Lock()
	ui.GivenName, ui.FamilyName, ui.Birthdate = s.claims.GivenName, s.claims.FamilyName, s.claims.BirthDate
	s.mu.Unlock()
	return nil
}

func (s *fcStorage) SaveAuthCode(ctx context.Context, id, code string) error {
	s.mu.Lock()
	s.issued[code] = s.now
	s.mu.Unlock()
	return s.Storage.SaveAuthCode(ctx, id, code)
}

func (s *fcStorage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	at, ok := s.issued[code]
	expired := ok && s.now.Sub(at) > 30*time.Second
	s.mu.Unlock()
	if expired {
		return nil, errors.New("code expired")
	}
	return s.Storage.AuthRequestByCode(ctx, code)
}

// Provider is a running OpenID provider.
type Provider struct {
	URL      string // the issuer
	callback string
	srv      *httptest.Server
	store    *fcStorage
	mu       sync.Mutex
	badSign  bool // the userinfo JWT is signed with another key
}

// registerMu guards the example storage's global client list.
var registerMu sync.Mutex

// Start runs a provider for the test, which knows the client ClientID with the given
// callback (the platform's BaseURL + its callback path).
func Start(t testing.TB, callback string) *Provider {
	t.Helper()
	registerMu.Lock()
	storage.RegisterClients(storage.WebClient(ClientID, ClientSecret, callback))
	registerMu.Unlock()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{callback: callback}
	var h http.Handler
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(p.srv.Close)
	p.URL = p.srv.URL
	p.store = &fcStorage{Storage: storage.NewStorage(storage.NewUserStore(p.srv.URL)), key: k, now: time.Now(),
		issued: map[string]time.Time{}, claims: DefaultClaims}
	router := exampleop.SetupServer(p.srv.URL, p.store, nil, false)
	h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/userinfo" {
			router.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		router.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		signWith := k
		p.mu.Lock()
		if p.badSign {
			signWith = other
		}
		p.mu.Unlock()
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: signWith, KeyID: "fc-test"}}, nil)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		jws, err := signer.Sign(bytes.TrimSpace(rec.Body.Bytes()))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		compact, _ := jws.CompactSerialize()
		w.Header().Set("Content-Type", "application/jwt")
		_, _ = w.Write([]byte(compact))
	})
	return p
}

// SetClaims changes the identity the provider asserts from now on.
func (p *Provider) SetClaims(c Claims) {
	p.store.mu.Lock()
	p.store.claims = c
	p.store.mu.Unlock()
}

// Advance moves the provider's clock (codes expire after 30 s).
func (p *Provider) Advance(d time.Duration) {
	p.store.mu.Lock()
	p.store.now = p.store.now.Add(d)
	p.store.mu.Unlock()
}

// SignBadly makes the userinfo JWT signed with a key the provider does not publish.
func (p *Provider) SignBadly(bad bool) {
	p.mu.Lock()
	p.badSign = bad
	p.mu.Unlock()
}

// Login drives the provider's login page as a browser would, from the authorization address
// up to the redirection to the platform's callback; it returns that redirection's address.
func (p *Provider) Login(t testing.TB, authURL string) *url.URL {
	t.Helper()
	cb, err := url.Parse(p.callback)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if r.URL.Host == cb.Host {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := hc.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Request.URL.Query().Get("authRequestID")
	if id == "" {
		t.Fatalf("no login page: %s %d", resp.Request.URL, resp.StatusCode)
	}
	host := strings.TrimPrefix(p.srv.URL, "http://")
	host = strings.Split(host, ":")[0]
	resp, err = hc.PostForm(p.srv.URL+"/login/username", url.Values{"username": {"test-user@" + host},
		"password": {"verysecure"}, "id": {id}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), p.callback) {
		t.Fatalf("no redirection to the platform: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc
}
