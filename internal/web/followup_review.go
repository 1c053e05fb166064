package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/review"
)

// The agents' side of the updates: the queue of the updates waiting for review
// (/admin/campagnes/{slug}/suivi/actualites), each published or sent back with a comment,
// and the status form of a funded project (the partial followup_status, posted to
// /admin/campagnes/{slug}/suivi/{id}/statut): in progress, completed, or abandoned with
// its public reason, through the state machine (review.Move).

// followupQueueItem is an update waiting for an agent, with its project.
type followupQueueItem struct {
	U         followupUpdateView
	Project   string
	Structure string
	State     dossier.State
	AdminURL  string // the dossier's page for agents
	Comment   string // the comment field's name: one per update of the page
	Value     string // the comment typed in a refused form
}

type followupQueuePage struct {
	Base
	C      *campaign.Campaign
	Items  []followupQueueItem
	Action string
	Errors apperr.FieldErrors
}

// followupQueueURL is the agents' queue of the updates to review.
func followupQueueURL(slug string) string { return "/admin/campagnes/" + slug + "/suivi/actualites" }

// followupCommentField is the name of the comment field of one update of the queue.
func followupCommentField(updateID int64) string { return "comment_" + strconv.FormatInt(updateID, 10) }

func (s *Server) followupQueuePageFor(r *http.Request, c *campaign.Campaign, v url.Values, fe apperr.FieldErrors) (*followupQueuePage, error) {
	ctx := r.Context()
	us, err := followup.PendingUpdates(ctx, s.db, c.ID)
	if err != nil {
		return nil, err
	}
	set, err := followup.SettingsOf(ctx, s.db, c.ID)
	if err != nil {
		return nil, err
	}
	p := &followupQueuePage{Base: s.base(r, "followup.queue.title", c.Name), C: c, Action: followupQueueURL(c.Slug), Errors: fe}
	projects := map[int64]*dossier.Dossier{}
	for i := range us {
		u := us[i]
		d := projects[u.DossierID]
		if d == nil {
			if d, err = dossier.ByID(ctx, s.db, u.DossierID); err != nil {
				return nil, err
			}
			projects[u.DossierID] = d
		}
		view := followupUpdateViews([]followup.Update{u}, set, followupPhotoAt(c.Slug), nil)[0]
		field := followupCommentField(u.ID)
		p.Items = append(p.Items, followupQueueItem{U: view, Project: d.Title, Structure: d.StructureName, State: d.State,
			AdminURL: "/admin/campagnes/" + c.Slug + "/dossiers/" + strconv.FormatInt(d.ID, 10), Comment: field, Value: v.Get(field)})
	}
	return p, nil
}

// followupQueue lists the updates waiting for an agent, oldest first.
func (s *Server) followupQueue(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	p, err := s.followupQueuePageFor(r, c, url.Values{}, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "followup_queue", p)
}

// followupReview publishes an update, or sends it back with the comment typed beside it.
func (s *Server) followupReview(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	id, err := strconv.ParseInt(r.PostFormValue("update"), 10, 64)
	if err != nil || id <= 0 {
		return apperr.New(apperr.NotFound, "followup.update.not_found")
	}
	publish := r.PostFormValue("decision") == "publish"
	if !publish && r.PostFormValue("decision") != "return" {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	err = followup.ReviewUpdate(r.Context(), s.followupEnv(), whoOf(r), c, id, publish, r.PostFormValue(followupCommentField(id)))
	if fe, ok := fieldErrors(err); ok {
		moved := apperr.FieldErrors{}
		for field, m := range fe {
			if field == "comment" {
				field = followupCommentField(id)
			}
			moved[field] = m
		}
		p, err := s.followupQueuePageFor(r, c, r.PostForm, moved)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "followup_queue", p)
	}
	if err != nil {
		return err
	}
	if publish {
		s.flash(r, "followup.queue.published")
	} else {
		s.flash(r, "followup.queue.returned")
	}
	http.Redirect(w, r, followupQueueURL(c.Slug), http.StatusSeeOther)
	return nil
}

