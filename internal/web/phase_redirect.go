package web

import (
	"net/http"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
)

// phaseRedirect answers a path without a campaign (/vote, /comptoirs, …) with a redirect to
// the same page of the campaign currently in that phase, else of the latest campaign.
func (s *Server) phaseRedirect(sub string, phase campaign.Phase) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		all, err := s.campaignList(r.Context())
		if err != nil {
			return err
		}
		c := pickCampaign(all, phase, s.now())
		if c == nil {
			return apperr.New(apperr.NotFound, "error.no_campaign")
		}
		target := "/" + c.Slug + "/" + sub
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return nil
	}
}

// pickCampaign chooses the campaign for a phase: one (not archived) with the phase open now;
// else the one whose phase started most recently; else the newest campaign. all is newest
// first, as campaign.List returns it.
func pickCampaign(all []campaign.Campaign, phase campaign.Phase, now time.Time) *campaign.Campaign {
	if len(all) == 0 {
		return nil
	}
	if phase == "" {
		for i := range all {
			if !all[i].Archived && len(all[i].OpenPhases(now)) > 0 {
				return &all[i]
			}
		}
		return &all[0]
	}
	for i := range all {
		if !all[i].Archived && all[i].IsOpen(phase, now) {
			return &all[i]
		}
	}
	var best *campaign.Campaign
	var bestStart time.Time
	for i := range all {
		w, ok := all[i].Window(phase)
		if !ok || w.Start.After(now) {
			continue
		}
		if best == nil || w.Start.After(bestStart) {
			best, bestStart = &all[i], w.Start
		}
	}
	if best != nil {
		return best
	}
	return &all[0]
}
