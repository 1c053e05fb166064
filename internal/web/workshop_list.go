package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/search"
	"budgetcitoyen/internal/workshop"
)

// workshopMailer writes the comptoir e-mails with the server's catalogs, territory and address.
// WorkshopMailer words the comptoirs' e-mails (the worker's purge needs it too).
func (s *Server) WorkshopMailer() workshop.Mailer { return s.workshopMailer() }

func (s *Server) workshopMailer() workshop.Mailer {
	return workshop.Mailer{Cat: s.cat, Territory: s.Territory, BaseURL: s.baseURL}
}

// QueueWorkshopReminders queues the reminders of tomorrow's comptoir sessions; the
// background worker calls it every few minutes.
func (s *Server) QueueWorkshopReminders(ctx context.Context) (int, error) {
	return s.workshopMailer().QueueReminders(ctx, s.db, s.now())
}

// sessionView is a session with what the pages show about its place.
type sessionView struct {
	workshop.Session
	CommuneName        string
	ArrondissementName string
	Start, End         time.Time // in the campaign's time zone
	Path               string
}

func (s *Server) sessionView(c *campaign.Campaign, ws workshop.Session) sessionView {
	loc := c.Location()
	v := sessionView{Session: ws, CommuneName: ws.Commune, Start: ws.StartsAt.In(loc), End: ws.EndsAt.In(loc),
		Path: workshop.SessionPath(ws)}
	if cm, ok := s.Territory.Commune(ws.Commune); ok {
		v.CommuneName = cm.Name
		if a, ok := s.Territory.Arrondissement(cm.Arrondissement); ok {
			v.ArrondissementName = a.Name
		}
	}
	return v
}

type workshopListPage struct {
	Base
	C               *campaign.Campaign
	Sessions        []sessionView
	Arrondissements []option
	Topics          []option
	Arr, Topic      string
	Search          searchView
	Filtered        bool
	ICSURL          string
	Open            bool // the comptoirs phase is open: registration possible
	CanManage       bool
	Map             *communeMapView // nil when the département has no map
}

// workshopFilter reads the list's filters (arrondissement, topic) from the query string.
type workshopFilter struct {
	Arr   string
	Topic workshop.Topic
}

func (s *Server) parseWorkshopFilter(r *http.Request, c *campaign.Campaign) workshopFilter {
	f := workshopFilter{}
	if a, ok := s.Territory.Arrondissement(r.URL.Query().Get("arrondissement")); ok && a.Departement == c.Territory {
		f.Arr = a.Code
	}
	if t := workshop.Topic(r.URL.Query().Get("theme")); t.Valid() {
		f.Topic = t
	}
	return f
}

func (s *Server) filterSessions(list []workshop.Session, f workshopFilter) []workshop.Session {
	var out []workshop.Session
	for _, ws := range list {
		if f.Topic != "" && !ws.HasTopic(f.Topic) {
			continue
		}
		if f.Arr != "" {
			cm, ok := s.Territory.Commune(ws.Commune)
			if !ok || cm.Arrondissement != f.Arr {
				continue
			}
		}
		out = append(out, ws)
	}
	return out
}

func (f workshopFilter) query() string {
	q := url.Values{}
	if f.Arr != "" {
		q.Set("arrondissement", f.Arr)
	}
	if f.Topic != "" {
		q.Set("theme", string(f.Topic))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func (s *Server) topicOptions(r *http.Request) []option {
	var out []option
	for _, t := range workshop.Topics() {
		out = append(out, option{string(t), s.cat.T(langOf(r), t.MessageKey())})
	}
	return out
}

// workshopList shows the upcoming sessions of the campaign, with filters and a full-text
// search q that work as a plain GET form.
func (s *Server) workshopList(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	list, err := workshop.Upcoming(r.Context(), s.db, c.ID, s.now())
	if err != nil {
		return err
	}
	f := s.parseWorkshopFilter(r, c)
	p := workshopListPage{Base: s.base(r, "workshop.list.title", c.Name), C: c, Arr: f.Arr, Topic: string(f.Topic),
		Filtered: f != workshopFilter{}, Arrondissements: s.arrondissementOptions(c), Topics: s.topicOptions(r),
		ICSURL: "/" + c.Slug + "/comptoirs/calendrier.ics" + f.query(), Open: c.IsOpen(campaign.PhaseComptoirs, s.now()),
		CanManage: s.canManageWorkshops(r, c), Search: searchOf(r)}
	p.Filtered = p.Filtered || p.Search.Q != ""
	found, err := s.searchSessions(r.Context(), p.Search, s.filterSessions(list, f))
	if err != nil {
		return err
	}
	for _, ws := range found {
		p.Sessions = append(p.Sessions, s.sessionView(c, ws))
	}
	p.Search.Count = len(p.Sessions)
	if p.Map, err = s.communeMap(r, c, mapWorkshops); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "workshop_list", p)
}

// searchSessions keeps the sessions the search finds, best first.
func (s *Server) searchSessions(ctx context.Context, v searchView, list []workshop.Session) ([]workshop.Session, error) {
	if !v.Active() {
		return list, nil
	}
	byID := map[int64]workshop.Session{}
	ids := make([]int64, 0, len(list))
	for _, ws := range list {
		byID[ws.ID] = ws
		ids = append(ids, ws.ID)
	}
	found, err := s.searchOrder(ctx, search.Sessions, v, ids)
	if err != nil {
		return nil, err
	}
	out := make([]workshop.Session, 0, len(found))
	for _, id := range found {
		out = append(out, byID[id])
	}
	return out, nil
}

// workshopListICS is the calendar of the upcoming sessions (with the list's filters).
func (s *Server) workshopListICS(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	list, err := workshop.Upcoming(r.Context(), s.db, c.ID, s.now())
	if err != nil {
		return err
	}
	list = s.filterSessions(list, s.parseWorkshopFilter(r, c))
	cal := workshop.Calendar{Name: s.cat.T(langOf(r), "workshop.list.title", c.Name)}
	for _, ws := range list {
		cal.Events = append(cal.Events, s.sessionEvent(ws))
	}
	return s.writeICS(w, "comptoirs-"+c.Slug+".ics", cal)
}

// workshopICS is the calendar file of one session.
func (s *Server) workshopICS(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ws, err := s.sessionOf(r, c)
	if err != nil {
		return err
	}
	cal := workshop.Calendar{Name: ws.Title, Events: []workshop.Event{s.sessionEvent(*ws)}}
	return s.writeICS(w, "comptoir-"+strconv.FormatInt(ws.ID, 10)+".ics", cal)
}

func (s *Server) sessionEvent(ws workshop.Session) workshop.Event {
	host := "budgetcitoyen"
	if u, err := url.Parse(s.baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	m := s.workshopMailer()
	place := ws.Host + ", " + workshop.Place(ws, s.Territory)
	return workshop.EventOf(ws, host, place, m.SessionURL(ws))
}

func (s *Server) writeICS(w http.ResponseWriter, filename string, cal workshop.Calendar) error {
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	_, err := w.Write(workshop.ICS(cal))
	return err
}

// sessionOf loads the session named by {id} in the request's campaign.
func (s *Server) sessionOf(r *http.Request, c *campaign.Campaign) (*workshop.Session, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(r.PathValue("id")), 10, 64)
	if err != nil || id <= 0 {
		return nil, apperr.New(apperr.NotFound, "workshop.error.not_found")
	}
	return workshop.InCampaign(r.Context(), s.db, c.ID, id)
}
