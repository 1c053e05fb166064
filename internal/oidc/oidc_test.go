package oidc_test

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

	"budgetcitoyen/internal/oidc"
)

// The test provider is zitadel's example OpenID provider, run in the test, with a storage
// that asserts FranceConnect's claims, signs with a key of the test, lets codes expire after
// 30 s of a clock the test moves, and whose userinfo endpoint answers a signed JWT as
// FranceConnect v2 does.

const callback = "http://platform.test/connexion/oidc/retour"

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
}

func (s *fcStorage) SigningKey(context.Context) (op.SigningKey, error) { return key{s.key}, nil }
func (s *fcStorage) KeySet(context.Context) ([]op.Key, error)          { return []op.Key{pub{s.key}}, nil }

func fcClaims(ui *zoidc.UserInfo) {
	ui.GivenName, ui.FamilyName, ui.Birthdate = "Angela Claire Louise", "DUBOIS", "1962-08-24"
}

func (s *fcStorage) SetUserinfoFromScopes(ctx context.Context, ui *zoidc.UserInfo, userID, clientID string, scopes []string) error {
	return s.Storage.SetUserinfoFromScopes(ctx, ui, userID, clientID, scopes)
}

func (s *fcStorage) SetUserinfoFromToken(ctx context.Context, ui *zoidc.UserInfo, tokenID, subject, origin string) error {
	if err := s.Storage.SetUserinfoFromToken(ctx, ui, tokenID, subject, origin); err != nil {
		return err
	}
	fcClaims(ui)
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

type provider struct {
	srv     *httptest.Server
	store   *fcStorage
	badSign bool // the userinfo JWT is signed with another key
	other   *rsa.PrivateKey
}

var registerOnce sync.Once

func startProvider(t *testing.T) *provider {
	t.Helper()
	registerOnce.Do(func() { storage.RegisterClients(storage.WebClient("budgetcitoyen", "s3cret", callback)) })
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	p := &provider{other: other}
	var h http.Handler
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(p.srv.Close)
	p.store = &fcStorage{Storage: storage.NewStorage(storage.NewUserStore(p.srv.URL)), key: k, now: time.Now(),
		issued: map[string]time.Time{}}
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
		if p.badSign {
			signWith = p.other
		}
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

// login drives the provider's login page as a browser would, up to the redirection to the
// platform's callback; it returns the callback's state and code.
func (p *provider) login(t *testing.T, authURL string) (state, code string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if r.URL.Host == "platform.test" {
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
	if err != nil || !strings.HasPrefix(loc.String(), callback) {
		t.Fatalf("no redirection to the platform: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query().Get("state"), loc.Query().Get("code")
}

func client(p *provider) *oidc.Client {
	return oidc.New(oidc.Config{Issuer: p.srv.URL, ClientID: "budgetcitoyen", ClientSecret: "s3cret",
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
		p.store.mu.Lock()
		p.store.now = p.store.now.Add(time.Minute)
		p.store.mu.Unlock()
		if _, err := c.Finish(ctx, pend, state, code); !errors.Is(err, oidc.ErrExchange) {
			t.Errorf("expired code: %v", err)
		}
	})
	t.Run("bad signature", func(t *testing.T) {
		authURL, pend, _ := c.Start(ctx)
		state, code := p.login(t, authURL)
		p.badSign = true
		defer func() { p.badSign = false }()
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
