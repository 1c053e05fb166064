package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/vote"
)

// voteCategory is one category of the ballot with its projects.
type voteCategory struct {
	ID        int64
	Name      string
	Projects  []voteProjectView
	Abstained bool // one per category: no project chosen here
}

type voteHomePage struct {
	Base
	Campaign     *campaign.Campaign
	Step         string
	Voters       int
	Settings     vote.Settings
	Rule         string
	K            int
	Categories   []voteCategory
	Error        string
	Errors       apperr.FieldErrors
	Form         voteIdentityForm
	Communes     []option
	Publication  string
	ContactEmail string
	Email        string
}

// voteIdentityForm keeps what the voter typed.
type voteIdentityForm struct {
	Method, Nom, Prenom, Naissance, Commune string
}

// voteHome is /{slug}/vote: what it shows depends on the window and on who asks.
func (s *Server) voteHome(w http.ResponseWriter, r *http.Request) error {
	p, err := s.votePage(r)
	if err != nil {
		return err
	}
	if p.Step == string(vote.StepBallot) {
		// Coming back from the review page ("change my choices") keeps the choices.
		chosen, _ := vote.ParseChoices(r.URL.Query())
		if err := s.voteFillBallot(r, &p, chosen); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "vote_home", p)
}

// votePage works out the step of the vote page for this request.
func (s *Server) votePage(r *http.Request) (voteHomePage, error) {
	c := campaignOf(r)
	ctx := r.Context()
	now := s.now()
	p := voteHomePage{Base: s.base(r, "vote.title", c.Name), Campaign: c, Rule: c.VoteRule.Kind, K: c.VoteRule.K,
		Publication: c.BallotPublication, ContactEmail: c.ContactEmail}
	var err error
	if p.Voters, err = vote.VoterCount(ctx, s.db, c.ID); err != nil {
		return p, err
	}
	if p.Settings, err = vote.SettingsOf(ctx, s.db, c.ID); err != nil {
		return p, err
	}
	actor := actorOf(r)
	sealed, err := s.voteSealed(r)
	if err != nil {
		return p, err
	}
	step, err := vote.StepOf(c, actor, now, sealed, func() (vote.Progress, error) {
		v, err := s.voterOf(ctx, c.ID, actor.ID())
		if apperr.IsKind(err, apperr.NotFound) {
			return vote.Progress{}, nil
		}
		if err != nil {
			return vote.Progress{}, err
		}
		voted, err := vote.HasVoted(ctx, s.db, c.ID, v.PersonKey)
		return vote.Progress{Voter: v, Voted: voted}, err
	})
	if err != nil {
		return p, err
	}
	p.Step = string(step)
	if step == vote.StepIdentity {
		p.Communes = s.voteCommuneOptions(c)
		if p.Settings.EmailDeclaration {
			p.Form.Method = vote.MethodEmail
		} else {
			p.Form.Method = vote.MethodCensus
		}
	}
	return p, nil
}

func (s *Server) voteCommuneOptions(c *campaign.Campaign) []option {
	cs := s.Territory.Communes(c.Territory)
	out := make([]option, 0, len(cs))
	for _, cm := range cs {
		label := cm.Name
		if len(cm.Postcodes) > 0 {
			label += " (" + cm.Postcodes[0] + ")"
		}
		out = append(out, option{cm.Code, label})
	}
	return out
}

// voteFillBallot puts the projects on the page, by category, with the given choices ticked.
func (s *Server) voteFillBallot(r *http.Request, p *voteHomePage, chosen []int64) error {
	c := p.Campaign
	ps, err := s.ballotProjects(r.Context(), c.ID)
	if err != nil {
		return err
	}
	views := s.voteViews(langOf(r), c, ps)
	p.Categories = groupByCategory(c, views, chosen)
	return nil
}

func groupByCategory(c *campaign.Campaign, views []voteProjectView, chosen []int64) []voteCategory {
	var out []voteCategory
	for _, cat := range c.Categories {
		vc := voteCategory{ID: cat.ID, Name: cat.Name, Abstained: true}
		for _, v := range views {
			if v.CategoryID != cat.ID {
				continue
			}
			if _, ok := slices.BinarySearch(chosen, v.ID); ok {
				v.Checked = true
				vc.Abstained = false
			}
			vc.Projects = append(vc.Projects, v)
		}
		if len(vc.Projects) > 0 {
			out = append(out, vc)
		}
	}
	return out
}

