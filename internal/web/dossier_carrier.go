package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/workshop"
)

// The steps of the dossier form, in order; the last page (review and submission) is the
// dossier's own address.
var dossierSteps = []string{"projet", "presentation", "budget", "documents"}

// budgetRow is a row of the budget form: its index in field names and its number for people.
type budgetRow struct{ I, N int }

type stepLink struct {
	Key, URL, Label string
	Current         bool
}

type docView struct {
	Kind    dossier.DocKind
	Label   string
	Doc     *dossier.Document
	MaxMB   int64
	Accepts string
	URL     string
}

// dossierPage is the page of one dossier: a step of the form, or the review.
type dossierPage struct {
	Base
	C           *campaign.Campaign
	D           *dossier.Dossier
	Category    campaign.Category
	Structure   *dossier.Structure
	URL         string // the dossier's address
	Steps       []stepLink
	Step        string
	V           url.Values
	Errors      apperr.FieldErrors
	SavedAnyway bool // the draft was saved as typed, with the errors shown
	Editable    bool // the person may change it now
	Deadline    string
	Questions   []dossier.Question
	Balance     dossier.Balance
	Computation string
	Missing     []string
	Documents   []docView
	Communes    []string
	Sources     []option
	Structures  []option
	Categories  []campaign.Category
	ExpenseRows []budgetRow
	FundingRows []budgetRow
	Staff       bool // read by an agent or the committee
	AgentURL    string
}

type dossierHomePage struct {
	Base
	C            *campaign.Campaign
	Dossiers     []dossier.Dossier
	Open         bool
	Deadline     string
	Structures   int
	NeedComptoir bool
	Sessions     []workshop.Session
}

// comptoirBlocked reports whether the campaign requires a comptoir the person has not
// attended, with the upcoming sessions to show.
func (s *Server) comptoirBlocked(ctx context.Context, c *campaign.Campaign, accountID int64) (bool, []workshop.Session, error) {
	if !c.ComptoirRequired {
		return false, nil, nil
	}
	ok, err := workshop.Attended(ctx, s.db, c.ID, accountID)
	if err != nil || ok {
		return false, nil, err
	}
	sessions, err := workshop.Upcoming(ctx, s.db, c.ID, s.now())
	return true, sessions, err
}

func (s *Server) deadlineText(r *http.Request, c *campaign.Campaign) string {
	if w, ok := c.Window(campaign.PhaseDossiers); ok {
		return i18n.DateTime(langOf(r), w.End.In(c.Location()))
	}
	return ""
}

// dossierHome lists the person's dossiers in the campaign and how to start one.
func (s *Server) dossierHome(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	actor := actorOf(r)
	list, err := dossier.List(r.Context(), s.db, dossier.Filter{CampaignID: c.ID, AccountID: actor.ID()})
	if err != nil {
		return err
	}
	structs, err := dossier.StructuresOf(r.Context(), s.db, actor.ID())
	if err != nil {
		return err
	}
	p := dossierHomePage{Base: s.base(r, "dossier.home.title", c.Name), C: c, Dossiers: list,
		Open: c.IsOpen(campaign.PhaseDossiers, s.now()), Deadline: s.deadlineText(r, c), Structures: len(structs)}
	if p.Open {
		if p.NeedComptoir, p.Sessions, err = s.comptoirBlocked(r.Context(), c, actor.ID()); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "dossier_home", p)
}

// newDossierForm shows the first step: which structure, which category.
func (s *Server) dossierNew(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	p, err := s.dossierStartPage(r, c, url.Values{}, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "dossier_project", p)
}

func (s *Server) dossierStartPage(r *http.Request, c *campaign.Campaign, v url.Values, fe apperr.FieldErrors) (*dossierPage, error) {
	actor := actorOf(r)
	p := &dossierPage{Base: s.base(r, "dossier.new.title", c.Name), C: c, V: v, Errors: fe, Step: "projet",
		Categories: c.Categories, Editable: c.IsOpen(campaign.PhaseDossiers, s.now()), Deadline: s.deadlineText(r, c)}
	structs, err := dossier.StructuresOf(r.Context(), s.db, actor.ID())
	if err != nil {
		return nil, err
	}
	for _, st := range structs {
		label := st.Name
		if !st.LegalForm.ESS() {
			label += " — " + s.cat.T(langOf(r), "dossier.structure.not_ess")
		}
		p.Structures = append(p.Structures, option{strconv.FormatInt(st.ID, 10), label})
	}
	return p, nil
}

