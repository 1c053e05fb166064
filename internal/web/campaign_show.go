package web

import (
	"net/http"

	"budgetcitoyen/internal/apperr"
)

type campaignPage struct {
	Base
	C campaignView
	// Winners are the funded projects by category, once the vote is closed and counted.
	Winners []winnerGroup
	// News is the form of the campaign's news by e-mail (nil once archived).
	News *newsForm
}

func (s *Server) campaignShow(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	p := campaignPage{Base: s.base(r, ""), C: viewCampaign(c, s.now())}
	p.Title = c.Name
	if !c.Archived {
		f := s.newsForm(p.Lang, c, false)
		p.News = &f
	}
	if p.C.Results {
		ws, err := s.campaignWinners(r, p.C)
		if err != nil {
			return err
		}
		p.Winners = ws
	}
	return s.render(w, r, http.StatusOK, "campaign", p)
}

// campaignWinners lists a closed campaign's winners, with the amounts the Commission
// permanente granted when it decided; none while the ballot box is still sealed.
func (s *Server) campaignWinners(r *http.Request, v campaignView) ([]winnerGroup, error) {
	ctx := r.Context()
	cr, err := s.resultsOf(ctx, v.Campaign)
	if err != nil {
		if apperr.IsKind(err, apperr.NotFound) {
			return nil, nil
		}
		return nil, err
	}
	granted := map[int64]int64{}
	d, err := dbReview{s}.Decision(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	if d != nil {
		for _, g := range d.Grants {
			granted[g.DossierID] = g.AmountCents
		}
	}
	return winnersOf(v.Campaign, cr.Result, granted), nil
}

func (s *Server) calendarShow(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	p := campaignPage{Base: s.base(r, "calendar.title", c.Name), C: viewCampaign(c, s.now())}
	return s.render(w, r, http.StatusOK, "calendar", p)
}
