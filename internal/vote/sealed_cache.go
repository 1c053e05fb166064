package vote

import (
	"context"
	"sync"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
)

// BoxTopic is the topic of the database's watchers that a campaign's sealed box changed
// (sealed, unsealed): the ballot boxes of the process forget what they knew of it.
const BoxTopic = "vote_box"

// sealedCache is what a Box knows of the campaigns' sealed boxes: the box of each campaign
// it has written ballots for, nil for a campaign whose box is not sealed. A box is sealed
// before its vote opens and unsealed after it closes, so the entry read at a vote's first
// ballot stays true while its ballots come; the watcher keeps it true whatever happens.
type sealedCache struct {
	mu    sync.Mutex
	boxes map[int64]*SealedBox
	gen   uint64 // bumped by each change, so that a read made before it is not kept
}

func (c *sealedCache) init(d *db.DB) {
	c.boxes = map[int64]*SealedBox{}
	d.Watch(BoxTopic, func(id int64) {
		c.mu.Lock()
		delete(c.boxes, id)
		c.gen++
		c.mu.Unlock()
	})
}

// of returns the sealed boxes of the casts' campaigns (none for a group without any).
func (c *sealedCache) of(ctx context.Context, q db.Querier, casts []Cast) (map[int64]*SealedBox, error) {
	var out map[int64]*SealedBox
	for _, cast := range casts {
		b, err := c.get(ctx, q, cast.CampaignID)
		if err != nil {
			return nil, err
		}
		if b != nil {
			if out == nil {
				out = map[int64]*SealedBox{}
			}
			out[cast.CampaignID] = b
		}
	}
	return out, nil
}

func (c *sealedCache) get(ctx context.Context, q db.Querier, campaignID int64) (*SealedBox, error) {
	c.mu.Lock()
	b, ok := c.boxes[campaignID]
	gen := c.gen
	c.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := SealedBoxOf(ctx, q, campaignID)
	switch {
	case apperr.IsKind(err, apperr.NotFound):
		b = nil
	case err != nil:
		return nil, err
	case !b.Sealed():
		b = nil
	}
	c.mu.Lock()
	if c.gen == gen {
		c.boxes[campaignID] = b
	}
	c.mu.Unlock()
	return b, nil
}
