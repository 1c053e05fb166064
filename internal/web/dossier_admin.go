package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/dossier"
)

type dossierRow struct {
	D              dossier.Dossier
	Category       string
	Commune        string
	Arrondissement string
	URL            string
}

type categorySum struct {
	Category      campaign.Category
	Submitted     int
	Drafts        int
	SupportCents  int64 // requested by submitted dossiers
	EnvelopeCents int64
	Global        bool // the envelope is the campaign's, shared by every category
	Over          bool
}

type dossierAdminPage struct {
	Base
	C               *campaign.Campaign
	Rows            []dossierRow
	Sums            []categorySum
	TotalSupport    int64
	V               url.Values
	Categories      []option
	States          []option
	Arrondissements []option
	LegalForms      []option
	Query           string
	Search          searchView
}

// adminDossiers lists a campaign's dossiers with filters, and the requested support of each
// category against its envelope.
func (s *Server) adminDossiers(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	lang := langOf(r)
	rows, err := s.filteredDossiers(r, c, false)
	if err != nil {
		return err
	}
	p := dossierAdminPage{Base: s.base(r, "dossier.admin.title", c.Name), C: c, V: r.URL.Query(), Query: r.URL.RawQuery,
		Search: searchOf(r)}
	p.Search.Count = len(rows)
	for _, d := range rows {
		cat, _ := c.Category(d.D.CategoryID)
		d.Category = cat.Name
		p.Rows = append(p.Rows, d)
	}
	all, err := dossier.TotalsByCategory(r.Context(), s.db, c.ID, dossier.StateSubmitted)
	if err != nil {
		return err
	}
	drafts, err := dossier.TotalsByCategory(r.Context(), s.db, c.ID, dossier.StateDraft)
	if err != nil {
		return err
	}
	for _, cat := range c.Categories {
		sum := categorySum{Category: cat, Submitted: all[cat.ID].Count, Drafts: drafts[cat.ID].Count, SupportCents: all[cat.ID].SupportCents}
		if cat.EnvelopeCents != nil {
			sum.EnvelopeCents = *cat.EnvelopeCents
		} else {
			sum.EnvelopeCents, sum.Global = c.EnvelopeCents, true
		}
		sum.Over = sum.SupportCents > sum.EnvelopeCents
		p.TotalSupport += sum.SupportCents
		p.Sums = append(p.Sums, sum)
		p.Categories = append(p.Categories, option{strconv.FormatInt(cat.ID, 10), cat.Name})
	}
	for _, st := range []dossier.State{dossier.StateDraft, dossier.StateSubmitted} {
		p.States = append(p.States, option{string(st), s.cat.T(lang, st.MessageKey())})
	}
	for _, a := range s.Territory.Arrondissements(c.Territory) {
		p.Arrondissements = append(p.Arrondissements, option{a.Code, a.Name})
	}
	for _, f := range dossier.LegalForms() {
		if f.ESS() {
			p.LegalForms = append(p.LegalForms, option{string(f), s.cat.T(lang, f.MessageKey())})
		}
	}
	return s.render(w, r, http.StatusOK, "dossier_admin", p)
}

// filteredDossiers applies the list's filters (category, state, arrondissement, legal form)
// and its full-text search q.
func (s *Server) filteredDossiers(r *http.Request, c *campaign.Campaign, withLines bool) ([]dossierRow, error) {
	q := r.URL.Query()
	f := dossier.Filter{CampaignID: c.ID, WithLines: withLines, Search: searchOf(r).Query}
	f.CategoryID, _ = strconv.ParseInt(q.Get("categorie"), 10, 64)
	if st := q.Get("etat"); st != "" {
		f.State = dossier.State(st)
	}
	if lf, ok := dossier.ParseLegalForm(q.Get("forme")); ok {
		f.LegalForm = lf
	}
	list, err := dossier.List(r.Context(), s.db, f)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(list))
	for _, d := range list {
		ids = append(ids, d.StructureID)
	}
	structs, err := dossier.StructuresByID(r.Context(), s.db, ids)
	if err != nil {
		return nil, err
	}
	arr := q.Get("arrondissement")
	var out []dossierRow
	for _, d := range list {
		row := dossierRow{D: d, URL: "/admin/campagnes/" + c.Slug + "/dossiers/" + strconv.FormatInt(d.ID, 10)}
		if st := structs[d.StructureID]; st != nil {
			row.Commune = s.communeName(st.Commune)
			row.Arrondissement = s.arrondissementOf(st.Commune)
			if a, ok := s.Territory.Arrondissement(row.Arrondissement); ok {
				row.D.Arrondissement = a.Name
			}
		}
		if arr != "" && row.Arrondissement != arr {
			continue
		}
		out = append(out, row)
	}
	return out, nil
}

