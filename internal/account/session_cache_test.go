package account

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

// A change to a session, its account or the account's roles, made by anyone other than the
// store that read the session (another server process, the command line, plain SQL), shows
// at the store's next read, as it would without the cache that SQLite's store keeps.
func TestSessionStoreSeesEveryChange(t *testing.T) {
	type change func(ctx context.Context, d *db.DB, other *SessionStore, a *access.Account, tok string) error
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
		{name: "data changed by another server", change: func(ctx context.Context, _ *db.DB, other *SessionStore, a *access.Account, tok string) error {
			return other.CommitCtx(ctx, tok, encodeSession(t, a.ID, "other"), t0.Add(time.Hour))
		}, want: with(func(s *sessionSeen) { s.data = "other" })},
		{name: "signed out on another server", change: func(ctx context.Context, _ *db.DB, other *SessionStore, _ *access.Account, tok string) error {
			return other.DeleteCtx(ctx, tok)
		}},
		{name: "data changed in SQL", change: func(ctx context.Context, d *db.DB, _ *SessionStore, a *access.Account, tok string) error {
			_, err := d.ExecContext(ctx, "UPDATE sessions SET data = $1 WHERE token = $2", encodeSession(t, a.ID, "sql"), tok)
			return err
		}, want: with(func(s *sessionSeen) { s.data = "sql" })},
		{name: "session deleted in SQL", change: func(ctx context.Context, d *db.DB, _ *SessionStore, _ *access.Account, tok string) error {
			_, err := d.ExecContext(ctx, "DELETE FROM sessions WHERE token = $1", tok)
			return err
		}},
		{name: "every session deleted", change: func(ctx context.Context, d *db.DB, _ *SessionStore, _ *access.Account, _ string) error {
			_, err := d.ExecContext(ctx, map[db.Dialect]string{db.SQLite: "DELETE FROM sessions", db.Postgres: "TRUNCATE sessions"}[d.Dialect])
			return err
		}},
		{name: "signed out everywhere", change: func(ctx context.Context, d *db.DB, _ *SessionStore, a *access.Account, _ string) error {
			_, err := EndSessions(ctx, d, a.ID, "")
			return err
		}},
		{name: "account disabled", change: func(ctx context.Context, d *db.DB, _ *SessionStore, a *access.Account, _ string) error {
			return SetDisabled(ctx, d, a.ID, true)
		}, want: with(func(s *sessionSeen) { s.disabled = true })},
		{name: "account renamed in SQL", change: func(ctx context.Context, d *db.DB, _ *SessionStore, a *access.Account, _ string) error {
			_, err := d.ExecContext(ctx, "UPDATE accounts SET display_name = 'Renamed' WHERE id = $1", a.ID)
			return err
		}, want: with(func(s *sessionSeen) { s.name = "Renamed" })},
		{name: "account deleted", change: deleteAccount, want: sessionSeen{found: true, data: "signed-in"}},
		{name: "account without a role deleted", change: deleteAccount, noRole: true, want: sessionSeen{found: true, data: "signed-in"}},
		{name: "role granted", change: func(ctx context.Context, d *db.DB, _ *SessionStore, a *access.Account, _ string) error {
			return GrantRole(ctx, d, a.ID, access.Agent, nil, t0)
		}, want: with(func(s *sessionSeen) { s.roles = "citizen agent" })},
		{name: "role revoked", change: func(ctx context.Context, d *db.DB, _ *SessionStore, a *access.Account, _ string) error {
			return RevokeRole(ctx, d, a.ID, access.Citizen, nil)
		}, want: with(func(s *sessionSeen) { s.roles = "" })},
		{name: "role changed in SQL", change: func(ctx context.Context, d *db.DB, _ *SessionStore, a *access.Account, _ string) error {
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
				c := NewSessionCache(d)
				s, other := NewSessionStore(d, c), NewSessionStore(d, c)
				s.Now = func() time.Time { return now }
				a := mustCreate(t, d, fmt.Sprintf("change%d@example.org", i), "")
				if !tc.noRole {
					if err := GrantRole(ctx, d, a.ID, access.Citizen, nil, t0); err != nil {
						t.Fatal(err)
					}
				}
				tok := fmt.Sprintf("change%02d-session", i)
				if err := s.CommitCtx(ctx, tok, encodeSession(t, a.ID, "signed-in"), t0.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
				heard(t, d, s)
				// The second read comes from the cache. Other tests' changes on the same
				// PostgreSQL server may notify every cache meanwhile ("*": forget all), so
				// the reads are tried again a few times before the test gives up.
				for try := 0; ; try++ {
					for range 2 {
						if got := findSeen(t, s, tok); !got.found || !got.account {
							t.Fatalf("before the change: %+v", got)
						}
					}
					if cached(s, tok) {
						break
					}
					if try == 20 {
						t.Fatal("the session read is not in the cache")
					}
				}
				if tc.change != nil {
					if err := tc.change(ctx, d, other, a, tok); err != nil {
						t.Fatal(err)
					}
				}
				heard(t, d, s)
				now = now.Add(tc.after)
				if got := findSeen(t, s, tok); got != tc.want {
					t.Errorf("after the change: %+v, want %+v", got, tc.want)
				}
			})
		}
	})
}