// voteReady checks, for the review and the confirmation, that the vote is open and the
// person registered and not yet voted; it returns the voter.
func (s *Server) voteReady(r *http.Request) (*vote.Voter, error) {
	c := campaignOf(r)
	if !c.IsOpen(campaign.PhaseVote, s.now()) {
		return nil, apperr.New(apperr.Conflict, "vote.closed")
	}
	if sealed, err := s.voteSealed(r); err != nil || !sealed {
		if err == nil {
			err = vote.ErrUnsealed
		}
		return nil, err
	}
	v, err := s.voterOf(r.Context(), c.ID, actorOf(r).ID())
	if err != nil {
		return nil, err
	}
	return v, nil
}

type voteReviewPage struct {
	Base
	Campaign   *campaign.Campaign
	Categories []voteCategory
	Chosen     []int64
	BackURL    string
	TotalCents int64
	Rule       string
}

// voteChoices parses and validates the ballot of the request.
func (s *Server) voteChoices(r *http.Request) ([]int64, []vote.Project, error) {
	c := campaignOf(r)
	if err := r.ParseForm(); err != nil {
		return nil, nil, apperr.New(apperr.Invalid, "vote.ballot.unknown_project")
	}
	choices, err := vote.ParseChoices(r.PostForm)
	if err != nil {
		return nil, nil, err
	}
	ps, err := s.ballotProjects(r.Context(), c.ID)
	if err != nil {
		return nil, nil, err
	}
	return choices, ps, vote.RuleOf(c).Validate(choices, vote.Options(ps))
}

// voteReview shows the chosen projects before the final confirmation. An invalid ballot
// goes back to the form with the choices kept and the reason.
func (s *Server) voteReview(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.voteReady(r); err != nil {
		return s.voteNotReady(w, r, err)
	}
	c := campaignOf(r)
	choices, ps, err := s.voteChoices(r)
	if err != nil {
		return s.voteBallotError(w, r, choices, err)
	}
	views := s.voteViews(langOf(r), c, ps)
	q := url.Values{}
	for _, id := range choices {
		q.Add("p", strconv.FormatInt(id, 10))
	}
	return s.render(w, r, http.StatusOK, "vote_review", voteReviewPage{
		Base: s.base(r, "vote.review.title"), Campaign: c, Categories: groupByCategory(c, views, choices),
		Chosen: choices, BackURL: "/" + c.Slug + "/vote?" + q.Encode(),
		TotalCents: vote.SumSupport(choices, vote.Options(ps)), Rule: c.VoteRule.Kind})
}

// voteBallotError shows the ballot again with the user's choices and what is wrong.
func (s *Server) voteBallotError(w http.ResponseWriter, r *http.Request, choices []int64, err error) error {
	ae, ok := apperr.As(err)
	if !ok {
		return err
	}
	p, perr := s.votePage(r)
	if perr != nil {
		return perr
	}
	if p.Step != string(vote.StepBallot) {
		return s.render(w, r, http.StatusConflict, "vote_home", p)
	}
	if err := s.voteFillBallot(r, &p, choices); err != nil {
		return err
	}
	p.Error = s.cat.T(langOf(r), ae.Message.Key, ae.Message.Args...)
	return s.render(w, r, http.StatusUnprocessableEntity, "vote_home", p)
}

// voteNotReady answers a review or a confirmation that cannot go on: not registered, closed.
func (s *Server) voteNotReady(w http.ResponseWriter, r *http.Request, err error) error {
	if apperr.IsKind(err, apperr.NotFound) {
		http.Redirect(w, r, "/"+campaignOf(r).Slug+"/vote", http.StatusSeeOther)
		return nil
	}
	return err
}

type voteReceiptPage struct {
	Base
	Campaign    *campaign.Campaign
	Receipt     string
	Tracker     string    // the fingerprint of the sealed ballot, when the box is sealed
	Day         time.Time // the day of the vote, in the campaign's time zone
	Publication string
	CheckURL    string // where the receipt is checked (the published ballots) or the results
}

