package account

import (
	"bytes"
	"slices"
	"sync"
	"time"
)

// sessionCache holds, on SQLite, the sessions a server process has read, with their
// accounts: see the migration that adds session_versions. An entry is used only while the
// version of its session is still the one read before the session was: the triggers change
// that version in the transaction of any change to the session, its account or the
// account's roles, so a change made before the session was read shows in the entry, and one
// made after it makes the entry unusable.
type sessionCache struct {
	mu      sync.Mutex
	entries map[string]cachedSession
}

type cachedSession struct {
	version int64
	data    []byte
	expiry  time.Time
	account *Account // nil: the session signs no one in
}

// sessionCacheMax bounds the entries (a few hundred bytes each); the cache starts over
// when it is full, which costs each session one more read.
const sessionCacheMax = 1 << 16

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

// get returns a copy of the entry of a token if it was read at version and has not expired
// at now.
func (c *sessionCache) get(token string, version int64, now time.Time) (cachedSession, bool) {
	c.mu.Lock()
	e, ok := c.entries[token]
	c.mu.Unlock()
	if !ok || e.version != version || !e.expiry.After(now) {
		return cachedSession{}, false
	}
	e.data, e.account = bytes.Clone(e.data), copyAccount(e.account)
	return e, true
}

// put keeps a copy of e.
func (c *sessionCache) put(token string, e cachedSession) {
	e.data, e.account = bytes.Clone(e.data), copyAccount(e.account)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= sessionCacheMax {
		c.entries = make(map[string]cachedSession)
	}
	c.entries[token] = e
}

// copyAccount returns a copy of a that shares nothing mutable with it: each request gets
// its own.
func copyAccount(a *Account) *Account {
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
