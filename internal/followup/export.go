package followup

import (
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
)

// Line is one project of the staff's follow-up: its row of the read model, its payments,
// the payments due from the agreement's schedule and whether its report is late.
type Line struct {
	Project
	Payments   []Payment
	Due        []Due
	DueCents   int64
	Late       bool
	StepLabel  string
	Remaining  int64 // granted, not paid yet
	Abandoned  bool
	Reportable bool // the project may still file its report
}

// Lines assembles the staff's lines of a campaign's projects at now.
func Lines(c *campaign.Campaign, s Settings, ps []Project, payments []Payment, now time.Time) []Line {
	by := map[int64][]Payment{}
	for _, p := range payments {
		by[p.DossierID] = append(by[p.DossierID], p)
	}
	out := make([]Line, 0, len(ps))
	for _, p := range ps {
		l := Line{Project: p, Payments: by[p.DossierID], StepLabel: s.StepLabel(p.Step), Remaining: p.GrantedCents - p.PaidCents,
			Abandoned: p.State == dossier.StateAbandoned, Reportable: Open(p.State)}
		if !l.Abandoned {
			l.Due = Schedule(p.GrantedCents, s.AdvancePercent, l.Payments, p.Report == ReportAccepted)
		}
		for _, d := range l.Due {
			l.DueCents += d.AmountCents
		}
		l.Late = Open(p.State) && !s.ReportDueOn.IsZero() && now.After(s.ReportDueOn.DayEnd(c.Location())) &&
			p.Report != ReportAccepted
		out = append(out, l)
	}
	return out
}

// ExportTables lays out the finance service's export: one row per project (granted, paid,
// remaining, the payments due) and one per payment.
func ExportTables(lang i18n.Lang, c *campaign.Campaign, lines []Line) (projects, payments dossier.Table) {
	tr := func(key string, args ...any) string { return dossier.T(lang, key, args...) }
	for _, k := range []string{"id", "title", "structure", "category", "status", "step", "progress", "granted", "paid",
		"remaining", "advance_due", "balance_due", "report", "report_at", "last_update"} {
		projects.Header = append(projects.Header, tr("followup.export."+k))
	}
	for _, k := range []string{"id", "title", "structure", "kind", "amount", "paid_on", "reference", "recorded_at"} {
		payments.Header = append(payments.Header, tr("followup.export.payment."+k))
	}
	loc := c.Location()
	stamp := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	for _, l := range lines {
		cat, _ := c.Category(l.CategoryID)
		var adv, bal int64
		for _, d := range l.Due {
			if d.Kind == PaymentAdvance {
				adv += d.AmountCents
			} else {
				bal += d.AmountCents
			}
		}
		report := tr("followup.report.status.none")
		if l.Report != "" {
			report = tr("followup.report.status." + string(l.Report))
		}
		projects.Rows = append(projects.Rows, []any{l.DossierID, l.Title, l.StructureName, cat.Name, tr(l.State.MessageKey()),
			l.StepLabel, int64(l.Progress), dossier.Cents(l.GrantedCents), dossier.Cents(l.PaidCents), dossier.Cents(l.Remaining),
			dossier.Cents(adv), dossier.Cents(bal), report, stamp(l.ReportAt), stamp(l.LastUpdateAt)})
		for _, p := range l.Payments {
			rec := p.RecordedAt
			payments.Rows = append(payments.Rows, []any{l.DossierID, l.Title, l.StructureName, tr(p.Kind.MessageKey()),
				dossier.Cents(p.AmountCents), p.PaidOn.String(), p.Reference, stamp(&rec)})
		}
	}
	return projects, payments
}
