package web

import (
	"net/http"
	"strconv"
	"strings"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/workshop"
)

type workshopManagePage struct {
	Base
	C        *campaign.Campaign
	Sessions []sessionView
	Search   searchView
}

// workshopManage lists every session of the campaign for the agents, past and cancelled ones
// included, with a full-text search q.
func (s *Server) workshopManage(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	list, err := workshop.List(r.Context(), s.db, c.ID)
	if err != nil {
		return err
	}
	p := workshopManagePage{Base: s.base(r, "workshop.manage.title", c.Name), C: c, Search: searchOf(r)}
	if list, err = s.searchSessions(r.Context(), p.Search, list); err != nil {
		return err
	}
	for _, ws := range list {
		p.Sessions = append(p.Sessions, s.sessionView(c, ws))
	}
	p.Search.Count = len(p.Sessions)
	return s.render(w, r, http.StatusOK, "workshop_manage", p)
}

type workshopFormPage struct {
	Base
	C          *campaign.Campaign
	SessionID  int64 // 0 for a new session
	Action     string
	F          workshop.Form
	Errors     apperr.FieldErrors
	Topics     []option
	Animators  []workshop.AnimatorCandidate
	TimeZone   string
	Registered int
}

func (s *Server) workshopForm(r *http.Request, c *campaign.Campaign, id int64, f workshop.Form, errs apperr.FieldErrors) (workshopFormPage, error) {
	title, action := "workshop.form.new_title", "/"+c.Slug+"/comptoirs/nouveau"
	if id != 0 {
		title, action = "workshop.form.edit_title", "/"+c.Slug+"/comptoirs/"+strconv.FormatInt(id, 10)+"/modifier"
	}
	cands, err := workshop.AnimatorCandidates(r.Context(), s.db, c.ID)
	if err != nil {
		return workshopFormPage{}, err
	}
	return workshopFormPage{Base: s.base(r, title), C: c, SessionID: id, Action: action, F: f, Errors: errs,
		Topics: s.topicOptions(r), Animators: cands, TimeZone: c.TimeZone}, nil
}

func formFromRequest(r *http.Request) workshop.Form {
	_ = r.ParseForm() // a malformed body leaves empty fields, which the form reports
	return workshop.Form{
		Title: r.PostFormValue("title"), Description: r.PostFormValue("description"), Topics: r.PostForm["topics"],
		Host: r.PostFormValue("host"), Address: r.PostFormValue("address"), Commune: r.PostFormValue("commune"),
		Start: r.PostFormValue("start"), End: r.PostFormValue("end"), Capacity: r.PostFormValue("capacity"),
		Animators: r.PostForm["animators"],
	}
}

// workshopEnv is the environment of the workshop commands.
func (s *Server) workshopEnv() workshop.Env {
	return workshop.Env{Change: s.changeEnv(), Mail: s.workshopMailer(), Territory: s.Territory}
}

func (s *Server) workshopNew(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	p, err := s.workshopForm(r, c, 0, workshop.Form{Capacity: "12", Topics: []string{string(workshop.TopicIdeaToProject)}}, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "workshop_form", p)
}

// workshopCreate saves a new session. Invalid input re-displays the form with the agent's
// text and the messages next to the fields; nothing is saved.
func (s *Server) workshopCreate(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	f := formFromRequest(r)
	ws, err := workshop.CreateSession(r.Context(), s.workshopEnv(), change.By(actorOf(r)), workshop.SessionInput{Campaign: c, Form: f})
	if ae, ok := apperr.As(err); ok && ae.Fields != nil {
		p, err := s.workshopForm(r, c, 0, f, ae.Fields)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "workshop_form", p)
	}
	if err != nil {
		return err
	}
	s.flash(r, "workshop.flash.created")
	http.Redirect(w, r, workshop.SessionPath(*ws), http.StatusSeeOther)
	return nil
}

func (s *Server) workshopEdit(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ws, err := s.sessionOf(r, c)
	if err != nil {
		return err
	}
	f := workshop.FormOf(*ws, c.Location())
	f.Commune = s.communeLabel(ws.Commune) // "Arras (62041)": five digits alone would be read as a postcode
	p, err := s.workshopForm(r, c, ws.ID, f, nil)
	if err != nil {
		return err
	}
	p.Registered = ws.Registered
	return s.render(w, r, http.StatusOK, "workshop_form", p)
}

// workshopUpdate saves an edited session; a larger capacity moves people up from the
// waiting list (and tells them).
func (s *Server) workshopUpdate(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	before, err := s.sessionOf(r, c)
	if err != nil {
		return err
	}
	f := formFromRequest(r)
	_, err = workshop.EditSession(r.Context(), s.workshopEnv(), change.By(actorOf(r)),
		workshop.SessionInput{Campaign: c, ID: before.ID, Form: f})
	if ae, ok := apperr.As(err); ok && ae.Fields != nil {
		p, err := s.workshopForm(r, c, before.ID, f, ae.Fields)
		if err != nil {
			return err
		}
		p.Registered = before.Registered
		return s.render(w, r, http.StatusUnprocessableEntity, "workshop_form", p)
	}
	if err != nil {
		return err
	}
	s.flash(r, "workshop.flash.updated")
	http.Redirect(w, r, workshop.SessionPath(*before), http.StatusSeeOther)
	return nil
}

// workshopCancel cancels a session and tells everyone registered or waiting.
func (s *Server) workshopCancel(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ws, err := s.sessionOf(r, c)
	if err != nil {
		return err
	}
	err = workshop.CancelSession(r.Context(), s.workshopEnv(), change.By(actorOf(r)), workshop.SessionRef{Campaign: c, ID: ws.ID})
	if err != nil {
		return err
	}
	s.flash(r, "workshop.flash.cancelled")
	http.Redirect(w, r, "/"+c.Slug+"/comptoirs/gestion", http.StatusSeeOther)
	return nil
}

// workshopCSV exports a session's registrations for a spreadsheet.
func (s *Server) workshopCSV(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ws, err := s.sessionOf(r, c)
	if err != nil {
		return err
	}
	regs, err := workshop.Registrations(r.Context(), s.db, ws.ID)
	if err != nil {
		return err
	}
	lang := langOf(r)
	labels := workshop.CSVLabels{
		Header:     strings.Split(s.cat.T(lang, "workshop.csv.header"), ";"),
		Registered: s.cat.T(lang, "workshop.status.registered"), Waiting: s.cat.T(lang, "workshop.status.waiting"),
		Present: s.cat.T(lang, "workshop.attendance.present"), Absent: s.cat.T(lang, "workshop.attendance.absent"),
		Not: s.cat.T(lang, "workshop.attendance.unmarked"),
	}
	if lang == i18n.FR {
		labels.Header = workshop.CSVHeader
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="comptoir-`+strconv.FormatInt(ws.ID, 10)+`-inscriptions.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(workshop.CSV(regs, c.Location(), labels))
	return err
}
