package account

import (
	"slices"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

// staff are the people of the administrators' commands' tests.
type staff struct {
	admin, agent, citizen, disabledAdmin access.Actor
}

func newStaff(f *cmdFixture) staff {
	return staff{
		admin:         f.person("admin@exemple.fr", access.Grant{Role: access.Admin}),
		agent:         f.person("agent@exemple.fr", access.Grant{Role: access.Agent}),
		citizen:       f.person("citoyen@exemple.fr", access.Grant{Role: access.Citizen}),
		disabledAdmin: f.disabled(f.person("ancien@exemple.fr", access.Grant{Role: access.Admin})),
	}
}

func grantsOfAccount(f *cmdFixture, id int64) []string {
	f.t.Helper()
	g, err := Grants(f.ctx, f.d, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return grantStrings(g)
}

func TestAdd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		s := newStaff(f)
		c := newCampaign(t, d, "budget-2026")
		add := func(who change.Who, email string, grants ...access.Grant) func() error {
			return func() error {
				_, err := Add(f.ctx, f.env, who, AddInput{Email: email, Name: "Sophie", Grants: grants})
				return err
			}
		}
		animator := access.Grant{Role: access.Animator, CampaignID: &c}
		f.refuse([]dbtest.Refusal{
			{Name: "visitor", Run: add(change.By(access.Visitor), "sophie@exemple.fr"), Kind: apperr.Unauthenticated},
			{Name: "agent", Run: add(change.By(s.agent), "sophie@exemple.fr"), Kind: apperr.Forbidden},
			{Name: "citizen", Run: add(change.By(s.citizen), "sophie@exemple.fr"), Kind: apperr.Forbidden},
			{Name: "disabled administrator", Run: add(change.By(s.disabledAdmin), "sophie@exemple.fr"), Kind: apperr.Unauthenticated},
			{Name: "address taken", Run: add(change.By(s.admin), "agent@exemple.fr"), Kind: apperr.Invalid, Field: "email", Key: "account.email_taken"},
			{Name: "unknown campaign", Run: add(change.System("cli"), "sophie@exemple.fr", access.Grant{Role: access.Animator, CampaignID: ptr(c + 100)}),
				Kind: apperr.Invalid, Key: "adminaccounts.error.campaign_unknown"},
			{Name: "animator everywhere", Run: add(change.System("cli"), "sophie@exemple.fr", access.Grant{Role: access.Animator}),
				Kind: apperr.Invalid, Key: "account.role_needs_campaign"},
		})
		a, err := Add(f.ctx, f.env, change.System("cli"), AddInput{Email: "Sophie@exemple.fr", Name: "Sophie",
			Password: "lapin vert du jardin", Grants: []access.Grant{{Role: access.Citizen}, animator}})
		if err != nil {
			t.Fatal(err)
		}
		if !a.Verified() || a.Email != "sophie@exemple.fr" || len(a.Roles) != 2 {
			t.Errorf("added %+v", a)
		}
		if _, err := Authenticate(f.ctx, d, testParams, "sophie@exemple.fr", "lapin vert du jardin", "", t0); err != nil {
			t.Errorf("sign-in: %v", err)
		}
		if e := f.lastAudit("account.create"); e.Actor != "cli" || e.ActorID != nil {
			t.Errorf("audit entry %+v", e)
		}
		if err := add(change.By(s.admin), "karim@exemple.fr", access.Grant{Role: access.Agent})(); err != nil {
			t.Fatal(err)
		}
		if e := f.lastAudit("account.create"); e.Actor != "account" || e.After != `{"roles":["agent"]}` {
			t.Errorf("audit entry %+v", e)
		}
	})
}