// followupStatusForm is the argument of the partial followup_status: the status form of a
// funded project, for the agents' page of the project (and the page of a refused change).
type followupStatusForm struct {
	Lang       i18n.Lang
	CSRF       string
	Action     string
	Back       string // where the form returns after the change
	State      dossier.State
	Options    []option // the states the project may move to
	To         string
	Motivation string
	Errors     apperr.FieldErrors
}

// followupStatusTargets are the states an agent may move a funded project to from state st.
func followupStatusTargets(st dossier.State) []dossier.State {
	var out []dossier.State
	for _, to := range []dossier.State{dossier.StateInProgress, dossier.StateCompleted, dossier.StateAbandoned} {
		if t, ok := dossier.TransitionTo(to); ok && t.Allows(st) {
			out = append(out, to)
		}
	}
	return out
}

// followupStatusPath is the address the status form of a project posts to.
func followupStatusPath(slug string, dossierID int64) string {
	return "/admin/campagnes/" + slug + "/suivi/" + strconv.FormatInt(dossierID, 10) + "/statut"
}

// followupStatusFormFor builds the status form of a project for the page of request r: back
// is the page the form returns to once the status changed (the page that shows it).
func (s *Server) followupStatusFormFor(r *http.Request, c *campaign.Campaign, d *dossier.Dossier, back string, v url.Values, fe apperr.FieldErrors) followupStatusForm {
	lang := langOf(r)
	f := followupStatusForm{Lang: lang, CSRF: s.csrfToken(r), Action: followupStatusPath(c.Slug, d.ID), Back: back, State: d.State,
		Errors: fe}
	if v != nil {
		f.To, f.Motivation = v.Get("to"), v.Get("motivation")
	}
	for _, to := range followupStatusTargets(d.State) {
		f.Options = append(f.Options, option{string(to), s.cat.T(lang, to.MessageKey())})
	}
	return f
}

type followupStatusPage struct {
	Base
	C      *campaign.Campaign
	D      *dossier.Dossier
	Status followupStatusForm
}

// followupBack is the page a status form returns to: the one it names, when it is one of
// the campaign's staff pages, else the agents' page of the project.
func followupBack(c *campaign.Campaign, dossierID int64, back string) string {
	prefix := "/admin/campagnes/" + c.Slug + "/"
	if u, err := url.Parse(back); err == nil && u.Host == "" && u.Scheme == "" && strings.HasPrefix(u.Path, prefix) &&
		!strings.Contains(u.Path, "//") {
		return u.RequestURI()
	}
	return prefix + "suivi/" + strconv.FormatInt(dossierID, 10)
}

// followupStatus moves a funded project to in progress, completed, or abandoned (with its
// public reason).
func (s *Server) followupStatus(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := dossier.ByID(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	if d.CampaignID != c.ID || !followup.Followed(d.State) {
		return apperr.New(apperr.NotFound, "followup.update.not_funded")
	}
	back := followupBack(c, d.ID, r.PostFormValue("back"))
	to := dossier.State(r.PostFormValue("to"))
	fe := apperr.FieldErrors{}
	if !followupStatusAllowed(d.State, to) {
		fe.Add("to", "followup.status.choose")
	} else {
		err = review.Move(r.Context(), s.reviewEnv(), whoOf(r), c, review.Step{DossierID: d.ID, To: to,
			Motivation: r.PostFormValue("motivation")})
		if f, ok := fieldErrors(err); ok {
			fe = f
		} else if ae, ok := apperr.As(err); ok && ae.Kind == apperr.Invalid {
			fe.Add("motivation", ae.Message.Key, ae.Message.Args...)
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		p := followupStatusPage{Base: s.base(r, "followup.status.title", d.Title), C: c, D: d,
			Status: s.followupStatusFormFor(r, c, d, back, r.PostForm, fe)}
		return s.render(w, r, http.StatusUnprocessableEntity, "followup_status_page", p)
	}
	s.flash(r, "followup.status.done")
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

func followupStatusAllowed(from, to dossier.State) bool {
	for _, t := range followupStatusTargets(from) {
		if t == to {
			return true
		}
	}
	return false
}