// checkStartable refuses to start a dossier when the person has no structure, or when the
// campaign requires a comptoir they have not attended.
func (s *Server) checkStartable(w http.ResponseWriter, r *http.Request, c *campaign.Campaign) (bool, error) {
	blocked, sessions, err := s.comptoirBlocked(r.Context(), c, actorOf(r).ID())
	if err != nil || !blocked {
		return !blocked, err
	}
	p := dossierHomePage{Base: s.base(r, "dossier.comptoir.title"), C: c, NeedComptoir: true, Sessions: sessions,
		Open: true, Deadline: s.deadlineText(r, c)}
	return false, s.render(w, r, http.StatusForbidden, "dossier_home", p)
}

// parseProject reads the structure and category of the first step.
func (s *Server) parseProject(r *http.Request, c *campaign.Campaign) (structureID, categoryID int64, fe apperr.FieldErrors) {
	fe = apperr.FieldErrors{}
	structureID, _ = strconv.ParseInt(r.PostFormValue("structure"), 10, 64)
	categoryID, _ = strconv.ParseInt(r.PostFormValue("category"), 10, 64)
	if structureID == 0 {
		fe.Add("structure", "dossier.new.structure_required")
	} else if ok, err := dossier.IsMember(r.Context(), s.db, structureID, actorOf(r).ID()); err != nil || !ok {
		fe.Add("structure", "dossier.new.structure_required")
	} else if st, err := dossier.StructureByID(r.Context(), s.db, structureID); err == nil && !st.LegalForm.ESS() {
		fe.Add("structure", st.LegalForm.RefusalKey())
	}
	if _, ok := c.Category(categoryID); !ok {
		fe.Add("category", "dossier.new.category_required")
	}
	return structureID, categoryID, fe
}

// dossierCreate starts a draft (dossier phase only).
func (s *Server) dossierCreate(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	if ok, err := s.checkStartable(w, r, c); !ok || err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	structureID, categoryID, fe := s.parseProject(r, c)
	if len(fe) > 0 {
		p, err := s.dossierStartPage(r, c, r.PostForm, fe)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "dossier_project", p)
	}
	actor := actorOf(r)
	d := &dossier.Dossier{CampaignID: c.ID, StructureID: structureID, CategoryID: categoryID, CreatedBy: actor.ID()}
	_, err := change.Do(r.Context(), s.changeEnv(), change.Request{
		Who: change.By(actor), Permission: access.PermFileDossier, Campaign: c.During(campaign.PhaseDossiers),
		Action: "dossier.create", EntityKind: "dossier",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if err := dossier.Insert(ctx, tx, d, s.now()); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: strconv.FormatInt(d.ID, 10),
				After: map[string]any{"structure": structureID, "category": categoryID, "state": d.State}}, nil
		},
	})
	if err != nil {
		return err
	}
	s.flash(r, "dossier.created")
	http.Redirect(w, r, dossierURL(c, d)+"/presentation", http.StatusSeeOther)
	return nil
}

func dossierURL(c *campaign.Campaign, d *dossier.Dossier) string {
	return "/" + c.Slug + "/dossiers/" + strconv.FormatInt(d.ID, 10)
}

// canEdit reports whether the actor may change the dossier now (member, carrier, draft,
// before the deadline or within an extension).
func (s *Server) canEdit(r *http.Request, c *campaign.Campaign, d *dossier.Dossier) bool {
	actor := actorOf(r)
	if !access.Allowed(actor, access.PermFileDossier, &c.ID) || !d.State.Editable() || !dossier.EditOpen(c, d, s.now()) {
		return false
	}
	ok, err := dossier.IsMember(r.Context(), s.db, d.StructureID, actor.ID())
	return err == nil && ok
}

