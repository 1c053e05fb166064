// Package access says who may do what: the people known to the platform (their account and
// roles), the actor of a request, and the permission policy that every route and every
// state change checks. It is a leaf package (it imports nothing of the project), so that the
// package of state changes and every domain can name an actor without importing account.
package access

import (
	"fmt"
	"time"
)

// Role is what an account may do, globally or within one campaign.
type Role string

// The roles. A visitor has no account and so no role.
const (
	Citizen   Role = "citizen"   // votes, deposits ideas
	Carrier   Role = "carrier"   // "porteur": files dossiers for a structure
	Animator  Role = "animator"  // runs comptoir sessions, marks attendance
	Committee Role = "committee" // reviews the dossiers assigned to them
	Trustee   Role = "trustee"   // holds a share of the key of a campaign's sealed ballot box
	Agent     Role = "agent"     // Département staff: configures and runs campaigns
	Admin     Role = "admin"     // everything, plus accounts and roles
)

// Roles lists every role, from the least to the most powerful.
var Roles = []Role{Citizen, Carrier, Animator, Committee, Trustee, Agent, Admin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Scope tells whether a role is held globally, for one campaign, or either.
type Scope int

// The scopes of roles.
const (
	ScopeEither   Scope = iota // citizen, carrier: an account can hold them for all campaigns or one
	ScopeGlobal                // agent, admin: staff act on every campaign
	ScopeCampaign              // animator, committee, trustee: appointed for one edition
)

// Scope returns where the role may be held.
func (r Role) Scope() Scope {
	switch r {
	case Agent, Admin:
		return ScopeGlobal
	case Animator, Committee, Trustee:
		return ScopeCampaign
	default:
		return ScopeEither
	}
}

// MessageKey is the i18n key of the role's name, for display.
func (r Role) MessageKey() string { return "account.role." + string(r) }

// Grant is one role held by an account; CampaignID nil means for every campaign.
type Grant struct {
	Role       Role
	CampaignID *int64
}

// Global reports whether the grant holds for every campaign.
func (g Grant) Global() bool { return g.CampaignID == nil }

func (g Grant) String() string {
	if g.CampaignID == nil {
		return string(g.Role)
	}
	return fmt.Sprintf("%s@campaign:%d", g.Role, *g.CampaignID)
}

// Account is a person known to the platform.
type Account struct {
	ID              int64
	Email           string // lower-cased and trimmed
	DisplayName     string
	EmailVerifiedAt *time.Time
	Lang            string
	Disabled        bool
	CreatedAt       time.Time
	Roles           []Grant

	// HasPassword is false for accounts that sign in with one-time codes only.
	HasPassword bool
}

// Verified reports whether the account proved that it controls its e-mail address.
func (a *Account) Verified() bool { return a != nil && a.EmailVerifiedAt != nil }
