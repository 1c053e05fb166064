package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/workshop"
)

// After depositing, the author is shown the campaign's coming comptoir sessions, nearest to
// the idea's commune first (same EPCI, then same arrondissement, then the rest by date),
// each with a one-click registration.

type ideaSessionView struct {
	ID        int64
	Title     string
	Path      string
	Register  string // the registration form's action
	Starts    time.Time
	Ends      time.Time
	Commune   string
	Host      string
	Nearness  string // "epci", "arrondissement" or "" (elsewhere)
	SeatsLeft int
	Full      bool
}

type ideaOrientationPage struct {
	Base
	Campaign     *campaign.Campaign
	Idea         ideaView
	Sessions     []ideaSessionView
	SignedIn     bool   // the author is signed in and can register in one click
	SignInURL    string // for a visitor who has just deposited
	CanRegister  bool   // the comptoirs phase is open
	EPCIName     string
	ArrName      string
	WorkshopsURL string
}

func (s *Server) ideaOrientation(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	i, err := s.ideaOf(r, c)
	if err != nil {
		return err
	}
	if !s.isIdeaAuthor(r, i) && !ideaCanModerate(r, c) {
		return apperr.New(apperr.NotFound, "idea.error.not_found")
	}
	lang := langOf(r)
	p := ideaOrientationPage{
		Base: s.base(r, "idea.orientation.title"), Campaign: c, Idea: s.viewIdea(lang, c, *i),
		CanRegister:  c.IsOpen(campaign.PhaseComptoirs, s.now()),
		WorkshopsURL: "/" + c.Slug + "/comptoirs",
	}
	actor := actorOf(r)
	p.SignedIn = actor.SignedIn() && actor.ID() == i.AuthorID
	if !actor.SignedIn() {
		p.SignInURL = "/connexion?suite=" + url.QueryEscape(r.URL.Path)
	}
	commune, _ := s.Territory.Commune(i.Commune)
	if e, ok := s.Territory.EPCI(commune.EPCI); ok {
		p.EPCIName = e.Name
	}
	if a, ok := s.Territory.Arrondissement(commune.Arrondissement); ok {
		p.ArrName = a.Name
	}
	sessions, err := workshop.Upcoming(r.Context(), s.db, c.ID, s.now())
	if err != nil {
		return err
	}
	loc := c.Location()
	for _, ws := range workshop.OrderByNearness(sessions, commune, s.Territory) {
		if ws.CampaignSlug == "" {
			ws.CampaignSlug = c.Slug
		}
		v := ideaSessionView{
			ID: ws.ID, Title: ws.Title, Path: workshop.SessionPath(ws),
			Register: "/" + c.Slug + "/comptoirs/" + strconv.FormatInt(ws.ID, 10) + "/inscription",
			Starts:   ws.StartsAt.In(loc), Ends: ws.EndsAt.In(loc), Host: ws.Host,
			SeatsLeft: ws.SeatsLeft(), Full: ws.Full(), Commune: ws.Commune,
		}
		if wc, ok := s.Territory.Commune(ws.Commune); ok {
			v.Commune = wc.Name
			switch {
			case commune.EPCI != "" && wc.EPCI == commune.EPCI:
				v.Nearness = "epci"
			case commune.Arrondissement != "" && wc.Arrondissement == commune.Arrondissement:
				v.Nearness = "arrondissement"
			}
		}
		p.Sessions = append(p.Sessions, v)
	}
	return s.render(w, r, http.StatusOK, "idea_orientation", p)
}
