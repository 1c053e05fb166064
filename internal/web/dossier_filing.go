package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
)

// The carrier's changes of a dossier: each handler parses the form, calls one command of
// package dossier and renders its result.

// dossierEnv is what the dossier commands need.
func (s *Server) dossierEnv() dossier.Env {
	return dossier.Env{Change: s.changeEnv(), Mail: dossier.Mailer{Cat: s.cat, BaseURL: s.baseURL}, Blobs: s.blobs(),
		Territory: s.Territory}
}

// fieldErrors returns the field errors of a refused change, if it is one.
func fieldErrors(err error) (apperr.FieldErrors, bool) {
	if ae, ok := apperr.As(err); ok && ae.Kind == apperr.Invalid && len(ae.Fields) > 0 {
		return ae.Fields, true
	}
	return nil, false
}

// renderComptoir shows why a dossier cannot be started: the campaign requires a comptoir the
// person has not attended, with the upcoming sessions.
func (s *Server) renderComptoir(w http.ResponseWriter, r *http.Request, c *campaign.Campaign) error {
	_, sessions, err := s.comptoirBlocked(r.Context(), c, actorOf(r).ID())
	if err != nil {
		return err
	}
	p := dossierHomePage{Base: s.base(r, "dossier.comptoir.title"), C: c, NeedComptoir: true, Sessions: sessions,
		Open: true, Deadline: s.deadlineText(r, c)}
	return s.render(w, r, http.StatusForbidden, "dossier_home", p)
}

// projectIDs reads the structure and category of the first step.
func projectIDs(r *http.Request) (structureID, categoryID int64) {
	structureID, _ = strconv.ParseInt(r.PostFormValue("structure"), 10, 64)
	categoryID, _ = strconv.ParseInt(r.PostFormValue("category"), 10, 64)
	return structureID, categoryID
}

// dossierCreate starts a draft (dossier phase only).
func (s *Server) dossierCreate(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	structureID, categoryID := projectIDs(r)
	d, err := dossier.Create(r.Context(), s.dossierEnv(), change.By(actorOf(r)),
		dossier.CreateInput{Campaign: c, StructureID: structureID, CategoryID: categoryID})
	if errors.Is(err, dossier.ErrComptoir) {
		return s.renderComptoir(w, r, c)
	}
	if fe, ok := fieldErrors(err); ok {
		p, err := s.dossierStartPage(r, c, r.PostForm, fe)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "dossier_project", p)
	}
	if err != nil {
		return err
	}
	s.flash(r, "dossier.created")
	http.Redirect(w, r, dossierURL(c, d)+"/presentation", http.StatusSeeOther)
	return nil
}

// saveInput reads a step of the form, with what cannot be read (unknown communes, amounts)
// flagged: the draft is saved anyway.
func (s *Server) saveInput(r *http.Request, c *campaign.Campaign, d *dossier.Dossier, step string) (dossier.SaveInput, apperr.FieldErrors) {
	in := dossier.SaveInput{Campaign: c, DossierID: d.ID, Step: step}
	fe := apperr.FieldErrors{}
	v := r.PostForm
	switch step {
	case dossier.StepProject:
		in.StructureID, in.CategoryID = projectIDs(r)
	case dossier.StepPresentation:
		codes, unknown, ambiguous := s.resolveCommunes(c.Territory, v.Get("communes"))
		for _, part := range unknown { // a choice to make reads better than "unknown"
			if choices := ambiguous[part]; len(choices) > 0 {
				labels := make([]string, len(choices))
				for i, ch := range choices {
					labels[i] = "«\u00a0" + s.communeLabel(ch.Code) + "\u00a0»"
				}
				fe.Add("communes", "fixes.commune.ambiguous_lines", part, strings.Join(labels, ", "))
			}
		}
		if len(unknown) > 0 {
			fe.Add("communes", "dossier.communes.unknown", strings.Join(unknown, ", "), c.Territory)
		}
		in.Presentation = dossier.Presentation{Title: v.Get("title"), Summary: v.Get("summary"),
			Description: v.Get("description"), Timeline: v.Get("timeline"), Communes: codes, Answers: map[string]string{}}
		for k := range v {
			if id, err := strconv.ParseInt(strings.TrimPrefix(k, "q"), 10, 64); err == nil && strings.HasPrefix(k, "q") {
				in.Presentation.Answers[dossier.QuestionKey(id)] = v.Get(k)
			}
		}
	case dossier.StepBudget:
		in.Budget, fe = dossier.ParseBudget(v)
	}
	return in, fe
}