func TestGrant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		s := newStaff(f)
		c := newCampaign(t, d, "budget-2026")
		grant := func(who access.Actor, id int64, role access.Role, campaignID *int64) func() error {
			return func() error {
				return Grant(f.ctx, f.env.Change, change.By(who), RoleInput{AccountID: id, Role: role, CampaignID: campaignID})
			}
		}
		citizen := s.citizen.ID()
		f.refuse([]dbtest.Refusal{
			{Name: "agent granting admin", Run: grant(s.agent, s.agent.ID(), access.Admin, nil), Kind: apperr.Forbidden},
			{Name: "citizen granting", Run: grant(s.citizen, citizen, access.Carrier, nil), Kind: apperr.Forbidden},
			{Name: "visitor", Run: grant(access.Visitor, citizen, access.Carrier, nil), Kind: apperr.Unauthenticated},
			{Name: "disabled administrator", Run: grant(s.disabledAdmin, citizen, access.Carrier, nil), Kind: apperr.Unauthenticated},
			{Name: "held already", Run: grant(s.admin, citizen, access.Citizen, nil), Kind: apperr.Conflict, Key: "adminaccounts.error.already_held"},
			{Name: "unknown campaign", Run: grant(s.admin, citizen, access.Animator, ptr(c+100)), Kind: apperr.Invalid, Key: "adminaccounts.error.campaign_unknown"},
			{Name: "agent of one campaign", Run: grant(s.admin, citizen, access.Agent, &c), Kind: apperr.Invalid, Key: "account.role_global_only"},
			{Name: "committee everywhere", Run: grant(s.admin, citizen, access.Committee, nil), Kind: apperr.Invalid, Key: "account.role_needs_campaign"},
			{Name: "unknown role", Run: grant(s.admin, citizen, "king", nil), Kind: apperr.Invalid, Key: "account.role_unknown"},
			{Name: "unknown account", Run: grant(s.admin, 999999, access.Carrier, nil), Kind: apperr.NotFound},
		})
		if err := grant(s.admin, citizen, access.Animator, &c)(); err != nil {
			t.Fatal(err)
		}
		want := []string{"citizen", "animator@campaign:" + entityID(c)}
		if got := grantsOfAccount(f, citizen); !slices.Equal(got, want) {
			t.Errorf("roles = %v, want %v", got, want)
		}
		if e := f.lastAudit("account.grant"); e.Before != `{"roles":["citizen"]}` ||
			e.After != `{"roles":["citizen","animator@campaign:`+entityID(c)+`"]}` || e.Actor != "account" {
			t.Errorf("audit entry %+v", e)
		}
		// The platform grants without a policy check.
		if err := Grant(f.ctx, f.env.Change, change.System("cli"), RoleInput{AccountID: citizen, Role: access.Agent}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRevoke(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		s := newStaff(f)
		c := newCampaign(t, d, "budget-2026")
		other := f.person("autre-admin@exemple.fr", access.Grant{Role: access.Admin}, access.Grant{Role: access.Committee, CampaignID: &c})
		revoke := func(who access.Actor, id int64, role access.Role, campaignID *int64) func() error {
			return func() error {
				return Revoke(f.ctx, f.env.Change, change.By(who), RoleInput{AccountID: id, Role: role, CampaignID: campaignID})
			}
		}
		f.refuse([]dbtest.Refusal{
			{Name: "own administrator role", Run: revoke(s.admin, s.admin.ID(), access.Admin, nil), Kind: apperr.Conflict, Key: "adminaccounts.error.self_revoke_admin"},
			{Name: "agent revoking", Run: revoke(s.agent, s.citizen.ID(), access.Citizen, nil), Kind: apperr.Forbidden},
			{Name: "disabled administrator", Run: revoke(s.disabledAdmin, s.citizen.ID(), access.Citizen, nil), Kind: apperr.Unauthenticated},
			{Name: "not held", Run: revoke(s.admin, s.citizen.ID(), access.Carrier, nil), Kind: apperr.Conflict, Key: "adminaccounts.error.not_held"},
			// The committee role is held for the campaign, not everywhere.
			{Name: "held elsewhere", Run: revoke(s.admin, other.ID(), access.Committee, nil), Kind: apperr.Conflict, Key: "adminaccounts.error.not_held"},
			{Name: "unknown account", Run: revoke(s.admin, 999999, access.Citizen, nil), Kind: apperr.NotFound},
		})
		if err := revoke(s.admin, other.ID(), access.Committee, &c)(); err != nil {
			t.Fatal(err)
		}
		// Another administrator's role may go: one remains.
		if err := revoke(s.admin, other.ID(), access.Admin, nil)(); err != nil {
			t.Fatal(err)
		}
		if got := grantsOfAccount(f, other.ID()); len(got) != 0 {
			t.Errorf("roles left: %v", got)
		}
		if e := f.lastAudit("account.revoke"); e.Before != `{"roles":["admin"]}` || e.After != `{"roles":[]}` {
			t.Errorf("audit entry %+v", e)
		}
	})
}

