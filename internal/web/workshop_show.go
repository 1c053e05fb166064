package web

import (
	"context"
	"net/http"
	"strconv"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/workshop"
)

type workshopShowPage struct {
	Base
	C            *campaign.Campaign
	S            sessionView
	Mine         *workshop.Registration
	Open         bool // registration possible now (phase open, session not started nor cancelled)
	Started      bool
	CanManage    bool
	CanAttend    bool // may mark attendance
	AnimatorList []string
}

func (s *Server) canManageWorkshops(r *http.Request, c *campaign.Campaign) bool {
	return access.Allowed(actorOf(r), access.PermManageWorkshops, &c.ID)
}

func (s *Server) workshopShow(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ws, err := s.sessionOf(r, c)
	if err != nil {
		return err
	}
	now := s.now()
	actor := actorOf(r)
	p := workshopShowPage{Base: s.base(r, "workshop.show.title", ws.Title), C: c, S: s.sessionView(c, *ws),
		Started: !now.Before(ws.StartsAt), CanManage: s.canManageWorkshops(r, c),
		CanAttend: access.Allowed(actor, access.PermMarkAttendance, &c.ID)}
	p.Open = c.IsOpen(campaign.PhaseComptoirs, now) && !p.Started && !ws.Cancelled()
	if actor.SignedIn() {
		if p.Mine, err = workshop.RegistrationOf(r.Context(), s.db, ws.ID, actor.ID()); err != nil {
			return err
		}
	}
	if len(ws.Animators) > 0 {
		cands, err := workshop.AnimatorCandidates(r.Context(), s.db, c.ID)
		if err != nil {
			return err
		}
		for _, a := range cands {
			if ws.HasAnimator(a.ID) {
				p.AnimatorList = append(p.AnimatorList, a.Name)
			}
		}
	}
	return s.render(w, r, http.StatusOK, "workshop_show", p)
}

// workshopRegister registers the signed-in person: a seat if one is left, else the waiting
// list; either way an e-mail says which.
func (s *Server) workshopRegister(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ws, err := s.sessionOf(r, c)
	if err != nil {
		return err
	}
	actor := actorOf(r)
	var reg workshop.Registration
	_, err = change.Do(r.Context(), s.changeEnv(), change.Request{
		Who: change.By(actor), Permission: access.PermSignedIn, Campaign: c.During(campaign.PhaseComptoirs),
		Action: "workshop.register", EntityKind: "workshop_registration",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			var err error
			if reg, err = workshop.Register(ctx, s.db, tx, ws.ID, actor.ID(), s.now()); err != nil {
				return change.Outcome{}, err
			}
			fresh, err := workshop.ByID(ctx, tx, ws.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			reg.Email, reg.Name, reg.Lang = actor.Account.Email, actor.Account.DisplayName, actor.Account.Lang
			kind := workshop.MailRegistered
			if reg.Status == workshop.Waiting {
				kind = workshop.MailWaiting
			}
			return change.Outcome{EntityID: strconv.FormatInt(reg.ID, 10),
				After: map[string]any{"session": ws.ID, "account": actor.ID(), "status": reg.Status},
				Mails: []mail.Message{s.workshopMailer().Message(kind, reg, *fresh)}}, nil
		},
	})
	if err != nil {
		return err
	}
	if reg.Status == workshop.Waiting {
		s.flash(r, "workshop.flash.waiting")
	} else {
		s.flash(r, "workshop.flash.registered")
	}
	http.Redirect(w, r, workshop.SessionPath(*ws), http.StatusSeeOther)
	return nil
}

// workshopUnregister cancels the signed-in person's registration; a freed seat goes to the
// first person of the waiting list, who is told by e-mail.
func (s *Server) workshopUnregister(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ws, err := s.sessionOf(r, c)
	if err != nil {
		return err
	}
	actor := actorOf(r)
	_, err = change.Do(r.Context(), s.changeEnv(), change.Request{
		Who: change.By(actor), Permission: access.PermSignedIn, Campaign: c,
		Action: "workshop.unregister", EntityKind: "workshop_registration",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			removed, promoted, err := workshop.Unregister(ctx, s.db, tx, ws.ID, actor.ID())
			if err != nil {
				return change.Outcome{}, err
			}
			return s.promotedOutcome(ctx, tx, ws.ID, removed, promoted)
		},
	})
	if err != nil {
		return err
	}
	s.flash(r, "workshop.flash.unregistered")
	http.Redirect(w, r, workshop.SessionPath(*ws), http.StatusSeeOther)
	return nil
}

// promotedOutcome is the audit entry and the e-mails of a cancellation that moved people up.
func (s *Server) promotedOutcome(ctx context.Context, tx *db.Tx, sessionID int64, removed workshop.Registration, promoted []workshop.Registration) (change.Outcome, error) {
	out := change.Outcome{EntityID: strconv.FormatInt(removed.ID, 10),
		Before: map[string]any{"session": sessionID, "account": removed.AccountID, "status": removed.Status}}
	if len(promoted) == 0 {
		return out, nil
	}
	fresh, err := workshop.ByID(ctx, tx, sessionID)
	if err != nil {
		return change.Outcome{}, err
	}
	var moved []int64
	for _, p := range promoted {
		out.Mails = append(out.Mails, s.workshopMailer().Message(workshop.MailMovedUp, p, *fresh))
		moved = append(moved, p.AccountID)
	}
	out.After = map[string]any{"moved_up": moved}
	return out, nil
}

type workshopMinePage struct {
	Base
	C     *campaign.Campaign
	Items []myRegistrationView
}

type myRegistrationView struct {
	workshop.MyRegistration
	S sessionView
}

// workshopMine lists the signed-in person's registrations and attendances in the campaign.
func (s *Server) workshopMine(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	regs, err := workshop.ForAccount(r.Context(), s.db, c.ID, actorOf(r).ID())
	if err != nil {
		return err
	}
	p := workshopMinePage{Base: s.base(r, "workshop.mine.title"), C: c}
	for _, m := range regs {
		p.Items = append(p.Items, myRegistrationView{MyRegistration: m, S: s.sessionView(c, m.Session)})
	}
	return s.render(w, r, http.StatusOK, "workshop_mine", p)
}
