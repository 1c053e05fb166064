package web

import (
	"net/http"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
)

type grantView struct {
	Role     access.Role
	Campaign string // campaign name, empty for a global role
}

type accountPage struct {
	Base
	Account *access.Account
	Grants  []grantView
}

func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) error {
	actor := actorOf(r)
	p := accountPage{Base: s.base(r, "auth.account.title"), Account: actor.Account}
	for _, g := range actor.Grants {
		v := grantView{Role: g.Role}
		if g.CampaignID != nil {
			c, err := campaign.ByID(r.Context(), s.db, *g.CampaignID)
			if err != nil {
				return err
			}
			v.Campaign = c.Name
		}
		p.Grants = append(p.Grants, v)
	}
	return s.render(w, r, http.StatusOK, "account", p)
}
