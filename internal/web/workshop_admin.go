package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/workshop"
)

type workshopManagePage struct {
	Base
	C        *campaign.Campaign
	Sessions []sessionView
}

// workshopManage lists every session of the campaign for the agents, past and cancelled ones
// included.
func (s *Server) workshopManage(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	list, err := workshop.List(r.Context(), s.db, c.ID)
	if err != nil {
		return err
	}
	p := workshopManagePage{Base: s.base(r, "workshop.manage.title", c.Name), C: c}
	for _, ws := range list {
		p.Sessions = append(p.Sessions, s.sessionView(c, ws))
	}
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

func (s *Server) workshopRules(ctx context.Context, c *campaign.Campaign, registered int) (workshop.Rules, error) {
	cands, err := workshop.AnimatorCandidates(ctx, s.db, c.ID)
	if err != nil {
		return workshop.Rules{}, err
	}
	ids := map[int64]bool{}
	for _, a := range cands {
		ids[a.ID] = true
	}
	return workshop.Rules{Territory: s.Territory, Departement: c.Territory, Location: c.Location(), Animators: ids,
		Registered: registered}, nil
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
	rules, err := s.workshopRules(r.Context(), c, 0)
	if err != nil {
		return err
	}
	ws, errs := workshop.Parse(f, rules)
	if len(errs) == 0 {
		ws.CampaignID = c.ID
		_, err = change.Do(r.Context(), s.changeEnv(), change.Request{
			Who: change.By(actorOf(r)), Permission: access.PermManageWorkshops, Campaign: c,
			Action: "workshop.create", EntityKind: "workshop_session",
			Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
				if err := workshop.Create(ctx, tx, &ws, s.now()); err != nil {
					return change.Outcome{}, err
				}
				return change.Outcome{EntityID: strconv.FormatInt(ws.ID, 10), After: ws}, nil
			},
		})
		if err != nil {
			return err
		}
		s.flash(r, "workshop.flash.created")
		http.Redirect(w, r, workshop.SessionPath(workshop.Session{ID: ws.ID, CampaignSlug: c.Slug}), http.StatusSeeOther)
		return nil
	}
	p, err := s.workshopForm(r, c, 0, f, errs)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusUnprocessableEntity, "workshop_form", p)
}

func (s *Server) workshopEdit(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ws, err := s.sessionOf(r, c)
	if err != nil {
		return err
	}
	p, err := s.workshopForm(r, c, ws.ID, workshop.FormOf(*ws, c.Location()), nil)
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
	if before.Cancelled() {
		return apperr.New(apperr.Conflict, "workshop.error.cancelled")
	}
	f := formFromRequest(r)
	rules, err := s.workshopRules(r.Context(), c, before.Registered)
	if err != nil {
		return err
	}
	ws, errs := workshop.Parse(f, rules)
	if len(errs) == 0 {
		ws.ID, ws.CampaignID, ws.CampaignSlug, ws.TimeZone = before.ID, c.ID, c.Slug, c.TimeZone
		_, err = change.Do(r.Context(), s.changeEnv(), change.Request{
			Who: change.By(actorOf(r)), Permission: access.PermManageWorkshops, Campaign: c,
			Action: "workshop.update", EntityKind: "workshop_session",
			Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
				if err := workshop.Update(ctx, tx, &ws, s.now()); err != nil {
					return change.Outcome{}, err
				}
				out := change.Outcome{EntityID: strconv.FormatInt(ws.ID, 10), Before: before, After: ws}
				promoted, err := workshop.FillSeats(ctx, s.db, tx, ws.ID)
				if err != nil {
					return change.Outcome{}, err
				}
				if len(promoted) > 0 {
					fresh, err := workshop.ByID(ctx, tx, ws.ID)
					if err != nil {
						return change.Outcome{}, err
					}
					for _, p := range promoted {
						out.Mails = append(out.Mails, s.workshopMailer().Message(workshop.MailMovedUp, p, *fresh))
					}
				}
				return out, nil
			},
		})
		if ae, ok := apperr.As(err); ok && ae.Fields != nil {
			errs = ae.Fields
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		p, err := s.workshopForm(r, c, before.ID, f, errs)
		if err != nil {
			return err
		}
		p.Registered = before.Registered
		return s.render(w, r, http.StatusUnprocessableEntity, "workshop_form", p)
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
	_, err = change.Do(r.Context(), s.changeEnv(), change.Request{
		Who: change.By(actorOf(r)), Permission: access.PermManageWorkshops, Campaign: c,
		Action: "workshop.cancel", EntityKind: "workshop_session",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			regs, err := workshop.Cancel(ctx, tx, ws.ID, s.now())
			if err != nil {
				return change.Outcome{}, err
			}
			out := change.Outcome{EntityID: strconv.FormatInt(ws.ID, 10), Before: map[string]any{"cancelled": false},
				After: map[string]any{"cancelled": true, "told": len(regs)}}
			for _, reg := range regs {
				out.Mails = append(out.Mails, s.workshopMailer().Message(workshop.MailCancelled, reg, *ws))
			}
			return out, nil
		},
	})
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
