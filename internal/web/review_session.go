package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/review"
)

// The committee's session for agents, under /admin/campagnes/{slug}/comite/seance: the
// aggregates of the reviews, the decisions, the minutes (CSV and PDF), one dossier's reviews.

type reviewSessionRow struct {
	review.Row
	Average, Spread, Min, Max string
	Opinions                  []string
	URL                       string
}

type reviewSessionPage struct {
	Base
	Nav       []reviewLink
	C         *campaign.Campaign
	Rows      []reviewSessionRow
	Decisions []option
	Counts    []string
	V         url.Values
	Errors    apperr.FieldErrors
	Phase     bool
	Quorum    int
	Selected  map[int64]bool // the dossiers ticked, kept after an error
	// The rows shown are one page of the session's dossiers (sessionPerPage): the whole
	// list of a large edition made a page tens of thousands of pixels tall.
	Total, From, To, Page, Pages int
	PrevURL, NextURL             string
}

// sessionPerPage is how many dossiers one page of the session shows.
const sessionPerPage = 20

// decisions are what the session records: the target states of the committee's decisions.
var decisions = []dossier.State{dossier.StateLabelled, dossier.StateNotLabelled, dossier.StateIneligible, dossier.StateEligible, dossier.StateUnderReview}

func (s *Server) sessionRows(r *http.Request, c *campaign.Campaign) ([]reviewSessionRow, error) {
	lang := langOf(r)
	rows, _, err := review.Session(r.Context(), s.db, c)
	if err != nil {
		return nil, err
	}
	var out []reviewSessionRow
	for _, row := range rows {
		sr := reviewSessionRow{Row: row, URL: committeeURL(c) + "/dossiers/" + strconv.FormatInt(row.Dossier.ID, 10)}
		if row.Summary.Scored > 0 {
			sr.Average, sr.Spread = review.FormatScore(lang, row.Summary.Average), review.FormatScore(lang, row.Summary.Spread)
			sr.Min, sr.Max = review.FormatScore(lang, row.Summary.Min), review.FormatScore(lang, row.Summary.Max)
		}
		for _, o := range review.Opinions() {
			if n := row.Summary.Opinions[o]; n > 0 {
				sr.Opinions = append(sr.Opinions, strconv.Itoa(n)+" "+s.cat.T(lang, o.MessageKey()))
			}
		}
		out = append(out, sr)
	}
	return out, nil
}

func (s *Server) reviewSessionPage(r *http.Request, c *campaign.Campaign, v url.Values, fe apperr.FieldErrors) (reviewSessionPage, error) {
	lang := langOf(r)
	p := reviewSessionPage{Base: s.base(r, "review.session.title", c.Name), C: c, V: v, Errors: fe,
		Phase: c.IsOpen(campaign.PhaseLabelling, s.now()), Nav: s.reviewNav(r, c)}
	if p.V == nil {
		p.V = url.Values{}
	}
	p.Selected = map[int64]bool{}
	for _, raw := range p.V["ids"] {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
			p.Selected[id] = true
		}
	}
	var err error
	if p.Rows, err = s.sessionRows(r, c); err != nil {
		return p, err
	}
	set, err := review.SettingsOf(r.Context(), s.db, c.ID)
	if err != nil {
		return p, err
	}
	p.Quorum = set.Quorum
	counts := map[dossier.State]int{}
	for _, row := range p.Rows {
		counts[row.Dossier.State]++
	}
	for _, st := range dossier.States() {
		if n := counts[st]; n > 0 {
			p.Counts = append(p.Counts, s.cat.T(lang, st.MessageKey())+" : "+strconv.Itoa(n))
		}
	}
	// The page shown: the one asked in the address, or the one the refused form was on.
	page := pageParam(r.URL.Query())
	if p.V.Get("page") != "" {
		page = pageParam(p.V)
	}
	p.paginate(page, committeeURL(c)+"/seance")
	for _, st := range decisions {
		p.Decisions = append(p.Decisions, option{string(st), s.cat.T(lang, "review.decision."+string(st))})
	}
	return p, nil
}

// paginate keeps page n of the rows (the last page for a number past it).
func (p *reviewSessionPage) paginate(n int, path string) {
	p.Total = len(p.Rows)
	p.Pages = max(1, (p.Total+sessionPerPage-1)/sessionPerPage)
	p.Page = min(n, p.Pages)
	from := (p.Page - 1) * sessionPerPage
	to := min(from+sessionPerPage, p.Total)
	p.Rows = p.Rows[from:to]
	if to > from {
		p.From, p.To = from+1, to
	}
	if p.Page > 1 {
		p.PrevURL = pageLink(path, nil, p.Page-1)
	}
	if p.Page < p.Pages {
		p.NextURL = pageLink(path, nil, p.Page+1)
	}
}