// heard waits, on PostgreSQL, until the store's cache listens to the notifications and has
// heard all those of the transactions committed so far: a mark sent now comes after them.
// On SQLite it has nothing to wait for.
func heard(t *testing.T, d *db.DB, s *SessionStore) {
	t.Helper()
	if d.Dialect != db.Postgres {
		return
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, usable := s.cache.generation(); !usable; _, usable = s.cache.generation() {
		if time.Now().After(deadline) {
			t.Fatal("the session cache does not listen to the notifications")
		}
		time.Sleep(5 * time.Millisecond)
	}
	mark := fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano())
	if _, err := d.ExecContext(context.Background(), "SELECT pg_notify($1, $2)", sessionNotices, "n"+mark); err != nil {
		t.Fatal(err)
	}
	for {
		s.cache.mu.Lock()
		done := s.cache.marks[mark]
		s.cache.mu.Unlock()
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the session cache did not hear its mark")
		}
		time.Sleep(time.Millisecond)
	}
}

// cached tells whether the store's cache holds the session of tok.
func cached(s *SessionStore, tok string) bool {
	prefix, _ := sessionPrefix(tok)
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	return s.cache.entries[prefix].token == tok
}

func deleteAccount(ctx context.Context, d *db.DB, _ *SessionStore, a *access.Account, _ string) error {
	_, err := d.ExecContext(ctx, "DELETE FROM accounts WHERE id = $1", a.ID)
	return err
}

// A session read again, while nothing says it changed, comes from memory, and each reader
// gets its own copy. On SQLite, "nothing says" is an unmoved version; on PostgreSQL, no
// notification.
func TestSessionCacheServesUnchangedSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewSessionStore(d, NewSessionCache(d))
		s.Now = func() time.Time { return t0 }
		a := mustCreate(t, d, "cached@example.org", "")
		if err := GrantRole(ctx, d, a.ID, access.Citizen, nil, t0); err != nil {
			t.Fatal(err)
		}
		const tok = "cached-session"
		if err := s.CommitCtx(ctx, tok, encodeSession(t, a.ID, "first"), t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		heard(t, d, s)
		first := findSeen(t, s, tok)
		// Without its trigger, a change made in SQL goes unnoticed: the store keeps serving
		// what it read, which shows that it reads from memory.
		dropTrigger := map[db.Dialect]string{db.SQLite: "DROP TRIGGER sessions_updated",
			db.Postgres: "DROP TRIGGER sessions_changed ON sessions"}[d.Dialect]
		if _, err := d.ExecContext(ctx, dropTrigger); err != nil {
			t.Fatal(err)
		}
		setData := func(note string) {
			t.Helper()
			if _, err := d.ExecContext(ctx, "UPDATE sessions SET data = $1 WHERE token = $2", encodeSession(t, a.ID, note), tok); err != nil {
				t.Fatal(err)
			}
			heard(t, d, s)
		}
		// On PostgreSQL the notifications' channel is shared by every test schema of the
		// database: another package's tests, running at the same time, may say "forget
		// everything" while this one looks. The stale read is tried a few times: once proves
		// that the store serves from memory what nothing said changed.
		cached, latest := "first", ""
		for try := 0; ; try++ {
			latest = fmt.Sprintf("second-%d", try)
			next := latest
			setData(next)
			pctx, p := WithPrefetch(ctx)
			b, found, err := s.FindCtx(pctx, tok)
			if err == nil && found && decodeNote(t, b) == cached && p.Account != nil {
				// What a reader gets is its own: changing it changes nothing for the next.
				b[len(b)-1]++
				p.Account.Roles[0].Role = access.Admin
				p.Account.DisplayName = "changed"
				break
			}
			if try == 4 || d.Dialect != db.Postgres {
				t.Fatalf("nothing said the session changed: %q, %v, %v, account %v", b, found, err, p.Account)
			}
			cached, first = next, findSeen(t, s, tok)
		}
		if got := findSeen(t, s, tok); got != first {
			t.Errorf("after a reader changed its copy: %+v, want %+v", got, first)
		}
		// Once something says it changed, the store reads the session again.
		say := map[db.Dialect]string{db.SQLite: "UPDATE session_versions SET n = n + 1 WHERE prefix = 'cached-s'",
			db.Postgres: "SELECT pg_notify('session_changes', 'scached-s')"}[d.Dialect]
		if _, err := d.ExecContext(ctx, say); err != nil {
			t.Fatal(err)
		}
		heard(t, d, s)
		if got := findSeen(t, s, tok); got.data != latest {
			t.Errorf("after the change was told: %+v, want %s, the data of the last change", got, latest)
		}
		// A change this process makes through a store is forgotten at once, trigger or not.
		if err := s.CommitCtx(ctx, tok, encodeSession(t, a.ID, "third"), t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got := findSeen(t, s, tok); got.data != "third" {
			t.Errorf("after this process's own commit: %+v, want the data of the third commit", got)
		}
		// So is a change this process makes to the account or its roles.
		for _, drop := range map[db.Dialect][]string{
			db.SQLite:   {"DROP TRIGGER accounts_updated", "DROP TRIGGER account_roles_inserted"},
			db.Postgres: {"DROP TRIGGER accounts_changed ON accounts", "DROP TRIGGER account_roles_changed ON account_roles"},
		}[d.Dialect] {
			if _, err := d.ExecContext(ctx, drop); err != nil {
				t.Fatal(err)
			}
		}
		findSeen(t, s, tok)
		if err := SetDisabled(ctx, d, a.ID, true); err != nil {
			t.Fatal(err)
		}
		if got := findSeen(t, s, tok); !got.disabled {
			t.Errorf("after this process disabled the account: %+v", got)
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return GrantRole(ctx, tx, a.ID, access.Agent, nil, t0) }); err != nil {
			t.Fatal(err)
		}
		if got := findSeen(t, s, tok); got.roles != "citizen agent" {
			t.Errorf("after this process granted a role: %+v", got)
		}
		// Each copy is read again after sessionCacheMaxAge.
		setData("fourth")
		s.Now = func() time.Time { return t0.Add(sessionCacheMaxAge) }
		if got := findSeen(t, s, tok); got.data != "fourth" {
			t.Errorf("after sessionCacheMaxAge: %+v, want the data of the fourth change", got)
		}
	})
}

