package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
)

// A new campaign starts from a preset or from a copy of an existing campaign, with its dates
// moved by whole years; the agent then adjusts it in the edit form.

type campaignNewPage struct {
	Base
	V       url.Values
	Errors  apperr.FieldErrors
	Sources []option
}

const (
	sourcePreset = "preset:"
	sourceCopy   = "copy:"
)

func (s *Server) campaignSources(r *http.Request) ([]option, error) {
	lang := langOf(r)
	var out []option
	for _, name := range campaign.PresetNames() {
		out = append(out, option{sourcePreset + name, s.cat.T(lang, "admin.new.preset", name)})
	}
	all, err := campaign.List(r.Context(), s.db)
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		out = append(out, option{sourceCopy + c.Slug, s.cat.T(lang, "admin.new.copy", c.Name)})
	}
	return out, nil
}

func (s *Server) adminCampaignNew(w http.ResponseWriter, r *http.Request) error {
	sources, err := s.campaignSources(r)
	if err != nil {
		return err
	}
	v := url.Values{"years": {"1"}}
	if src := r.URL.Query().Get("source"); src != "" {
		v.Set("source", src)
	}
	p := campaignNewPage{Base: s.base(r, "admin.new.title"), V: v, Sources: sources}
	return s.render(w, r, http.StatusOK, "admin_campaign_new", p)
}

// adminCampaignCreate copies the chosen source into a new campaign. The copy must be valid
// as it is (slug free, dates in order); the details are then edited in the full form.
func (s *Server) adminCampaignCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	v := r.PostForm
	in := campaign.CopyInput{Slug: strings.TrimSpace(v.Get("slug")), Name: strings.TrimSpace(v.Get("name"))}
	switch source := strings.TrimSpace(v.Get("source")); {
	case strings.HasPrefix(source, sourcePreset):
		in.Preset = strings.TrimPrefix(source, sourcePreset)
	case strings.HasPrefix(source, sourceCopy):
		in.From = strings.TrimPrefix(source, sourceCopy)
	}
	if years, err := strconv.Atoi(strings.TrimSpace(v.Get("years"))); err == nil {
		in.Years = &years
	}
	var errs apperr.FieldErrors
	created, err := s.copyCampaign(r, in)
	if ae, ok := apperr.As(err); ok && ae.Fields != nil {
		errs = ae.Fields
	} else if err != nil {
		return err
	}
	if len(errs) > 0 {
		sources, err := s.campaignSources(r)
		if err != nil {
			return err
		}
		p := campaignNewPage{Base: s.base(r, "admin.new.title"), V: v, Errors: errs, Sources: sources}
		return s.render(w, r, http.StatusUnprocessableEntity, "admin_campaign_new", p)
	}
	s.flash(r, "admin.new.done")
	http.Redirect(w, r, settingsPath(created.Slug), http.StatusSeeOther)
	return nil
}

// copyCampaign runs campaign.Copy; the copies of campaigns kept in memory are read again.
func (s *Server) copyCampaign(r *http.Request, in campaign.CopyInput) (*campaign.Campaign, error) {
	defer s.campaignChanged()
	return campaign.Copy(r.Context(), s.changeEnv(), change.By(actorOf(r)), in)
}