func (s *Server) exportTable(r *http.Request, c *campaign.Campaign) (dossier.Table, error) {
	rows, err := s.filteredDossiers(r, c, true)
	if err != nil {
		return dossier.Table{}, err
	}
	ds := make([]dossier.Dossier, len(rows))
	ids := make([]int64, len(rows))
	for i, row := range rows {
		ds[i], ids[i] = row.D, row.D.StructureID
	}
	structs, err := dossier.StructuresByID(r.Context(), s.db, ids)
	if err != nil {
		return dossier.Table{}, err
	}
	return dossier.BuildTable(dossier.ExportInput{Lang: langOf(r), Campaign: c, Dossiers: ds, Structures: structs,
		Commune: func(code string) (string, string) {
			name := s.communeName(code)
			if a, ok := s.Territory.Arrondissement(s.arrondissementOf(code)); ok {
				return name, a.Name
			}
			return name, ""
		}}), nil
}

func exportName(c *campaign.Campaign, now time.Time, ext string) string {
	return "dossiers-" + c.Slug + "-" + now.In(c.Location()).Format("20060102-1504") + "." + ext
}

// adminDossiersCSV exports the (filtered) dossiers as CSV for French spreadsheets.
func (s *Server) adminDossiersCSV(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	t, err := s.exportTable(r, c)
	if err != nil {
		return err
	}
	b, err := t.CSV()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(c, s.now(), "csv")+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(b)
	return err
}

// adminDossiersXLSX exports the (filtered) dossiers as an Excel workbook.
func (s *Server) adminDossiersXLSX(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	t, err := s.exportTable(r, c)
	if err != nil {
		return err
	}
	b, err := t.XLSX(s.cat.T(langOf(r), "dossier.export.sheet"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(c, s.now(), "xlsx")+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(b)
	return err
}

// adminDossierShow shows one dossier to an agent, with the extension form.
func (s *Server) adminDossierShow(w http.ResponseWriter, r *http.Request) error {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	p, err := s.dossierPageFor(r, c, d, "")
	if err != nil {
		return err
	}
	if d.ExtendedUntil != nil {
		p.V.Set("until", d.ExtendedUntil.In(c.Location()).Format(time.DateOnly))
	}
	return s.render(w, r, http.StatusOK, "dossier_review", p)
}

// adminDossierExtend lets one dossier be completed and submitted after the deadline, until
// the end of the given day (campaign time); an empty date removes the extension. Audited.
func (s *Server) adminDossierExtend(w http.ResponseWriter, r *http.Request) error {
	c, d, err := s.dossierOf(r)
	if err != nil {
		return err
	}
	var until *time.Time
	if raw := strings.TrimSpace(r.PostFormValue("until")); raw != "" {
		day, err := campaign.ParseDate(raw)
		if err != nil {
			p, perr := s.dossierPageFor(r, c, d, "")
			if perr != nil {
				return perr
			}
			p.V.Set("until", raw)
			p.Errors.Add("until", "dossier.extension.date_invalid")
			return s.render(w, r, http.StatusUnprocessableEntity, "dossier_review", p)
		}
		t := day.DayEnd(c.Location()).UTC()
		until = &t
	}
	err = dossier.Extend(r.Context(), s.dossierEnv(), change.By(actorOf(r)), dossier.ExtendInput{Campaign: c, DossierID: d.ID, Until: until})
	if err != nil {
		return err
	}
	s.flash(r, "dossier.extension.saved")
	http.Redirect(w, r, "/admin/campagnes/"+c.Slug+"/dossiers/"+strconv.FormatInt(d.ID, 10), http.StatusSeeOther)
	return nil
}

type questionsPage struct {
	Base
	C    *campaign.Campaign
	Rows []questionRow
}

type questionRow struct {
	Category campaign.Category
	Field    string
	Text     string
}

// adminQuestions edits the specific questions of each category (one per line).
func (s *Server) adminQuestions(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ids := make([]int64, len(c.Categories))
	for i, cat := range c.Categories {
		ids[i] = cat.ID
	}
	qs, err := dossier.Questions(r.Context(), s.db, ids...)
	if err != nil {
		return err
	}
	p := questionsPage{Base: s.base(r, "dossier.questions.title", c.Name), C: c}
	for _, cat := range c.Categories {
		var lines []string
		for _, q := range qs[cat.ID] {
			lines = append(lines, q.Text)
		}
		p.Rows = append(p.Rows, questionRow{Category: cat, Field: "cat" + strconv.FormatInt(cat.ID, 10), Text: strings.Join(lines, "\n")})
	}
	return s.render(w, r, http.StatusOK, "dossier_questions", p)
}

func (s *Server) adminQuestionsSave(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	texts := map[int64]string{}
	for _, cat := range c.Categories {
		texts[cat.ID] = r.PostForm.Get("cat" + strconv.FormatInt(cat.ID, 10))
	}
	err := dossier.EditQuestions(r.Context(), s.dossierEnv(), change.By(actorOf(r)), dossier.QuestionsInput{Campaign: c, Texts: texts})
	if err != nil {
		return err
	}
	s.flash(r, "dossier.questions.saved")
	http.Redirect(w, r, "/admin/campagnes/"+c.Slug+"/dossiers/questions", http.StatusSeeOther)
	return nil
}