// The rules of PostgreSQL's kind of cache: entries serve only while it listens, a session
// read before something was forgotten is not kept, and each notification forgets what it
// names (everything when it is not understood).
func TestSessionCacheFollowsNotifications(t *testing.T) {
	acc := func(id int64) *access.Account { return &access.Account{ID: id} }
	entry := func(id int64) cachedSession {
		return cachedSession{expiry: t0.Add(time.Hour), data: []byte("x"), account: acc(id)}
	}
	tokens := map[string]int64{"tok-aaaa-1": 1, "tok-bbbb-1": 1, "tok-cccc-2": 2}
	fill := func(c *SessionCache) {
		for tok, id := range tokens {
			gen, _ := c.generation()
			c.put(tok, entry(id), gen, t0)
		}
	}
	held := func(c *SessionCache) string {
		var out []string
		for _, tok := range []string{"tok-aaaa-1", "tok-bbbb-1", "tok-cccc-2"} {
			if _, ok := c.get(tok, 0, t0); ok {
				out = append(out, tok)
			}
		}
		return strings.Join(out, " ")
	}
	all := "tok-aaaa-1 tok-bbbb-1 tok-cccc-2"
	for _, tc := range []struct {
		name string
		then func(c *SessionCache)
		want string
	}{
		{"nothing", func(*SessionCache) {}, all},
		{"a session", func(c *SessionCache) { c.Notified("stok-bbbb") }, "tok-aaaa-1 tok-cccc-2"},
		{"an account", func(c *SessionCache) { c.Notified("a1") }, "tok-cccc-2"},
		{"another account", func(c *SessionCache) { c.Notified("a3") }, all},
		{"a mark", func(c *SessionCache) { c.Notified("nmark") }, all},
		{"everything", func(c *SessionCache) { c.Notified("*") }, ""},
		{"not understood", func(c *SessionCache) { c.Notified("x1") }, ""},
		{"a bad account", func(c *SessionCache) { c.Notified("aone") }, ""},
		{"empty", func(c *SessionCache) { c.Notified("") }, ""},
		{"lost", func(c *SessionCache) { c.Lost(); fill(c) }, ""},
		{"lost, then listening", func(c *SessionCache) { c.Lost(); c.Listening(); fill(c) }, all},
		{"this process's change", func(c *SessionCache) { c.forget("tok-cccc-2") }, "tok-aaaa-1 tok-bbbb-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &SessionCache{notified: true}
			fill(c)
			if got := held(c); got != "" {
				t.Fatalf("before listening, the cache holds %q", got)
			}
			c.Listening()
			fill(c)
			tc.then(c)
			if got := held(c); got != tc.want {
				t.Errorf("holds %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("read before a change", func(t *testing.T) {
		c := &SessionCache{notified: true}
		c.Listening()
		gen, _ := c.generation()
		c.Notified("stok-cccc") // commits while the session is being read
		c.put("tok-cccc-2", entry(2), gen, t0)
		if got := held(c); got != "" {
			t.Errorf("a session read before a notification was kept: %q", got)
		}
	})
}

func TestSessionCleanupRemovesUnusedVersions(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	s := NewSessionStore(d, NewSessionCache(d))
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
	prefixes := dbtest.Strings(t, d, "SELECT prefix FROM session_versions ORDER BY prefix")
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
