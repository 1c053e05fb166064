package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/privacy"
)

// The personal-data page, the processing register and the settings behind both: what the
// pages state is computed from the settings that privacy.Purge applies.

// retentionRow is one kind of data with its duration, worded.
type retentionRow struct {
	Kind, Duration string
}

// processingView is one processing activity of the register.
type processingView struct {
	Key  string
	Rows []retentionRow
}

type privacyPageData struct {
	Base
	Paragraphs  []template.HTML
	Rows        []retentionRow
	Processings []processingView
	Site        privacy.Site
}

// privacyData gathers the settings and words each duration.
func (s *Server) privacyData(r *http.Request, titleKey string) (privacyPageData, error) {
	p := privacyPageData{Base: s.base(r, titleKey)}
	var err error
	if p.Site, err = privacy.SiteOf(r.Context(), s.db); err != nil {
		return p, err
	}
	camps, err := privacy.Rules(r.Context(), s.db)
	if err != nil {
		return p, err
	}
	all := privacy.Retentions(p.Site, camps)
	for _, rt := range all {
		p.Rows = append(p.Rows, s.retentionRow(p.Lang, rt))
	}
	for _, key := range privacy.Processings {
		v := processingView{Key: key}
		for _, rt := range privacy.Of(all, key) {
			v.Rows = append(v.Rows, s.retentionRow(p.Lang, rt))
		}
		p.Processings = append(p.Processings, v)
	}
	return p, nil
}

// retentionRow words one retention: "30 jours", "1 jour", "90 jours après la clôture du
// vote, soit le 10 mars 2027", "jusqu'à la suppression du compte"…
func (s *Server) retentionRow(lang i18n.Lang, rt privacy.Retention) retentionRow {
	kind := s.cat.T(lang, "privacy.kind."+rt.Kind)
	if rt.Campaign != "" {
		kind = s.cat.T(lang, "privacy.kind."+rt.Kind+".of", rt.Campaign)
	}
	var d string
	switch rt.Unit {
	case privacy.Hours, privacy.Days:
		key := "privacy.unit." + string(rt.Unit)
		if rt.Amount == 1 {
			key += "_one"
		}
		d = s.cat.T(lang, key, i18n.Int(lang, int64(rt.Amount)))
	default:
		d = s.cat.T(lang, "privacy.unit."+string(rt.Unit))
	}
	if rt.Kind == "voters" {
		d = s.cat.T(lang, "privacy.after_close", d)
		if !rt.Until.IsZero() {
			d = s.cat.T(lang, "privacy.after_close_until", d, i18n.LongDate(lang, rt.Until))
		}
	}
	if rt.ByHost {
		d = s.cat.T(lang, "privacy.by_host", d)
	}
	return retentionRow{Kind: kind, Duration: d}
}

// privacyPage is the personal-data page: the catalog's paragraphs, then the durations.
func (s *Server) privacyPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.privacyData(r, "page.privacy.title")
	if err != nil {
		return err
	}
	for i := 1; ; i++ {
		key := "page.privacy.p" + strconv.Itoa(i)
		if !s.cat.Has(key) {
			break
		}
		// Catalog texts are ours, not user input; they may hold simple markup (links).
		p.Paragraphs = append(p.Paragraphs, template.HTML(strings.TrimSpace(s.cat.T(p.Lang, key)))) //nolint:gosec
	}
	return s.render(w, r, http.StatusOK, "privacy", p)
}

// privacyRegister is the processing register, generated from the same settings.
func (s *Server) privacyRegister(w http.ResponseWriter, r *http.Request) error {
	p, err := s.privacyData(r, "privacy.register.title")
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "privacy_register", p)
}

// adminPrivacyData is the administrators' form of the site-wide settings.
type adminPrivacyData struct {
	Base
	Form   map[string]string
	Errors apperr.FieldErrors
}

var sitePrivacyFields = []string{"throttle_hours", "unverified_days", "outbox_days", "log_days", "controller", "dpo_contact"}

