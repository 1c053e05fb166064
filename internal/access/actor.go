package access

// Actor is who makes a request: an account with its grants, or a visitor (no account).
// Handlers build it once per request and pass it to the policy and to domain functions.
type Actor struct {
	Account *Account // nil for a visitor
	Grants  []Grant
	// Client is the network address the request came from (empty outside a request): the
	// limits on the e-mails and accounts one client may ask for count by it.
	Client string
}

// Visitor is the actor of a request without a session.
var Visitor = Actor{}

// ActorFor returns the actor of a signed-in account (a visitor for nil).
func ActorFor(a *Account) Actor {
	if a == nil {
		return Visitor
	}
	return Actor{Account: a, Grants: a.Roles}
}

// Staff reports whether the actor holds a staff role (animator, committee, trustee, agent
// or administrator) anywhere: the e-mails their actions cause are staff notifications,
// exempt from the limits on e-mails.
func (a Actor) Staff() bool {
	if !a.SignedIn() {
		return false
	}
	for _, g := range a.Grants {
		switch g.Role {
		case Animator, Committee, Trustee, Agent, Admin:
			return true
		}
	}
	return false
}

// SignedIn reports whether the actor has an account that may act (not disabled).
func (a Actor) SignedIn() bool { return a.Account != nil && !a.Account.Disabled }

// ID returns the account id, 0 for a visitor.
func (a Actor) ID() int64 {
	if a.Account == nil {
		return 0
	}
	return a.Account.ID
}

// HasRole reports whether the actor holds role for campaignID (nil: outside any campaign).
// A global grant counts for every campaign; a campaign grant counts only for that campaign,
// never for a question asked outside any campaign. An administrator holds every role. A
// disabled account holds none.
func (a Actor) HasRole(role Role, campaignID *int64) bool {
	if !a.SignedIn() {
		return false
	}
	for _, g := range a.Grants {
		if g.Role == Admin {
			return true
		}
		if g.Role != role {
			continue
		}
		if g.CampaignID == nil || (campaignID != nil && *g.CampaignID == *campaignID) {
			return true
		}
	}
	return false
}