// receiptCheck returns the page where a receipt code is checked after the close (the
// published ballots) or, when ballots are published without codes, the results, with the
// text that says so.
func (s *Server) receiptCheck(lang i18n.Lang, c *campaign.Campaign) (url, text string) {
	base := strings.TrimRight(s.baseURL, "/") + "/" + c.Slug + "/resultats"
	if c.BallotPublication == campaign.PublishReceipts {
		return base + "/bulletins", s.cat.T(lang, "vote.receipt.check_verifiable", base+"/bulletins")
	}
	return base, s.cat.T(lang, "vote.receipt.check_recount", base)
}

// voteConfirm casts the ballot: the window (to the second), the registration and the rule
// are checked again, then the ballot and the participation go in the box together. The
// confirmation page is sent only once both are committed.
func (s *Server) voteConfirm(w http.ResponseWriter, r *http.Request) error {
	v, err := s.voteReady(r)
	if err != nil {
		return s.voteNotReady(w, r, err)
	}
	c := campaignOf(r)
	choices, _, err := s.voteChoices(r)
	if err != nil {
		return s.voteBallotError(w, r, choices, err)
	}
	lang := langOf(r)
	now := s.now()
	loc := c.Location()
	y, m, d := now.In(loc).Date()
	cast := vote.Cast{CampaignID: c.ID, PersonKey: v.PersonKey, Commune: v.Commune,
		AgeBracket: vote.AgeBracket(v.BirthDate, vote.Date{Year: y, Month: m, Day: d}), Choices: choices,
		Receipt: vote.NewReceipt(), Day: vote.DayOf(now, loc)}
	acc := actorOf(r).Account
	if acc != nil && acc.Email != "" {
		m := s.voteEnv().Mail.Voted(acc.Email, lang, c)
		cast.Mail = &m
	}
	receipt, err := s.box.Cast(r.Context(), cast)
	if errors.Is(err, vote.ErrAlreadyVoted) {
		p, perr := s.votePage(r)
		if perr != nil {
			return perr
		}
		p.Error = s.cat.T(lang, "vote.already_voted")
		return s.render(w, r, http.StatusConflict, "vote_home", p)
	}
	if err != nil {
		return err
	}
	checkURL, _ := s.receiptCheck(lang, c)
	return s.render(w, r, http.StatusOK, "vote_receipt", voteReceiptPage{Base: s.base(r, "vote.receipt.title"),
		Campaign: c, Receipt: receipt.Code, Tracker: receipt.Tracker, Day: time.Date(y, m, d, 0, 0, 0, 0, loc), Publication: c.BallotPublication,
		CheckURL: checkURL})
}

