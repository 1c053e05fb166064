package account

import (
	"bytes"
	"slices"
	"strconv"
	"sync"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/db"
)

// SessionCache holds the sessions the server process has read, with their accounts, so that
// most requests need not read them again. There is one per database and process, built by
// NewSessionCache and shared by the process's stores. What keeps an entry true differs between the two databases:
//
//   - SQLite (see the migration that adds session_versions): an entry is used only while the
//     version of its session is still the one read before the session was. Triggers change
//     that version in the transaction of any change to the session, its account or the
//     account's roles, so a change made before the session was read shows in the entry, and
//     one made after it makes the entry unusable: every change takes effect at once.
//   - PostgreSQL (see the migration that adds session notifications): triggers send a
//     notification for any such change, and the process forgets what it names as soon as it
//     hears it, on a connection of its own. Entries are used only while that connection
//     listens. A change made by this process takes effect here at once (the store forgets
//     the sessions it writes, accountChanged the accounts changed); one made elsewhere, a
//     moment after its commit.
//
// An entry is also read again after sessionCacheMaxAge, whatever happens: a bound on how
// long a copy can outlive a change whose notification was lost with a silent connection.
type SessionCache struct {
	mu       sync.Mutex
	entries  map[string]cachedSession // by the token's prefix (sessionPrefix)
	accounts map[int64][]string       // the prefixes of each account's entries
	// notified: PostgreSQL's kind of cache. Its entries are used only while listening, and
	// gen moves whenever something is forgotten, so that a session read before is not kept.
	notified  bool
	listening bool
	gen       uint64
	marks     map[string]bool // payloads "n…", which change nothing (tests wait for them)
}

type cachedSession struct {
	token   string
	version int64 // SQLite
	readAt  time.Time
	data    []byte
	expiry  time.Time
	account *access.Account // nil: the session signs no one in
}

// sessionCacheMax bounds the entries (a few hundred bytes each); the cache starts over
// when it is full, which costs each session one more read.
const sessionCacheMax = 1 << 16

// sessionCacheMaxAge is how long an entry may be used after it was read.
const sessionCacheMaxAge = time.Minute

// sessionNotices is the PostgreSQL channel of the triggers.
const sessionNotices = "session_changes"

// NewSessionCache returns a cache of d's sessions for this process: cmd builds one and hands
// it to the session stores of the server. It forgets at once the accounts that this
// process's transactions change (db.Watch); on PostgreSQL it also starts listening to the
// triggers' notifications, for the changes made by other processes.
func NewSessionCache(d *db.DB) *SessionCache {
	c := &SessionCache{notified: d.Dialect == db.Postgres}
	d.Watch(accountTopic, c.forgetAccountNow)
	if c.notified {
		d.Follow(sessionNotices, c)
	}
	return c
}

// accountTopic names the changes of an account (its row, its roles, its sessions) that the
// session caches of this process watch (db.Watch).
const accountTopic = "account"

// accountChanged tells the session caches of this process that the caller has just changed
// an account through q: they forget its sessions at once (after the commit, inside a
// transaction). On PostgreSQL the triggers' notification comes a moment after the commit:
// the request that follows a change (after its redirect) must not find the account as it was.
func accountChanged(q db.Querier, accountID int64) { q.Changed(accountTopic, accountID) }

// forgetAccountNow is the watcher of accountTopic.
func (c *SessionCache) forgetAccountNow(accountID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgetAccount(accountID)
}

// sessionPrefix returns the key of a token's version, as the triggers compute it (its first
// eight characters); ok is false for a token whose key SQL would count differently.
func sessionPrefix(token string) (prefix string, ok bool) {
	prefix = token[:min(len(token), 8)]
	for i := 0; i < len(prefix); i++ {
		if prefix[i] >= 0x80 {
			return "", false
		}
	}
	return prefix, token != ""
}

// generation returns the current generation, for a later put, and whether the entries can
// be used at all.
func (c *SessionCache) generation() (gen uint64, usable bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen, !c.notified || c.listening
}

// get returns a copy of the entry of a token if it was read at version (SQLite), is still
// usable and has not expired at now.
func (c *SessionCache) get(token string, version int64, now time.Time) (cachedSession, bool) {
	prefix, _ := sessionPrefix(token)
	c.mu.Lock()
	e, ok := c.entries[prefix]
	usable := !c.notified || c.listening
	c.mu.Unlock()
	if !ok || !usable || e.token != token || e.version != version || !e.expiry.After(now) ||
		now.Sub(e.readAt) >= sessionCacheMaxAge {
		return cachedSession{}, false
	}
	e.data, e.account = bytes.Clone(e.data), copyAccount(e.account)
	return e, true
}

// put keeps a copy of e, read at now, unless (PostgreSQL) the cache forgot something since
// generation returned gen: e may have been read before that change.
func (c *SessionCache) put(token string, e cachedSession, gen uint64, now time.Time) {
	prefix, _ := sessionPrefix(token)
	e.token, e.readAt = token, now
	e.data, e.account = bytes.Clone(e.data), copyAccount(e.account)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.notified && (!c.listening || c.gen != gen) {
		return
	}
	if c.entries == nil || len(c.entries) >= sessionCacheMax {
		c.entries, c.accounts = make(map[string]cachedSession), make(map[int64][]string)
	}
	c.entries[prefix] = e
	if e.account != nil && !slices.Contains(c.accounts[e.account.ID], prefix) {
		c.accounts[e.account.ID] = append(c.accounts[e.account.ID], prefix)
	}
}

// forget drops the entry of a token that this process changed.
func (c *SessionCache) forget(token string) {
	prefix, _ := sessionPrefix(token)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgetPrefix(prefix)
}

func (c *SessionCache) forgetPrefix(prefix string) {
	delete(c.entries, prefix)
	c.gen++
}

func (c *SessionCache) forgetAccount(id int64) {
	for _, prefix := range c.accounts[id] {
		if e, ok := c.entries[prefix]; ok && e.account != nil && e.account.ID == id {
			delete(c.entries, prefix)
		}
	}
	delete(c.accounts, id)
	c.gen++
}

func (c *SessionCache) forgetAll() {
	c.entries, c.accounts = nil, nil
	c.gen++
}

// Listening, Notified and Lost follow the triggers' notifications (db.Follower).
func (c *SessionCache) Listening() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgetAll()
	c.listening = true
}

func (c *SessionCache) Lost() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgetAll()
	c.listening = false
}

func (c *SessionCache) Notified(payload string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	kind, rest := "", ""
	if payload != "" {
		kind, rest = payload[:1], payload[1:]
	}
	switch kind {
	case "s":
		c.forgetPrefix(rest)
		return
	case "a":
		if id, err := strconv.ParseInt(rest, 10, 64); err == nil {
			c.forgetAccount(id)
			return
		}
	case "n":
		if len(c.marks) >= 1024 {
			c.marks = nil
		}
		if c.marks == nil {
			c.marks = map[string]bool{}
		}
		c.marks[rest] = true
		return
	}
	c.forgetAll() // "*", or a payload this version does not know
}

// copyAccount returns a copy of a that shares nothing mutable with it: each request gets
// its own.
func copyAccount(a *access.Account) *access.Account {
	if a == nil {
		return nil
	}
	c := *a
	c.Roles = slices.Clone(a.Roles)
	for i, g := range c.Roles {
		if g.CampaignID != nil {
			id := *g.CampaignID
			c.Roles[i].CampaignID = &id
		}
	}
	if a.EmailVerifiedAt != nil {
		at := *a.EmailVerifiedAt
		c.EmailVerifiedAt = &at
	}
	return &c
}
