package review

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
)

// Row is one dossier in the committee session: its state, its reviews' aggregate and the
// public motivation of its current state.
type Row struct {
	Dossier     dossier.Dossier
	Category    campaign.Category
	Assignments []Assignment
	Summary     Summary
	Motivation  string
}

// Session returns every submitted dossier of the campaign (whatever its state since) with
// its reviews, by category then id.
func Session(ctx context.Context, q db.Querier, c *campaign.Campaign) ([]Row, map[int64][]Criterion, error) {
	list, err := dossier.List(ctx, q, dossier.Filter{CampaignID: c.ID})
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int64, len(c.Categories))
	for i, cat := range c.Categories {
		ids[i] = cat.ID
	}
	criteria, err := Criteria(ctx, q, ids...)
	if err != nil {
		return nil, nil, err
	}
	as, err := Assignments(ctx, q, c.ID)
	if err != nil {
		return nil, nil, err
	}
	byDossier := map[int64][]Assignment{}
	for _, a := range as {
		byDossier[a.DossierID] = append(byDossier[a.DossierID], a)
	}
	motivations, err := LastMotivations(ctx, q, c.ID)
	if err != nil {
		return nil, nil, err
	}
	var rows []Row
	for _, d := range list {
		if d.State == dossier.StateDraft {
			continue
		}
		cat, _ := c.Category(d.CategoryID)
		rows = append(rows, Row{Dossier: d, Category: cat, Assignments: byDossier[d.ID],
			Summary: Summarize(byDossier[d.ID], criteria[d.CategoryID]), Motivation: motivations[d.ID]})
	}
	return rows, criteria, nil
}

// Score formats a score out of 20 with one decimal.
func FormatScore(lang i18n.Lang, x float64) string {
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if lang == i18n.FR {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// opinionsText is "2 favourable, 1 reserved".
func opinionsText(cat *i18n.Catalog, lang i18n.Lang, s Summary) string {
	var parts []string
	for _, o := range Opinions() {
		if n := s.Opinions[o]; n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+cat.T(lang, o.MessageKey()))
		}
	}
	return strings.Join(parts, ", ")
}

// MinutesTable lays the session out for the CSV minutes, in lang from cat.
func MinutesTable(cat *i18n.Catalog, lang i18n.Lang, rows []Row) dossier.Table {
	t := dossier.Table{}
	for _, k := range []string{"id", "category", "title_col", "structure", "support", "state", "eligibility", "reviews",
		"conflicts", "average", "min", "max", "spread", "opinions", "motivation"} {
		t.Header = append(t.Header, cat.T(lang, "review.minutes."+k))
	}
	for _, r := range rows {
		s := r.Summary
		avg, lo, hi, spread := "", "", "", ""
		if s.Scored > 0 {
			avg, lo, hi, spread = FormatScore(lang, s.Average), FormatScore(lang, s.Min), FormatScore(lang, s.Max), FormatScore(lang, s.Spread)
		}
		t.Rows = append(t.Rows, []any{r.Dossier.ID, r.Category.Name, r.Dossier.Title, r.Dossier.StructureName,
			dossier.Cents(r.Dossier.SupportCents), cat.T(lang, r.Dossier.State.MessageKey()), cat.T(lang, s.Eligible.MessageKey()),
			fmt.Sprintf("%d/%d", s.Submitted, s.Assigned), int64(s.Conflicts), avg, lo, hi, spread, opinionsText(cat, lang, s),
			r.Motivation})
	}
	return t
}

// Minutes is what the PDF minutes show, in Lang from Cat.
type Minutes struct {
	Cat        *i18n.Catalog
	Lang       i18n.Lang
	Campaign   *campaign.Campaign
	Rows       []Row
	Members    []Member
	Commission *Commission
	Now        time.Time
}

// PDF writes the minutes of the committee session: the members, then per category the
// dossiers with their state, aggregate and public motivation, and the totals.
func (m Minutes) PDF() ([]byte, error) {
	lang, c := m.Lang, m.Campaign
	tr := func(key string, args ...any) string { return m.Cat.T(lang, key, args...) }
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(m.Now)
	pdf.SetModificationDate(m.Now)
	pdf.SetTitle(tr("review.minutes.title", c.Name), true)
	pdf.SetCreator("budgetcitoyen", true)
	pdf.AddUTF8FontFromBytes("dejavu", "", dossier.FontTTF())
	pdf.SetMargins(12, 12, 12)
	pdf.SetAutoPageBreak(true, 14)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-10)
		pdf.SetFont("dejavu", "", 7)
		pdf.CellFormat(0, 4, tr("review.minutes.footer", c.Name, pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetFont("dejavu", "", 15)
	pdf.MultiCell(0, 7, tr("review.minutes.title", c.Name), "", "L", false)
	pdf.SetFont("dejavu", "", 9)
	pdf.MultiCell(0, 5, tr("review.minutes.generated", i18n.DateTime(lang, m.Now.In(c.Location()))), "", "L", false)
	if m.Commission != nil {
		pdf.MultiCell(0, 5, tr("review.minutes.commission", m.Commission.Name, i18n.Date(lang, m.Commission.HeldOn.DayStart(time.UTC)), m.Commission.Reference), "", "L", false)
	}
	pdf.Ln(2)
	pdf.SetFont("dejavu", "", 11)
	pdf.MultiCell(0, 6, tr("review.minutes.members", len(m.Members)), "", "L", false)
	pdf.SetFont("dejavu", "", 8)
	for _, mb := range m.Members {
		line := mb.Name + " — " + tr(mb.Kind.MessageKey())
		if mb.Organisation != "" {
			line += " (" + mb.Organisation + ")"
		}
		pdf.MultiCell(0, 4, line, "", "L", false)
	}
	widths := []float64{12, 78, 24, 30, 22, 22, 20, 65}
	header := []string{"id", "title_col", "support", "state", "eligibility", "average", "spread", "motivation"}
	counts := map[dossier.State]int{}
	for _, cat := range c.Categories {
		pdf.Ln(3)
		pdf.SetFont("dejavu", "", 11)
		pdf.MultiCell(0, 6, cat.Name, "", "L", false)
		pdf.SetFont("dejavu", "", 7)
		for i, h := range header {
			pdf.CellFormat(widths[i], 5, tr("review.minutes."+h), "1", 0, "L", false, 0, "")
		}
		pdf.Ln(-1)
		for _, r := range m.Rows {
			if r.Category.ID != cat.ID {
				continue
			}
			counts[r.Dossier.State]++
			s := r.Summary
			avg, spread := "—", "—"
			if s.Scored > 0 {
				avg, spread = FormatScore(lang, s.Average), FormatScore(lang, s.Spread)
			}
			cells := []string{strconv.FormatInt(r.Dossier.ID, 10), cut(r.Dossier.Title+" — "+r.Dossier.StructureName, 60),
				i18n.Money(lang, r.Dossier.SupportCents), tr(r.Dossier.State.MessageKey()), tr(s.Eligible.MessageKey()),
				avg, spread, cut(r.Motivation, 50)}
			for i, v := range cells {
				pdf.CellFormat(widths[i], 5, v, "1", 0, "L", false, 0, "")
			}
			pdf.Ln(-1)
		}
	}
	pdf.Ln(4)
	pdf.SetFont("dejavu", "", 10)
	for _, st := range dossier.States() {
		if n := counts[st]; n > 0 {
			pdf.MultiCell(0, 5, tr("review.minutes.count", tr(st.MessageKey()), n), "", "L", false)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("minutes pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// cut shortens s to n characters with an ellipsis.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