// voteReceiptDownload answers the receipt shown on the confirmation page as a text file. The
// code comes back in the form (a POST: never in a URL, which the request log keeps); the
// server checks its form only, and neither stores nor logs it. The day of the vote comes
// back too (today's if it is missing or not a date).
func (s *Server) voteReceiptDownload(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	lang := langOf(r)
	code := vote.NormalizeReceipt(r.PostFormValue("code"))
	if !vote.IsReceipt(code) {
		return apperr.New(apperr.Invalid, "vote.receipt.invalid")
	}
	loc := c.Location()
	day, err := time.ParseInLocation(time.DateOnly, r.PostFormValue("jour"), loc)
	if err != nil {
		y, m, d := s.now().In(loc).Date()
		day = time.Date(y, m, d, 0, 0, 0, 0, loc)
	}
	_, check := s.receiptCheck(lang, c)
	var b strings.Builder
	b.WriteString(s.cat.T(lang, "vote.receipt.print_heading") + " — " + s.cat.T(lang, "site.name") + "\n\n")
	b.WriteString(s.cat.T(lang, "vote.receipt.print_campaign") + " " + c.Name + "\n")
	b.WriteString(s.cat.T(lang, "vote.receipt.print_code") + " " + code + "\n")
	b.WriteString(s.cat.T(lang, "vote.receipt.print_day") + " " + i18n.Date(lang, day) + "\n\n")
	b.WriteString(check + "\n\n")
	b.WriteString(s.cat.T(lang, "vote.receipt.file_note") + "\n")
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="recu-vote-`+c.Slug+`.txt"`)
	h.Set("Cache-Control", "private, no-store")
	_, err = io.WriteString(w, b.String())
	return err
}

// ---- Identity ----

// voteEnv is what the vote's commands need.
func (s *Server) voteEnv() vote.Env {
	return vote.Env{Change: s.changeEnv(), Territory: s.Territory, Mail: vote.Mailer{Cat: s.cat, BaseURL: s.baseURL},
		ClearBallots: s.clearBallots}
}

// voteSealed reports whether the request's campaign may take ballots as far as its box goes:
// a vote opens only into a sealed box (or, for the bench alone, in clear).
func (s *Server) voteSealed(r *http.Request) (bool, error) {
	if s.clearBallots {
		return true, nil
	}
	return s.box.Sealed(r.Context(), campaignOf(r).ID)
}

// voteEmail starts the vote of a visitor: the account of the address is created if needed
// (without password: it signs in with codes), a code is sent, and the code page comes back
// to the vote.
func (s *Server) voteEmail(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	email := strings.TrimSpace(r.PostFormValue("email"))
	p := s.codePage(r, email, "/"+c.Slug+"/vote")
	a, err := vote.Enter(r.Context(), s.voteEnv(), whoOf(r), vote.EnterInput{Campaign: c, Email: email})
	if err == nil && !a.Disabled {
		err = s.sendLoginCode(r, a)
	}
	if ae, ok := apperr.As(err); ok && len(ae.Fields) > 0 {
		hp, err := s.votePage(r)
		if err != nil {
			return err
		}
		hp.Email = email
		hp.Errors = ae.Fields
		return s.render(w, r, formStatus(ae), "vote_home", hp)
	}
	if err != nil {
		return err
	}
	p.CodeSent = true
	return s.render(w, r, http.StatusOK, "signin_code", p)
}

// voteIdentity registers the signed-in account as a voter of the campaign: by declaration
// (names, birth date, commune) or by the census list (names and birth date). A refusal of
// the rules (census, eligibility, the same person registered by another account) is shown
// on the page, with the contact when the voter needs it.
func (s *Server) voteIdentity(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	p, err := s.votePage(r)
	if err != nil {
		return err
	}
	if step := vote.Step(p.Step); step != vote.StepIdentity {
		if step == vote.StepUnsealed {
			return vote.ErrUnsealed
		}
		if step.Closed() {
			return apperr.New(apperr.Conflict, "vote.closed")
		}
		http.Redirect(w, r, "/"+c.Slug+"/vote", http.StatusSeeOther)
		return nil
	}
	f := voteIdentityForm{Method: r.PostFormValue("methode"), Nom: r.PostFormValue("nom"), Prenom: r.PostFormValue("prenom"),
		Naissance: r.PostFormValue("naissance"), Commune: r.PostFormValue("commune")}
	p.Form = f
	method := vote.MethodEmail
	if f.Method == vote.MethodCensus {
		method = vote.MethodCensus
	}
	_, err = vote.Register(r.Context(), s.voteEnv(), whoOf(r), vote.RegisterInput{Campaign: c, Identity: vote.Identity{
		Method: method, FamilyName: f.Nom, GivenName: f.Prenom, BirthDate: f.Naissance, Commune: f.Commune}})
	if status, ok := s.voteRefused(r, err, &p.Error, &p.Errors); ok {
		return s.render(w, r, status, "vote_home", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/"+c.Slug+"/vote", http.StatusSeeOther)
	return nil
}

// voteRefused puts on the page what a refused registration says: the fields to correct, or
// the rule that refused it, with the status of the answer. ok is false for any other error.
func (s *Server) voteRefused(r *http.Request, err error, msg *string, fields *apperr.FieldErrors) (status int, ok bool) {
	var ref *vote.Refusal
	if errors.As(err, &ref) {
		*msg = s.cat.T(langOf(r), ref.Err.Message.Key, ref.Err.Message.Args...)
		switch ref.Check {
		case vote.CheckCensus:
			return http.StatusUnprocessableEntity, true
		case vote.CheckDuplicate:
			return http.StatusConflict, true
		}
		return http.StatusForbidden, true
	}
	if ae, isApp := apperr.As(err); isApp && len(ae.Fields) > 0 {
		*fields = ae.Fields
		return http.StatusUnprocessableEntity, true
	}
	return 0, false
}
