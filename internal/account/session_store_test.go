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

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

func TestSessionStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := t0
		s := NewSessionStore(d)
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
			m.Store = NewSessionStore(d)
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
