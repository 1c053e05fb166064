package campaign

import "time"

// CampaignID returns the campaign's id, 0 for nil or a campaign not yet stored: with OpenAt,
// it makes a campaign the scope of a state change (change.Campaign), allowed any time.
func (c *Campaign) CampaignID() int64 {
	if c == nil {
		return 0
	}
	return c.ID
}

// OpenAt reports whether a change to the campaign may be made at now: always, since a
// campaign alone names no phase. During narrows it to phases.
func (c *Campaign) OpenAt(time.Time) bool { return true }

// During is the campaign as the scope of a change allowed only while one of phases is open
// (any time when phases is empty).
func (c *Campaign) During(phases ...Phase) PhaseScope {
	return PhaseScope{c: c, phases: phases}
}

// PhaseScope is a campaign with the phases during which a change is allowed.
type PhaseScope struct {
	c      *Campaign
	phases []Phase
}

// CampaignID returns the campaign's id, 0 for none.
func (w PhaseScope) CampaignID() int64 { return w.c.CampaignID() }

// OpenAt reports whether one of the window's phases is open at now; a nil campaign has none.
func (w PhaseScope) OpenAt(now time.Time) bool {
	if len(w.phases) == 0 {
		return true
	}
	if w.c == nil {
		return false
	}
	for _, p := range w.phases {
		if w.c.IsOpen(p, now) {
			return true
		}
	}
	return false
}
