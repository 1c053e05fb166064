package privacy

import "time"

// The processing register (registre des traitements, RGPD article 30) and the durations of
// the personal-data page are computed here from the settings, so that both say what Purge
// does. The texts (purpose, legal basis, recipients…) are catalog entries named after the
// keys below: privacy.reg.<processing>.<field> and privacy.kind.<kind>.

// Unit is how a Retention's duration reads.
type Unit string

// The units of a retention.
const (
	Hours Unit = "hours"
	Days  Unit = "days"
	// UntilDeleted: kept as long as the account, which its owner can delete at any time.
	UntilDeleted Unit = "until_deleted"
	// UntilUnsubscribed: kept until its owner unsubscribes (or deletes their account).
	UntilUnsubscribed Unit = "until_unsubscribed"
	// Archive: kept with the campaign's record (the projects, the count), without identity
	// where it says so.
	Archive Unit = "archive"
)

// Retention is one kind of personal data and how long it is kept.
type Retention struct {
	Kind       string // catalog key privacy.kind.<Kind>
	Processing string // the processing it belongs to (Processings)
	Amount     int    // for Hours and Days
	Unit       Unit
	// Campaign is the campaign's name for a per-campaign duration, and Until the day its
	// purge falls (zero while the vote has no dates).
	Campaign string
	Until    time.Time
	// ByHost: the platform cannot apply it (server logs, kept by the host); the pages say so.
	ByHost bool
}

// Processings are the processing activities of the register, in its order.
var Processings = []string{"accounts", "ideas", "workshops", "dossiers", "vote", "subscriptions", "mail", "security", "audit"}

// CampaignRule is what the pages need of a campaign to state its own durations.
type CampaignRule struct {
	Name      string
	VoteClose time.Time // zero: no vote phase
	Rules     Campaign
}

// Retentions lists every kind of personal data with its duration under s and the campaigns'
// own rules, in the register's order.
func Retentions(s Site, camps []CampaignRule) []Retention {
	out := []Retention{
		{Kind: "account", Processing: "accounts", Unit: UntilDeleted},
		{Kind: "unverified", Processing: "accounts", Amount: s.UnverifiedDays, Unit: Days},
		{Kind: "ideas", Processing: "ideas", Unit: Archive},
		{Kind: "registrations", Processing: "workshops", Unit: UntilDeleted},
		{Kind: "dossiers", Processing: "dossiers", Unit: Archive},
		{Kind: "invitations", Processing: "dossiers", Amount: s.UnverifiedDays, Unit: Days},
	}
	for _, c := range camps {
		r := Retention{Kind: "voters", Processing: "vote", Amount: c.Rules.VoterDays, Unit: Days, Campaign: c.Name}
		if !c.VoteClose.IsZero() {
			r.Until = c.VoteClose.AddDate(0, 0, c.Rules.VoterDays)
		}
		out = append(out, r)
	}
	return append(out,
		Retention{Kind: "participation", Processing: "vote", Unit: Archive},
		// A subscription by e-mail lasts until its owner ends it (a link in every e-mail) or
		// deletes their account; one never confirmed goes as an unconfirmed account does.
		Retention{Kind: "subscriptions", Processing: "subscriptions", Unit: UntilUnsubscribed},
		Retention{Kind: "unconfirmed_subscriptions", Processing: "subscriptions", Amount: s.UnverifiedDays, Unit: Days},
		Retention{Kind: "outbox", Processing: "mail", Amount: s.OutboxDays, Unit: Days},
		Retention{Kind: "sessions", Processing: "security", Amount: SessionHours, Unit: Hours},
		Retention{Kind: "throttle", Processing: "security", Amount: s.ThrottleHours, Unit: Hours},
		Retention{Kind: "logs", Processing: "security", Amount: s.LogDays, Unit: Days, ByHost: true},
		Retention{Kind: "audit", Processing: "audit", Unit: Archive},
	)
}

// Of returns the retentions of one processing activity.
func Of(rs []Retention, processing string) []Retention {
	var out []Retention
	for _, r := range rs {
		if r.Processing == processing {
			out = append(out, r)
		}
	}
	return out
}
