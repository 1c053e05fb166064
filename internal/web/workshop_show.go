package web

import (
	"net/http"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/subscription"
	"budgetcitoyen/internal/workshop"
)

type workshopShowPage struct {
	Base
	C            *campaign.Campaign
	S            sessionView
	Mine         *workshop.Registration
	Open         bool // registration possible now (phase open, session not over nor cancelled)
	Started      bool
	Ended        bool
	CanManage    bool
	CanAttend    bool // may mark attendance
	AnimatorList []string
	// NewsConsent is the wording of the checkbox of the registration form that subscribes
	// the person to the campaign's news too ("" for a visitor).
	NewsConsent string
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
		Started: !now.Before(ws.StartsAt), Ended: !now.Before(ws.EndsAt), CanManage: s.canManageWorkshops(r, c),
		CanAttend: access.Allowed(actor, access.PermMarkAttendance, &c.ID)}
	p.Open = c.IsOpen(campaign.PhaseComptoirs, now) && !p.Ended && !ws.Cancelled()
	if actor.SignedIn() {
		p.NewsConsent = s.cat.T(langOf(r), "news.optin.comptoir", c.Name)
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
	reg, err := workshop.Join(r.Context(), s.workshopEnv(), change.By(actorOf(r)), workshop.PersonInput{Campaign: c, SessionID: ws.ID})
	if err != nil {
		return err
	}
	if r.PostForm.Get("news") != "" {
		// The registration is saved: a refused subscription (the mail limits) does not undo
		// it. The comptoir's commune stands for the person's, for the news of comptoirs near it.
		lang := langOf(r)
		consent := s.cat.T(lang, "news.optin.comptoir", c.Name)
		if err := subscription.OptIn(r.Context(), s.subscriptionEnv(), change.By(actorOf(r)), c, consent, ws.Commune, lang); err != nil {
			s.log.Warn("news opt-in with a comptoir registration", "err", err)
		}
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
	err = workshop.Leave(r.Context(), s.workshopEnv(), change.By(actorOf(r)), workshop.PersonInput{Campaign: c, SessionID: ws.ID})
	if err != nil {
		return err
	}
	s.flash(r, "workshop.flash.unregistered")
	http.Redirect(w, r, workshop.SessionPath(*ws), http.StatusSeeOther)
	return nil
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