// dossierPageFor fills the page of a dossier for a step (or the review, step "").
func (s *Server) dossierPageFor(r *http.Request, c *campaign.Campaign, d *dossier.Dossier, step string) (*dossierPage, error) {
	lang := langOf(r)
	ctx := r.Context()
	cat, _ := c.Category(d.CategoryID)
	p := &dossierPage{Base: s.base(r, "dossier.page.title", d.ID), C: c, D: d, Category: cat, URL: dossierURL(c, d),
		Step: step, V: url.Values{}, Errors: apperr.FieldErrors{}, Deadline: s.deadlineText(r, c), Categories: c.Categories}
	if d.Title != "" {
		p.Title = d.Title
	}
	p.Editable = s.canEdit(r, c, d)
	p.Staff = isStaffReader(actorOf(r), c)
	if access.Allowed(actorOf(r), access.PermManageDossiers, nil) {
		p.AgentURL = "/admin/campagnes/" + c.Slug + "/dossiers/" + strconv.FormatInt(d.ID, 10)
	}
	for _, k := range dossierSteps {
		p.Steps = append(p.Steps, stepLink{Key: k, URL: p.URL + "/" + k, Label: s.cat.T(lang, "dossier.step."+k), Current: k == step})
	}
	p.Steps = append(p.Steps, stepLink{Key: "", URL: p.URL, Label: s.cat.T(lang, "dossier.step.review"), Current: step == ""})
	st, err := dossier.StructureByID(ctx, s.db, d.StructureID)
	if err != nil {
		return nil, err
	}
	p.Structure = st
	qs, err := dossier.Questions(ctx, s.db, d.CategoryID)
	if err != nil {
		return nil, err
	}
	p.Questions = qs[d.CategoryID]
	p.Balance = dossier.BalanceOf(d.Budget, cat.Rule)
	p.Computation = campaign.DescribeComputation(lang, cat.Rule.Compute(p.Balance.ExpensesCents))
	docs, err := dossier.Documents(ctx, s.db, d.ID)
	if err != nil {
		return nil, err
	}
	byKind := map[dossier.DocKind]*dossier.Document{}
	for i := range docs {
		byKind[docs[i].Kind] = &docs[i]
	}
	for _, k := range dossier.DocKinds() {
		dv := docView{Kind: k, Label: s.cat.T(lang, k.MessageKey()), Doc: byKind[k], MaxMB: k.MaxSize() >> 20,
			Accepts: "application/pdf,image/jpeg,image/png"}
		if k == dossier.DocPhoto {
			dv.Accepts = "image/jpeg,image/png"
		}
		if dv.Doc != nil {
			dv.URL = p.URL + "/documents/" + strconv.FormatInt(dv.Doc.ID, 10)
		}
		p.Documents = append(p.Documents, dv)
	}
	for _, code := range d.Communes {
		p.Communes = append(p.Communes, s.communeLabel(code))
	}
	for _, src := range dossier.Sources() {
		p.Sources = append(p.Sources, option{string(src), s.cat.T(lang, src.MessageKey())})
	}
	missing := dossier.Missing(dossier.Filing{Dossier: d, Category: cat, Questions: p.Questions, Documents: docs,
		Structure: st, Territory: c.Territory, StructureDepartement: s.departementOf(st.Commune), Now: s.now()}, lang)
	for _, m := range missing {
		p.Missing = append(p.Missing, s.cat.T(lang, m.Key, m.Args...))
	}
	// Form values: what is saved, unless the caller puts what was typed.
	p.V.Set("title", d.Title)
	p.V.Set("summary", d.Summary)
	p.V.Set("description", d.Description)
	p.V.Set("timeline", d.Timeline)
	p.V.Set("communes", s.communesText(d.Communes))
	p.V.Set("structure", strconv.FormatInt(d.StructureID, 10))
	p.V.Set("category", strconv.FormatInt(d.CategoryID, 10))
	for _, q := range p.Questions {
		p.V.Set("q"+dossier.QuestionKey(q.ID), d.Answers[dossier.QuestionKey(q.ID)])
	}
	for k, vs := range dossier.BudgetValues(d.Budget) {
		p.V[k] = vs
	}
	p.setRows(len(d.Budget.Expenses), len(d.Budget.Fundings))
	return p, nil
}

