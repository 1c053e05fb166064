package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/review"
)

// The committee member's pages, under /{slug}/comite: the dossiers assigned to them, the
// declaration of conflicts of interest, and the review form. A member with a declared
// conflict cannot open or score the dossier (403).

type reviewMineRow struct {
	A      review.Assignment
	D      dossier.Dossier
	URL    string
	Status string // i18n key
}

type reviewMinePage struct {
	Base
	C    *campaign.Campaign
	Rows []reviewMineRow
	Due  string // the reviews' due date in words, "" without one
	Late bool   // the member has reviews past the due date
}

// reviewDue returns the campaign's review due date in words ("" without one).
func (s *Server) reviewDue(r *http.Request, c *campaign.Campaign) (string, review.Settings, error) {
	set, err := review.SettingsOf(r.Context(), s.db, c.ID)
	if err != nil || !set.HasDue() {
		return "", set, err
	}
	return i18n.LongDate(langOf(r), set.DueOn.DayStart(c.Location())), set, nil
}

// QueueReviewReminders queues the committee members' reminders of a near due date; the
// background worker calls it every few minutes.
func (s *Server) QueueReviewReminders(ctx context.Context) (int, error) {
	return review.QueueReminders(ctx, s.reviewEnv(), s.now())
}

func memberURL(c *campaign.Campaign, id int64) string {
	return "/" + c.Slug + "/comite/" + strconv.FormatInt(id, 10)
}

func (s *Server) reviewMine(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ctx := r.Context()
	as, err := review.AssignmentsOf(ctx, s.db, c.ID, actorOf(r).ID())
	if err != nil {
		return err
	}
	p := reviewMinePage{Base: s.base(r, "review.mine.title", c.Name), C: c}
	due, set, err := s.reviewDue(r, c)
	if err != nil {
		return err
	}
	p.Due = due
	for _, a := range as {
		d, err := dossier.ByID(ctx, s.db, a.DossierID)
		if err != nil {
			return err
		}
		p.Late = p.Late || review.IsOverdue(a, d.State, set, s.now())
		row := reviewMineRow{A: a, D: *d, URL: memberURL(c, a.DossierID)}
		switch {
		case a.Conflict == review.ConflictDeclared:
			row.Status = "review.mine.status.conflict"
		case a.Conflict == review.ConflictPending:
			row.Status = "review.mine.status.declare"
		case a.Review.Submitted():
			row.Status = "review.mine.status.submitted"
		default:
			row.Status = "review.mine.status.todo"
		}
		p.Rows = append(p.Rows, row)
	}
	return s.render(w, r, http.StatusOK, "review_mine", p)
}

type reviewCriterionField struct {
	Criterion    review.Criterion
	Field        string
	CommentField string
}

type reviewItemField struct {
	Item         review.Item
	Field        string
	CommentField string
}

type reviewFormPage struct {
	Base
	C           *campaign.Campaign
	D           *dossier.Dossier
	Category    campaign.Category
	A           *review.Assignment
	Items       []reviewItemField
	Criteria    []reviewCriterionField
	Answers     []option
	Scores      []string
	Opinions    []option
	V           url.Values
	Errors      apperr.FieldErrors
	Declare     bool // the member must declare first: only the declaration form is shown
	DossierURL  string
	Weighted    string
	SubmittedAt string
	Due         string // the reviews' due date in words, "" without one
}

// reviewMemberDossier loads the route's dossier and the member's assignment. Not assigned or
// in conflict: 403.
func (s *Server) reviewMemberDossier(r *http.Request) (*campaign.Campaign, *dossier.Dossier, *review.Assignment, error) {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return nil, nil, nil, err
	}
	a, err := review.CanOpen(r.Context(), s.db, d.ID, actorOf(r).ID())
	if apperr.IsKind(err, apperr.Forbidden) && a != nil && a.Conflict == review.ConflictPending {
		return c, d, a, nil // the page shows the declaration only
	}
	if err != nil {
		return nil, nil, nil, err
	}
	return c, d, a, nil
}

