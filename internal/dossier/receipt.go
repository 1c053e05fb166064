package dossier

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/i18n"
)

// DejaVu Sans (free licence, see font/LICENSE) prints every French accent and the euro sign,
// which the PDF standard fonts cannot in UTF-8.
//
//go:embed font/DejaVuSans.ttf
var fontTTF []byte

// Receipt is what the submission receipt shows: the whole dossier as submitted.
type Receipt struct {
	Lang      i18n.Lang
	Campaign  *campaign.Campaign
	Category  campaign.Category
	Dossier   *Dossier
	Structure *Structure
	Questions []Question
	Documents []Document
	// CommuneName gives a commune's name from its INSEE code (the territory lives elsewhere).
	CommuneName func(code string) string
}

// PDF writes the receipt: a real PDF with the font embedded, so that accents print and a
// reader can extract the text. The submission time is given in the campaign's time zone.
func (rc Receipt) PDF() ([]byte, error) {
	lang, d, c := rc.Lang, rc.Dossier, rc.Campaign
	tr := func(key string, args ...any) string { return T(lang, key, args...) }
	money := func(cents int64) string { return i18n.Money(lang, cents) }
	name := rc.CommuneName
	if name == nil {
		name = func(code string) string { return code }
	}

	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(d.UpdatedAt)
	pdf.SetModificationDate(d.UpdatedAt)
	pdf.SetTitle(tr("dossier.receipt.title", d.ID), true)
	pdf.SetCreator("budgetcitoyen", true)
	pdf.AddUTF8FontFromBytes("dejavu", "", fontTTF)
	pdf.SetMargins(18, 18, 18)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("dejavu", "", 8)
		pdf.CellFormat(0, 5, tr("dossier.receipt.footer", d.ID, pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()

	heading := func(s string) {
		pdf.Ln(3)
		pdf.SetFont("dejavu", "", 13)
		pdf.MultiCell(0, 6, s, "B", "L", false)
		pdf.Ln(1)
		pdf.SetFont("dejavu", "", 10)
	}
	para := func(s string) { pdf.MultiCell(0, 5, s, "", "L", false) }
	field := func(label, value string) {
		if strings.TrimSpace(value) == "" {
			value = "—"
		}
		para(label + " : " + value)
	}

	pdf.SetFont("dejavu", "", 16)
	pdf.MultiCell(0, 8, tr("dossier.receipt.title", d.ID), "", "L", false)
	pdf.SetFont("dejavu", "", 11)
	para(c.Name)
	when := tr("dossier.receipt.not_submitted")
	if d.SubmittedAt != nil {
		loc := c.Location()
		when = i18n.DateTime(lang, d.SubmittedAt.In(loc)) + " (" + loc.String() + ")"
	}
	field(tr("dossier.receipt.submitted_at"), when)
	field(tr("dossier.field.state"), tr(d.State.MessageKey()))

	if s := rc.Structure; s != nil {
		heading(tr("dossier.receipt.structure"))
		field(tr("dossier.field.structure_name"), s.Name)
		form := tr(s.LegalForm.MessageKey())
		if s.ESUS && s.ESUSDate != nil {
			form += " — " + tr("dossier.receipt.esus", i18n.Date(lang, *s.ESUSDate))
		}
		field(tr("dossier.field.legal_form"), form)
		field(tr("dossier.field.siret"), s.SIRET)
		if s.SIRET == "" {
			field(tr("dossier.field.siren"), s.SIREN)
		}
		field(tr("dossier.field.rna"), s.RNA)
		field(tr("dossier.field.address"), strings.TrimSpace(s.Address+", "+s.Postcode+" "+name(s.Commune)))
	}

	heading(tr("dossier.receipt.project"))
	field(tr("dossier.field.category"), rc.Category.Name)
	field(tr("dossier.field.title"), d.Title)
	field(tr("dossier.field.summary"), d.Summary)
	para(tr("dossier.field.description") + " :")
	para(d.Description)
	for _, q := range rc.Questions {
		pdf.Ln(1)
		para(q.Text)
		para(d.Answers[QuestionKey(q.ID)])
	}
	names := make([]string, len(d.Communes))
	for i, code := range d.Communes {
		names[i] = name(code)
	}
	field(tr("dossier.field.communes"), strings.Join(names, ", "))
	para(tr("dossier.field.timeline") + " :")
	para(d.Timeline)

	heading(tr("dossier.receipt.budget"))
	bal := BalanceOf(d.Budget, rc.Category.Rule)
	row := func(label, amount string) {
		pdf.CellFormat(130, 5.5, label, "B", 0, "L", false, 0, "")
		pdf.CellFormat(0, 5.5, amount, "B", 1, "R", false, 0, "")
	}
	para(tr("dossier.budget.expenses"))
	for _, l := range d.Budget.Expenses {
		row(l.Label, lineAmount(lang, l))
	}
	row(tr("dossier.budget.total_expenses"), money(bal.ExpensesCents))
	pdf.Ln(2)
	para(tr("dossier.budget.fundings"))
	for _, l := range d.Budget.Fundings {
		row(l.Label+" ("+tr(l.Source.MessageKey())+")", lineAmount(lang, l))
	}
	row(tr("dossier.budget.support_line", c.Name), money(bal.SupportCents))
	row(tr("dossier.budget.total_fundings"), money(bal.TotalFundingCents()))
	pdf.Ln(2)
	field(tr("dossier.budget.support"), money(bal.SupportCents))
	para(campaign.DescribeComputation(lang, rc.Category.Rule.Compute(bal.ExpensesCents)))
	if !bal.Balanced() {
		para(tr("dossier.budget.unbalanced_short", money(abs(bal.GapCents))))
	}

	heading(tr("dossier.receipt.documents"))
	if len(rc.Documents) == 0 {
		para("—")
	}
	for _, doc := range rc.Documents {
		para(fmt.Sprintf("%s : %s (%s, %s)", tr(doc.Kind.MessageKey()), doc.Filename, sizeText(lang, doc.Size), "SHA-256 "+doc.SHA256[:min(16, len(doc.SHA256))]+"…"))
	}

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("receipt of dossier %d: %w", d.ID, err)
	}
	return buf.Bytes(), nil
}

func lineAmount(lang i18n.Lang, l Line) string {
	if !l.Valid {
		return l.AmountInput + " (?)"
	}
	return i18n.Money(lang, l.AmountCents)
}

func sizeText(lang i18n.Lang, n int64) string {
	switch {
	case n >= 1<<20:
		mb := fmt.Sprintf("%.1f", float64(n)/(1<<20))
		if lang == i18n.FR {
			mb = strings.Replace(mb, ".", ",", 1)
		}
		return T(lang, "dossier.size.mb", mb)
	default:
		return T(lang, "dossier.size.kb", (n+1023)/1024)
	}
}

// EditOpen reports whether the carrier may still change and submit the dossier at now: the
// dossier phase is open, or an agent extended this dossier's deadline.
func EditOpen(c *campaign.Campaign, d *Dossier, now time.Time) bool {
	if c.IsOpen(campaign.PhaseDossiers, now) {
		return true
	}
	return d.ExtendedUntil != nil && !now.After(*d.ExtendedUntil)
}
