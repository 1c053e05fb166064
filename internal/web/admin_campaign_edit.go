package web

import (
	"net/http"
	"net/url"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
)

type phaseFields struct {
	Phase      campaign.Phase
	Start, End string // field names
}

type categoryRow struct {
	Index  int
	Fields map[string]string // suffix → field name (catN_suffix)
}

type campaignFormPage struct {
	Base
	Slug         string // the campaign's saved slug, for the form's address
	Name         string
	V            url.Values
	Errors       apperr.FieldErrors
	Phases       []phaseFields
	Categories   []categoryRow
	VoteRules    []option
	Aggregations []option
	Publications []option
	RuleKinds    []option
	Updated      time.Time
}

func (s *Server) campaignForm(r *http.Request, c *campaign.Campaign, v url.Values, errs apperr.FieldErrors) campaignFormPage {
	lang := langOf(r)
	p := campaignFormPage{Base: s.base(r, "admin.edit.title", c.Name), Slug: c.Slug, Name: c.Name, V: v, Errors: errs, Updated: c.UpdatedAt}
	for _, ph := range campaign.AllPhases() {
		p.Phases = append(p.Phases, phaseFields{ph, campaign.PhaseStartField(ph), campaign.PhaseEndField(ph)})
	}
	// The existing rows and one empty row: filling it adds a category, without JavaScript.
	for i := 0; i <= campaign.CategoryRows(v); i++ {
		row := categoryRow{Index: i, Fields: map[string]string{}}
		for _, suffix := range []string{campaign.CatID, campaign.CatName, campaign.CatDescription, campaign.CatRule,
			campaign.CatFlat, campaign.CatRate, campaign.CatCap, campaign.CatFloor, campaign.CatEnvelope, campaign.CatDelete} {
			row.Fields[suffix] = campaign.CatField(i, suffix)
		}
		p.Categories = append(p.Categories, row)
	}
	for _, k := range campaign.VoteRules() {
		p.VoteRules = append(p.VoteRules, option{k, s.cat.T(lang, "admin.vote_rule."+k)})
	}
	for _, k := range campaign.AggregationRules() {
		p.Aggregations = append(p.Aggregations, option{k, k + " — " + s.cat.T(lang, "campaign.aggregation_text."+k)})
	}
	for _, k := range campaign.PublicationModes() {
		p.Publications = append(p.Publications, option{k, s.cat.T(lang, "admin.publication."+k)})
	}
	for _, k := range campaign.RuleKinds() {
		p.RuleKinds = append(p.RuleKinds, option{k, s.cat.T(lang, "admin.rule_kind."+k)})
	}
	return p
}

func (s *Server) adminCampaignEdit(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	return s.render(w, r, http.StatusOK, "admin_campaign_form", s.campaignForm(r, c, campaign.FormValues(c), nil))
}

// adminCampaignUpdate saves the edit form. Invalid input re-displays the form with the
// user's text and the messages next to the fields; nothing is saved.
func (s *Server) adminCampaignUpdate(w http.ResponseWriter, r *http.Request) error {
	before := campaignOf(r)
	// The old address of the form (the console's now) re-displays it as the form's own page.
	r.URL.Path = settingsPath(before.Slug)
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	v := campaign.NormalizeForm(r.PostForm)
	if r.PostForm.Get(campaign.ActionField) == campaign.ActionAddCategory {
		// One more empty row, nothing saved.
		return s.render(w, r, http.StatusOK, "admin_campaign_form", s.campaignForm(r, before, v, nil))
	}
	c, errs := campaign.ParseForm(v)
	if len(errs) == 0 {
		c.ID = before.ID
		err := s.editCampaign(r, c)
		if ae, ok := apperr.As(err); ok && ae.Fields != nil {
			errs = ae.Fields
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return s.render(w, r, http.StatusUnprocessableEntity, "admin_campaign_form", s.campaignForm(r, before, v, errs))
	}
	s.flash(r, "admin.edit.done")
	http.Redirect(w, r, settingsPath(c.Slug), http.StatusSeeOther)
	return nil
}

// settingsPath is the address of a campaign's edit form.
func settingsPath(slug string) string { return "/admin/campagnes/" + slug + "/parametres" }

// editCampaign runs campaign.Edit; the copies of campaigns kept in memory are read again.
func (s *Server) editCampaign(r *http.Request, c *campaign.Campaign) error {
	defer s.campaignChanged()
	return campaign.Edit(r.Context(), s.changeEnv(), change.By(actorOf(r)), c)
}
