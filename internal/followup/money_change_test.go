package followup_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/followup/followuptest"
	"budgetcitoyen/internal/i18n"
)

// moneyEnv is the follow-up's environment of the fixture, with blobs in a temporary folder
// and the catalogs for the e-mails.
func moneyEnv(t *testing.T, f *followuptest.Fixture) followup.Env {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return followup.Env{Change: f.Env(), Blobs: dossier.LocalBlobs{Dir: t.TempDir()}, Cat: cat, BaseURL: "http://example.test"}
}

func count(t *testing.T, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

const moneyTables = "SELECT id || ' ' || dossier_id || ' ' || kind || ' ' || amount_cents FROM followup_payments ORDER BY id"

// An agent records payments within the grant; above it, without a date, in the future, on a
// project not funded or abandoned, or by a carrier, nothing is recorded; a mistaken payment
// is deleted.
func TestRecordPayment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := followuptest.New(t, d)
		env := moneyEnv(t, f)
		id, grant := f.Granted[0], f.GrantCents[0] // 8 000 €
		pay := func(who change.Who, in followup.PaymentInput) error {
			_, err := followup.RecordPayment(ctx, env, who, f.Campaign, in)
			return err
		}
		ok := followup.PaymentInput{DossierID: id, Kind: "advance", Amount: "4 000", PaidOn: "2019-01-15", Reference: "M-2019-001"}
		if err := pay(f.Agent, ok); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, "UPDATE dossiers SET state = 'abandoned' WHERE id = $1", f.Granted[1]); err != nil {
			t.Fatal(err)
		}
		with := func(mod func(*followup.PaymentInput)) followup.PaymentInput {
			in := ok
			mod(&in)
			return in
		}
		snapshot := func() string {
			return dbtest.Snapshot(t, d, moneyTables, "SELECT COUNT(*) FROM audit_log")
		}
		dbtest.Refuse(t, snapshot, []dbtest.Refusal{
			{Name: "above the grant", Run: func() error { return pay(f.Agent, with(func(in *followup.PaymentInput) { in.Amount = "4 000,01" })) },
				Kind: apperr.Invalid, Field: "amount", Key: "followup.payment.above_grant",
				Also: func(err error) string {
					ae, _ := apperr.As(err)
					if got := ae.Fields["amount"].Args; len(got) != 1 || !strings.Contains(got[0].(string), "4") {
						return "the refusal does not name the remainder"
					}
					return ""
				}},
			{Name: "no amount", Run: func() error { return pay(f.Agent, with(func(in *followup.PaymentInput) { in.Amount = "" })) },
				Kind: apperr.Invalid, Field: "amount"},
			{Name: "negative", Run: func() error { return pay(f.Agent, with(func(in *followup.PaymentInput) { in.Amount = "-5" })) },
				Kind: apperr.Invalid, Field: "amount"},
			{Name: "no date", Run: func() error { return pay(f.Agent, with(func(in *followup.PaymentInput) { in.PaidOn = "" })) },
				Kind: apperr.Invalid, Field: "paid_on"},
			{Name: "future", Run: func() error { return pay(f.Agent, with(func(in *followup.PaymentInput) { in.PaidOn = "2019-02-02" })) },
				Kind: apperr.Invalid, Field: "paid_on", Key: "followup.payment.date_future"},
			{Name: "kind", Run: func() error { return pay(f.Agent, with(func(in *followup.PaymentInput) { in.Kind = "gift" })) },
				Kind: apperr.Invalid, Field: "kind"},
			{Name: "not funded", Run: func() error {
				return pay(f.Agent, with(func(in *followup.PaymentInput) { in.DossierID = f.NotFunded }))
			},
				Kind: apperr.NotFound},
			{Name: "abandoned", Run: func() error {
				return pay(f.Agent, with(func(in *followup.PaymentInput) { in.DossierID = f.Granted[1] }))
			},
				Kind: apperr.Conflict},
			{Name: "carrier", Run: func() error { return pay(f.Carrier, ok) }, Kind: apperr.Forbidden},
		})
		if err := pay(f.Agent, with(func(in *followup.PaymentInput) { in.Kind, in.Amount = "balance", "4 000,00" })); err != nil {
			t.Fatalf("the balance up to the grant: %v", err)
		}
		ps, err := followup.Payments(ctx, d, id)
		if err != nil || len(ps) != 2 || followup.Paid(ps) != grant || ps[0].Reference != "M-2019-001" {
			t.Fatalf("payments: %+v %v", ps, err)
		}
		if err := followup.DeletePayment(ctx, env, f.Carrier, f.Campaign, id, ps[1].ID); !apperr.IsKind(err, apperr.Forbidden) {
			t.Errorf("a carrier deletes a payment: %v", err)
		}
		if err := followup.DeletePayment(ctx, env, f.Agent, f.Campaign, f.Granted[2], ps[1].ID); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("delete through another project: %v", err)
		}
		if err := followup.DeletePayment(ctx, env, f.Agent, f.Campaign, id, ps[1].ID); err != nil {
			t.Fatal(err)
		}
		if p, _ := followup.ProjectOf(ctx, d, id); p.PaidCents != 4_000_00 {
			t.Errorf("paid after the deletion: %d", p.PaidCents)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action IN ('followup.payment', 'followup.payment.delete')"); n != 3 {
			t.Errorf("%d audit entries, want 3", n)
		}
	})
}

