package web

import (
	"net/http"
	"net/url"
	"strconv"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/review"
)

// The labelling committee for agents, under /admin/campagnes/{slug}/comite: the members and
// the assignments, the criteria grids (the session is in review_session.go; the commission's
// validation, the Commission permanente decision and the proclamation in
// review_commission.go).

func committeeURL(c *campaign.Campaign) string { return "/admin/campagnes/" + c.Slug + "/comite" }

type reviewAssignRow struct {
	D           dossier.Dossier
	Category    string
	Assignments []review.Assignment
	Active      int
	Missing     int
	Late        map[int64]bool // assignment id → overdue review
}

type reviewCommitteePage struct {
	Base
	Nav          []reviewLink
	C            *campaign.Campaign
	Members      []review.Member
	MemberOpts   []option
	Kinds        []option
	MinReviewers int
	Settings     review.Settings
	Due          string // the due date in words, "" without one
	Overdue      int    // reviews past the due date
	// The settings form's values: as typed after an error, else as stored.
	QuorumValue, DueValue string
	Rows                  []reviewAssignRow
	V                     url.Values
	Errors                apperr.FieldErrors
	Phase                 bool // the labelling phase is open
}

func (s *Server) reviewCommitteePage(r *http.Request, c *campaign.Campaign, v url.Values, fe apperr.FieldErrors) (reviewCommitteePage, error) {
	ctx := r.Context()
	lang := langOf(r)
	p := reviewCommitteePage{Base: s.base(r, "review.committee.title", c.Name), C: c, V: v, Errors: fe,
		Phase: c.IsOpen(campaign.PhaseLabelling, s.now()), Nav: s.reviewNav(r, c)}
	if p.V == nil {
		p.V = url.Values{}
	}
	var err error
	if p.Members, err = review.Members(ctx, s.db, c.ID); err != nil {
		return p, err
	}
	for _, m := range p.Members {
		p.MemberOpts = append(p.MemberOpts, option{strconv.FormatInt(m.AccountID, 10), m.Name + " — " + s.cat.T(lang, m.Kind.MessageKey())})
	}
	for _, k := range review.Kinds() {
		p.Kinds = append(p.Kinds, option{string(k), s.cat.T(lang, k.MessageKey())})
	}
	if p.Settings, err = review.SettingsOf(ctx, s.db, c.ID); err != nil {
		return p, err
	}
	p.MinReviewers = p.Settings.MinReviewers
	now := s.now()
	p.QuorumValue = strconv.Itoa(p.Settings.Quorum)
	if p.Settings.HasDue() {
		p.Due = i18n.Date(lang, p.Settings.DueOn.DayStart(c.Location()))
		p.DueValue = p.Settings.DueOn.String()
	}
	if q, ok := p.V["quorum"]; ok && len(q) > 0 {
		p.QuorumValue = q[0]
	}
	if d, ok := p.V["due_on"]; ok && len(d) > 0 {
		p.DueValue = d[0]
	}
	rows, _, err := review.Session(ctx, s.db, c)
	if err != nil {
		return p, err
	}
	for _, row := range rows {
		ar := reviewAssignRow{D: row.Dossier, Category: row.Category.Name, Assignments: row.Assignments, Late: map[int64]bool{}}
		for _, a := range row.Assignments {
			if a.Active() {
				ar.Active++
			}
			if review.IsOverdue(a, row.Dossier.State, p.Settings, now) {
				ar.Late[a.ID] = true
				p.Overdue++
			}
		}
		if open := row.Dossier.State == dossier.StateSubmitted || row.Dossier.State == dossier.StateUnderReview; open {
			ar.Missing = max(0, p.MinReviewers-ar.Active)
		}
		p.Rows = append(p.Rows, ar)
	}
	return p, nil
}

// reviewCommittee shows the committee: members, reviewers per dossier, assignments.
func (s *Server) reviewCommittee(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	p, err := s.reviewCommitteePage(r, c, nil, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "review_committee", p)
}

// reviewFormError re-displays the committee page with the form's errors, or returns err.
func (s *Server) reviewCommitteeError(w http.ResponseWriter, r *http.Request, c *campaign.Campaign, err error) error {
	ae, ok := apperr.As(err)
	if !ok || len(ae.Fields) == 0 {
		return err
	}
	p, perr := s.reviewCommitteePage(r, c, r.PostForm, ae.Fields)
	if perr != nil {
		return perr
	}
	return s.render(w, r, http.StatusUnprocessableEntity, "review_committee", p)
}

func (s *Server) reviewMemberAdd(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	nm, fe := review.ParseNewMember(r.PostForm.Get("email"), r.PostForm.Get("name"), r.PostForm.Get("kind"), r.PostForm.Get("organisation"))
	if err := fe.Err(); err != nil {
		return s.reviewCommitteeError(w, r, c, err)
	}
	if _, err := review.AddMember(r.Context(), s.reviewEnv(), whoOf(r), c, nm); err != nil {
		return s.reviewCommitteeError(w, r, c, err)
	}
	s.flash(r, "review.members.added")
	http.Redirect(w, r, committeeURL(c), http.StatusSeeOther)
	return nil
}

func (s *Server) reviewMemberRemove(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	id, err := pathID(r, "account")
	if err != nil {
		return err
	}
	if err := review.DropMember(r.Context(), s.reviewEnv(), whoOf(r), c, id); err != nil {
		return err
	}
	s.flash(r, "review.members.removed")
	http.Redirect(w, r, committeeURL(c), http.StatusSeeOther)
	return nil
}

