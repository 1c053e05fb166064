package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/campaign"
)

type auditPage struct {
	Base
	Filter  auditFilterForm
	Entries []audit.Entry
	NextID  int64 // for "older entries"
	Loc     *time.Location
}

type auditFilterForm struct {
	Kind, Entity, Action, Actor, From, To string
}

// adminAudit lists the audit log, newest first, filtered by entity, action, actor and dates.
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	form := auditFilterForm{Kind: q.Get("type"), Entity: q.Get("objet"), Action: q.Get("action"),
		Actor: q.Get("auteur"), From: q.Get("du"), To: q.Get("au")}
	f := audit.Filter{EntityKind: strings.TrimSpace(form.Kind), EntityID: strings.TrimSpace(form.Entity),
		Action: strings.TrimSpace(form.Action), Limit: 100}
	if id, err := strconv.ParseInt(form.Actor, 10, 64); err == nil {
		f.ActorID = &id
	}
	if t, err := time.Parse("2006-01-02", form.From); err == nil {
		f.From = t
	}
	if t, err := time.Parse("2006-01-02", form.To); err == nil {
		f.To = t.AddDate(0, 0, 1)
	}
	if id, err := strconv.ParseInt(q.Get("avant"), 10, 64); err == nil {
		f.BeforeID = id
	}
	entries, err := audit.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	// Instants are shown in the platform's default time zone; filters are UTC days.
	loc, err := time.LoadLocation(campaign.DefaultTimeZone)
	if err != nil {
		return err
	}
	p := auditPage{Base: s.base(r, "admin.audit.title"), Filter: form, Entries: entries, Loc: loc}
	if len(entries) == f.Limit {
		p.NextID = entries[len(entries)-1].ID
	}
	return s.render(w, r, http.StatusOK, "admin_audit", p)
}
