package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/idea"
	"budgetcitoyen/internal/mail"
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
	MaxTitle   int
	MaxDesc    int
}

func (s *Server) depositPage(r *http.Request, c *campaign.Campaign) ideaDepositPage {
	lang := langOf(r)
	p := ideaDepositPage{
		Base: s.base(r, "idea.deposit.title", c.Name), Campaign: c,
		Themes: s.ideaThemeOptions(lang), Carriers: s.ideaCarrierOptions(lang),
		MaxTitle: idea.MaxTitleLen, MaxDesc: idea.MaxDescriptionLen,
		Form: idea.Deposit{Carrier: idea.CarrierPerson},
	}
	p.Closed = s.depositClosed(lang, c)
	if actor := actorOf(r); actor.SignedIn() {
		p.EmailFixed = true
		p.Form.Email = actor.Account.Email
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
	if len(errs) > 0 {
		p.Errors = errs
		return s.render(w, r, http.StatusUnprocessableEntity, "idea_deposit", p)
	}
	id, err := s.depositIdea(r.Context(), c, actor, form, commune, lang)
	if ae, ok := apperr.As(err); ok && ae.Kind == apperr.Conflict {
		p.Closed = s.cat.T(lang, ae.Message.Key, ae.Message.Args...)
		return s.render(w, r, http.StatusConflict, "idea_deposit", p)
	}
	if err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionIdeaKey, id)
	s.flash(r, "idea.deposit.done")
	http.Redirect(w, r, ideaPath(c, id)+"/orientation", http.StatusSeeOther)
	return nil
}

// ideaCommuneLabel names a commune with its postcodes, to tell apart homonyms.
func ideaCommuneLabel(c territory.Commune) string {
	if len(c.Postcodes) == 0 {
		return c.Name
	}
	return c.Name + " (" + c.Postcodes[0] + ")"
}

// depositIdea creates or finds the author's account and stores the idea, with the audit
// entry and the e-mails, in one transaction.
func (s *Server) depositIdea(ctx context.Context, c *campaign.Campaign, actor access.Actor, form idea.Deposit,
	commune territory.Commune, lang i18n.Lang) (int64, error) {
	var id int64
	_, err := change.Do(ctx, s.changeEnv(), change.Request{
		// Anyone may deposit, visitors included: the deposit itself gives them an account.
		Who: change.By(actor), Permission: access.PermPublic, Campaign: c.During(campaign.PhaseIdeas),
		Action: "idea.deposit", EntityKind: "idea",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			now := s.now()
			var mails []mail.Message
			author, created, err := s.ideaAuthor(ctx, tx, actor, form.Email, now)
			if err != nil {
				return change.Outcome{}, err
			}
			if created {
				m, err := s.verificationMail(ctx, tx, author, lang, now)
				if err != nil {
					return change.Outcome{}, err
				}
				mails = append(mails, m)
			} else if !actor.SignedIn() {
				lang = ideaAccountLang(author)
			}
			i := form.Idea(c.ID, author.ID, commune, now)
			if err := idea.Insert(ctx, tx, i); err != nil {
				return change.Outcome{}, err
			}
			id = i.ID
			mails = append(mails, s.depositMail(author.Email, lang, c, i, commune, !created && !actor.SignedIn()))
			return change.Outcome{EntityID: strconv.FormatInt(i.ID, 10), After: auditIdea(i), Mails: mails}, nil
		},
	})
	return id, err
}

// ideaAuthor returns the signed-in person, or the account of the typed address, created
// (as a citizen without password) when there is none.
func (s *Server) ideaAuthor(ctx context.Context, tx *db.Tx, actor access.Actor, email string, now time.Time) (a *access.Account, created bool, err error) {
	if actor.SignedIn() {
		return actor.Account, false, nil
	}
	a, err = account.ByEmail(ctx, tx, email)
	if err == nil {
		return a, false, nil
	}
	if !apperr.IsKind(err, apperr.NotFound) {
		return nil, false, err
	}
	if a, err = account.Create(ctx, tx, email, "", now); err != nil {
		return nil, false, err
	}
	if err := account.GrantRole(ctx, tx, a.ID, access.Citizen, nil, now); err != nil {
		return nil, false, err
	}
	return a, true, nil
}

// depositMail acknowledges the idea. attached: the address belonged to an account already
// and the deposit was made without signing in, so the owner learns of it and can object.
func (s *Server) depositMail(to string, lang i18n.Lang, c *campaign.Campaign, i *idea.Idea, commune territory.Commune, attached bool) mail.Message {
	link := s.baseURL + ideaPath(c, i.ID)
	orientation := s.baseURL + ideaPath(c, i.ID) + "/orientation"
	body := s.cat.T(lang, "mail.idea.deposit.body", c.Name, i.Title, commune.Name,
		s.cat.T(lang, i.Theme.MessageKey()), link, orientation)
	if attached {
		body += "\n\n" + s.cat.T(lang, "mail.idea.deposit.attached", s.baseURL+"/connexion/code")
	}
	body += "\n\n" + s.cat.T(lang, "mail.idea.signature", c.Name)
	return mail.Message{To: to, Subject: s.cat.T(lang, "mail.idea.deposit.subject", i.Title), Body: body}
}

// auditIdea is what the audit log keeps of an idea (the author by account id only).
func auditIdea(i *idea.Idea) map[string]any {
	m := map[string]any{
		"title": i.Title, "theme": i.Theme, "commune": i.Commune, "carrier": i.Carrier,
		"structure": i.Structure, "author_id": i.AuthorID, "hidden": i.Hidden(),
	}
	if i.Hidden() {
		m["hidden_reason"] = i.HiddenReason
	}
	return m
}
