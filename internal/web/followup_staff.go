package web

import (
	"net/http"
	"net/url"
	"strconv"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
)

// The staff page of one funded project (/admin/campagnes/{slug}/suivi/{id}): its payments
// and the form to record one, its final report to accept or send back, and its status.

type followupStaffPage struct {
	Base
	C        *campaign.Campaign
	L        followupLine
	Report   *followup.Report
	Kinds    []option
	Pay      url.Values // the payment form as typed
	Review   url.Values // the report's review form as typed
	Errors   apperr.FieldErrors
	Today    string // the payment date's default and maximum (YYYY-MM-DD)
	Docs     string // the address of the report's documents
	Public   string // the project's public page
	Carrier  string // the project's page for its carrier (its report)
	Settings followup.Settings
	// Status is the argument of the partial followup_status, the project's status form
	// (nil: not shown).
	Status *followupStatusForm
}

func (s *Server) followupStaffPage(r *http.Request, pay, rev url.Values, fe apperr.FieldErrors) (followupStaffPage, error) {
	c := campaignOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		return followupStaffPage{}, err
	}
	ctx := r.Context()
	st, lines, err := s.followupLines(ctx, c)
	if err != nil {
		return followupStaffPage{}, err
	}
	p := followupStaffPage{Base: s.base(r, "followup.staff.title", c.Name), C: c, Pay: pay, Review: rev, Errors: fe,
		Settings: st, Today: campaign.DateOf(s.now().In(c.Location())).String()}
	found := false
	for _, l := range lines {
		if l.DossierID == id {
			p.L, found = l, true
		}
	}
	if !found {
		return p, apperr.New(apperr.NotFound, "followup.not_funded")
	}
	p.Title = s.cat.T(langOf(r), "followup.staff.title_project", p.L.Title, c.Name)
	if p.Report, err = followup.ReportOf(ctx, s.db, id); err != nil {
		return p, err
	}
	for _, k := range followup.PaymentKinds() {
		p.Kinds = append(p.Kinds, option{string(k), s.cat.T(langOf(r), k.MessageKey())})
	}
	if p.Pay == nil {
		p.Pay = url.Values{"paid_on": {p.Today}}
		if len(p.L.Due) > 0 {
			p.Pay.Set("kind", string(p.L.Due[0].Kind))
			p.Pay.Set("amount", campaign.MoneyInput(p.L.Due[0].AmountCents))
		}
	}
	if p.Review == nil {
		p.Review = url.Values{}
	}
	ids := strconv.FormatInt(id, 10)
	p.Docs = "/" + c.Slug + "/dossiers/" + ids + "/bilan/documents/"
	p.Public = "/" + c.Slug + "/projets/" + ids
	p.Carrier = followup.ReportURL(c.Slug, id)
	d, err := dossier.ByID(ctx, s.db, id)
	if err != nil {
		return p, err
	}
	form := s.followupStatusFormFor(r, c, d, followupStaffURL(c.Slug, id), nil, nil)
	p.Status = &form
	return p, nil
}

func (s *Server) followupStaff(w http.ResponseWriter, r *http.Request) error {
	p, err := s.followupStaffPage(r, nil, nil, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "followup_staff", p)
}

// followupStaffFail shows the page again with the form as typed and its errors, or returns
// an error that is not the form's.
func (s *Server) followupStaffFail(w http.ResponseWriter, r *http.Request, err error, pay, rev url.Values) error {
	ae, ok := apperr.As(err)
	if !ok || len(ae.Fields) == 0 {
		return err
	}
	p, perr := s.followupStaffPage(r, pay, rev, ae.Fields)
	if perr != nil {
		return perr
	}
	return s.render(w, r, http.StatusUnprocessableEntity, "followup_staff", p)
}

// followupPaymentAdd records a payment.
func (s *Server) followupPaymentAdd(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	v := r.PostForm
	_, err = followup.RecordPayment(r.Context(), s.followupEnv(), whoOf(r), c, followup.PaymentInput{DossierID: id,
		Kind: v.Get("kind"), Amount: v.Get("amount"), PaidOn: v.Get("paid_on"), Reference: v.Get("reference")})
	if err != nil {
		return s.followupStaffFail(w, r, err, v, nil)
	}
	s.flash(r, "followup.payment.recorded")
	http.Redirect(w, r, followupStaffURL(c.Slug, id), http.StatusSeeOther)
	return nil
}

// followupPaymentDelete removes a payment recorded by mistake.
func (s *Server) followupPaymentDelete(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := pathID(r, "payment")
	if err != nil {
		return err
	}
	if err := followup.DeletePayment(r.Context(), s.followupEnv(), whoOf(r), c, id, pid); err != nil {
		return err
	}
	s.flash(r, "followup.payment.deleted")
	http.Redirect(w, r, followupStaffURL(c.Slug, id), http.StatusSeeOther)
	return nil
}

// followupReportReview accepts the final report or sends it back with a comment.
func (s *Server) followupReportReview(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	v := r.PostForm
	accept := v.Get("decision") == "accept"
	if !accept && v.Get("decision") != "return" {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	if err := followup.ReviewReport(r.Context(), s.followupEnv(), whoOf(r), c, id, accept, v.Get("comment")); err != nil {
		return s.followupStaffFail(w, r, err, nil, v)
	}
	if accept {
		s.flash(r, "followup.report.accepted_done")
	} else {
		s.flash(r, "followup.report.returned_done")
	}
	http.Redirect(w, r, followupStaffURL(c.Slug, id), http.StatusSeeOther)
	return nil
}

// ---- Settings ----

type followupSettingsPage struct {
	Base
	C      *campaign.Campaign
	In     followup.SettingsInput
	Errors apperr.FieldErrors
}

// followupSettings shows the campaign's follow-up settings.
func (s *Server) followupSettings(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	st, err := followup.SettingsOf(r.Context(), s.db, c.ID)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "followup_settings",
		followupSettingsPage{Base: s.base(r, "followup.settings.title", c.Name), C: c, In: st.Input()})
}

// followupSettingsSave saves them; the form comes back as typed with its errors.
func (s *Server) followupSettingsSave(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	v := r.PostForm
	in := followup.SettingsInput{Steps: v.Get("steps"), Indicators: v.Get("indicators"), MaxPhotos: v.Get("max_photos"),
		AdvancePercent: v.Get("advance_percent"), StaleMonths: v.Get("stale_months"), ReportDueOn: v.Get("report_due_on")}
	_, err := followup.UpdateSettings(r.Context(), s.followupEnv(), whoOf(r), c, in)
	if ae, ok := apperr.As(err); ok && len(ae.Fields) > 0 {
		return s.render(w, r, http.StatusUnprocessableEntity, "followup_settings",
			followupSettingsPage{Base: s.base(r, "followup.settings.title", c.Name), C: c, In: in, Errors: ae.Fields})
	}
	if err != nil {
		return err
	}
	s.flash(r, "followup.settings.saved")
	http.Redirect(w, r, "/admin/campagnes/"+c.Slug+"/suivi/parametres", http.StatusSeeOther)
	return nil
}
