package web

import (
	"net/http"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/idea"
	"budgetcitoyen/internal/subscription"
	"budgetcitoyen/internal/territory"
)

// The deposit form: anyone may deposit an idea during the ideas phase. A visitor's e-mail
// creates a citizen account (verification link e-mailed) or is attached to the existing
// account of that address, whose owner is told by e-mail; typing an address never signs
// anyone in.

type ideaDepositPage struct {
	Base
	Campaign *campaign.Campaign
	// Closed is the message shown instead of the form outside the ideas phase; "" when open.
	Closed     string
	Form       idea.Deposit
	Errors     apperr.FieldErrors
	Choices    []option // communes to choose from when the text matched several
	Themes     []option
	Carriers   []option
	EmailFixed bool // a signed-in person deposits with their account's address
	// NewsConsent is the wording of the checkbox that subscribes a signed-in person to the
	// campaign's news with the idea ("" for a visitor); News is whether it is checked.
	NewsConsent string
	News        bool
	MaxTitle    int
	MaxDesc     int
}

func (s *Server) depositPage(r *http.Request, c *campaign.Campaign) ideaDepositPage {
	lang := langOf(r)
	p := ideaDepositPage{
		Base: s.base(r, "idea.deposit.title", c.Name), Campaign: c,
		Themes: s.themeOptions(lang), Carriers: s.ideaCarrierOptions(lang),
		MaxTitle: idea.MaxTitleLen, MaxDesc: idea.MaxDescriptionLen,
		Form: idea.Deposit{Carrier: idea.CarrierPerson},
	}
	p.Closed = s.depositClosed(lang, c)
	if actor := actorOf(r); actor.SignedIn() {
		p.EmailFixed = true
		p.Form.Email = actor.Account.Email
		p.NewsConsent = s.cat.T(lang, "news.optin.idea", c.Name)
	}
	return p
}

// depositClosed says why the form is closed now (not yet open, or over), "" while open.
func (s *Server) depositClosed(lang i18n.Lang, c *campaign.Campaign) string {
	now := s.now()
	w, ok := c.Window(campaign.PhaseIdeas)
	switch {
	case !ok:
		return s.cat.T(lang, "idea.deposit.no_phase")
	case w.Contains(now):
		return ""
	case now.Before(w.Start):
		return s.cat.T(lang, "idea.deposit.not_yet", i18n.DateTime(lang, w.Start.In(c.Location())))
	default:
		return s.cat.T(lang, "idea.deposit.closed", i18n.Date(lang, w.End.In(c.Location())))
	}
}

func (s *Server) ideaDepositShow(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "idea_deposit", s.depositPage(r, campaignOf(r)))
}

// ideaDepositSubmit checks the form, resolves the commune and deposits the idea; the form
// comes back with the input and the errors next to the fields, or with the list of the
// communes that the text matched.
func (s *Server) ideaDepositSubmit(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	lang := langOf(r)
	p := s.depositPage(r, c)
	if p.Closed != "" {
		// Nothing is read nor saved: the phase is over (or not open yet).
		return s.render(w, r, http.StatusConflict, "idea_deposit", p)
	}
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	form, errs := idea.ParseDeposit(r.PostForm)
	actor := actorOf(r)
	if actor.SignedIn() {
		form.Email = actor.Account.Email
	} else {
		form.CheckEmail(errs)
	}
	commune, choices, key := idea.ResolveCommune(s.Territory, c.Territory, form.CommuneText, form.CommuneCode)
	switch {
	case key != "":
		errs.Add(idea.FieldCommuneText, key)
	case len(choices) > 0:
		errs.Add(idea.FieldCommune, "idea.error.commune_choose", len(choices))
		for _, ch := range choices {
			p.Choices = append(p.Choices, option{ch.Code, ideaCommuneLabel(ch)})
		}
	default:
		form.CommuneCode = commune.Code
	}
	p.Form = form
	p.News = p.NewsConsent != "" && r.PostForm.Get("news") != ""
	if len(errs) > 0 {
		p.Errors = errs
		return s.render(w, r, http.StatusUnprocessableEntity, "idea_deposit", p)
	}
	i, err := idea.Submit(r.Context(), s.ideaEnv(), change.By(actor), idea.SubmitInput{Campaign: c, Form: form, Lang: lang})
	if ae, ok := apperr.As(err); ok && ae.Kind == apperr.Conflict {
		p.Closed = s.cat.T(lang, ae.Message.Key, ae.Message.Args...)
		return s.render(w, r, http.StatusConflict, "idea_deposit", p)
	} else if ok && ae.Fields != nil {
		p.Errors = ae.Fields
		return s.render(w, r, formStatus(ae), "idea_deposit", p)
	}
	if err != nil {
		return err
	}
	if p.News {
		// The idea is saved: a refused subscription (the mail limits) does not undo it.
		if err := subscription.OptIn(r.Context(), s.subscriptionEnv(), change.By(actor), c, p.NewsConsent, form.CommuneCode, lang); err != nil {
			s.log.Warn("news opt-in with an idea", "err", err)
		}
	}
	s.sessions.Put(r.Context(), sessionIdeaKey, i.ID)
	s.flash(r, "idea.deposit.done")
	http.Redirect(w, r, ideaPath(c, i.ID)+"/orientation", http.StatusSeeOther)
	return nil
}

// ideaCommuneLabel names a commune with its postcodes, to tell apart homonyms.
func ideaCommuneLabel(c territory.Commune) string {
	if len(c.Postcodes) == 0 {
		return c.Name
	}
	return c.Name + " (" + c.Postcodes[0] + ")"
}

// ideaEnv is the environment of the idea commands.
func (s *Server) ideaEnv() idea.Env {
	return idea.Env{Change: s.changeEnv(), Mail: idea.Mailer{Cat: s.cat, BaseURL: s.baseURL}, Territory: s.Territory}
}
