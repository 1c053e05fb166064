package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
)

type auditPage struct {
	Base
	Filter  auditFilterForm
	Entries []auditRow
	NextID  int64 // for "older entries"
	Loc     *time.Location
}

type auditFilterForm struct {
	Kind, Entity, Action, Actor, From, To string
}

// auditRow is an entry with its actor as shown. The log names a person by account id only
// (no personal data in the chain, see audit.ActorAccount): the page shows the account's
// current name, looked up now, or its address when it has no name (the page is for staff,
// who see addresses elsewhere too); a deleted account shows as such.
type auditRow struct {
	audit.Entry
	AccountID int64  // the actor's account, 0 for the system or a visitor
	Who       string // the name or address shown; the entry's label when AccountID is 0
	Deleted   bool   // the actor's account was deleted (or no longer exists)
}

// auditRows joins the entries with their actors' current names (one query for the page).
func auditRows(ctx context.Context, q db.Querier, entries []audit.Entry) ([]auditRow, error) {
	var ids []int64
	for _, e := range entries {
		if e.ActorID != nil {
			ids = append(ids, *e.ActorID)
		}
	}
	shown, err := account.ShownByID(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		rows[i] = auditRow{Entry: e, Who: e.Actor}
		if e.ActorID == nil {
			continue
		}
		rows[i].AccountID = *e.ActorID
		s, ok := shown[*e.ActorID]
		switch {
		case !ok || s.Deleted:
			rows[i].Deleted, rows[i].Who = true, ""
		case s.Name != "":
			rows[i].Who = s.Name
		default:
			rows[i].Who = s.Email
		}
	}
	return rows, nil
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
	rows, err := auditRows(r.Context(), s.db, entries)
	if err != nil {
		return err
	}
	// Instants are shown in the platform's default time zone; filters are UTC days.
	loc, err := time.LoadLocation(campaign.DefaultTimeZone)
	if err != nil {
		return err
	}
	p := auditPage{Base: s.base(r, "admin.audit.title"), Filter: form, Entries: rows, Loc: loc}
	if len(entries) == f.Limit {
		p.NextID = entries[len(entries)-1].ID
	}
	return s.render(w, r, http.StatusOK, "admin_audit", p)
}