func pngFile(w, h int) []byte {
	var buf bytes.Buffer
	_ = png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h)))
	return buf.Bytes()
}

var pdfFile = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// A carrier files the final report with its indicators and documents; an agent sends it
// back with a comment, the carrier files it again, the agent accepts it; bad input and
// other people change nothing.
func TestFileAndReviewReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := followuptest.New(t, d)
		env := moneyEnv(t, f)
		id := f.Granted[0]
		in := followup.ReportInput{DossierID: id, Indicators: []string{"120", "8", "2"}, Summary: "Le local est ouvert.",
			TotalCost: "9 500,00", Files: []followup.FileInput{{Filename: "bilan.pdf", Data: pdfFile}, {Filename: "photo.png", Data: pngFile(20, 20)}}}
		file := func(who change.Who, mod func(*followup.ReportInput)) func() error {
			return func() error {
				x := in
				if mod != nil {
					mod(&x)
				}
				return followup.FileReport(ctx, env, who, f.Campaign, x)
			}
		}
		snapshot := func() string {
			return dbtest.Snapshot(t, d, "SELECT dossier_id || status || summary FROM followup_reports",
				"SELECT filename FROM followup_report_files ORDER BY id", "SELECT COUNT(*) FROM audit_log")
		}
		dbtest.Refuse(t, snapshot, []dbtest.Refusal{
			{Name: "no summary", Run: file(f.Carrier, func(x *followup.ReportInput) { x.Summary = " " }), Kind: apperr.Invalid, Field: "summary"},
			{Name: "indicator", Run: file(f.Carrier, func(x *followup.ReportInput) { x.Indicators = []string{"120", "-1", "2"} }),
				Kind: apperr.Invalid, Field: "ind1"},
			{Name: "indicator missing", Run: file(f.Carrier, func(x *followup.ReportInput) { x.Indicators = []string{"120"} }),
				Kind: apperr.Invalid, Field: "ind2"},
			{Name: "cost", Run: file(f.Carrier, func(x *followup.ReportInput) { x.TotalCost = "beaucoup" }), Kind: apperr.Invalid, Field: "total_cost"},
			{Name: "program", Run: file(f.Carrier, func(x *followup.ReportInput) {
				x.Files = []followup.FileInput{{Filename: "bilan.pdf", Data: []byte("MZ\x90\x00")}}
			}), Kind: apperr.Invalid, Field: "files"},
			{Name: "too large", Run: file(f.Carrier, func(x *followup.ReportInput) {
				x.Files = []followup.FileInput{{Filename: "gros.pdf", Data: append(append([]byte{}, pdfFile...), make([]byte, followup.MaxReportFileSize)...)}}
			}), Kind: apperr.Invalid, Field: "files"},
			{Name: "too many", Run: file(f.Carrier, func(x *followup.ReportInput) {
				x.Files = nil
				for range followup.MaxReportFiles + 1 {
					x.Files = append(x.Files, followup.FileInput{Filename: "p.pdf", Data: pdfFile})
				}
			}), Kind: apperr.Invalid, Field: "files"},
			{Name: "agent", Run: file(f.Agent, nil), Kind: apperr.NotFound},
			{Name: "not funded", Run: file(f.Carrier, func(x *followup.ReportInput) { x.DossierID = f.NotFunded }), Kind: apperr.NotFound},
			{Name: "not the carrier's", Run: file(f.Carrier, func(x *followup.ReportInput) { x.DossierID = f.Granted[1] }), Kind: apperr.NotFound},
			{Name: "review before filing", Run: func() error {
				return followup.ReviewReport(ctx, env, f.Agent, f.Campaign, id, true, "")
			}, Kind: apperr.NotFound},
		})
		if err := file(f.Carrier, nil)(); err != nil {
			t.Fatal(err)
		}
		r, err := followup.ReportOf(ctx, d, id)
		if err != nil || r == nil || r.Status != followup.ReportPending || len(r.Files) != 2 || r.TotalCostCents != 9_500_00 ||
			len(r.Indicators) != 3 || r.Indicators[0] != (followup.Indicator{Label: "Personnes touchées", Value: 120}) {
			t.Fatalf("report: %+v %v", r, err)
		}
		dbtest.Refuse(t, snapshot, []dbtest.Refusal{
			{Name: "return without comment", Run: func() error { return followup.ReviewReport(ctx, env, f.Agent, f.Campaign, id, false, " ") },
				Kind: apperr.Invalid, Field: "comment"},
			{Name: "carrier reviews", Run: func() error { return followup.ReviewReport(ctx, env, f.Carrier, f.Campaign, id, true, "") },
				Kind: apperr.Forbidden},
		})
		if err := followup.ReviewReport(ctx, env, f.Agent, f.Campaign, id, false, "Ajoutez la facture des travaux."); err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM outbox WHERE to_addr = $1 AND body_text LIKE '%Ajoutez la facture%'", "porteuse@exemple.fr"); n != 1 {
			t.Errorf("%d e-mails of the return to the carrier", n)
		}
		// Filed again: one document removed, one added; back to pending.
		err = file(f.Carrier, func(x *followup.ReportInput) {
			x.Remove = []int64{r.Files[1].ID}
			x.Files = []followup.FileInput{{Filename: "facture.pdf", Data: pdfFile}}
		})()
		if err != nil {
			t.Fatal(err)
		}
		r, _ = followup.ReportOf(ctx, d, id)
		if r.Status != followup.ReportPending || len(r.Files) != 2 || r.Files[1].Filename != "facture.pdf" {
			t.Fatalf("filed again: %+v", r)
		}
		if err := followup.ReviewReport(ctx, env, f.Agent, f.Campaign, id, true, ""); err != nil {
			t.Fatal(err)
		}
		if err := file(f.Carrier, nil)(); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("filed after acceptance: %v", err)
		}
		if err := followup.ReviewReport(ctx, env, f.Agent, f.Campaign, id, true, ""); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("accepted twice: %v", err)
		}
		if st := f.State(t, id); st != dossier.StateGranted {
			t.Errorf("accepting the report moved the project to %s", st)
		}
		p, _ := followup.ProjectOf(ctx, d, id)
		ps, _ := followup.Payments(ctx, d, id)
		due := followup.Schedule(p.GrantedCents, 50, ps, true)
		if len(due) != 1 || due[0].Kind != followup.PaymentBalance || due[0].AmountCents != p.GrantedCents {
			t.Errorf("due after the acceptance: %+v", due)
		}
	})
}

