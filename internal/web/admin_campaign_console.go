package web

import (
	"net/http"
	"strings"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/console"
)

// consoleItem is a waiting item with the address of the page where it is done.
type consoleItem struct {
	console.Item
	Path string
}

// consoleGroup is one group of the console's links to every screen of the campaign.
type consoleGroup struct {
	Key   string // "console.group.KEY"
	Links []staffLink
}

// consoleView is a campaign's console as pages show it.
type consoleView struct {
	*console.Console
	View  campaignView
	Today time.Time // now in the campaign's time zone
	Due   time.Time // when the reviews are due, in the campaign's time zone (zero: no date)
	// TodayGap: when no phase is open, the index of the timeline's row that today comes
	// before (its length when every phase is over); -1 when a phase is open, marked itself.
	TodayGap int
	Waiting  []consoleItem
	Groups   []consoleGroup
}

type consolePage struct {
	Base
	K consoleView
}

// viewConsole builds the page's view of k for the actor of r: waiting items with their
// address, and the campaign's screens the actor may open, grouped.
func (s *Server) viewConsole(r *http.Request, k *console.Console) consoleView {
	c := k.Campaign
	now := s.now()
	v := consoleView{Console: k, View: viewCampaign(c, now), Today: now.In(c.Location()), TodayGap: -1}
	if !k.ReviewsDue.IsZero() {
		v.Due = k.ReviewsDue.In(c.Location())
	}
	if len(v.View.Open) == 0 {
		v.TodayGap = len(v.View.Timeline)
		for i, row := range v.View.Timeline {
			if row.Start.After(now) {
				v.TodayGap = i
				break
			}
		}
	}
	for _, it := range k.Waiting {
		v.Waiting = append(v.Waiting, consoleItem{Item: it, Path: screenPath(c.Slug, it.Screen)})
	}
	actor := actorOf(r)
	for _, sc := range staffScreens {
		if sc.Key == screenConsole || !access.Allowed(actor, sc.Perm, &c.ID) {
			continue
		}
		l := staffLink{Key: "console.screen." + string(sc.Key), Path: strings.Replace(sc.Path, "%s", c.Slug, 1)}
		if n := len(v.Groups); n > 0 && v.Groups[n-1].Key == "console.group."+sc.Group {
			v.Groups[n-1].Links = append(v.Groups[n-1].Links, l)
			continue
		}
		v.Groups = append(v.Groups, consoleGroup{Key: "console.group." + sc.Group, Links: []staffLink{l}})
	}
	return v
}

// adminCampaignConsole is the agents' page of one campaign: its phases with today marked,
// the funnel with live counts, what is waiting and a link to every screen of the campaign.
func (s *Server) adminCampaignConsole(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	k, err := console.Build(r.Context(), s.db, c, s.now())
	if err != nil {
		return err
	}
	p := consolePage{Base: s.base(r, "console.title", c.Name), K: s.viewConsole(r, k)}
	return s.render(w, r, http.StatusOK, "admin_campaign_console", p)
}

// campaignConsoles builds the console of each campaign of list, for the administration's
// lists.
func (s *Server) campaignConsoles(r *http.Request, list []campaign.Campaign) ([]consoleView, error) {
	out := make([]consoleView, 0, len(list))
	for i := range list {
		k, err := console.Build(r.Context(), s.db, &list[i], s.now())
		if err != nil {
			return nil, err
		}
		out = append(out, s.viewConsole(r, k))
	}
	return out, nil
}
