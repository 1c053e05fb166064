package access

import (
	"slices"
	"testing"
)

// expected is the policy written out by hand: for each permission, the roles that get it
// when held globally. Changing the policy means changing this table too, on purpose.
var expected = map[Permission][]Role{
	PermPublic:          {"visitor", Citizen, Carrier, Animator, Committee, Trustee, Agent, Admin},
	PermSignedIn:        {Citizen, Carrier, Animator, Committee, Trustee, Agent, Admin},
	PermAdminArea:       {Agent, Admin},
	PermManageCampaigns: {Agent, Admin},
	PermManageAccounts:  {Admin},
	PermModerate:        {Agent, Admin},
	PermDepositIdea:     {Citizen, Carrier, Admin},
	PermFileDossier:     {Carrier, Admin},
	PermMarkAttendance:  {Animator, Agent, Admin},
	PermManageWorkshops: {Agent, Admin},
	PermManageDossiers:  {Agent, Admin},
	PermReview:          {Committee, Admin},
	PermVote:            {Citizen, Admin},
	PermUnseal:          {Trustee, Admin},
}

func actorWith(grants ...Grant) Actor {
	return ActorFor(&Account{ID: 1, Email: "x@exemple.fr", Roles: grants})
}

func TestPolicyEveryRoleAndPermission(t *testing.T) {
	if len(expected) != len(Permissions()) || len(policy) != len(Permissions()) {
		t.Fatalf("the test table (%d), Permissions() (%d) and the policy (%d) disagree", len(expected), len(Permissions()), len(policy))
	}
	campaign, other := ptr(int64(7)), ptr(int64(8))
	for _, perm := range Permissions() {
		want := expected[perm]
		if got := Allowed(Visitor, perm, nil); got != slices.Contains(want, "visitor") {
			t.Errorf("visitor %s: got %v", perm, got)
		}
		if got := Allowed(Visitor, perm, campaign); got != slices.Contains(want, "visitor") {
			t.Errorf("visitor %s in campaign: got %v", perm, got)
		}
		for _, role := range Roles {
			allowed := slices.Contains(want, role)
			// A global grant counts outside campaigns and in every campaign.
			global := actorWith(Grant{Role: role})
			for _, c := range []*int64{nil, campaign} {
				if got := Allowed(global, perm, c); got != allowed {
					t.Errorf("global %s, %s, campaign %v: got %v, want %v", role, perm, c, got, allowed)
				}
			}
			if role.Scope() == ScopeGlobal {
				continue
			}
			// A campaign grant counts for that campaign only.
			scoped := actorWith(Grant{Role: role, CampaignID: campaign})
			if got := Allowed(scoped, perm, campaign); got != allowed {
				t.Errorf("%s of campaign 7, %s in campaign 7: got %v, want %v", role, perm, got, allowed)
			}
			roleOnly := allowed && perm != PermPublic && perm != PermSignedIn
			if got := Allowed(scoped, perm, other); got != (allowed && !roleOnly) {
				t.Errorf("%s of campaign 7, %s in campaign 8: got %v", role, perm, got)
			}
			if got := Allowed(scoped, perm, nil); got != (allowed && !roleOnly) {
				t.Errorf("%s of campaign 7, %s outside campaigns: got %v", role, perm, got)
			}
		}
		// A signed-in account without any role.
		if got := Allowed(actorWith(), perm, nil); got != (perm == PermPublic || perm == PermSignedIn) {
			t.Errorf("account without role, %s: got %v", perm, got)
		}
	}
}

func TestPolicyDeniesByDefault(t *testing.T) {
	admin := actorWith(Grant{Role: Admin})
	if Allowed(admin, "no_such_permission", nil) || Allowed(admin, "", nil) {
		t.Error("unknown permission allowed")
	}
	disabled := admin
	disabled.Account = &Account{ID: 1, Disabled: true, Roles: admin.Grants}
	for _, perm := range Permissions() {
		if got := Allowed(disabled, perm, nil); got != (perm == PermPublic) {
			t.Errorf("disabled admin, %s: got %v", perm, got)
		}
	}
	// Grants without an account (a malformed Actor) give nothing.
	if Allowed(Actor{Grants: []Grant{{Role: Admin}}}, PermManageAccounts, nil) {
		t.Error("grants without an account allowed")
	}
}

func TestHasRole(t *testing.T) {
	c7, c8 := ptr(int64(7)), ptr(int64(8))
	a := actorWith(Grant{Role: Committee, CampaignID: c7}, Grant{Role: Citizen})
	cases := []struct {
		role Role
		c    *int64
		want bool
	}{
		{Committee, c7, true}, {Committee, c8, false}, {Committee, nil, false},
		{Citizen, nil, true}, {Citizen, c8, true}, {Carrier, c7, false}, {Agent, nil, false},
	}
	for _, tt := range cases {
		if got := a.HasRole(tt.role, tt.c); got != tt.want {
			t.Errorf("HasRole(%s, %v) = %v", tt.role, tt.c, got)
		}
	}
	admin := actorWith(Grant{Role: Admin})
	for _, r := range Roles {
		if !admin.HasRole(r, c7) || !admin.HasRole(r, nil) {
			t.Errorf("admin lacks %s", r)
		}
	}
	if Visitor.HasRole(Citizen, nil) || Visitor.SignedIn() || Visitor.ID() != 0 {
		t.Error("visitor has a role or an account")
	}
}

func ptr[T any](v T) *T { return &v }
