package web

import (
	"net/http"
	"net/url"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/idea"
)

// ideasPerPage is the length of a page of the public list.
const ideasPerPage = 20

type ideaListPage struct {
	Base
	Campaign        *campaign.Campaign
	Public          bool // the campaign publishes its ideas
	CanModerate     bool
	DepositOpen     bool
	Ideas           []ideaView
	Total           int
	Theme           string
	Arrondissement  string
	Themes          []option
	Arrondissements []option
	Search          searchView
	Pages           []ideaPageLink
	Prev, Next      string
	PageNum         int
	PageCount       int
}

// ideaPageLink is one link of a pagination.
type ideaPageLink struct {
	Num     int
	URL     string
	Current bool
}

// ideaList shows the published ideas of a campaign that publishes them, with filters by
// theme and arrondissement and a full-text search q (a plain GET form) and pages.
func (s *Server) ideaList(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	lang := langOf(r)
	q := r.URL.Query()
	p := ideaListPage{
		Base: s.base(r, "idea.list.title", c.Name), Campaign: c, Public: c.IdeasPublic,
		CanModerate: ideaCanModerate(r, c), DepositOpen: c.IsOpen(campaign.PhaseIdeas, s.now()),
		Themes: s.themeOptions(lang), Arrondissements: s.arrondissementOptions(c), Search: searchOf(r),
	}
	if !c.IdeasPublic {
		return s.render(w, r, http.StatusOK, "idea_list", p)
	}
	f := idea.Filter{CampaignID: c.ID, Limit: ideasPerPage}
	if t := idea.Theme(q.Get("theme")); t.Valid() {
		f.Theme, p.Theme = t, string(t)
	}
	if a := q.Get("arrondissement"); a != "" && hasOption(p.Arrondissements, a) {
		f.Arrondissement, p.Arrondissement = a, a
	}
	f.Search = p.Search.Query
	p.PageNum = pageParam(q)
	f.Offset = (p.PageNum - 1) * ideasPerPage
	list, total, err := idea.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	p.Total, p.Search.Count = total, total
	for _, i := range list {
		p.Ideas = append(p.Ideas, s.viewIdea(lang, c, i))
	}
	p.PageCount = (total + ideasPerPage - 1) / ideasPerPage
	link := func(n int) string {
		return pageLink(r.URL.Path, url.Values{"theme": {p.Theme}, "arrondissement": {p.Arrondissement}, "q": {p.Search.Q}}, n)
	}
	if p.PageCount > 1 {
		for n := 1; n <= p.PageCount; n++ {
			p.Pages = append(p.Pages, ideaPageLink{Num: n, URL: link(n), Current: n == p.PageNum})
		}
		if p.PageNum > 1 {
			p.Prev = link(p.PageNum - 1)
		}
		if p.PageNum < p.PageCount {
			p.Next = link(p.PageNum + 1)
		}
	}
	return s.render(w, r, http.StatusOK, "idea_list", p)
}

type ideaShowPage struct {
	Base
	Campaign    *campaign.Campaign
	Idea        ideaView
	CanModerate bool
	IsAuthor    bool
}

// ideaShow shows one idea: to everyone when it is published in a campaign that publishes
// its ideas; otherwise only to its author and to moderators (others get "not found").
func (s *Server) ideaShow(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	i, err := s.ideaOf(r, c)
	if err != nil {
		return err
	}
	p := ideaShowPage{Campaign: c, CanModerate: ideaCanModerate(r, c), IsAuthor: s.isIdeaAuthor(r, i)}
	if (i.Hidden() || !c.IdeasPublic) && !p.CanModerate && !p.IsAuthor {
		return apperr.New(apperr.NotFound, "idea.error.not_found")
	}
	p.Base = s.base(r, "")
	p.Idea = s.viewIdea(langOf(r), c, *i)
	p.Title = i.Title
	return s.render(w, r, http.StatusOK, "idea_show", p)
}
