package web

import (
	"net/http"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
)

type adminHomePage struct {
	Base
	Campaigns         []campaignView
	CanManageAccounts bool
}

// adminHome is the administration's entry: the campaigns with their open phases, and links
// to what the person's roles allow.
func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	all, err := campaign.List(r.Context(), s.db)
	if err != nil {
		return err
	}
	p := adminHomePage{Base: s.base(r, "admin.home.title"),
		CanManageAccounts: access.Allowed(actorOf(r), access.PermManageAccounts, nil)}
	for i := range all {
		p.Campaigns = append(p.Campaigns, viewCampaign(&all[i], s.now()))
	}
	return s.render(w, r, http.StatusOK, "admin_home", p)
}

func (s *Server) adminCampaigns(w http.ResponseWriter, r *http.Request) error {
	all, err := campaign.List(r.Context(), s.db)
	if err != nil {
		return err
	}
	p := adminHomePage{Base: s.base(r, "admin.campaigns.title")}
	for i := range all {
		p.Campaigns = append(p.Campaigns, viewCampaign(&all[i], s.now()))
	}
	return s.render(w, r, http.StatusOK, "admin_campaigns", p)
}
