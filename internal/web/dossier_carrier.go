package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
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
	N, Of           int // its number from 1 and the number of steps ("Étape N sur Of")
}

type docView struct {
	Kind    dossier.DocKind
	Label   string
	Doc     *dossier.Document
	MaxMB   int64
	Accepts string
	URL     string
	Alt     string // the photo's alternative text: as stored, or as typed in a refused form
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
	// ?structure=ID (after declaring one from this form) chooses it, if it is one of theirs.
	if want := r.URL.Query().Get("structure"); want != "" {
		for _, o := range p.Structures {
			if o.Value == want {
				p.V.Set("structure", want)
			}
		}
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

func dossierURL(c *campaign.Campaign, d *dossier.Dossier) string {
	return "/" + c.Slug + "/dossiers/" + strconv.FormatInt(d.ID, 10)
}

// canEdit reports whether the actor may change the dossier now (member, carrier, draft,
// before the deadline or within an extension).
func (s *Server) canEdit(r *http.Request, c *campaign.Campaign, d *dossier.Dossier) bool {
	return dossier.CanEdit(r.Context(), s.db, actorOf(r), c, d, s.now())
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
	for i := range p.Steps {
		p.Steps[i].N, p.Steps[i].Of = i+1, len(p.Steps)
	}
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
			dv.Alt = dv.Doc.AltText
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

// MaxAlt is the longest alternative text of a photo, for the form.
func (dossierPage) MaxAlt() int { return dossier.MaxAlt }
