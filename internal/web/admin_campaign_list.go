package web

import (
	"net/http"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
)

type adminHomePage struct {
	Base
	Consoles          []consoleView // the campaigns with their phases and counts
	CanManageAccounts bool
}

// adminHome is the administration's entry: the campaigns with their open phases, their
// counts and waiting work, and links to what the person's roles allow.
func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	all, err := campaign.List(r.Context(), s.db)
	if err != nil {
		return err
	}
	p := adminHomePage{Base: s.base(r, "admin.home.title"),
		CanManageAccounts: access.Allowed(actorOf(r), access.PermManageAccounts, nil)}
	if p.Consoles, err = s.campaignConsoles(r, all); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "admin_home", p)
}

func (s *Server) adminCampaigns(w http.ResponseWriter, r *http.Request) error {
	all, err := campaign.List(r.Context(), s.db)
	if err != nil {
		return err
	}
	p := adminHomePage{Base: s.base(r, "admin.campaigns.title")}
	if p.Consoles, err = s.campaignConsoles(r, all); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "admin_campaigns", p)
}
