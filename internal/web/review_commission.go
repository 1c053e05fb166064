package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/review"
)

// The commission's validation of the labelled list (→ ballot), the Commission permanente
// decision (granted amounts) and the proclamation, for agents.

type reviewLabelledRow struct {
	D           dossier.Dossier
	Category    string
	Field       string
	ReasonField string
}

type reviewCommissionPage struct {
	Base
	Nav        []reviewLink
	C          *campaign.Campaign
	Commission *review.Commission
	Rows       []reviewLabelledRow
	OnBallot   int
	V          url.Values
	Errors     apperr.FieldErrors
	Phase      bool
}

func (s *Server) reviewCommissionPage(r *http.Request, c *campaign.Campaign, v url.Values, fe apperr.FieldErrors) (reviewCommissionPage, error) {
	ctx := r.Context()
	p := reviewCommissionPage{Base: s.base(r, "review.commission.title", c.Name), C: c, V: v, Errors: fe,
		Phase: c.IsOpen(campaign.PhaseCommission, s.now()), Nav: s.reviewNav(r, c)}
	if p.V == nil {
		p.V = url.Values{}
	}
	var err error
	if p.Commission, err = review.CommissionOf(ctx, s.db, c.ID); err != nil {
		return p, err
	}
	list, err := dossier.List(ctx, s.db, dossier.Filter{CampaignID: c.ID, State: dossier.StateLabelled})
	if err != nil {
		return p, err
	}
	for _, d := range list {
		cat, _ := c.Category(d.CategoryID)
		p.Rows = append(p.Rows, reviewLabelledRow{D: d, Category: cat.Name, Field: review.WithdrawField(d.ID), ReasonField: review.WithdrawReasonField(d.ID)})
	}
	ballot, err := dossier.List(ctx, s.db, dossier.Filter{CampaignID: c.ID, State: dossier.StateBallot})
	if err != nil {
		return p, err
	}
	p.OnBallot = len(ballot)
	return p, nil
}

func (s *Server) reviewCommission(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	p, err := s.reviewCommissionPage(r, c, nil, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "review_commission", p)
}

func (s *Server) reviewCommissionSave(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	v := r.PostForm
	cm, fe := review.ParseCommission(v.Get("name"), v.Get("held_on"), v.Get("reference"))
	withdrawn := map[int64]string{}
	for key := range v {
		rest, ok := strings.CutPrefix(key, "withdraw_")
		if !ok || strings.HasSuffix(rest, "_reason") || v.Get(key) != "1" {
			continue
		}
		if id, err := strconv.ParseInt(rest, 10, 64); err == nil {
			withdrawn[id] = v.Get(review.WithdrawReasonField(id))
			if strings.TrimSpace(withdrawn[id]) == "" {
				fe.Add(review.WithdrawReasonField(id), "review.commission.reason_required")
			}
		}
	}
	err := fe.Err()
	if err == nil {
		// The ballot's projects change: this process's copy of them must not outlive the change.
		defer s.campaignChanged()
		err = review.ValidateCommission(r.Context(), s.reviewEnv(), whoOf(r), c, cm, withdrawn)
	}
	if ae, ok := apperr.As(err); ok && len(ae.Fields) > 0 {
		p, perr := s.reviewCommissionPage(r, c, v, ae.Fields)
		if perr != nil {
			return perr
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "review_commission", p)
	}
	if err != nil {
		return err
	}
	s.flash(r, "review.commission.saved")
	http.Redirect(w, r, "/admin/campagnes/"+c.Slug+"/commission", http.StatusSeeOther)
	return nil
}

type reviewGrantRow struct {
	D           dossier.Dossier
	Category    string
	AmountField string
	ReasonField string
}

type reviewDecisionPage struct {
	Base
	Nav          []reviewLink
	C            *campaign.Campaign
	Decision     *review.CPDecision
	Rows         []reviewGrantRow
	Proclaimed   bool
	ProclaimedAt string
	V            url.Values
	Errors       apperr.FieldErrors
	Phase        bool
	Results      resultsRecordState // may the vote's results be recorded from this page
}

