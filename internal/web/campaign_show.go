package web

import (
	"net/http"
)

type campaignPage struct {
	Base
	C campaignView
}

func (s *Server) campaignShow(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	p := campaignPage{Base: s.base(r, ""), C: viewCampaign(c, s.now())}
	p.Title = c.Name
	return s.render(w, r, http.StatusOK, "campaign", p)
}

func (s *Server) calendarShow(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	p := campaignPage{Base: s.base(r, "calendar.title", c.Name), C: viewCampaign(c, s.now())}
	return s.render(w, r, http.StatusOK, "calendar", p)
}
