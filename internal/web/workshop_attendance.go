package web

import (
	"net/http"
	"strconv"
	"strings"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/workshop"
)

type workshopAttendancePage struct {
	Base
	C         *campaign.Campaign
	S         sessionView
	Seats     []workshop.Registration
	Waiting   []workshop.Registration
	CanExport bool
	// NotStarted: marks are refused until the session starts (workshop.CanMark).
	NotStarted bool
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
		CanExport: s.canManageWorkshops(r, c), NotStarted: s.now().Before(ws.StartsAt)}
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
	marks := map[int64]workshop.Attendance{}
	for key := range r.PostForm {
		if id, err := strconv.ParseInt(strings.TrimPrefix(key, "a-"), 10, 64); err == nil && strings.HasPrefix(key, "a-") {
			marks[id] = workshop.Attendance(r.PostFormValue(key))
		}
	}
	err = workshop.RecordAttendance(r.Context(), s.workshopEnv(), change.By(actorOf(r)),
		workshop.AttendanceInput{Campaign: c, SessionID: ws.ID, Marks: marks})
	if err != nil {
		return err
	}
	s.flash(r, "workshop.flash.attendance_saved")
	http.Redirect(w, r, workshop.SessionPath(*ws)+"/presences", http.StatusSeeOther)
	return nil
}