// The reminders: a late report once a week at most, a project without news once per period;
// nothing twice in a run, nothing for a completed project or a report waiting for an agent.
func TestRemind(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := followuptest.New(t, d)
		env := moneyEnv(t, f)
		s := followup.DefaultSettings()
		s.StaleMonths = 3
		s.ReportDueOn = mustDate(t, "2019-06-30")
		if err := followup.SaveSettings(ctx, d, f.Campaign.ID, s, f.Now); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `INSERT INTO review_decisions (campaign_id, decided_on, deliberation, recorded_at)
			VALUES ($1, '2019-01-10', 'CP-2019-01', $2)`, f.Campaign.ID, f.Now); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, "UPDATE dossiers SET state = 'completed' WHERE id = $1", f.Granted[3]); err != nil {
			t.Fatal(err)
		}
		remind := func(at time.Time) int {
			t.Helper()
			n, err := followup.Remind(ctx, env, at)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		mails := func() int {
			return count(t, d, "SELECT COUNT(*) FROM outbox WHERE to_addr = $1", "porteuse@exemple.fr")
		}
		audits := func() int { return count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'followup.remind'") }

		// 1 February: the grant is three weeks old; nothing due, nothing written.
		if n := remind(f.Now); n != 0 || audits() != 0 {
			t.Fatalf("nothing due: %d reminders, %d audit entries", n, audits())
		}
		// 11 April: three months since the grant, for the three open projects.
		at := time.Date(2019, 4, 11, 8, 0, 0, 0, time.UTC)
		if n := remind(at); n != 3 || mails() != 1 || audits() != 1 {
			t.Fatalf("stale: %d reminders, %d e-mails to the carrier, %d audits", n, mails(), audits())
		}
		if n := remind(at.Add(time.Hour)); n != 0 {
			t.Errorf("reminded twice: %d", n)
		}
		// An update published on 1 May restarts the first project's period.
		if _, err := d.ExecContext(ctx, `INSERT INTO followup_updates (dossier_id, campaign_id, status, title, body, created_at,
			published_at) VALUES ($1, $2, 'published', 'Jalon', 'Texte', $3, $3)`, f.Granted[0], f.Campaign.ID,
			time.Date(2019, 5, 1, 9, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		// 12 July: the report is late for the open projects; the first project's last news
		// is from May (less than three months), the others' reminder from April is three
		// months old: they are reminded again.
		at = time.Date(2019, 7, 12, 8, 0, 0, 0, time.UTC)
		if n := remind(at); n != 3+2 {
			t.Fatalf("July: %d reminders, want 5", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM outbox WHERE to_addr = $1 AND subject = $2", "porteuse@exemple.fr",
			env.Cat.T(i18n.FR, "mail.followup.remind.report.subject")); n != 1 {
			t.Errorf("%d report reminders to the carrier", n)
		}
		// Six days later: not again; eight days later: the late reports again, but the one
		// filed in between, waiting for an agent.
		if n := remind(at.AddDate(0, 0, 6)); n != 0 {
			t.Errorf("a week has not passed: %d", n)
		}
		if err := followup.FileReport(ctx, env, f.Carrier, f.Campaign, followup.ReportInput{DossierID: f.Granted[0],
			Indicators: []string{"1", "2", "3"}, Summary: "Fait.", TotalCost: "8000"}); err != nil {
			t.Fatal(err)
		}
		if n := remind(at.AddDate(0, 0, 8)); n != 2 {
			t.Errorf("a week later: %d reminders, want 2", n)
		}
	})
}

func mustDate(t *testing.T, s string) campaign.Date {
	t.Helper()
	d, err := campaign.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
