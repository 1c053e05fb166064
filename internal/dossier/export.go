package dossier

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
)

// StructuresByID reads several structures at once.
func StructuresByID(ctx context.Context, q db.Querier, ids []int64) (map[int64]*Structure, error) {
	out := map[int64]*Structure{}
	for start := 0; start < len(ids); start += 500 {
		end := min(start+500, len(ids))
		args := make([]any, 0, end-start)
		for _, id := range ids[start:end] {
			args = append(args, id)
		}
		rows, err := q.QueryContext(ctx, "SELECT "+structureCols+" FROM structures WHERE id IN ("+db.Placeholders(1, len(args))+")", args...)
		if err != nil {
			return nil, fmt.Errorf("read structures: %w", err)
		}
		for rows.Next() {
			s, err := scanStructure(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[s.ID] = &s
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Cents is an amount in a table: written "12500,50" in the CSV and as a number of euros in
// the spreadsheet.
type Cents int64

// Table is the staff export of a campaign's dossiers: one row per dossier.
type Table struct {
	Header []string
	Rows   [][]any // string, int64 or Cents
}

// ExportInput is what the export reads.
type ExportInput struct {
	Lang       i18n.Lang
	Campaign   *campaign.Campaign
	Dossiers   []Dossier // with their budget lines
	Structures map[int64]*Structure
	// Commune gives a commune's name and arrondissement code from its INSEE code.
	Commune func(code string) (name, arrondissement string)
}

// BuildTable lays out the export.
func BuildTable(in ExportInput) Table {
	tr := func(key string, args ...any) string { return T(in.Lang, key, args...) }
	t := Table{}
	for _, k := range []string{"id", "category", "state", "structure", "legal_form", "esus", "siret", "rna", "commune",
		"arrondissement", "title", "summary", "communes", "total_cost", "own", "public", "private", "in_kind", "revenue",
		"other", "support", "balanced", "computation", "submitted_at", "updated_at"} {
		t.Header = append(t.Header, tr("dossier.export."+k))
	}
	loc := in.Campaign.Location()
	commune := in.Commune
	if commune == nil {
		commune = func(code string) (string, string) { return code, "" }
	}
	for _, d := range in.Dossiers {
		cat, _ := in.Campaign.Category(d.CategoryID)
		s := in.Structures[d.StructureID]
		if s == nil {
			s = &Structure{Name: d.StructureName, LegalForm: d.LegalForm}
		}
		cname, arr := commune(s.Commune)
		bySource := map[Source]int64{}
		for _, l := range d.Budget.Fundings {
			if l.Valid {
				bySource[l.Source] += l.AmountCents
			}
		}
		bal := BalanceOf(d.Budget, cat.Rule)
		names := make([]string, len(d.Communes))
		for i, code := range d.Communes {
			names[i], _ = commune(code)
		}
		yesNo := func(b bool) string {
			if b {
				return tr("dossier.export.yes")
			}
			return tr("dossier.export.no")
		}
		submitted := ""
		if d.SubmittedAt != nil {
			submitted = d.SubmittedAt.In(loc).Format("2006-01-02 15:04:05")
		}
		t.Rows = append(t.Rows, []any{
			d.ID, cat.Name, tr(d.State.MessageKey()), s.Name, tr(s.LegalForm.MessageKey()), yesNo(s.ESUS), s.SIRET, s.RNA,
			cname, arr, d.Title, d.Summary, strings.Join(names, ", "), Cents(bal.ExpensesCents),
			Cents(bySource[SourceOwn]), Cents(bySource[SourcePublic]), Cents(bySource[SourcePrivate]),
			Cents(bySource[SourceInKind]), Cents(bySource[SourceRevenue]), Cents(bySource[SourceOther]),
			Cents(bal.SupportCents), yesNo(bal.Balanced() && d.Budget.AllValid()),
			campaign.DescribeComputation(in.Lang, cat.Rule.Compute(bal.ExpensesCents)),
			submitted, d.UpdatedAt.In(loc).Format("2006-01-02 15:04:05"),
		})
	}
	return t
}

// CSV writes the table the way French spreadsheets open it: UTF-8 with a byte-order mark,
// ";" between fields, amounts with a decimal comma.
func (t Table) CSV() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.UseCRLF = true
	if err := w.Write(t.Header); err != nil {
		return nil, err
	}
	rec := make([]string, len(t.Header))
	for _, row := range t.Rows {
		for i, v := range row {
			rec[i] = cellText(v)
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func cellText(v any) string {
	switch x := v.(type) {
	case Cents:
		s := campaign.MoneyInput(int64(x))
		return strings.ReplaceAll(s, " ", "")
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		// A cell starting with = + - @ is a formula to spreadsheets: neutralise it.
		if x != "" && strings.ContainsRune("=+-@\t\r", rune(x[0])) {
			return "'" + x
		}
		return x
	}
	return fmt.Sprint(v)
}

// XLSX writes the table as an Excel workbook: amounts are numbers in euros with a money
// format, so that staff can sum and filter them.
func (t Table) XLSX(sheet string) ([]byte, error) {
	return Workbook(Sheet{Name: sheet, Table: t})
}

// Sheet is a named table of a workbook.
type Sheet struct {
	Name  string
	Table Table
}

// Workbook writes tables as the sheets of one Excel workbook, in order (see Table.XLSX).
func Workbook(sheets ...Sheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	euro := "#,##0.00 \"€\""
	style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &euro})
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	for n, sh := range sheets {
		if n == 0 {
			err = f.SetSheetName("Sheet1", sh.Name)
		} else {
			_, err = f.NewSheet(sh.Name)
		}
		if err != nil {
			return nil, err
		}
		if err := writeSheet(f, sh.Name, sh.Table, style, bold); err != nil {
			return nil, err
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeSheet(f *excelize.File, sheet string, t Table, style, bold int) error {
	var err error
	for i, h := range t.Header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sheet, cell, h); err != nil {
			return err
		}
		_ = f.SetCellStyle(sheet, cell, cell, bold)
	}
	for r, row := range t.Rows {
		for i, v := range row {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			switch x := v.(type) {
			case Cents:
				err = f.SetCellFloat(sheet, cell, float64(x)/100, 2, 64)
				if err == nil {
					err = f.SetCellStyle(sheet, cell, cell, style)
				}
			case int64:
				err = f.SetCellInt(sheet, cell, x)
			default:
				err = f.SetCellStr(sheet, cell, fmt.Sprint(v))
			}
			if err != nil {
				return err
			}
		}
	}
	_ = f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	return nil
}
