package access

// Permission names something a request may do. Every route declares the permission it
// needs and the web layer asks Allowed before running the handler: one policy, one place.
type Permission string

// The permissions. Later domains add theirs here, with a line in the policy table.
const (
	PermPublic          Permission = "public"           // anyone, visitors included
	PermSignedIn        Permission = "signed_in"        // any account (its own page, sign-out)
	PermAdminArea       Permission = "admin_area"       // enter /admin
	PermManageCampaigns Permission = "manage_campaigns" // create, copy, edit campaigns
	PermManageAccounts  Permission = "manage_accounts"  // list accounts, grant and revoke roles
	PermModerate        Permission = "moderate"         // hide or restore ideas and comments
	PermDepositIdea     Permission = "deposit_idea"     // propose an idea
	PermFileDossier     Permission = "file_dossier"     // file a dossier for a structure
	PermMarkAttendance  Permission = "mark_attendance"  // record who attended a comptoir
	PermManageWorkshops Permission = "manage_workshops" // create, edit, cancel comptoir sessions; exports, coverage
	PermManageDossiers  Permission = "manage_dossiers"  // list, read and export dossiers, grant extensions, set category questions
	PermReview          Permission = "review"           // review assigned dossiers
	PermVote            Permission = "vote"             // cast a ballot
	PermUnseal          Permission = "unseal"           // give one's share to unseal the ballot box
)

// rule says who holds a permission: anyone, any signed-in account, or the holders of one of
// the roles (for the campaign in question, or globally).
type rule struct {
	public   bool
	signedIn bool
	roles    []Role
}

// policy is the table permission → who. What is not in it is denied. Admin is not listed:
// an administrator holds every role (see Actor.HasRole).
var policy = map[Permission]rule{
	PermPublic:          {public: true},
	PermSignedIn:        {signedIn: true},
	PermAdminArea:       {roles: []Role{Agent}},
	PermManageCampaigns: {roles: []Role{Agent}},
	PermManageAccounts:  {roles: []Role{Admin}},
	PermModerate:        {roles: []Role{Agent}},
	PermDepositIdea:     {roles: []Role{Citizen, Carrier}},
	PermFileDossier:     {roles: []Role{Carrier}},
	PermMarkAttendance:  {roles: []Role{Animator, Agent}},
	PermManageWorkshops: {roles: []Role{Agent}},
	PermManageDossiers:  {roles: []Role{Agent}},
	PermReview:          {roles: []Role{Committee}},
	PermVote:            {roles: []Role{Citizen}},
	PermUnseal:          {roles: []Role{Trustee}},
}

// Permissions lists every permission of the policy, for tests and documentation.
func Permissions() []Permission {
	return []Permission{PermPublic, PermSignedIn, PermAdminArea, PermManageCampaigns, PermManageAccounts,
		PermModerate, PermDepositIdea, PermFileDossier, PermMarkAttendance, PermReview, PermVote, PermManageWorkshops,
		PermManageDossiers, PermUnseal}
}

// Allowed reports whether actor may do perm, for campaignID (nil outside any campaign).
// Deny by default: an unknown permission, a visitor where an account is needed, or a
// disabled account are refused.
func Allowed(actor Actor, perm Permission, campaignID *int64) bool {
	r, ok := policy[perm]
	switch {
	case !ok:
		return false
	case r.public:
		return true
	case !actor.SignedIn():
		return false
	case r.signedIn:
		return true
	}
	for _, role := range r.roles {
		if actor.HasRole(role, campaignID) {
			return true
		}
	}
	return false
}
