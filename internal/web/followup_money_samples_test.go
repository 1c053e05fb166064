package web

import (
	"net/url"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
)

// followupMoneySamples are the samples of the follow-up's money pages: the staff's board,
// a project's staff page, the settings and the carrier's final report.
func followupMoneySamples(b Base) []pageSample {
	c := sampleCampaign()
	due, _ := campaign.ParseDate("2026-03-01")
	st := followup.DefaultSettings()
	st.ReportDueOn = due
	last := sampleNow.AddDate(0, -1, 0)
	reviewed := sampleNow.Add(-1)
	report := &followup.Report{DossierID: 12, Status: followup.ReportPending, Summary: "Le local est ouvert.\nMerci.",
		TotalCostCents: 9_500_00, SubmittedAt: sampleNow, ReviewComment: "Ajoutez la facture.", ReviewedAt: &reviewed,
		Indicators: []followup.Indicator{{Label: "Personnes touchées", Value: 120}},
		Files:      []followup.ReportFile{{ID: 3, Filename: "bilan.pdf"}}}
	pay := followup.Payment{ID: 4, DossierID: 12, Kind: followup.PaymentAdvance, AmountCents: 4_000_00, PaidOn: due, Reference: "M-1"}
	line := func(state dossier.State, rep followup.ReportStatus, late bool) followupLine {
		l := followup.Line{Project: followup.Project{DossierID: 12, Title: "Jardin <partagé>", StructureName: "Les Jardins",
			State: state, GrantedCents: 8_000_00, PaidCents: 4_000_00, Step: 1, Progress: 40, LastUpdateAt: &last, Pending: 2,
			Report: rep}, Payments: []followup.Payment{pay}, StepLabel: "Convention signée", Remaining: 4_000_00, Late: late,
			Reportable: followup.Open(state), Due: []followup.Due{{Kind: followup.PaymentBalance, AmountCents: 4_000_00}}, DueCents: 4_000_00}
		return followupLine{Line: l, Category: "Solidarité", URL: "/admin/campagnes/pdc-2026/suivi/12"}
	}
	l1, l2 := line(dossier.StateInProgress, followup.ReportPending, true), line(dossier.StateGranted, "", false)
	l2.LastUpdateAt = nil
	board := followupBoardPage{Base: b, C: c, Settings: st, Lines: []followupLine{l1, l2}, Late: []followupLine{l1},
		ToPay: []followupLine{l1}, ToReview: []followupLine{l1}, Pending: 1, Granted: 16_000_00, Paid: 8_000_00, Remaining: 8_000_00, DueTotal: 4_000_00}
	errs := apperr.FieldErrors{}
	for _, f := range []string{"kind", "amount", "paid_on", "reference", "comment", "steps", "indicators", "max_photos",
		"advance_percent", "report_due_on", "stale_months", "summary", "total_cost", "files", "ind0"} {
		errs.Add(f, "error.required")
	}
	staff := func(l followupLine, r *followup.Report, fe apperr.FieldErrors) followupStaffPage {
		return followupStaffPage{Base: b, C: c, L: l, Report: r, Kinds: sampleOptions(), Pay: url.Values{"kind": {"a"}},
			Review: url.Values{"comment": {"Merci"}}, Errors: fe, Today: "2026-03-14", Docs: "/pdc-2026/dossiers/12/bilan/documents/",
			Public: "/pdc-2026/projets/12", Carrier: "/pdc-2026/dossiers/12/bilan", Settings: st}
	}
	accepted := *report
	accepted.Status = followup.ReportAccepted
	returned := *report
	returned.Status = followup.ReportReturned
	noDue := l2
	noDue.Due, noDue.Payments, noDue.Pending = nil, nil, 0
	completed := line(dossier.StateCompleted, followup.ReportAccepted, false)
	pr := &l1.Project
	rp := func(r *followup.Report, editable, member bool, fe apperr.FieldErrors) followupReportPage {
		return followupReportPage{Base: b, C: c, P: pr, Report: r, Editable: editable, Member: member, Errors: fe,
			V: url.Values{"summary": {"Fait"}}, Indicators: []reportIndicator{{Label: "Personnes touchées", Field: "ind0", Value: "12"}},
			Docs: "/pdc-2026/dossiers/12/bilan/documents/", Updates: "/pdc-2026/dossiers/12/suivi", MaxFiles: 5, MaxSize: 10,
			StepLabel: "Convention signée"}
	}
	noDueDate := board
	noDueDate.Settings = followup.DefaultSettings()
	noDueDate.Late, noDueDate.ToPay, noDueDate.ToReview = nil, nil, nil
	return []pageSample{
		{page: "followup_board", data: board},
		{page: "followup_board", note: "nothing due, no due date", data: noDueDate},
		{page: "followup_board", note: "none funded", data: followupBoardPage{Base: b, C: c, Settings: st}},
		{page: "followup_staff", note: "report pending", data: staff(l1, report, errs)},
		{page: "followup_staff", note: "report accepted", data: staff(completed, &accepted, nil)},
		{page: "followup_staff", note: "no report, no payment", data: staff(noDue, nil, nil)},
		{page: "followup_settings", data: followupSettingsPage{Base: b, C: c, In: st.Input(), Errors: errs}},
		{page: "followup_report", note: "first filing", data: rp(nil, true, true, errs)},
		{page: "followup_report", note: "returned", data: rp(&returned, true, true, nil)},
		{page: "followup_report", note: "accepted", data: rp(&accepted, false, true, nil)},
		{page: "followup_report", note: "agent, none", data: rp(nil, false, false, nil)},
	}
}