func (s *Server) reviewSession(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	p, err := s.reviewSessionPage(r, c, nil, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "review_session", p)
}

// reviewDecide records the decision chosen for the ticked dossiers: one (audited on the
// dossier) or several at once (one audited batch, all or nothing).
func (s *Server) reviewDecide(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	to := dossier.State(r.PostForm.Get("decision"))
	valid := false
	for _, d := range decisions {
		valid = valid || d == to
	}
	var ids []int64
	for _, raw := range r.PostForm["ids"] {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	fe := apperr.FieldErrors{}
	if !valid {
		fe.Add("decision", "review.session.decision_required")
	}
	if len(ids) == 0 {
		fe.Add("ids", "review.bulk.empty")
	}
	motivation := r.PostForm.Get("motivation")
	override, reason := r.PostForm.Get("override") != "", r.PostForm.Get("override_reason")
	var err error = fe.Err()
	if err == nil {
		if len(ids) == 1 {
			err = review.Move(r.Context(), s.reviewEnv(), whoOf(r), c, review.Step{DossierID: ids[0], To: to, Motivation: motivation,
				Override: override, OverrideReason: reason})
		} else {
			steps := make([]review.Step, len(ids))
			for i, id := range ids {
				steps[i] = review.Step{DossierID: id, To: to, Motivation: motivation, Override: override, OverrideReason: reason}
			}
			err = review.MoveAll(r.Context(), s.reviewEnv(), whoOf(r), c, "decide_bulk", steps, nil)
		}
	}
	if ae, ok := apperr.As(err); ok && len(ae.Fields) > 0 && r.PostForm.Get("back") == "dossier" && len(ids) == 1 {
		// The dossier's own form: shown again, as typed.
		d, derr := dossier.ByID(r.Context(), s.db, ids[0])
		if derr != nil || d.CampaignID != c.ID {
			return apperr.New(apperr.NotFound, "dossier.not_found")
		}
		p, perr := s.reviewDossierPage(r, c, d, r.PostForm, ae.Fields)
		if perr != nil {
			return perr
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "review_dossier", p)
	}
	if ae, ok := apperr.As(err); ok && len(ae.Fields) > 0 {
		p, perr := s.reviewSessionPage(r, c, r.PostForm, ae.Fields)
		if perr != nil {
			return perr
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "review_session", p)
	}
	if err != nil {
		return err
	}
	s.flash(r, "review.session.recorded")
	back := pageLink(committeeURL(c)+"/seance", nil, pageParam(r.PostForm))
	if r.PostForm.Get("back") == "dossier" && len(ids) == 1 {
		back = committeeURL(c) + "/dossiers/" + strconv.FormatInt(ids[0], 10)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

func minutesName(c *campaign.Campaign, now time.Time, ext string) string {
	return "pv-comite-" + c.Slug + "-" + now.In(c.Location()).Format("20060102-1504") + "." + ext
}

func (s *Server) reviewMinutesCSV(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	rows, _, err := review.Session(r.Context(), s.db, c)
	if err != nil {
		return err
	}
	b, err := review.MinutesTable(s.cat, langOf(r), rows).CSV()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+minutesName(c, s.now(), "csv")+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(b)
	return err
}

func (s *Server) reviewMinutesPDF(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ctx := r.Context()
	rows, _, err := review.Session(ctx, s.db, c)
	if err != nil {
		return err
	}
	members, err := review.Members(ctx, s.db, c.ID)
	if err != nil {
		return err
	}
	cm, err := review.CommissionOf(ctx, s.db, c.ID)
	if err != nil {
		return err
	}
	b, err := review.Minutes{Cat: s.cat, Lang: langOf(r), Campaign: c, Rows: rows, Members: members, Commission: cm, Now: s.now()}.PDF()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+minutesName(c, s.now(), "pdf")+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(b)
	return err
}

// ---- One dossier, for agents: every review in full, and the decision ----

type reviewItemView struct {
	Item    review.Item
	Answer  review.Answer
	Comment string
}

type reviewScoreView struct {
	Criterion review.Criterion
	Score     string
	Comment   string
}

type reviewCardView struct {
	A        review.Assignment
	Items    []reviewItemView
	Scores   []reviewScoreView
	Weighted string
}

type reviewDossierPage struct {
	Base
	Nav        []reviewLink
	C          *campaign.Campaign
	D          *dossier.Dossier
	Category   campaign.Category
	Cards      []reviewCardView
	Summary    review.Summary
	Average    string
	Spread     string
	Decisions  []option
	History    []review.Event
	DossierURL string
	Phase      bool
	Quorum     int
	Returned   int // reviews handed in
	V          url.Values
	Errors     apperr.FieldErrors
}

func reviewCards(as []review.Assignment, crit []review.Criterion, lang i18n.Lang) []reviewCardView {
	var out []reviewCardView
	for _, a := range as {
		card := reviewCardView{A: a}
		for _, it := range review.Items() {
			ch := a.Review.Checklist[it]
			card.Items = append(card.Items, reviewItemView{Item: it, Answer: ch.Answer, Comment: ch.Comment})
		}
		for _, cr := range crit {
			sv := reviewScoreView{Criterion: cr}
			if sc, ok := a.Review.Scores[cr.ID]; ok {
				sv.Score, sv.Comment = strconv.Itoa(sc.Score), sc.Comment
			}
			card.Scores = append(card.Scores, sv)
		}
		if w, ok := review.Weighted(a.Review, crit); ok {
			card.Weighted = review.FormatScore(lang, w)
		}
		out = append(out, card)
	}
	return out
}

func (s *Server) reviewDossierAdmin(w http.ResponseWriter, r *http.Request) error {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	p, err := s.reviewDossierPage(r, c, d, nil, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "review_dossier", p)
}

// reviewDossierPage builds one dossier's page for agents, with the decision form's values
// and errors (v and fe nil on a first display).
func (s *Server) reviewDossierPage(r *http.Request, c *campaign.Campaign, d *dossier.Dossier, v url.Values, fe apperr.FieldErrors) (reviewDossierPage, error) {
	ctx := r.Context()
	lang := langOf(r)
	as, err := review.DossierAssignments(ctx, s.db, d.ID)
	if err != nil {
		return reviewDossierPage{}, err
	}
	crit, err := review.Criteria(ctx, s.db, d.CategoryID)
	if err != nil {
		return reviewDossierPage{}, err
	}
	set, err := review.SettingsOf(ctx, s.db, c.ID)
	if err != nil {
		return reviewDossierPage{}, err
	}
	if v == nil {
		v = url.Values{}
	}
	cat, _ := c.Category(d.CategoryID)
	p := reviewDossierPage{Base: s.base(r, "review.dossier.title", d.ID, d.Title), C: c, D: d, Category: cat,
		Cards: reviewCards(as, crit[d.CategoryID], lang), Summary: review.Summarize(as, crit[d.CategoryID]),
		DossierURL: "/admin/campagnes/" + c.Slug + "/dossiers/" + strconv.FormatInt(d.ID, 10),
		Phase:      c.IsOpen(campaign.PhaseLabelling, s.now()), Nav: s.reviewNav(r, c),
		Quorum: set.Quorum, V: v, Errors: fe}
	p.Returned = p.Summary.Submitted
	if p.Summary.Scored > 0 {
		p.Average, p.Spread = review.FormatScore(lang, p.Summary.Average), review.FormatScore(lang, p.Summary.Spread)
	}
	for _, st := range decisions {
		if t, ok := review.TransitionTo(st); ok && t.Allows(d.State) {
			p.Decisions = append(p.Decisions, option{string(st), s.cat.T(lang, "review.decision."+string(st))})
		}
	}
	if p.History, err = review.History(ctx, s.db, d); err != nil {
		return p, err
	}
	return p, nil
}

// reviewLink is one link of the review pages' navigation.
type reviewLink struct {
	URL, Label string
	Current    bool
}

// reviewNav lists the agents' review pages of the campaign, the current one marked.
func (s *Server) reviewNav(r *http.Request, c *campaign.Campaign) []reviewLink {
	lang := langOf(r)
	base := "/admin/campagnes/" + c.Slug
	var out []reviewLink
	for _, l := range []struct{ url, key string }{
		{base + "/comite", "review.nav.committee"}, {base + "/comite/grilles", "review.nav.criteria"},
		{base + "/comite/seance", "review.nav.session"}, {base + "/commission", "review.nav.commission"},
		{base + "/commission-permanente", "review.nav.decision"}, {"/admin/journal?action=review.", "review.nav.journal"},
	} {
		out = append(out, reviewLink{URL: l.url, Label: s.cat.T(lang, l.key), Current: r.URL.Path == l.url})
	}
	return out
}
