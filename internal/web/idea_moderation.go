package web

import (
	"net/http"
	"net/url"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/idea"
)

// Agents moderate a campaign's ideas: every idea, hidden ones included; hiding needs a
// reason, which is e-mailed to the author; a hidden idea can be restored.

const moderationPerPage = 50

type ideaModerationPage struct {
	Base
	Campaign   *campaign.Campaign
	Ideas      []ideaView
	Total      int
	State      string // "", "publiees", "masquees"
	Search     searchView
	Pages      []ideaPageLink
	Prev, Next string
	// The hide form that failed: its idea, the reason typed and the error.
	ErrorID int64
	Reason  string
	Errors  apperr.FieldErrors
}

func (s *Server) ideaModeration(w http.ResponseWriter, r *http.Request) error {
	return s.renderModeration(w, r, http.StatusOK, 0, "", nil)
}

func (s *Server) renderModeration(w http.ResponseWriter, r *http.Request, status int, errID int64, reason string, errs apperr.FieldErrors) error {
	c := campaignOf(r)
	lang := langOf(r)
	q := r.URL.Query()
	p := ideaModerationPage{Base: s.base(r, "idea.moderation.title", c.Name), Campaign: c,
		ErrorID: errID, Reason: reason, Errors: errs, Search: searchOf(r)}
	f := idea.Filter{CampaignID: c.ID, IncludeHidden: true, Limit: moderationPerPage, Search: p.Search.Query}
	switch q.Get("etat") {
	case "publiees":
		p.State, f.IncludeHidden = "publiees", false
	case "masquees":
		p.State, f.OnlyHidden = "masquees", true
	}
	page := pageParam(q)
	f.Offset = (page - 1) * moderationPerPage
	list, total, err := idea.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	p.Total, p.Search.Count = total, total
	for _, i := range list {
		p.Ideas = append(p.Ideas, s.viewIdea(lang, c, i))
	}
	link := func(n int) string { return pageLink(r.URL.Path, url.Values{"etat": {p.State}, "q": {p.Search.Q}}, n) }
	if count := (total + moderationPerPage - 1) / moderationPerPage; count > 1 {
		for n := 1; n <= count; n++ {
			p.Pages = append(p.Pages, ideaPageLink{Num: n, URL: link(n), Current: n == page})
		}
		if page > 1 {
			p.Prev = link(page - 1)
		}
		if page < count {
			p.Next = link(page + 1)
		}
	}
	return s.render(w, r, status, "idea_moderation", p)
}

func moderationPath(c *campaign.Campaign) string { return "/" + c.Slug + "/idees/moderation" }

// ideaHide hides an idea with the reason given, e-mailed to its author.
func (s *Server) ideaHide(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	i, err := s.ideaOf(r, c)
	if err != nil {
		return err
	}
	reason, errs := idea.ParseReason(r.PostFormValue(idea.FieldReason))
	if len(errs) > 0 {
		r.URL.Path = moderationPath(c)
		return s.renderModeration(w, r, http.StatusUnprocessableEntity, i.ID, reason, errs)
	}
	err = idea.Hide(r.Context(), s.ideaEnv(), change.By(actorOf(r)), idea.HideInput{Campaign: c, ID: i.ID, Reason: reason})
	if ae, ok := apperr.As(err); ok && ae.Fields != nil {
		r.URL.Path = moderationPath(c)
		return s.renderModeration(w, r, http.StatusUnprocessableEntity, i.ID, reason, ae.Fields)
	}
	if err != nil {
		return err
	}
	s.flash(r, "idea.moderation.hidden_done")
	http.Redirect(w, r, moderationPath(c), http.StatusSeeOther)
	return nil
}

// ideaRestore publishes a hidden idea again and tells its author.
func (s *Server) ideaRestore(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	i, err := s.ideaOf(r, c)
	if err != nil {
		return err
	}
	err = idea.Restore(r.Context(), s.ideaEnv(), change.By(actorOf(r)), idea.RestoreInput{Campaign: c, ID: i.ID})
	if err != nil {
		return err
	}
	s.flash(r, "idea.moderation.restored_done")
	http.Redirect(w, r, moderationPath(c), http.StatusSeeOther)
	return nil
}
