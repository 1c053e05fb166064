package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
)

// adminAccountsPerPage is the page size of the accounts list.
const adminAccountsPerPage = 50

// campaignOption is one campaign in a select.
type campaignOption struct {
	ID   int64
	Name string
}

// adminGrantView is one role of an account, as the administration shows it.
type adminGrantView struct {
	Role       access.Role
	CampaignID int64  // 0 for a role held for every campaign
	Campaign   string // the campaign's name, empty for a role held for every campaign
}

// adminAccountRow is one line of the accounts list.
type adminAccountRow struct {
	ID       int64
	Email    string
	Name     string
	Verified bool
	Disabled bool
	Grants   []adminGrantView
}

// adminAccountsFilter is the list's search form, as typed.
type adminAccountsFilter struct {
	Q        string
	Role     string
	Campaign string // campaign id
	Status   string // "", "actifs" or "desactives"
}

type adminAccountsPage struct {
	Base
	Filter    adminAccountsFilter
	Roles     []access.Role
	Campaigns []campaignOption
	Accounts  []adminAccountRow
	Total     int
	From, To  int // 1-based positions of the first and last account shown
	Page      int
	Pages     int
	PrevURL   string
	NextURL   string
}

// adminGrantForm is the grant form, as typed.
type adminGrantForm struct {
	Role     string
	Campaign string // campaign id, empty for every campaign
}

type adminAccountPage struct {
	Base
	Account     *access.Account
	Self        bool // the administrator looks at their own account
	Grants      []adminGrantView
	Roles       []access.Role
	Campaigns   []campaignOption
	Grant       adminGrantForm
	GrantErrors apperr.FieldErrors
	RevokeError string
	StatusError string
}

// campaignOptions lists the campaigns for the selects, newest first.
func (s *Server) campaignOptions(ctx context.Context) ([]campaignOption, error) {
	all, err := campaign.List(ctx, s.db)
	if err != nil {
		return nil, err
	}
	out := make([]campaignOption, len(all))
	for i, c := range all {
		out[i] = campaignOption{ID: c.ID, Name: c.Name}
	}
	return out, nil
}

// grantViews names the campaigns of grants.
func grantViews(grants []access.Grant, campaigns []campaignOption) []adminGrantView {
	out := make([]adminGrantView, len(grants))
	for i, g := range grants {
		out[i] = adminGrantView{Role: g.Role}
		if g.CampaignID != nil {
			out[i].CampaignID = *g.CampaignID
			out[i].Campaign = "#" + strconv.FormatInt(*g.CampaignID, 10)
			for _, c := range campaigns {
				if c.ID == *g.CampaignID {
					out[i].Campaign = c.Name
				}
			}
		}
	}
	return out
}

// adminAccounts lists the accounts, searched by e-mail or name and filtered by role,
// campaign and state, a page at a time.
func (s *Server) adminAccounts(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := adminAccountsFilter{Q: strings.TrimSpace(q.Get("q")), Role: q.Get("role"), Campaign: q.Get("campagne"), Status: q.Get("statut")}
	lf := account.ListFilter{Search: f.Q, Limit: adminAccountsPerPage}
	if role := access.Role(f.Role); role.Valid() {
		lf.Role = role
	} else {
		f.Role = ""
	}
	if id, err := strconv.ParseInt(f.Campaign, 10, 64); err == nil && id > 0 {
		lf.CampaignID = &id
	} else {
		f.Campaign = ""
	}
	switch f.Status {
	case "actifs", "desactives":
		disabled := f.Status == "desactives"
		lf.Disabled = &disabled
	default:
		f.Status = ""
	}
	page := pageParam(q)
	lf.Offset = (page - 1) * adminAccountsPerPage

	campaigns, err := s.campaignOptions(r.Context())
	if err != nil {
		return err
	}
	list, total, err := account.List(r.Context(), s.db, lf)
	if err != nil {
		return err
	}
	p := adminAccountsPage{Base: s.base(r, "adminaccounts.list.title"), Filter: f, Roles: access.Roles,
		Campaigns: campaigns, Total: total, Page: page, Pages: max(1, (total+adminAccountsPerPage-1)/adminAccountsPerPage)}
	for _, a := range list {
		p.Accounts = append(p.Accounts, adminAccountRow{ID: a.ID, Email: a.Email, Name: a.DisplayName,
			Verified: a.Verified(), Disabled: a.Disabled, Grants: grantViews(a.Roles, campaigns)})
	}
	if len(list) > 0 {
		p.From, p.To = lf.Offset+1, lf.Offset+len(list)
	}
	filters := url.Values{"q": {f.Q}, "role": {f.Role}, "campagne": {f.Campaign}, "statut": {f.Status}}
	pageURL := func(n int) string { return pageLink("/admin/comptes", filters, n) }
	if page > 1 {
		p.PrevURL = pageURL(min(page-1, p.Pages))
	}
	if page < p.Pages {
		p.NextURL = pageURL(page + 1)
	}
	return s.render(w, r, http.StatusOK, "admin_accounts", p)
}

// accountIDParam reads {id}; anything but a positive number is a page that does not exist.
func accountIDParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "error.not_found")
	}
	return id, nil
}

// accountPageOf reads the account of {id} and what its page shows.
func (s *Server) accountPageOf(r *http.Request) (adminAccountPage, error) {
	id, err := accountIDParam(r)
	if err != nil {
		return adminAccountPage{}, err
	}
	a, err := account.ByID(r.Context(), s.db, id)
	if err != nil {
		return adminAccountPage{}, err
	}
	campaigns, err := s.campaignOptions(r.Context())
	if err != nil {
		return adminAccountPage{}, err
	}
	return adminAccountPage{Base: s.base(r, "adminaccounts.account.title", a.Email), Account: a,
		Self: a.ID == actorOf(r).ID(), Grants: grantViews(a.Roles, campaigns), Roles: access.Roles,
		Campaigns: campaigns}, nil
}