// setRows gives the budget form its rows: the filled ones and three empty ones of each kind
// (a line is added without JavaScript by filling an empty row and saving).
func (p *dossierPage) setRows(expenses, fundings int) {
	p.ExpenseRows, p.FundingRows = nil, nil
	for i := 0; i < min(expenses+3, dossier.MaxLines); i++ {
		p.ExpenseRows = append(p.ExpenseRows, budgetRow{i, i + 1})
	}
	for i := 0; i < min(fundings+3, dossier.MaxLines); i++ {
		p.FundingRows = append(p.FundingRows, budgetRow{i, i + 1})
	}
}

func (s *Server) departementOf(code string) string {
	if c, ok := s.Territory.Commune(code); ok {
		return c.Departement
	}
	return ""
}

// dossierShow is the review page: everything filed, what is missing, the submit button.
func (s *Server) dossierShow(w http.ResponseWriter, r *http.Request) error {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	if err := s.canRead(r.Context(), actorOf(r), c, d); err != nil {
		return err
	}
	p, err := s.dossierPageFor(r, c, d, "")
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "dossier_review", p)
}

var stepTemplates = map[string]string{
	"projet": "dossier_project", "presentation": "dossier_presentation", "budget": "dossier_budget", "documents": "dossier_documents",
}

// dossierStep shows one step of the form.
func (s *Server) dossierStep(w http.ResponseWriter, r *http.Request) error {
	step := r.PathValue("step")
	tmpl, ok := stepTemplates[step]
	if !ok {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	if err := s.canRead(r.Context(), actorOf(r), c, d); err != nil {
		return err
	}
	p, err := s.dossierPageFor(r, c, d, step)
	if err != nil {
		return err
	}
	if step == "projet" {
		start, err := s.dossierStartPage(r, c, p.V, nil)
		if err != nil {
			return err
		}
		p.Structures = start.Structures
	}
	return s.render(w, r, http.StatusOK, tmpl, p)
}

// editDossier applies a change to a draft, through the state-change function: member of the
// structure, draft, before the deadline (or within the dossier's extension). The support is
// recomputed from the category's rule at every save.
func (s *Server) editDossier(r *http.Request, c *campaign.Campaign, id int64, action string,
	edit func(ctx context.Context, tx *db.Tx, d *dossier.Dossier) error) (*dossier.Dossier, error) {
	actor := actorOf(r)
	var saved *dossier.Dossier
	_, err := change.Do(r.Context(), s.changeEnv(), change.Request{
		Who: change.By(actor), Permission: access.PermFileDossier, Campaign: c, Action: action, EntityKind: "dossier",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			d, err := dossier.ByID(ctx, tx, id)
			if err != nil {
				return change.Outcome{}, err
			}
			if err := s.checkEditable(ctx, tx, c, d, actor.ID()); err != nil {
				return change.Outcome{}, err
			}
			before := auditSummary(d)
			if err := edit(ctx, tx, d); err != nil {
				return change.Outcome{}, err
			}
			cat, ok := c.Category(d.CategoryID)
			if !ok {
				return change.Outcome{}, apperr.New(apperr.Invalid, "dossier.new.category_required")
			}
			d.SupportCents = cat.Rule.Support(d.TotalCostCents())
			if err := dossier.Save(ctx, tx, d, s.now()); err != nil {
				return change.Outcome{}, err
			}
			saved = d
			return change.Outcome{EntityID: strconv.FormatInt(d.ID, 10), Before: before, After: auditSummary(d)}, nil
		},
	})
	return saved, err
}

func (s *Server) checkEditable(ctx context.Context, q *db.Tx, c *campaign.Campaign, d *dossier.Dossier, accountID int64) error {
	ok, err := dossier.IsMember(ctx, q, d.StructureID, accountID)
	if err != nil {
		return err
	}
	if !ok || d.CampaignID != c.ID {
		return apperr.New(apperr.NotFound, "dossier.not_found")
	}
	if !d.State.Editable() {
		return apperr.New(apperr.Conflict, "dossier.not_editable")
	}
	if !dossier.EditOpen(c, d, s.now()) {
		return apperr.New(apperr.Conflict, "dossier.deadline_passed", s.deadlineAt(c))
	}
	return nil
}

