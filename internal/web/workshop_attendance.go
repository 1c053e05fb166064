package web

import (
	"context"
	"net/http"
	"strconv"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/workshop"
)

type workshopAttendancePage struct {
	Base
	C         *campaign.Campaign
	S         sessionView
	Seats     []workshop.Registration
	Waiting   []workshop.Registration
	CanExport bool
}

// workshopAttendance shows the registered people of a session with a present/absent choice
// for each, to the campaign's animators and the agents.
func (s *Server) workshopAttendance(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ws, err := s.sessionOf(r, c)
	if err != nil {
		return err
	}
	regs, err := workshop.Registrations(r.Context(), s.db, ws.ID)
	if err != nil {
		return err
	}
	p := workshopAttendancePage{Base: s.base(r, "workshop.attendance.title", ws.Title), C: c, S: s.sessionView(c, *ws),
		CanExport: s.canManageWorkshops(r, c)}
	for _, reg := range regs {
		if reg.Status == workshop.Registered {
			p.Seats = append(p.Seats, reg)
		} else {
			p.Waiting = append(p.Waiting, reg)
		}
	}
	return s.render(w, r, http.StatusOK, "workshop_attendance", p)
}

// workshopAttendanceSave records the marks of the form (field "a-ACCOUNTID": present,
// absent or empty); only changed marks are written, each change audited.
func (s *Server) workshopAttendanceSave(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ws, err := s.sessionOf(r, c)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	_, err = change.Do(r.Context(), s.changeEnv(), change.Request{
		Who: change.By(actorOf(r)), Permission: access.PermMarkAttendance, Campaign: c,
		Action: "workshop.attendance", EntityKind: "workshop_session",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			regs, err := workshop.Registrations(ctx, tx, ws.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			before, after := map[string]string{}, map[string]string{}
			for _, reg := range regs {
				if reg.Status != workshop.Registered {
					continue
				}
				key := "a-" + strconv.FormatInt(reg.AccountID, 10)
				if _, sent := r.PostForm[key]; !sent {
					continue
				}
				mark := workshop.Attendance(r.PostFormValue(key))
				if mark == reg.Attendance {
					continue
				}
				if err := workshop.MarkAttendance(ctx, tx, ws.ID, reg.AccountID, mark, s.now()); err != nil {
					return change.Outcome{}, err
				}
				id := strconv.FormatInt(reg.AccountID, 10)
				before[id], after[id] = string(reg.Attendance), string(mark)
			}
			return change.Outcome{EntityID: strconv.FormatInt(ws.ID, 10), Before: before, After: after}, nil
		},
	})
	if err != nil {
		return err
	}
	s.flash(r, "workshop.flash.attendance_saved")
	http.Redirect(w, r, workshop.SessionPath(*ws)+"/presences", http.StatusSeeOther)
	return nil
}