func (s *Server) reviewDecisionPage(r *http.Request, c *campaign.Campaign, v url.Values, fe apperr.FieldErrors) (reviewDecisionPage, error) {
	ctx := r.Context()
	p := reviewDecisionPage{Base: s.base(r, "review.decision.title", c.Name), C: c, V: v, Errors: fe,
		Phase: c.IsOpen(campaign.PhaseProclamation, s.now()), Nav: s.reviewNav(r, c)}
	var err error
	if p.Decision, err = review.Decision(ctx, s.db, c.ID); err != nil {
		return p, err
	}
	ok, at, err := review.Proclaimed(ctx, s.db, c.ID)
	if err != nil {
		return p, err
	}
	p.Proclaimed = ok
	if p.Results, err = s.resultsRecordState(ctx, c); err != nil {
		return p, err
	}
	if ok {
		p.ProclaimedAt = at.In(c.Location()).Format("02/01/2006 15:04")
	}
	list, err := dossier.List(ctx, s.db, dossier.Filter{CampaignID: c.ID, State: dossier.StateWinner})
	if err != nil {
		return p, err
	}
	if p.V == nil {
		p.V = url.Values{}
		for _, d := range list {
			p.V.Set(review.GrantAmountField(d.ID), campaign.MoneyInput(d.SupportCents))
		}
	}
	for _, d := range list {
		cat, _ := c.Category(d.CategoryID)
		p.Rows = append(p.Rows, reviewGrantRow{D: d, Category: cat.Name, AmountField: review.GrantAmountField(d.ID), ReasonField: review.GrantReasonField(d.ID)})
	}
	return p, nil
}

func (s *Server) reviewDecision(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	p, err := s.reviewDecisionPage(r, c, nil, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "review_decision", p)
}

func (s *Server) reviewDecisionSave(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	v := r.PostForm
	dec := review.CPDecision{Deliberation: v.Get("deliberation")}
	fe := apperr.FieldErrors{}
	if d, err := campaign.ParseDate(strings.TrimSpace(v.Get("date"))); err == nil {
		dec.Date = d
	}
	winners, err := dossier.List(ctx, s.db, dossier.Filter{CampaignID: c.ID, State: dossier.StateWinner})
	if err != nil {
		return err
	}
	for _, d := range winners {
		g := review.Grant{DossierID: d.ID, Title: d.Title, ComputedCents: d.SupportCents, Reason: v.Get(review.GrantReasonField(d.ID))}
		cents, err := campaign.ParseMoney(v.Get(review.GrantAmountField(d.ID)))
		if err != nil {
			fe.Add(review.GrantAmountField(d.ID), "review.decision.amount_invalid")
		}
		g.AmountCents = cents
		dec.Grants = append(dec.Grants, g)
	}
	for k, m := range review.CheckDecision(&dec) {
		if !fe.Has(k) {
			fe[k] = m
		}
	}
	err = fe.Err()
	if err == nil {
		err = review.RecordDecision(ctx, s.reviewEnv(), whoOf(r), c, dec)
	}
	if ae, ok := apperr.As(err); ok && len(ae.Fields) > 0 {
		p, perr := s.reviewDecisionPage(r, c, v, ae.Fields)
		if perr != nil {
			return perr
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "review_decision", p)
	}
	if err != nil {
		return err
	}
	s.flash(r, "review.decision.saved")
	http.Redirect(w, r, "/admin/campagnes/"+c.Slug+"/commission-permanente", http.StatusSeeOther)
	return nil
}

func (s *Server) reviewProclaim(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	if err := review.Proclaim(r.Context(), s.reviewEnv(), whoOf(r), c); err != nil {
		return err
	}
	s.flash(r, "review.proclaim.saved")
	http.Redirect(w, r, "/admin/campagnes/"+c.Slug+"/commission-permanente", http.StatusSeeOther)
	return nil
}