// reviewSettings saves the committee's settings: reviewers per dossier, quorum, due date. A
// field the form does not send keeps its stored value (an older form sent only the number
// of reviewers).
func (s *Server) reviewSettings(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	cur, err := review.SettingsOf(r.Context(), s.db, c.ID)
	if err != nil {
		return err
	}
	quorum, due := strconv.Itoa(cur.Quorum), ""
	if cur.HasDue() {
		due = cur.DueOn.String()
	}
	if _, ok := r.PostForm["quorum"]; ok {
		quorum = r.PostForm.Get("quorum")
	}
	if _, ok := r.PostForm["due_on"]; ok {
		due = r.PostForm.Get("due_on")
	}
	set, fe := review.ParseSettings(c, langOf(r), r.PostForm.Get("min_reviewers"), quorum, due)
	err = fe.Err()
	if err == nil {
		err = review.Configure(r.Context(), s.reviewEnv(), whoOf(r), c, set)
	}
	if err != nil {
		return s.reviewCommitteeError(w, r, c, err)
	}
	s.flash(r, "committee.settings.saved")
	http.Redirect(w, r, committeeURL(c), http.StatusSeeOther)
	return nil
}

func (s *Server) reviewAssign(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	dossierID, _ := strconv.ParseInt(r.PostFormValue("dossier"), 10, 64)
	memberID, _ := strconv.ParseInt(r.PostFormValue("member"), 10, 64)
	if dossierID <= 0 || memberID <= 0 {
		fe := apperr.FieldErrors{}
		fe.Add("member", "review.assign.choose")
		return s.reviewCommitteeError(w, r, c, fe.Err())
	}
	if err := review.AssignManual(r.Context(), s.reviewEnv(), whoOf(r), c, review.Pair{DossierID: dossierID, AccountID: memberID}); err != nil {
		return err
	}
	s.flash(r, "review.assign.done")
	http.Redirect(w, r, committeeURL(c)+"#d"+strconv.FormatInt(dossierID, 10), http.StatusSeeOther)
	return nil
}

func (s *Server) reviewAssignAuto(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	n, err := review.AssignBalanced(r.Context(), s.reviewEnv(), whoOf(r), c)
	if err != nil {
		return err
	}
	if n == 0 {
		s.flash(r, "review.assign.auto_none")
	} else {
		s.flash(r, "review.assign.auto_done")
	}
	http.Redirect(w, r, committeeURL(c), http.StatusSeeOther)
	return nil
}

// ---- Criteria grids ----

type reviewCriteriaRow struct {
	Category campaign.Category
	Field    string
	Text     string
}

type reviewCriteriaPage struct {
	Base
	Nav    []reviewLink
	C      *campaign.Campaign
	Rows   []reviewCriteriaRow
	Errors apperr.FieldErrors
}

func (s *Server) reviewCriteria(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ids := make([]int64, len(c.Categories))
	for i, cat := range c.Categories {
		ids[i] = cat.ID
	}
	grids, err := review.Criteria(r.Context(), s.db, ids...)
	if err != nil {
		return err
	}
	p := reviewCriteriaPage{Base: s.base(r, "review.criteria.title", c.Name), C: c, Errors: apperr.FieldErrors{}, Nav: s.reviewNav(r, c)}
	for _, cat := range c.Categories {
		g := grids[cat.ID]
		if len(g) == 0 {
			g = review.DefaultCriteria()
		}
		p.Rows = append(p.Rows, reviewCriteriaRow{Category: cat, Field: "cat" + strconv.FormatInt(cat.ID, 10), Text: review.CriteriaText(g)})
	}
	return s.render(w, r, http.StatusOK, "review_criteria", p)
}

func (s *Server) reviewCriteriaSave(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	catID, _ := strconv.ParseInt(r.PostFormValue("category"), 10, 64)
	text := r.PostFormValue("criteria")
	cs, fe := review.ParseCriteria(text)
	if len(fe) == 0 {
		err := review.SaveCriteria(r.Context(), s.reviewEnv(), whoOf(r), c, catID, cs)
		if err == nil {
			s.flash(r, "review.criteria.saved")
			http.Redirect(w, r, committeeURL(c)+"/grilles", http.StatusSeeOther)
			return nil
		}
		if !apperr.IsKind(err, apperr.Conflict) {
			return err
		}
		fe.Add("criteria", "review.criteria.locked")
	}
	p := reviewCriteriaPage{Base: s.base(r, "review.criteria.title", c.Name), C: c, Errors: apperr.FieldErrors{}, Nav: s.reviewNav(r, c)}
	ids := make([]int64, len(c.Categories))
	for i, cat := range c.Categories {
		ids[i] = cat.ID
	}
	grids, err := review.Criteria(r.Context(), s.db, ids...)
	if err != nil {
		return err
	}
	for _, cat := range c.Categories {
		row := reviewCriteriaRow{Category: cat, Field: "cat" + strconv.FormatInt(cat.ID, 10)}
		g := grids[cat.ID]
		if len(g) == 0 {
			g = review.DefaultCriteria()
		}
		row.Text = review.CriteriaText(g)
		if cat.ID == catID {
			row.Text = text
			if m, ok := fe["criteria"]; ok {
				p.Errors[row.Field] = m
			}
		}
		p.Rows = append(p.Rows, row)
	}
	return s.render(w, r, http.StatusUnprocessableEntity, "review_criteria", p)
}
