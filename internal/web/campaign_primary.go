package web

import (
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/i18n"
)

// primaryAction is the one thing a visitor is asked to do about a campaign now: the home
// page and the campaign page show it as the main button.
type primaryAction struct {
	Path  string
	Key   string    // i18n key of the button's text; "%s" is Until in words when set
	Until time.Time // the open phase's last second, in the campaign's time zone (zero: no date)
}

// primaryPhases is the order in which open phases claim the main button: the vote first,
// then what a citizen can still file, then the comptoirs.
var primaryPhases = []struct {
	phase campaign.Phase
	path  string
	key   string
	dated bool
}{
	{campaign.PhaseVote, "vote", "pages.primary.vote", true},
	{campaign.PhaseIdeas, "idees/deposer", "pages.primary.idea", true},
	{campaign.PhaseDossiers, "dossiers", "pages.primary.dossier", false},
	{campaign.PhaseComptoirs, "comptoirs", "pages.primary.comptoirs", false},
}

// primaryOf chooses a campaign's main button: the first open phase in primaryPhases order;
// once the vote is over, its results (while the winners are presented and after); otherwise none.
func primaryOf(c *campaign.Campaign, open []campaign.Phase, results bool, now time.Time) *primaryAction {
	for _, pp := range primaryPhases {
		for _, p := range open {
			if p != pp.phase {
				continue
			}
			a := &primaryAction{Path: "/" + c.Slug + "/" + pp.path, Key: pp.key}
			if w, ok := c.Window(p); ok && pp.dated {
				a.Until = w.End.In(c.Location())
			}
			return a
		}
	}
	if results {
		return &primaryAction{Path: "/" + c.Slug + "/resultats", Key: "pages.primary.results"}
	}
	return nil
}

// untilDate writes a day in words ("30 septembre"), with its year only when it is not the
// year of now ("30 septembre 2027").
func untilDate(lang i18n.Lang, t, now time.Time) string {
	s := i18n.Date(lang, t)
	if t.Year() == now.In(t.Location()).Year() {
		s = strings.TrimSuffix(s, " "+strconv.Itoa(t.Year()))
	}
	return s
}

// timelineArgs is what the timeline partial reads: the language and the campaign.
type timelineArgs struct {
	Lang i18n.Lang
	C    campaignView
}
