package account

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

func TestSessionStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := t0
		s := NewSessionStore(d, NewSessionCache(d))
		s.Now = func() time.Time { return now }

		if _, found, err := s.Find("absent"); found || err != nil {
			t.Errorf("Find(absent) = %v, %v", found, err)
		}
		data := []byte{0, 1, 2, 0xff, 'h', 'i'}
		if err := s.Commit("tok1", data, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		b, found, err := s.Find("tok1")
		if err != nil || !found || !bytes.Equal(b, data) {
			t.Fatalf("Find = %v, %v, %v", b, found, err)
		}
		// Commit again replaces data and expiry.
		if err := s.CommitCtx(ctx, "tok1", []byte("v2"), now.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		now = now.Add(90 * time.Minute)
		if b, found, _ := s.FindCtx(ctx, "tok1"); !found || string(b) != "v2" {
			t.Errorf("after recommit: %q, %v", b, found)
		}
		// Expired sessions are not found, and Cleanup removes them.
		if err := s.Commit("tok2", nil, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if b, found, _ := s.Find("tok2"); !found || len(b) != 0 {
			t.Errorf("empty session: %q, %v", b, found)
		}
		now = now.Add(31 * time.Minute) // tok1 expires exactly now, tok2 a bit earlier
		for _, tok := range []string{"tok1", "tok2"} {
			if _, found, err := s.Find(tok); found || err != nil {
				t.Errorf("expired %s found (%v)", tok, err)
			}
		}
		if err := s.Commit("tok3", []byte("x"), now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Cleanup(ctx, now); err != nil || n != 2 {
			t.Errorf("Cleanup = %d, %v; want 2", n, err)
		}
		if err := s.Delete("tok3"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteCtx(ctx, "tok3"); err != nil { // already gone: no error
			t.Fatal(err)
		}
		if _, found, _ := s.Find("tok3"); found {
			t.Error("deleted session found")
		}
	})
}

// The store works under scs's session manager: a value put in one request is read in the
// next, through the cookie, by a second manager (another server process) on the same
// database.
func TestSessionStoreWithSCS(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		newManager := func() *scs.SessionManager {
			m := scs.New()
			m.Store = NewSessionStore(d, NewSessionCache(d))
			m.Lifetime = time.Hour
			return m
		}
		m1, m2 := newManager(), newManager()
		put := m1.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			m1.Put(r.Context(), "account_id", int64(42))
		}))
		get := m2.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, map[bool]string{true: "42", false: "none"}[m2.GetInt64(r.Context(), "account_id") == 42])
		}))
		rec := httptest.NewRecorder()
		put.ServeHTTP(rec, httptest.NewRequest("POST", "/connexion", nil))
		cookies := rec.Result().Cookies()
		if len(cookies) != 1 {
			t.Fatalf("cookies: %v", cookies)
		}
		req := httptest.NewRequest("GET", "/compte", nil)
		req.AddCookie(cookies[0])
		rec = httptest.NewRecorder()
		get.ServeHTTP(rec, req)
		if rec.Body.String() != "42" {
			t.Errorf("second process read %q", rec.Body.String())
		}
	})
}

// Finding a session reads its account and roles with it, into the context's Prefetch; a
// session that signs no one in (or no longer does) brings no account.
func TestSessionStorePrefetchesTheAccount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewSessionStore(d, NewSessionCache(d))
		s.Now = func() time.Time { return t0 }
		a, err := Create(ctx, d, "prefetch@example.org", "Prefetch", t0)
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range []access.Role{access.Agent, access.Citizen} {
			if err := GrantRole(ctx, d, a.ID, role, nil, t0); err != nil {
				t.Fatal(err)
			}
		}
		signedIn, err := SessionCodec{}.Encode(t0.Add(time.Hour), map[string]any{SessionAccountKey: a.ID, "csrf": "x"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CommitCtx(ctx, "tok", signedIn, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		pctx, p := WithPrefetch(ctx)
		b, found, err := s.FindCtx(pctx, "tok")
		if err != nil || !found || !bytes.Equal(b, signedIn) {
			t.Fatalf("FindCtx = %v, %v, %v", b, found, err)
		}
		want, err := ByID(ctx, d, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Account == nil || p.Account.ID != a.ID || p.Account.Email != want.Email || len(p.Account.Roles) != 2 ||
			p.Account.Roles[0] != want.Roles[0] || p.Account.Roles[1] != want.Roles[1] || !p.Account.CreatedAt.Equal(want.CreatedAt) {
			t.Errorf("prefetched %+v, want %+v", p.Account, want)
		}
		// Signed out: the same session without the account brings none.
		signedOut, _ := SessionCodec{}.Encode(t0.Add(time.Hour), map[string]any{"csrf": "x"})
		if err := s.CommitCtx(ctx, "tok", signedOut, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		pctx, p = WithPrefetch(ctx)
		if _, found, err := s.FindCtx(pctx, "tok"); err != nil || !found || p.Account != nil {
			t.Errorf("signed-out session: found %v, %v, account %+v", found, err, p.Account)
		}
		// Without a Prefetch in the context, FindCtx just finds.
		if _, found, err := s.FindCtx(ctx, "tok"); err != nil || !found {
			t.Errorf("FindCtx without prefetch: %v, %v", found, err)
		}
	})
}
