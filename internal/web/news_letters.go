package web

import (
	"net/http"
	"strconv"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/subscription"
)

// The newsletters of a campaign (package subscription): the agents write one (title and
// plain paragraphs), preview it, send it to themselves, schedule it, or take it back before
// it goes; the worker sends it to the subscribers who want the newsletters.

const screenLetters = "letters"

type lettersPage struct {
	Base
	C       *campaign.Campaign
	Letters []letterView
	// Subscribers counts the confirmed subscribers who want the newsletters.
	Subscribers int
	// The letter shown (nil on the list): its form, its preview, its schedule.
	Letter  *letterView
	Form    subscription.LetterForm
	Errors  apperr.FieldErrors
	Preview *mail.Message
	SendAt  string // the schedule field as typed
}

type letterView struct {
	subscription.Letter
	Path string
	// When is the scheduled or actual sending, in the campaign's zone (zero: none).
	When time.Time
}

func viewLetter(c *campaign.Campaign, l subscription.Letter) letterView {
	v := letterView{Letter: l, Path: lettersPath(c) + "/" + strconv.FormatInt(l.ID, 10)}
	switch {
	case l.SentAt != nil:
		v.When = l.SentAt.In(c.Location())
	case l.SendAt != nil:
		v.When = l.SendAt.In(c.Location())
	}
	return v
}

func lettersPath(c *campaign.Campaign) string { return "/admin/campagnes/" + c.Slug + "/lettres" }

func (s *Server) lettersData(r *http.Request, c *campaign.Campaign) (lettersPage, error) {
	p := lettersPage{Base: s.base(r, "news.letters.title", c.Name), C: c}
	ls, err := subscription.Letters(r.Context(), s.db, c.ID)
	if err != nil {
		return p, err
	}
	for _, l := range ls {
		p.Letters = append(p.Letters, viewLetter(c, l))
	}
	p.Subscribers, err = subscription.CountWanting(r.Context(), s.db, c.ID, subscription.NewsLetters)
	return p, err
}

// lettersList is GET /admin/campagnes/{slug}/lettres: the newsletters and the form of a new one.
func (s *Server) lettersList(w http.ResponseWriter, r *http.Request) error {
	p, err := s.lettersData(r, campaignOf(r))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "news_letters", p)
}

// letterShow is GET /admin/campagnes/{slug}/lettres/{id}: one newsletter, its preview.
func (s *Server) letterShow(w http.ResponseWriter, r *http.Request) error {
	p, err := s.letterPage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "news_letter", p)
}

func (s *Server) letterPage(r *http.Request) (lettersPage, error) {
	c := campaignOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		return lettersPage{}, err
	}
	p, err := s.lettersData(r, c)
	if err != nil {
		return p, err
	}
	l, err := subscription.LetterByID(r.Context(), s.db, c.ID, id)
	if err != nil {
		return p, err
	}
	p.Title = s.cat.T(p.Lang, "news.letter.title", l.Title)
	v := viewLetter(c, *l)
	p.Letter = &v
	p.Form = subscription.LetterForm{Title: l.Title, Body: l.Body}
	m, err := subscription.PreviewLetter(r.Context(), s.subscriptionEnv(), s.db, c, id, p.Lang)
	if err != nil {
		return p, err
	}
	p.Preview = &m
	return p, nil
}

// letterSave is POST /admin/campagnes/{slug}/lettres (a new one) and …/lettres/{id} (a
// draft changed).
func (s *Server) letterSave(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r, "id"); err != nil {
			return err
		}
	}
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	f, errs := subscription.ParseLetter(r.PostForm)
	if len(errs) == 0 {
		var err error
		id, err = subscription.SaveLetter(r.Context(), s.subscriptionEnv(), whoOf(r), c, id, f)
		if ae, ok := apperr.As(err); ok && len(ae.Fields) > 0 {
			errs = ae.Fields
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		var p lettersPage
		var err error
		page := "news_letters"
		if id == 0 {
			p, err = s.lettersData(r, c)
		} else {
			p, err = s.letterPage(r)
			page = "news_letter"
		}
		if err != nil {
			return err
		}
		p.Form, p.Errors = f, errs
		return s.render(w, r, http.StatusUnprocessableEntity, page, p)
	}
	s.flash(r, "news.letter.saved")
	http.Redirect(w, r, lettersPath(c)+"/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// letterTest is POST …/lettres/{id}/essai: the newsletter to the agent's own address.
func (s *Server) letterTest(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := subscription.TestLetter(r.Context(), s.subscriptionEnv(), whoOf(r), c, id, langOf(r)); err != nil {
		return err
	}
	s.flash(r, "news.letter.tested")
	http.Redirect(w, r, lettersPath(c)+"/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// letterSchedule is POST …/lettres/{id}/programmer: the date and time of sending.
func (s *Server) letterSchedule(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	at, errs := subscription.ParseSendAt(r.PostForm.Get("send_at"), c.Location(), s.now())
	if len(errs) == 0 {
		err = subscription.ScheduleLetter(r.Context(), s.subscriptionEnv(), whoOf(r), c, id, at)
		if ae, ok := apperr.As(err); ok && len(ae.Fields) > 0 {
			errs = ae.Fields
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		p, err := s.letterPage(r)
		if err != nil {
			return err
		}
		p.Errors, p.SendAt = errs, r.PostForm.Get("send_at")
		return s.render(w, r, http.StatusUnprocessableEntity, "news_letter", p)
	}
	s.flash(r, "news.letter.scheduled")
	http.Redirect(w, r, lettersPath(c)+"/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// letterCancel is POST …/lettres/{id}/annuler: a scheduled newsletter is a draft again.
func (s *Server) letterCancel(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := subscription.CancelLetter(r.Context(), s.subscriptionEnv(), whoOf(r), c, id); err != nil {
		return err
	}
	s.flash(r, "news.letter.cancelled")
	http.Redirect(w, r, lettersPath(c)+"/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