// dossierSave saves one step. The choice: the draft is saved as typed (texts over their
// limit, amounts that cannot be read, unknown communes are kept and flagged), the errors are
// shown next to the fields, and only submission is blocked. So nothing typed is lost.
func (s *Server) dossierSave(w http.ResponseWriter, r *http.Request) error {
	step := r.PathValue("step")
	tmpl, ok := stepTemplates[step]
	if !ok || step == "documents" {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	lang := langOf(r)
	in, fe := s.saveInput(r, c, d, step)
	res, err := dossier.SaveStep(r.Context(), s.dossierEnv(), change.By(actorOf(r)), in)
	if pfe, ok := fieldErrors(err); ok && step == dossier.StepProject {
		p, err := s.dossierPageFor(r, c, d, step)
		if err != nil {
			return err
		}
		start, err := s.dossierStartPage(r, c, r.PostForm, pfe)
		if err != nil {
			return err
		}
		p.Structures, p.V, p.Errors = start.Structures, r.PostForm, pfe
		return s.render(w, r, http.StatusUnprocessableEntity, tmpl, p)
	}
	if err != nil {
		return err
	}
	saved := res.Dossier
	for k, m := range res.Flags {
		if !fe.Has(k) {
			fe[k] = m
		}
	}
	if len(fe) > 0 {
		p, err := s.dossierPageFor(r, c, saved, step)
		if err != nil {
			return err
		}
		for k, vs := range r.PostForm {
			p.V[k] = vs
		}
		p.Errors, p.SavedAnyway = fe, true
		if step == dossier.StepBudget {
			p.setRows(len(in.Budget.Expenses), len(in.Budget.Fundings))
		}
		return s.render(w, r, http.StatusUnprocessableEntity, tmpl, p)
	}
	if step == dossier.StepBudget {
		cat, _ := c.Category(saved.CategoryID)
		if bal := dossier.BalanceOf(saved.Budget, cat.Rule); !bal.Balanced() && len(saved.Budget.Expenses) > 0 {
			// Saved; the balance is shown on the same step so it can be fixed at once.
			p, err := s.dossierPageFor(r, c, saved, step)
			if err != nil {
				return err
			}
			p.Errors.Add("budget", "dossier.budget.unbalanced", i18n.Money(lang, bal.ExpensesCents),
				i18n.Money(lang, bal.TotalFundingCents()), i18n.Money(lang, bal.SupportCents), i18n.Money(lang, abs64(bal.GapCents)))
			p.SavedAnyway = true
			return s.render(w, r, http.StatusUnprocessableEntity, tmpl, p)
		}
	}
	s.flash(r, "dossier.saved")
	next := dossierURL(c, saved)
	for i, k := range dossierSteps {
		if k == step && i+1 < len(dossierSteps) {
			next += "/" + dossierSteps[i+1]
		}
	}
	if r.PostFormValue("stay") != "" {
		next = dossierURL(c, saved) + "/" + step
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// dossierSubmit sends the dossier: complete, before the deadline or within its extension.
// The command queues the acknowledgement e-mail to the structure's members; the receipt is
// then downloadable.
func (s *Server) dossierSubmit(w http.ResponseWriter, r *http.Request) error {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	res, err := dossier.Submit(r.Context(), s.dossierEnv(), change.By(actorOf(r)),
		dossier.SubmitInput{Campaign: c, DossierID: d.ID, Lang: langOf(r)})
	if len(res.Missing) > 0 {
		p, perr := s.dossierPageFor(r, c, d, "")
		if perr != nil {
			return perr
		}
		p.Errors.Add("submit", "dossier.incomplete")
		return s.render(w, r, http.StatusUnprocessableEntity, "dossier_review", p)
	}
	if err != nil {
		return err
	}
	s.flash(r, "dossier.submitted")
	http.Redirect(w, r, dossierURL(c, d), http.StatusSeeOther)
	return nil
}
