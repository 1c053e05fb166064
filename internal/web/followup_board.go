package web

import (
	"context"
	"net/http"
	"strconv"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
)

// The staff's follow-up of a campaign's funded projects (/admin/campagnes/{slug}/suivi):
// every project with its money and its report, the reports that are late, the payments to
// make, and the finance service's exports.

// followupLine is a project of the board with the address of its staff page.
type followupLine struct {
	followup.Line
	Category string
	URL      string
}

type followupBoardPage struct {
	Base
	C         *campaign.Campaign
	Settings  followup.Settings
	Lines     []followupLine
	Late      []followupLine // report due date passed, no accepted report
	ToPay     []followupLine // payments due from the schedule
	ToReview  []followupLine // reports waiting for an agent
	Pending   int            // updates waiting for an agent
	Granted   int64
	Paid      int64
	Remaining int64
	DueTotal  int64
}

// ReportKey is the i18n key of the report's status ("not filed" when none).
func (l followupLine) ReportKey() string {
	if l.Report == "" {
		return "followup.report.status.none"
	}
	return "followup.report.status." + string(l.Report)
}

// followupLines reads the staff's lines of a campaign's projects.
func (s *Server) followupLines(ctx context.Context, c *campaign.Campaign) (followup.Settings, []followupLine, error) {
	st, err := followup.SettingsOf(ctx, s.db, c.ID)
	if err != nil {
		return st, nil, err
	}
	ps, err := followup.Projects(ctx, s.db, c.ID)
	if err != nil {
		return st, nil, err
	}
	pays, err := followup.CampaignPayments(ctx, s.db, c.ID)
	if err != nil {
		return st, nil, err
	}
	var out []followupLine
	for _, l := range followup.Lines(c, st, ps, pays, s.now()) {
		cat, _ := c.Category(l.CategoryID)
		out = append(out, followupLine{Line: l, Category: cat.Name, URL: followupStaffURL(c.Slug, l.DossierID)})
	}
	return st, out, nil
}

// followupStaffURL is the staff page of one funded project.
func followupStaffURL(slug string, dossierID int64) string {
	return "/admin/campagnes/" + slug + "/suivi/" + strconv.FormatInt(dossierID, 10)
}

// followupBoard is the staff's board of a campaign's follow-up.
func (s *Server) followupBoard(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	st, lines, err := s.followupLines(r.Context(), c)
	if err != nil {
		return err
	}
	p := followupBoardPage{Base: s.base(r, "followup.board.title", c.Name), C: c, Settings: st, Lines: lines}
	for _, l := range lines {
		p.Granted += l.GrantedCents
		p.Paid += l.PaidCents
		p.Remaining += l.Remaining
		p.DueTotal += l.DueCents
		p.Pending += l.Pending
		if l.Late {
			p.Late = append(p.Late, l)
		}
		if len(l.Due) > 0 {
			p.ToPay = append(p.ToPay, l)
		}
		if l.Report == followup.ReportPending {
			p.ToReview = append(p.ToReview, l)
		}
	}
	return s.render(w, r, http.StatusOK, "followup_board", p)
}

// followupExportName is the name of an export's file.
func (s *Server) followupExportName(c *campaign.Campaign, what, ext string) string {
	return what + "-" + c.Slug + "-" + s.now().In(c.Location()).Format("20060102-1504") + "." + ext
}

func (s *Server) followupExportTables(r *http.Request) (*campaign.Campaign, dossier.Table, dossier.Table, error) {
	c := campaignOf(r)
	_, lines, err := s.followupLines(r.Context(), c)
	if err != nil {
		return c, dossier.Table{}, dossier.Table{}, err
	}
	ls := make([]followup.Line, len(lines))
	for i, l := range lines {
		ls[i] = l.Line
	}
	projects, payments := followup.ExportTables(langOf(r), c, ls)
	return c, projects, payments, nil
}

func writeDownload(w http.ResponseWriter, contentType, name string, b []byte) error {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err := w.Write(b)
	return err
}

// followupExportCSV exports one row per project for the finance service.
func (s *Server) followupExportCSV(w http.ResponseWriter, r *http.Request) error {
	c, projects, _, err := s.followupExportTables(r)
	if err != nil {
		return err
	}
	b, err := projects.CSV()
	if err != nil {
		return err
	}
	return writeDownload(w, "text/csv; charset=utf-8", s.followupExportName(c, "suivi", "csv"), b)
}

// followupPaymentsCSV exports one row per payment.
func (s *Server) followupPaymentsCSV(w http.ResponseWriter, r *http.Request) error {
	c, _, payments, err := s.followupExportTables(r)
	if err != nil {
		return err
	}
	b, err := payments.CSV()
	if err != nil {
		return err
	}
	return writeDownload(w, "text/csv; charset=utf-8", s.followupExportName(c, "paiements", "csv"), b)
}

// followupExportXLSX exports both tables as the sheets of one workbook.
func (s *Server) followupExportXLSX(w http.ResponseWriter, r *http.Request) error {
	c, projects, payments, err := s.followupExportTables(r)
	if err != nil {
		return err
	}
	lang := langOf(r)
	b, err := dossier.Workbook(dossier.Sheet{Name: s.cat.T(lang, "followup.export.sheet.projects"), Table: projects},
		dossier.Sheet{Name: s.cat.T(lang, "followup.export.sheet.payments"), Table: payments})
	if err != nil {
		return err
	}
	return writeDownload(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		s.followupExportName(c, "suivi", "xlsx"), b)
}

// QueueFollowupReminders e-mails the carriers of the projects whose final report is late or
// that have had no news for too long (followup.Remind); the background worker calls it.
func (s *Server) QueueFollowupReminders(ctx context.Context) (int, error) {
	return followup.Remind(ctx, s.followupEnv(), s.now())
}