func (s *Server) deadlineAt(c *campaign.Campaign) string {
	if w, ok := c.Window(campaign.PhaseDossiers); ok {
		return i18n.DateTime(i18n.FR, w.End.In(c.Location()))
	}
	return ""
}

// auditSummary is what the audit log keeps of a dossier's save.
func auditSummary(d *dossier.Dossier) map[string]any {
	return map[string]any{"state": d.State, "structure": d.StructureID, "category": d.CategoryID, "title": d.Title,
		"total_cost_cents": d.TotalCostCents(), "support_cents": d.SupportCents, "communes": d.Communes}
}

// clip keeps a text as typed, up to the stored maximum.
func clip(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if utf8.RuneCountInString(s) > dossier.MaxStoredText {
		s = string([]rune(s)[:dossier.MaxStoredText])
	}
	return strings.TrimSpace(s)
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
	fe := apperr.FieldErrors{}
	var budgetRows [2]int
	edit := func(ctx context.Context, tx *db.Tx, d *dossier.Dossier) error { return nil }
	switch step {
	case "projet":
		structureID, categoryID, pfe := s.parseProject(r, c)
		if len(pfe) > 0 {
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
		edit = func(ctx context.Context, tx *db.Tx, d *dossier.Dossier) error {
			d.StructureID, d.CategoryID = structureID, categoryID
			return nil
		}
	case "presentation":
		v := r.PostForm
		title, summary, desc, timeline := clip(v.Get("title")), clip(v.Get("summary")), clip(v.Get("description")), clip(v.Get("timeline"))
		long := func(field, text string, max int) {
			if n := utf8.RuneCountInString(text); n > max {
				fe.Add(field, "dossier.text.too_long_count", max, n)
			}
		}
		long("title", title, dossier.MaxTitle)
		long("summary", summary, dossier.MaxSummary)
		long("description", desc, dossier.MaxDescription)
		long("timeline", timeline, dossier.MaxTimeline)
		codes, unknown := s.resolveCommunes(c.Territory, v.Get("communes"))
		if len(unknown) > 0 {
			fe.Add("communes", "dossier.communes.unknown", strings.Join(unknown, ", "), c.Territory)
		}
		if len(codes) > dossier.MaxCommunes {
			fe.Add("communes", "dossier.communes.too_many", dossier.MaxCommunes)
			codes = codes[:dossier.MaxCommunes]
		}
		qs, err := dossier.Questions(r.Context(), s.db, d.CategoryID)
		if err != nil {
			return err
		}
		answers := map[string]string{}
		for _, q := range qs[d.CategoryID] {
			k := dossier.QuestionKey(q.ID)
			answers[k] = clip(v.Get("q" + k))
			long("q"+k, answers[k], dossier.MaxAnswer)
		}
		edit = func(ctx context.Context, tx *db.Tx, d *dossier.Dossier) error {
			d.Title, d.Summary, d.Description, d.Timeline, d.Communes = title, summary, desc, timeline, codes
			for k, a := range answers {
				d.Answers[k] = a
			}
			return nil
		}
	case "budget":
		b, bfe := dossier.ParseBudget(r.PostForm)
		fe = bfe
		budgetRows = [2]int{len(b.Expenses), len(b.Fundings)}
		edit = func(ctx context.Context, tx *db.Tx, d *dossier.Dossier) error {
			d.Budget = b
			return nil
		}
	}
	saved, err := s.editDossier(r, c, d.ID, "dossier.save."+step, edit)
	if err != nil {
		return err
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
		if step == "budget" {
			p.setRows(budgetRows[0], budgetRows[1])
		}
		return s.render(w, r, http.StatusUnprocessableEntity, tmpl, p)
	}
	if step == "budget" {
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
// It queues the acknowledgement e-mail to the structure's members; the receipt is then
// downloadable.
func (s *Server) dossierSubmit(w http.ResponseWriter, r *http.Request) error {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	actor := actorOf(r)
	lang := langOf(r)
	var missing []apperr.Message
	_, err = change.Do(r.Context(), s.changeEnv(), change.Request{
		Who: change.By(actor), Permission: access.PermFileDossier, Campaign: c, Action: "dossier.submit", EntityKind: "dossier",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			d, err := dossier.ByID(ctx, tx, d.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			if err := s.checkEditable(ctx, tx, c, d, actor.ID()); err != nil {
				return change.Outcome{}, err
			}
			cat, _ := c.Category(d.CategoryID)
			st, err := dossier.StructureByID(ctx, tx, d.StructureID)
			if err != nil {
				return change.Outcome{}, err
			}
			qs, err := dossier.Questions(ctx, tx, d.CategoryID)
			if err != nil {
				return change.Outcome{}, err
			}
			docs, err := dossier.Documents(ctx, tx, d.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			now := s.now()
			missing = dossier.Missing(dossier.Filing{Dossier: d, Category: cat, Questions: qs[d.CategoryID], Documents: docs,
				Structure: st, Territory: c.Territory, StructureDepartement: s.departementOf(st.Commune), Now: now}, lang)
			if len(missing) > 0 {
				return change.Outcome{}, apperr.New(apperr.Invalid, "dossier.incomplete")
			}
			if err := dossier.MarkSubmitted(ctx, tx, d.ID, now); err != nil {
				return change.Outcome{}, err
			}
			d.State, d.SubmittedAt = dossier.StateSubmitted, &now
			members, err := dossier.Members(ctx, tx, d.StructureID)
			if err != nil {
				return change.Outcome{}, err
			}
			var mails []mail.Message
			for _, m := range members {
				mails = append(mails, s.submittedMail(m, c, cat, d, st))
			}
			return change.Outcome{EntityID: strconv.FormatInt(d.ID, 10), Before: map[string]any{"state": dossier.StateDraft},
				After: map[string]any{"state": d.State, "support_cents": d.SupportCents, "total_cost_cents": d.TotalCostCents()}, Mails: mails}, nil
		},
	})
	if apperr.IsKind(err, apperr.Invalid) && len(missing) > 0 {
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

// submittedMail is the acknowledgement of a submission, in the member's language.
func (s *Server) submittedMail(m dossier.Member, c *campaign.Campaign, cat campaign.Category, d *dossier.Dossier, st *dossier.Structure) mail.Message {
	lang := i18n.FR
	if a, err := account.ByEmail(context.Background(), s.db, m.Email); err == nil {
		if l, ok := i18n.Parse(a.Lang); ok {
			lang = l
		}
	}
	link := s.baseURL + dossierURL(c, d)
	comp := campaign.DescribeComputation(lang, cat.Rule.Compute(d.TotalCostCents()))
	return mail.Message{To: m.Email,
		Subject: s.cat.T(lang, "mail.dossier.submitted.subject", d.ID, c.Name),
		Body: s.cat.T(lang, "mail.dossier.submitted.body", d.ID, d.Title, st.Name, c.Name,
			i18n.DateTime(lang, d.SubmittedAt.In(c.Location())), cat.Name, i18n.Money(lang, d.SupportCents), comp,
			link+"/recepisse.pdf", link)}
}

// dossierReceipt serves the PDF receipt of a submitted dossier.
func (s *Server) dossierReceipt(w http.ResponseWriter, r *http.Request) error {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	if err := s.canRead(r.Context(), actorOf(r), c, d); err != nil {
		return err
	}
	if d.State == dossier.StateDraft {
		return apperr.New(apperr.Conflict, "dossier.receipt.draft")
	}
	cat, _ := c.Category(d.CategoryID)
	st, err := dossier.StructureByID(r.Context(), s.db, d.StructureID)
	if err != nil {
		return err
	}
	qs, err := dossier.Questions(r.Context(), s.db, d.CategoryID)
	if err != nil {
		return err
	}
	docs, err := dossier.Documents(r.Context(), s.db, d.ID)
	if err != nil {
		return err
	}
	pdf, err := dossier.Receipt{Lang: langOf(r), Campaign: c, Category: cat, Dossier: d, Structure: st,
		Questions: qs[d.CategoryID], Documents: docs, CommuneName: s.communeName}.PDF()
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", `attachment; filename="recepisse-dossier-`+strconv.FormatInt(d.ID, 10)+`.pdf"`)
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(pdf)))
	_, err = w.Write(pdf)
	return err
}
