package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/idea"
)

// sessionIdeaKey remembers, in a visitor's session, the idea they have just deposited, so
// that they see its orientation page without being signed in.
const sessionIdeaKey = "idea_deposited"

// ideaView is an idea as the pages show it: labels resolved, never the author's e-mail.
type ideaView struct {
	ID             int64
	Path           string
	Title          string
	Paragraphs     []string
	Excerpt        string
	Theme          string
	ThemeKey       idea.Theme
	Commune        string // name
	CommuneCode    string
	Arrondissement string // name
	Carrier        string
	Structure      string
	Deposited      time.Time // in the campaign's zone
	Hidden         bool
	HiddenAt       time.Time
	HiddenReason   string
}

func ideaPath(c *campaign.Campaign, id int64) string { return idea.Path(c, id) }

func (s *Server) viewIdea(lang i18n.Lang, c *campaign.Campaign, i idea.Idea) ideaView {
	loc := c.Location()
	v := ideaView{
		ID: i.ID, Path: ideaPath(c, i.ID), Title: i.Title, ThemeKey: i.Theme,
		Theme: s.cat.T(lang, i.Theme.MessageKey()), CommuneCode: i.Commune,
		Carrier: s.cat.T(lang, i.Carrier.MessageKey()), Structure: i.Structure,
		Deposited: i.CreatedAt.In(loc), Hidden: i.Hidden(), HiddenReason: i.HiddenReason,
	}
	if i.HiddenAt != nil {
		v.HiddenAt = i.HiddenAt.In(loc)
	}
	v.Commune = i.Commune
	if cm, ok := s.Territory.Commune(i.Commune); ok {
		v.Commune = cm.Name
	}
	if a, ok := s.Territory.Arrondissement(i.Arrondissement); ok {
		v.Arrondissement = a.Name
	}
	for _, p := range strings.Split(i.Description, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			v.Paragraphs = append(v.Paragraphs, p)
		}
	}
	v.Excerpt = ideaExcerpt(strings.ReplaceAll(i.Description, "\n", " "), 220)
	return v
}

// excerptText cuts s after about n characters, at a word boundary.
func ideaExcerpt(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;.:") + "…"
}

// ideaOf loads the idea {id} of the request's campaign.
func (s *Server) ideaOf(r *http.Request, c *campaign.Campaign) (*idea.Idea, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, apperr.New(apperr.NotFound, "idea.error.not_found")
	}
	return idea.ByID(r.Context(), s.db, c.ID, id)
}

// canModerate reports whether the request's person moderates the campaign's ideas.
func ideaCanModerate(r *http.Request, c *campaign.Campaign) bool {
	return access.Allowed(actorOf(r), access.PermModerate, &c.ID)
}

// isAuthor reports whether the request comes from the idea's author: signed in as them, or
// the visitor's session that has just deposited it.
func (s *Server) isIdeaAuthor(r *http.Request, i *idea.Idea) bool {
	if actor := actorOf(r); actor.SignedIn() && actor.ID() == i.AuthorID {
		return true
	}
	id, ok := s.sessions.Get(r.Context(), sessionIdeaKey).(int64)
	return ok && id == i.ID
}

// ideaCarrierOptions is the fixed list of the idea form's carriers, labelled in lang.
func (s *Server) ideaCarrierOptions(lang i18n.Lang) []option {
	var out []option
	for _, c := range idea.Carriers() {
		out = append(out, option{string(c), s.cat.T(lang, c.MessageKey())})
	}
	return out
}
