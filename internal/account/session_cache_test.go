package account

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

// A change to a session, its account or the account's roles, made by anyone other than the
// store that read the session (another server process, the command line, plain SQL), shows
// at the store's next read, as it would without the cache that SQLite's store keeps.
func TestSessionStoreSeesEveryChange(t *testing.T) {
	type change func(ctx context.Context, d *db.DB, other *SessionStore, a *Account, tok string) error
	signedIn := sessionSeen{found: true, data: "signed-in", account: true, name: "Camille Martin", roles: "citizen"}
	with := func(f func(*sessionSeen)) sessionSeen { s := signedIn; f(&s); return s }
	cases := []struct {
		name   string
		change change
		after  time.Duration // how far the clock moves after the change
		noRole bool          // the account holds no role (else it is a citizen)
		want   sessionSeen
	}{
		{name: "nothing", want: signedIn},
		{name: "data changed by another server", change: func(ctx context.Context, _ *db.DB, other *SessionStore, a *Account, tok string) error {
			return other.CommitCtx(ctx, tok, encodeSession(t, a.ID, "other"), t0.Add(time.Hour))
		}, want: with(func(s *sessionSeen) { s.data = "other" })},
		{name: "signed out on another server", change: func(ctx context.Context, _ *db.DB, other *SessionStore, _ *Account, tok string) error {
			return other.DeleteCtx(ctx, tok)
		}},
		{name: "signed out everywhere", change: func(ctx context.Context, d *db.DB, _ *SessionStore, a *Account, _ string) error {
			_, err := EndSessions(ctx, d, a.ID, "")
			return err
		}},
		{name: "account disabled", change: func(ctx context.Context, d *db.DB, _ *SessionStore, a *Account, _ string) error {
			return SetDisabled(ctx, d, a.ID, true)
		}, want: with(func(s *sessionSeen) { s.disabled = true })},
		{name: "account renamed in SQL", change: func(ctx context.Context, d *db.DB, _ *SessionStore, a *Account, _ string) error {
			_, err := d.ExecContext(ctx, "UPDATE accounts SET display_name = 'Renamed' WHERE id = $1", a.ID)
			return err
		}, want: with(func(s *sessionSeen) { s.name = "Renamed" })},
		{name: "account deleted", change: deleteAccount, want: sessionSeen{found: true, data: "signed-in"}},
		{name: "account without a role deleted", change: deleteAccount, noRole: true, want: sessionSeen{found: true, data: "signed-in"}},
		{name: "role granted", change: func(ctx context.Context, d *db.DB, _ *SessionStore, a *Account, _ string) error {
			return GrantRole(ctx, d, a.ID, Agent, nil, t0)
		}, want: with(func(s *sessionSeen) { s.roles = "citizen agent" })},
		{name: "role revoked", change: func(ctx context.Context, d *db.DB, _ *SessionStore, a *Account, _ string) error {
			return RevokeRole(ctx, d, a.ID, Citizen, nil)
		}, want: with(func(s *sessionSeen) { s.roles = "" })},
		{name: "role changed in SQL", change: func(ctx context.Context, d *db.DB, _ *SessionStore, a *Account, _ string) error {
			_, err := d.ExecContext(ctx, "UPDATE account_roles SET role = 'agent' WHERE account_id = $1", a.ID)
			return err
		}, want: with(func(s *sessionSeen) { s.roles = "agent" })},
		{name: "expired", after: time.Hour},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				now := t0
				s, other := NewSessionStore(d), NewSessionStore(d)
				s.Now = func() time.Time { return now }
				a := mustCreate(t, d, fmt.Sprintf("change%d@example.org", i), "")
				if !tc.noRole {
					if err := GrantRole(ctx, d, a.ID, Citizen, nil, t0); err != nil {
						t.Fatal(err)
					}
				}
				tok := fmt.Sprintf("change%02d-session", i)
				if err := s.CommitCtx(ctx, tok, encodeSession(t, a.ID, "signed-in"), t0.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
				for range 2 { // the second read comes from the cache, where there is one
					if got := findSeen(t, s, tok); !got.found || !got.account {
						t.Fatalf("before the change: %+v", got)
					}
				}
				if tc.change != nil {
					if err := tc.change(ctx, d, other, a, tok); err != nil {
						t.Fatal(err)
					}
				}
				now = now.Add(tc.after)
				if got := findSeen(t, s, tok); got != tc.want {
					t.Errorf("after the change: %+v, want %+v", got, tc.want)
				}
			})
		}
	})
}

