package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
)

// A new campaign starts from a preset or from a copy of an existing campaign, with its dates
// moved by whole years; the agent then adjusts it in the edit form.

type option struct {
	Value, Label string
}

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
	errs := apperr.FieldErrors{}
	src, err := s.sourceCampaign(r.Context(), strings.TrimSpace(v.Get("source")))
	if err != nil {
		if !apperr.IsKind(err, apperr.NotFound) && !apperr.IsKind(err, apperr.Invalid) {
			return err
		}
		errs.Add("source", "admin.new.source_required")
	}
	years, yerr := strconv.Atoi(strings.TrimSpace(v.Get("years")))
	if yerr != nil || years < -10 || years > 20 {
		errs.Add("years", "admin.new.years_invalid")
	}
	var created *campaign.Campaign
	if len(errs) == 0 {
		c := campaign.CopyForEdition(src, strings.TrimSpace(v.Get("slug")), strings.TrimSpace(v.Get("name")), years)
		for field, m := range c.Validate() {
			errs[field] = m
		}
		if len(errs) == 0 {
			created = c
			err := s.saveCampaign(r, "campaign.create", nil, c)
			if ae, ok := apperr.As(err); ok && ae.Fields != nil {
				errs = ae.Fields
			} else if err != nil {
				return err
			}
		}
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
	http.Redirect(w, r, "/admin/campagnes/"+created.Slug, http.StatusSeeOther)
	return nil
}

func (s *Server) sourceCampaign(ctx context.Context, source string) (*campaign.Campaign, error) {
	switch {
	case strings.HasPrefix(source, sourcePreset):
		c, err := campaign.Preset(strings.TrimPrefix(source, sourcePreset))
		if err != nil {
			return nil, apperr.New(apperr.Invalid, "admin.new.source_required")
		}
		return c, nil
	case strings.HasPrefix(source, sourceCopy):
		return campaign.BySlug(ctx, s.db, strings.TrimPrefix(source, sourceCopy))
	}
	return nil, apperr.New(apperr.Invalid, "admin.new.source_required")
}

// saveCampaign inserts (before == nil) or updates c through the state-change function.
func (s *Server) saveCampaign(r *http.Request, action string, before, c *campaign.Campaign) error {
	defer s.campaignChanged()
	_, err := change.Do(r.Context(), s.changeEnv(), change.Request{
		Who: change.By(actorOf(r)), Permission: access.PermManageCampaigns, Campaign: before,
		Action: action, EntityKind: "campaign",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			var err error
			if before == nil {
				err = campaign.Insert(ctx, tx, c)
			} else {
				err = campaign.Update(ctx, tx, c)
			}
			if err != nil {
				return change.Outcome{}, err
			}
			out := change.Outcome{EntityID: strconv.FormatInt(c.ID, 10), After: c}
			if before != nil {
				out.Before = before
			}
			return out, nil
		},
	})
	return err
}