func (s *Server) reviewFormPageFor(r *http.Request, c *campaign.Campaign, d *dossier.Dossier, a *review.Assignment, v url.Values, fe apperr.FieldErrors) (reviewFormPage, error) {
	lang := langOf(r)
	cat, _ := c.Category(d.CategoryID)
	p := reviewFormPage{Base: s.base(r, "review.form.title", d.ID, d.Title), C: c, D: d, Category: cat, A: a, V: v, Errors: fe,
		Declare: a.Conflict == review.ConflictPending, DossierURL: "/" + c.Slug + "/dossiers/" + strconv.FormatInt(d.ID, 10)}
	var err error
	if p.Due, _, err = s.reviewDue(r, c); err != nil {
		return p, err
	}
	if p.Declare {
		p.Title = s.cat.T(lang, "review.declare.title", d.ID)
		p.D = &dossier.Dossier{ID: d.ID, Title: d.Title, StructureName: d.StructureName}
		return p, nil
	}
	crit, err := review.Criteria(r.Context(), s.db, d.CategoryID)
	if err != nil {
		return p, err
	}
	grid := crit[d.CategoryID]
	if p.V == nil {
		p.V = a.Review.Values(grid)
	}
	for _, it := range review.Items() {
		p.Items = append(p.Items, reviewItemField{Item: it, Field: review.ItemField(it), CommentField: review.ItemCommentField(it)})
	}
	for _, cr := range grid {
		p.Criteria = append(p.Criteria, reviewCriterionField{Criterion: cr, Field: review.ScoreField(cr.ID), CommentField: review.ScoreCommentField(cr.ID)})
	}
	for _, an := range review.Answers() {
		p.Answers = append(p.Answers, option{string(an), s.cat.T(lang, an.MessageKey())})
	}
	for i := 0; i <= review.MaxScore; i++ {
		p.Scores = append(p.Scores, strconv.Itoa(i))
	}
	for _, o := range review.Opinions() {
		p.Opinions = append(p.Opinions, option{string(o), s.cat.T(lang, o.MessageKey())})
	}
	if w, ok := review.Weighted(a.Review, grid); ok {
		p.Weighted = review.FormatScore(lang, w)
	}
	if a.Review.SubmittedAt != nil {
		p.SubmittedAt = i18n.DateTime(lang, a.Review.SubmittedAt.In(c.Location()))
	}
	return p, nil
}

func (s *Server) reviewForm(w http.ResponseWriter, r *http.Request) error {
	c, d, a, err := s.reviewMemberDossier(r)
	if err != nil {
		return err
	}
	p, err := s.reviewFormPageFor(r, c, d, a, nil, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "review_form", p)
}

func (s *Server) reviewDeclare(w http.ResponseWriter, r *http.Request) error {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	var conflict bool
	switch r.PostFormValue("conflict") {
	case "yes":
		conflict = true
	case "no":
	default:
		return apperr.New(apperr.Invalid, "review.conflict_invalid")
	}
	if _, err := review.DeclareConflict(r.Context(), s.reviewEnv(), whoOf(r), c, d.ID, conflict, r.PostFormValue("note")); err != nil {
		return err
	}
	if conflict {
		s.flash(r, "review.declare.conflict_saved")
		http.Redirect(w, r, "/"+c.Slug+"/comite", http.StatusSeeOther)
		return nil
	}
	s.flash(r, "review.declare.none_saved")
	http.Redirect(w, r, memberURL(c, d.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) reviewSave(w http.ResponseWriter, r *http.Request) error {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	a, err := review.CanOpen(r.Context(), s.db, d.ID, actorOf(r).ID())
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	crit, err := review.Criteria(r.Context(), s.db, d.CategoryID)
	if err != nil {
		return err
	}
	final := r.PostForm.Get("submit") == "final"
	rv, fe := review.ParseReview(r.PostForm, crit[d.CategoryID], final)
	if len(fe) == 0 {
		err = review.SubmitReview(r.Context(), s.reviewEnv(), whoOf(r), c, d.ID, rv, final)
		if err == nil {
			if final {
				s.flash(r, "review.form.submitted")
				http.Redirect(w, r, "/"+c.Slug+"/comite", http.StatusSeeOther)
			} else {
				s.flash(r, "review.form.saved")
				http.Redirect(w, r, memberURL(c, d.ID), http.StatusSeeOther)
			}
			return nil
		}
		return err
	}
	p, err := s.reviewFormPageFor(r, c, d, a, r.PostForm, fe)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusUnprocessableEntity, "review_form", p)
}

// ---- The carrier's history ----

type reviewHistoryPage struct {
	Base
	C       *campaign.Campaign
	D       *dossier.Dossier
	Events  []review.Event
	Current dossier.State
}

// reviewHistory shows the carrier (and staff) the project's history: each state with its
// date and public motivation. Reviews and scores never appear here.
func (s *Server) reviewHistory(w http.ResponseWriter, r *http.Request) error {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	if err := s.canRead(r.Context(), actorOf(r), c, d); err != nil {
		return err
	}
	events, err := review.History(r.Context(), s.db, d)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "review_history", reviewHistoryPage{
		Base: s.base(r, "review.history.title", d.Title), C: c, D: d, Events: events, Current: d.State})
}
