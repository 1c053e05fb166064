package web

import (
	"cmp"
	"context"
	"sync"
	"sync/atomic"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/identity"
	"budgetcitoyen/internal/results"
	"budgetcitoyen/internal/vote"
)

// readCacheTTL is how long a process may serve a copy of what it read from the database
// instead of reading it again, for the few reads made by nearly every request of a vote
// (the campaign of the page, the projects of the ballot). Several processes may serve the
// same database: a change made through another process shows here at most this long after
// it was committed; a change made through this process clears its copy at once.
const readCacheTTL = time.Second

// ttlCache keeps values for readCacheTTL. It holds what one process reads often: a few
// entries (one per campaign), never anything personal.
type ttlCache[K comparable, V any] struct {
	// clock measures the entries' age: the wall clock, not the application's (a demo set to
	// another date): it bounds how long a copy may outlive another process's write.
	clock   func() time.Time
	mu      sync.Mutex
	entries map[K]ttlEntry[V]
	gen     uint64 // bumped by clear: a read started before it does not store its stale value
}

type ttlEntry[V any] struct {
	v       V
	version uint64
	expires time.Time
}

// get returns the value of k, read by load when absent, expired or of another version.
// version tells of the writes made by this process (such as readCaches.campaignWrites, read
// before load): an entry read under another version is stale.
func (c *ttlCache[K, V]) get(k K, version uint64, load func() (V, error)) (V, error) {
	now := c.clock()
	c.mu.Lock()
	e, ok := c.entries[k]
	gen := c.gen
	c.mu.Unlock()
	if ok && now.Before(e.expires) && e.version == version {
		return e.v, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.gen == gen {
		if c.entries == nil || len(c.entries) > 1000 {
			c.entries = map[K]ttlEntry[V]{}
		}
		c.entries[k] = ttlEntry[V]{v: v, version: version, expires: now.Add(readCacheTTL)}
	}
	c.mu.Unlock()
	return v, nil
}

// clear forgets everything.
func (c *ttlCache[K, V]) clear() {
	c.mu.Lock()
	c.entries = nil
	c.gen++
	c.mu.Unlock()
}

// readCaches are the per-process copies of the server.
type readCaches struct {
	// campaignWrites moves whenever this process commits a change to a campaign (a watcher
	// of campaign.Topic): a campaign copied before may be stale.
	campaignWrites atomic.Uint64

	campaigns ttlCache[string, *campaign.Campaign]    // by slug
	list      ttlCache[struct{}, []campaign.Campaign] // all of them, for the public pages
	ballots   ttlCache[int64, []vote.Project]         // the projects on a campaign's ballot
	public    ttlCache[int64, []vote.Project]         // the projects that reached it (catalogue)
	voters    finalCache[voterKey, vote.Voter]        // voter registrations
	closed    finalCache[closedKey, *closedVoteData]  // what votes closed for good left
	// identity is the institution's identity, read by every page's layout; identityWrites
	// moves whenever this process saves it.
	identity       ttlCache[struct{}, identity.Identity]
	identityWrites atomic.Uint64
	photos         photoCache // the photos' widths made so far
	maps           mapCache   // the commune maps drawn (maps.go)
}

// init sets the clocks of the copies and has them follow this process's campaign changes.
func (rc *readCaches) init(d *db.DB, wall func() time.Time) {
	rc.campaigns.clock, rc.list.clock, rc.ballots.clock, rc.identity.clock = wall, wall, wall, wall
	rc.public.clock = wall
	rc.closed.max = maxClosedVotes
	d.Watch(campaign.Topic, func(int64) { rc.campaignWrites.Add(1) })
	d.Watch(identity.Topic, func(int64) { rc.identityWrites.Add(1) })
}

// closedKey names a vote by its campaign and the end of its window: a vote reopened by a
// change of its dates is another vote, read again once it has closed for good.
type closedKey struct {
	campaign int64
	end      time.Time
}

// closedVoteData is what the results pages read of a closed vote: its ballots and its
// turnout. Nothing writes them once the vote is closed for good, so every results page, CSV
// and .pb file after that shares one copy (read-only) instead of reading every ballot again.
type closedVoteData struct {
	ballots                 []results.Ballot
	voters                  int
	byCommune, byAgeBracket map[string]int
}

// settleTime is how long after the close a vote's ballots are taken as final. A ballot
// accepted in the last second is committed well within it: the ballot box gives a group a
// minute at most.
const settleTime = 2 * time.Minute

// maxClosedVotes bounds the closed votes kept: each holds all its ballots.
const maxClosedVotes = 16

// closedVote returns the ballots and the turnout of the campaign's closed vote: read from
// the database until the vote has closed for good, then from the process's copy. Its
// caller (resultsWith) never asks while the campaign's box is sealed, so no copy of an
// empty sealed box is ever kept.
func (s *Server) closedVote(ctx context.Context, c *campaign.Campaign) (*closedVoteData, error) {
	load := func() (*closedVoteData, error) {
		bs, err := results.Ballots(ctx, s.db, c.ID)
		if err != nil {
			return nil, err
		}
		cv := &closedVoteData{ballots: bs}
		cv.voters, cv.byCommune, cv.byAgeBracket, err = vote.Turnout(ctx, s.db, c.ID)
		if err != nil {
			return nil, err
		}
		return cv, nil
	}
	w, ok := c.Window(campaign.PhaseVote)
	if !ok || s.now().Before(w.End.Add(settleTime)) {
		return load()
	}
	return s.caches.closed.get(closedKey{c.ID, w.End}, load)
}

type voterKey struct{ campaign, account int64 }

// maxFinalEntries bounds a finalCache by default: when full it starts again empty.
const maxFinalEntries = 100_000

// finalCache keeps values that never change once written, such as a voter's registration
// (final: nothing updates or deletes it), so a copy is never stale in any process. Only
// values found are kept: what is absent now may be written later.
type finalCache[K comparable, V any] struct {
	mu      sync.RWMutex
	entries map[K]V
	max     int // entries kept; 0 means maxFinalEntries
}

func (c *finalCache[K, V]) get(k K, load func() (V, error)) (V, error) {
	c.mu.RLock()
	v, ok := c.entries[k]
	c.mu.RUnlock()
	if ok {
		return v, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= cmp.Or(c.max, maxFinalEntries) {
		c.entries = map[K]V{}
	}
	c.entries[k] = v
	c.mu.Unlock()
	return v, nil
}

// voterOf returns the registration of the account as a voter of the campaign (an apperr
// NotFound if it has none) from the process's copy once read. Each call returns its own
// copy.
func (s *Server) voterOf(ctx context.Context, campaignID, accountID int64) (*vote.Voter, error) {
	v, err := s.caches.voters.get(voterKey{campaignID, accountID}, func() (vote.Voter, error) {
		v, err := vote.VoterOf(ctx, s.db, campaignID, accountID)
		if err != nil {
			return vote.Voter{}, err
		}
		return *v, nil
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// campaignBySlug returns the campaign from the process's copy (read at most readCacheTTL
// ago). Each call returns its own deep copy, which the request may change freely.
func (s *Server) campaignBySlug(ctx context.Context, slug string) (*campaign.Campaign, error) {
	c, err := s.caches.campaigns.get(slug, s.caches.campaignWrites.Load(), func() (*campaign.Campaign, error) {
		return campaign.BySlug(ctx, s.db, slug)
	})
	if err != nil {
		return nil, err
	}
	return c.Clone(), nil
}

// campaignList returns every campaign (campaign.List) from the process's copy (read at most
// readCacheTTL ago), for the public pages that list them. Each call returns its own deep
// copies.
func (s *Server) campaignList(ctx context.Context) ([]campaign.Campaign, error) {
	list, err := s.caches.list.get(struct{}{}, s.caches.campaignWrites.Load(), func() ([]campaign.Campaign, error) {
		return campaign.List(ctx, s.db)
	})
	if err != nil {
		return nil, err
	}
	out := make([]campaign.Campaign, len(list))
	for i := range list {
		out[i] = *list[i].Clone()
	}
	return out, nil
}

// ballotProjects returns the projects on the campaign's ballot from the process's copy
// (read at most readCacheTTL ago). The slice is shared: callers must not change it.
func (s *Server) ballotProjects(ctx context.Context, campaignID int64) ([]vote.Project, error) {
	return s.caches.ballots.get(campaignID, 0, func() ([]vote.Project, error) {
		return vote.BallotProjects(ctx, s.db, campaignID)
	})
}

// publicProjects returns the projects that reached the campaign's ballot (on it or past it)
// from the process's copy, as ballotProjects does: the catalogue lists them after the vote.
func (s *Server) publicProjects(ctx context.Context, campaignID int64) ([]vote.Project, error) {
	return s.caches.public.get(campaignID, 0, func() ([]vote.Project, error) {
		return vote.PublicProjects(ctx, s.db, campaignID)
	})
}

// campaignChanged clears the copies after this process changed a campaign or its ballot.
func (s *Server) campaignChanged() {
	s.caches.campaigns.clear()
	s.caches.list.clear()
	s.caches.ballots.clear()
	s.caches.public.clear()
}