func deleteAccount(ctx context.Context, d *db.DB, _ *SessionStore, a *Account, _ string) error {
	_, err := d.ExecContext(ctx, "DELETE FROM accounts WHERE id = $1", a.ID)
	return err
}

// On SQLite, a session read again while its version has not moved comes from memory, and
// each reader gets its own copy.
func TestSessionCacheServesUnchangedSessions(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	s := NewSessionStore(d)
	s.Now = func() time.Time { return t0 }
	a := mustCreate(t, d, "cached@example.org", "")
	if err := GrantRole(ctx, d, a.ID, Citizen, nil, t0); err != nil {
		t.Fatal(err)
	}
	const tok = "cached-session"
	if err := s.CommitCtx(ctx, tok, encodeSession(t, a.ID, "first"), t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	first := findSeen(t, s, tok)
	// Without its trigger, a change leaves the version as it was: the store keeps serving
	// what it read, which shows that it reads from memory.
	if _, err := d.ExecContext(ctx, "DROP TRIGGER sessions_updated"); err != nil {
		t.Fatal(err)
	}
	if err := s.CommitCtx(ctx, tok, encodeSession(t, a.ID, "second"), t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	pctx, p := WithPrefetch(ctx)
	b, found, err := s.FindCtx(pctx, tok)
	if err != nil || !found || decodeNote(t, b) != "first" || p.Account == nil {
		t.Fatalf("unchanged version: %q, %v, %v, account %v", b, found, err, p.Account)
	}
	// What a reader gets is its own: changing it changes nothing for the next.
	b[len(b)-1]++
	p.Account.Roles[0].Role = Admin
	p.Account.DisplayName = "changed"
	if got := findSeen(t, s, tok); got != first {
		t.Errorf("after a reader changed its copy: %+v, want %+v", got, first)
	}
	// Once the version moves, the store reads the session again.
	if _, err := d.ExecContext(ctx, "UPDATE session_versions SET n = n + 1 WHERE prefix = $1", tok[:8]); err != nil {
		t.Fatal(err)
	}
	if got := findSeen(t, s, tok); got.data != "second" {
		t.Errorf("after the version moved: %+v, want the data of the second commit", got)
	}
}

// Cleaning up removes the versions of the sessions gone, and only those.
func TestSessionCleanupRemovesUnusedVersions(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	s := NewSessionStore(d)
	for _, tok := range []string{"expired-1", "kept-0001", "deleted-1"} {
		if err := s.CommitCtx(ctx, tok, []byte("x"), t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteCtx(ctx, "deleted-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ExecContext(ctx, "UPDATE sessions SET expiry = $1 WHERE token = 'expired-1'", t0); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Cleanup(ctx, t0); err != nil || n != 1 {
		t.Fatalf("Cleanup = %d, %v; want 1", n, err)
	}
	var prefixes []string
	rows, err := d.QueryContext(ctx, "SELECT prefix FROM session_versions ORDER BY prefix")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		prefixes = append(prefixes, p)
	}
	if got := strings.Join(prefixes, " "); got != "kept-000" {
		t.Errorf("versions left: %q, want %q", got, "kept-000")
	}
}

type sessionSeen struct {
	found    bool
	data     string
	account  bool
	disabled bool
	name     string
	roles    string
}

// findSeen finds a session and says what the server would see of it.
func findSeen(t *testing.T, s *SessionStore, tok string) sessionSeen {
	t.Helper()
	ctx, p := WithPrefetch(context.Background())
	b, found, err := s.FindCtx(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	got := sessionSeen{found: found}
	if found {
		got.data = decodeNote(t, b)
	}
	if a := p.Account; a != nil {
		got.account, got.disabled, got.name = true, a.Disabled, a.DisplayName
		var roles []string
		for _, g := range a.Roles {
			roles = append(roles, g.String())
		}
		got.roles = strings.Join(roles, " ")
	}
	return got
}

// encodeSession encodes a session signing accountID in, with a note to tell versions apart.
func encodeSession(t *testing.T, accountID int64, note string) []byte {
	t.Helper()
	b, err := SessionCodec{}.Encode(t0.Add(time.Hour), map[string]any{SessionAccountKey: accountID, "note": note})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeNote(t *testing.T, b []byte) string {
	t.Helper()
	_, values, err := SessionCodec{}.Decode(b)
	if err != nil {
		t.Fatalf("decode session %q: %v", b, err)
	}
	note, _ := values["note"].(string)
	return note
}