func TestSetStatus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		s := newStaff(f)
		status := func(who access.Actor, id int64, disabled bool) func() error {
			return func() error {
				return SetStatus(f.ctx, f.env.Change, change.By(who), StatusInput{AccountID: id, Disabled: disabled})
			}
		}
		citizen := s.citizen.ID()
		f.refuse([]dbtest.Refusal{
			{Name: "own account", Run: status(s.admin, s.admin.ID(), true), Kind: apperr.Conflict, Key: "adminaccounts.error.self_disable"},
			{Name: "enabled already", Run: status(s.admin, citizen, false), Kind: apperr.Conflict, Key: "adminaccounts.error.already_enabled"},
			{Name: "disabled already", Run: status(s.admin, s.disabledAdmin.ID(), true), Kind: apperr.Conflict, Key: "adminaccounts.error.already_disabled"},
			{Name: "agent", Run: status(s.agent, citizen, true), Kind: apperr.Forbidden},
			{Name: "disabled administrator", Run: status(s.disabledAdmin, citizen, true), Kind: apperr.Unauthenticated},
			{Name: "unknown account", Run: status(s.admin, 999999, true), Kind: apperr.NotFound},
		})
		if err := status(s.admin, citizen, true)(); err != nil {
			t.Fatal(err)
		}
		if _, err := Authenticate(f.ctx, d, testParams, "citoyen@exemple.fr", "lapin vert du jardin", "", t0); !apperr.IsKind(err, apperr.Forbidden) {
			t.Errorf("disabled account signs in: %v", err)
		}
		if e := f.lastAudit("account.disable"); e.Before != `{"disabled":false}` || e.After != `{"disabled":true}` {
			t.Errorf("audit entry %+v", e)
		}
		// The disabled account acts no more.
		f.refuse([]dbtest.Refusal{{Name: "disabled account acting", Run: func() error {
			return ChangePassword(f.ctx, f.env, change.By(f.actor(citizen)), ChangePasswordInput{
				Current: "lapin vert du jardin", Password: "un nouveau mot de passe"})
		}, Kind: apperr.Unauthenticated}})
		if err := status(s.admin, citizen, false)(); err != nil {
			t.Fatal(err)
		}
		f.lastAudit("account.enable")
		// An account its owner deleted stays deleted: not enabled again, given no role.
		gone := f.person("parti@exemple.fr", access.Grant{Role: access.Citizen}).ID()
		if _, err := Anonymise(f.ctx, d, gone, t0); err != nil {
			t.Fatal(err)
		}
		f.refuse([]dbtest.Refusal{
			{Name: "enable a deleted account", Run: status(s.admin, gone, false), Kind: apperr.Conflict, Key: "adminaccounts.error.deleted"},
			{Name: "grant a deleted account", Run: func() error {
				return Grant(f.ctx, f.env.Change, change.By(s.admin), RoleInput{AccountID: gone, Role: access.Agent})
			}, Kind: apperr.Conflict, Key: "adminaccounts.error.deleted"},
		})
		if _, err := Authenticate(f.ctx, d, testParams, "citoyen@exemple.fr", "lapin vert du jardin", "", t0); err != nil {
			t.Errorf("enabled account: %v", err)
		}
	})
}
