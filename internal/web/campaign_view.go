package web

import (
	"budgetcitoyen/internal/campaign"
	"time"
)

// phaseRow is one line of a campaign's timeline, in the campaign's time zone.
type phaseRow struct {
	Phase      campaign.Phase
	Start, End time.Time
	Open       bool
	Past       bool
}

// campaignView is a campaign with what pages show about it now.
type campaignView struct {
	*campaign.Campaign
	Timeline []phaseRow
	Open     []campaign.Phase
	Next     *phaseRow    // the next phase to open, if none is open
	Actions  []actionLink // what a visitor can do now, from the open phases
	Results  bool         // the vote has closed: its results are public
	Primary  *primaryAction
}

// actionLink is a link to a page of the campaign, with the i18n key of its text.
type actionLink struct {
	Path, Key string
}

// phaseActions lists, for each phase, the pages that become useful while it is open.
var phaseActions = map[campaign.Phase][]actionLink{
	campaign.PhaseIdeas:     {{"idees/deposer", "cpage.action.deposit_idea"}, {"idees", "cpage.action.ideas"}},
	campaign.PhaseComptoirs: {{"comptoirs", "cpage.action.comptoirs"}},
	campaign.PhaseDossiers:  {{"dossiers", "cpage.action.dossiers"}},
	campaign.PhaseVote:      {{"vote", "cpage.action.vote"}, {"projets", "cpage.action.projects"}},
}

func viewCampaign(c *campaign.Campaign, now time.Time) campaignView {
	loc := c.Location()
	v := campaignView{Campaign: c, Open: c.OpenPhases(now)}
	for _, p := range campaign.AllPhases() {
		w, ok := c.Window(p)
		if !ok {
			continue
		}
		row := phaseRow{Phase: p, Start: w.Start.In(loc), End: w.End.In(loc), Open: w.Contains(now), Past: now.After(w.End)}
		v.Timeline = append(v.Timeline, row)
	}
	for _, p := range v.Open {
		for _, a := range phaseActions[p] {
			if a.Path == "idees" && !c.IdeasPublic {
				continue
			}
			v.Actions = append(v.Actions, actionLink{"/" + c.Slug + "/" + a.Path, a.Key})
		}
	}
	if w, ok := c.Window(campaign.PhaseVote); ok && now.After(w.End) {
		v.Results = true
	}
	v.Primary = primaryOf(c, v.Open, v.Results, now)
	if len(v.Open) == 0 {
		for i := range v.Timeline {
			if v.Timeline[i].Start.After(now) && (v.Next == nil || v.Timeline[i].Start.Before(v.Next.Start)) {
				v.Next = &v.Timeline[i]
			}
		}
	}
	return v
}
