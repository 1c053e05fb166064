package web

import (
	"net/http"
)

type homePage struct {
	Base
	Current []campaignView
	Past    []campaignView
	// News are the forms of the current campaigns' news by e-mail, by slug.
	News map[string]newsForm
}

func (s *Server) homeShow(w http.ResponseWriter, r *http.Request) error {
	all, err := s.campaignList(r.Context())
	if err != nil {
		return err
	}
	now := s.now()
	p := homePage{Base: s.base(r, "home.title")}
	for i := range all {
		v := viewCampaign(&all[i], now)
		if all[i].Archived {
			p.Past = append(p.Past, v)
		} else {
			p.Current = append(p.Current, v)
			if p.News == nil {
				p.News = map[string]newsForm{}
			}
			p.News[all[i].Slug] = s.newsForm(p.Lang, &all[i], true)
		}
	}
	return s.render(w, r, http.StatusOK, "home", p)
}