// adminAccount shows one account: its roles, its state, and the forms that change them.
func (s *Server) adminAccount(w http.ResponseWriter, r *http.Request) error {
	p, err := s.accountPageOf(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "admin_account", p)
}

// roleCommand runs a grant or a revocation (cmd) of a role of the account of {id}.
func (s *Server) roleCommand(r *http.Request, cmd func(context.Context, change.Env, change.Who, account.RoleInput) error,
	role access.Role, campaignID *int64) error {
	id, err := accountIDParam(r)
	if err != nil {
		return err
	}
	return cmd(r.Context(), s.changeEnv(), change.By(actorOf(r)), account.RoleInput{AccountID: id, Role: role, CampaignID: campaignID})
}

// parseCampaignField reads the campaign select: empty means every campaign.
func parseCampaignField(v string, errs apperr.FieldErrors) *int64 {
	if v == "" {
		return nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		errs.Add("campaign", "adminaccounts.error.campaign_unknown")
		return nil
	}
	return &id
}

// grantFieldOf tells next to which field of the grant form a refusal is shown.
var grantFieldOf = map[string]string{
	"account.role_unknown":                 "role",
	"adminaccounts.error.already_held":     "role",
	"account.role_needs_campaign":          "campaign",
	"account.role_global_only":             "campaign",
	"adminaccounts.error.campaign_unknown": "campaign",
}

// adminAccountGrant gives a role to the account, for one campaign or for all.
func (s *Server) adminAccountGrant(w http.ResponseWriter, r *http.Request) error {
	form := adminGrantForm{Role: r.PostFormValue("role"), Campaign: r.PostFormValue("campaign")}
	errs := apperr.FieldErrors{}
	role := access.Role(form.Role)
	if !role.Valid() {
		errs.Add("role", "adminaccounts.error.role_required")
	}
	campaignID := parseCampaignField(form.Campaign, errs)
	if len(errs) == 0 {
		err := s.roleCommand(r, account.Grant, role, campaignID)
		if ae, ok := apperr.As(err); ok && ae.Fields != nil {
			errs = ae.Fields
		} else if field := grantFieldOf[msgKey(err)]; field != "" {
			errs[field] = ae.Message
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		p, err := s.accountPageOf(r)
		if err != nil {
			return err
		}
		p.Grant, p.GrantErrors = form, errs
		return s.render(w, r, http.StatusUnprocessableEntity, "admin_account", p)
	}
	return s.backToAccount(w, r, "adminaccounts.flash.granted")
}

// adminAccountRevoke takes a role from the account (an administrator cannot take their own
// administrator role: see account.Revoke).
func (s *Server) adminAccountRevoke(w http.ResponseWriter, r *http.Request) error {
	errs := apperr.FieldErrors{}
	role := access.Role(r.PostFormValue("role"))
	campaignID := parseCampaignField(r.PostFormValue("campaign"), errs)
	var err error
	switch {
	case !role.Valid() || len(errs) > 0:
		err = apperr.New(apperr.Invalid, "adminaccounts.error.not_held")
	default:
		err = s.roleCommand(r, account.Revoke, role, campaignID)
	}
	if err != nil {
		return s.accountRefused(w, r, err, func(p *adminAccountPage, msg string) { p.RevokeError = msg })
	}
	return s.backToAccount(w, r, "adminaccounts.flash.revoked")
}

// adminAccountStatus disables or re-enables the account (see account.SetStatus).
func (s *Server) adminAccountStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := accountIDParam(r)
	if err != nil {
		return err
	}
	disable := r.PostFormValue("disabled") == "1"
	flash := "adminaccounts.flash.enabled"
	if disable {
		flash = "adminaccounts.flash.disabled"
	}
	err = account.SetStatus(r.Context(), s.changeEnv(), change.By(actorOf(r)), account.StatusInput{AccountID: id, Disabled: disable})
	if err != nil {
		return s.accountRefused(w, r, err, func(p *adminAccountPage, msg string) { p.StatusError = msg })
	}
	return s.backToAccount(w, r, flash)
}

// accountRefused shows the account page again with a refusal (a user-facing error other
// than "not found") set by show; other errors go to the error page.
func (s *Server) accountRefused(w http.ResponseWriter, r *http.Request, err error, show func(p *adminAccountPage, msg string)) error {
	ae, ok := apperr.As(err)
	if !ok || ae.Kind == apperr.NotFound || ae.Kind == apperr.Forbidden || ae.Kind == apperr.Unauthenticated {
		return err
	}
	p, perr := s.accountPageOf(r)
	if perr != nil {
		return perr
	}
	show(&p, s.cat.T(langOf(r), ae.Message.Key, ae.Message.Args...))
	status, known := statusOf[ae.Kind]
	if !known {
		status = http.StatusBadRequest
	}
	return s.render(w, r, status, "admin_account", p)
}

// backToAccount shows the account page again after a change, with a message.
func (s *Server) backToAccount(w http.ResponseWriter, r *http.Request, flash string) error {
	id, err := accountIDParam(r)
	if err != nil {
		return err
	}
	s.flash(r, flash)
	http.Redirect(w, r, "/admin/comptes/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// msgKey is the message key of a user-facing error, "" for anything else.
func msgKey(err error) string {
	if ae, ok := apperr.As(err); ok {
		return ae.Message.Key
	}
	return ""
}