func siteForm(st privacy.Site) map[string]string {
	return map[string]string{
		"throttle_hours": strconv.Itoa(st.ThrottleHours), "unverified_days": strconv.Itoa(st.UnverifiedDays),
		"outbox_days": strconv.Itoa(st.OutboxDays), "log_days": strconv.Itoa(st.LogDays),
		"controller": st.Controller, "dpo_contact": st.DPOContact,
	}
}

// adminPrivacy shows the site-wide retention settings.
func (s *Server) adminPrivacy(w http.ResponseWriter, r *http.Request) error {
	st, err := privacy.SiteOf(r.Context(), s.db)
	if err != nil {
		return err
	}
	p := adminPrivacyData{Base: s.base(r, "privacy.admin.title"), Form: siteForm(st)}
	return s.render(w, r, http.StatusOK, "admin_privacy", p)
}

// adminPrivacySave saves them (privacy.ConfigureSite); a refusal shows the form again as
// typed, with the message of each wrong field.
func (s *Server) adminPrivacySave(w http.ResponseWriter, r *http.Request) error {
	form := map[string]string{}
	for _, f := range sitePrivacyFields {
		form[f] = strings.TrimSpace(r.PostFormValue(f))
	}
	errs := apperr.FieldErrors{}
	num := func(name string) int {
		n, err := strconv.Atoi(form[name])
		if err != nil {
			errs.Add(name, "privacy.invalid.number")
			return 0
		}
		return n
	}
	st := privacy.Site{ThrottleHours: num("throttle_hours"), UnverifiedDays: num("unverified_days"),
		OutboxDays: num("outbox_days"), LogDays: num("log_days"), Controller: form["controller"], DPOContact: form["dpo_contact"]}
	// A value that is no number keeps its own message; the others are checked too, so that
	// the form shows every mistake at once.
	err := errs.Err()
	if err != nil {
		if ae, ok := apperr.As(st.Validate()); ok {
			for k, m := range ae.Fields {
				errs.Add(k, m.Key, m.Args...)
			}
		}
	} else {
		err = privacy.ConfigureSite(r.Context(), s.changeEnv(), whoOf(r), st)
	}
	if ae, ok := apperr.As(err); ok && ae.Kind == apperr.Invalid {
		for k, m := range ae.Fields {
			errs.Add(k, m.Key, m.Args...)
		}
		p := adminPrivacyData{Base: s.base(r, "privacy.admin.title"), Form: form, Errors: errs}
		return s.render(w, r, http.StatusUnprocessableEntity, "admin_privacy", p)
	}
	if err != nil {
		return err
	}
	s.flash(r, "privacy.admin.saved")
	http.Redirect(w, r, "/admin/donnees-personnelles", http.StatusSeeOther)
	return nil
}

// voteRetentionSave saves how long a campaign's voter register identities are kept after
// its vote closes (privacy.ConfigureCampaign), from the vote settings page.
func (s *Server) voteRetentionSave(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	value := strings.TrimSpace(r.PostFormValue("voter_days"))
	days, err := strconv.Atoi(value)
	if err != nil {
		err = apperr.FieldErrors{"voter_days": apperr.Msg("privacy.invalid.number")}.Err()
	} else {
		err = privacy.ConfigureCampaign(r.Context(), s.changeEnv(), whoOf(r), c, privacy.Campaign{VoterDays: days})
	}
	if ae, ok := apperr.As(err); ok && ae.Kind == apperr.Invalid {
		p, perr := s.voteAdminPage(r)
		if perr != nil {
			return perr
		}
		p.VoterDays, p.RetentionErrors = value, ae.Fields
		return s.render(w, r, http.StatusUnprocessableEntity, "vote_admin", p)
	}
	if err != nil {
		return err
	}
	s.flash(r, "privacy.campaign.saved")
	http.Redirect(w, r, "/admin/campagnes/"+c.Slug+"/vote", http.StatusSeeOther)
	return nil
}
