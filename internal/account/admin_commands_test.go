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
		f.refuse([]refusal{
			{"visitor", add(change.By(access.Visitor), "sophie@exemple.fr"), apperr.Unauthenticated, "", ""},
			{"agent", add(change.By(s.agent), "sophie@exemple.fr"), apperr.Forbidden, "", ""},
			{"citizen", add(change.By(s.citizen), "sophie@exemple.fr"), apperr.Forbidden, "", ""},
			{"disabled administrator", add(change.By(s.disabledAdmin), "sophie@exemple.fr"), apperr.Unauthenticated, "", ""},
			{"address taken", add(change.By(s.admin), "agent@exemple.fr"), apperr.Invalid, "email", "account.email_taken"},
			{"unknown campaign", add(change.System("cli"), "sophie@exemple.fr", access.Grant{Role: access.Animator, CampaignID: ptr(c + 100)}),
				apperr.Invalid, "", "adminaccounts.error.campaign_unknown"},
			{"animator everywhere", add(change.System("cli"), "sophie@exemple.fr", access.Grant{Role: access.Animator}),
				apperr.Invalid, "", "account.role_needs_campaign"},
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
		if e := f.lastAudit("account.create"); e.Actor != "admin@exemple.fr" || e.After != `{"email":"karim@exemple.fr","roles":["agent"]}` {
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
		f.refuse([]refusal{
			{"agent granting admin", grant(s.agent, s.agent.ID(), access.Admin, nil), apperr.Forbidden, "", ""},
			{"citizen granting", grant(s.citizen, citizen, access.Carrier, nil), apperr.Forbidden, "", ""},
			{"visitor", grant(access.Visitor, citizen, access.Carrier, nil), apperr.Unauthenticated, "", ""},
			{"disabled administrator", grant(s.disabledAdmin, citizen, access.Carrier, nil), apperr.Unauthenticated, "", ""},
			{"held already", grant(s.admin, citizen, access.Citizen, nil), apperr.Conflict, "", "adminaccounts.error.already_held"},
			{"unknown campaign", grant(s.admin, citizen, access.Animator, ptr(c+100)), apperr.Invalid, "", "adminaccounts.error.campaign_unknown"},
			{"agent of one campaign", grant(s.admin, citizen, access.Agent, &c), apperr.Invalid, "", "account.role_global_only"},
			{"committee everywhere", grant(s.admin, citizen, access.Committee, nil), apperr.Invalid, "", "account.role_needs_campaign"},
			{"unknown role", grant(s.admin, citizen, "king", nil), apperr.Invalid, "", "account.role_unknown"},
			{"unknown account", grant(s.admin, 999999, access.Carrier, nil), apperr.NotFound, "", ""},
		})
		if err := grant(s.admin, citizen, access.Animator, &c)(); err != nil {
			t.Fatal(err)
		}
		want := []string{"citizen", "animator@campaign:" + entityID(c)}
		if got := grantsOfAccount(f, citizen); !slices.Equal(got, want) {
			t.Errorf("roles = %v, want %v", got, want)
		}
		if e := f.lastAudit("account.grant"); e.Before != `{"roles":["citizen"]}` ||
			e.After != `{"roles":["citizen","animator@campaign:`+entityID(c)+`"]}` || e.Actor != "admin@exemple.fr" {
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
		f.refuse([]refusal{
			{"own administrator role", revoke(s.admin, s.admin.ID(), access.Admin, nil), apperr.Conflict, "", "adminaccounts.error.self_revoke_admin"},
			{"agent revoking", revoke(s.agent, s.citizen.ID(), access.Citizen, nil), apperr.Forbidden, "", ""},
			{"disabled administrator", revoke(s.disabledAdmin, s.citizen.ID(), access.Citizen, nil), apperr.Unauthenticated, "", ""},
			{"not held", revoke(s.admin, s.citizen.ID(), access.Carrier, nil), apperr.Conflict, "", "adminaccounts.error.not_held"},
			// The committee role is held for the campaign, not everywhere.
			{"held elsewhere", revoke(s.admin, other.ID(), access.Committee, nil), apperr.Conflict, "", "adminaccounts.error.not_held"},
			{"unknown account", revoke(s.admin, 999999, access.Citizen, nil), apperr.NotFound, "", ""},
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
		f.refuse([]refusal{
			{"own account", status(s.admin, s.admin.ID(), true), apperr.Conflict, "", "adminaccounts.error.self_disable"},
			{"enabled already", status(s.admin, citizen, false), apperr.Conflict, "", "adminaccounts.error.already_enabled"},
			{"disabled already", status(s.admin, s.disabledAdmin.ID(), true), apperr.Conflict, "", "adminaccounts.error.already_disabled"},
			{"agent", status(s.agent, citizen, true), apperr.Forbidden, "", ""},
			{"disabled administrator", status(s.disabledAdmin, citizen, true), apperr.Unauthenticated, "", ""},
			{"unknown account", status(s.admin, 999999, true), apperr.NotFound, "", ""},
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
		f.refuse([]refusal{{"disabled account acting", func() error {
			return ChangePassword(f.ctx, f.env, change.By(f.actor(citizen)), ChangePasswordInput{
				Current: "lapin vert du jardin", Password: "un nouveau mot de passe"})
		}, apperr.Unauthenticated, "", ""}})
		if err := status(s.admin, citizen, false)(); err != nil {
			t.Fatal(err)
		}
		f.lastAudit("account.enable")
		if _, err := Authenticate(f.ctx, d, testParams, "citoyen@exemple.fr", "lapin vert du jardin", "", t0); err != nil {
			t.Errorf("enabled account: %v", err)
		}
	})
}
