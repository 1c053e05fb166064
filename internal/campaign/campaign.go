// Package campaign holds a participatory-budgeting campaign (one yearly "édition"): its
// phases and their windows, its categories and their support rules, its vote, aggregation and
// tie-break rules, and the presets an administrator starts from.
//
// Every date, amount and rule is data of a Campaign, never a constant in code: the
// pas-de-calais-2018 preset reproduces the first edition and is copied for the next ones.
//
// The rule files (phases, support, validation, form parsing, presets) are pure and import
// nothing from the project but apperr; store.go holds the SQL and describe.go the French and
// English wording.
package campaign

import (
	"time"

	// The campaign's time zone decides when a phase opens and closes: embedding the zone
	// database keeps that right on machines (or containers) without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// Campaign is one participatory-budgeting edition.
type Campaign struct {
	ID          int64
	Slug        string // URL path segment: /{slug}/…
	Name        string
	Description string
	Territory   string // département code ("62", "2A", "971")

	EnvelopeCents int64  // total amount the votes share out
	TimeZone      string // IANA name; phase boundaries are local midnights of this zone

	Phases     []PhaseWindow // one per phase, in phase order
	Categories []Category    // in display order (Position = index)

	VoteRule             VoteRule
	AggregationRule      string // a results-engine rule name, see AggregationRules
	PerCategoryEnvelopes bool   // each category filled from its own envelope instead of one global envelope
	TieBreak             string // comma-chained results-engine tie-break, e.g. "cost,order"

	MinVoterAge       int
	ComptoirRequired  bool   // attending a comptoir is required before filing a dossier
	BallotPublication string // PublishReceipts or PublishNone
	IdeasPublic       bool   // ideas are shown to visitors once moderated
	ContactEmail      string

	Archived   bool
	CopiedFrom *int64 // the campaign this edition was copied from

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Defaults used by New and by the form when a field is left out.
const (
	DefaultTerritory   = "62"
	DefaultTimeZone    = "Europe/Paris"
	DefaultMinVoterAge = 11
	DefaultTieBreak    = "cost,order" // lower support first, then earlier submission
	DefaultAggregation = "greedy_cost"
)

// Ballot publication modes.
const (
	// PublishReceipts publishes, after the close, every anonymous ballot keyed by its receipt
	// code, so that voters can check theirs and anyone can recount.
	PublishReceipts = "receipts"
	// PublishNone publishes only the results.
	PublishNone = "none"
)

// PublicationModes lists the ballot publication modes, default first.
func PublicationModes() []string { return []string{PublishReceipts, PublishNone} }

// Vote rule kinds.
const (
	VoteOnePerCategory = "one-per-category" // one project in each category (2018)
	VoteApproval       = "approval"         // up to K projects among all ("3 coups de cœur")
	VoteKnapsack       = "knapsack"         // any projects whose supports fit in the envelope
)

// VoteRules lists the vote rule kinds.
func VoteRules() []string { return []string{VoteOnePerCategory, VoteApproval, VoteKnapsack} }

// VoteRule says what a valid ballot is.
type VoteRule struct {
	Kind string
	K    int // approval: the maximum number of projects a ballot may hold; 0 otherwise
}

// New returns an empty campaign with the platform's defaults, the starting point of the
// "new campaign" form.
func New() *Campaign {
	return &Campaign{
		Territory:         DefaultTerritory,
		TimeZone:          DefaultTimeZone,
		VoteRule:          VoteRule{Kind: VoteOnePerCategory},
		AggregationRule:   DefaultAggregation,
		TieBreak:          DefaultTieBreak,
		MinVoterAge:       DefaultMinVoterAge,
		ComptoirRequired:  true,
		BallotPublication: PublishReceipts,
		IdeasPublic:       true,
	}
}

// Category is one of a campaign's project categories; a dossier is filed in exactly one.
type Category struct {
	ID          int64 // stable across edits: dossiers and ballots refer to it
	Position    int   // display order, 0-based
	Name        string
	Description string
	Rule        SupportRule
	// EnvelopeCents is the category's own envelope, used when the campaign fills each
	// category separately; nil when the category has none.
	EnvelopeCents *int64
}

// Category returns the category with this ID.
func (c *Campaign) Category(id int64) (Category, bool) {
	for _, cat := range c.Categories {
		if cat.ID == id {
			return cat, true
		}
	}
	return Category{}, false
}

// Clone returns a deep copy: changing the copy's slices or pointers leaves c untouched.
func (c *Campaign) Clone() *Campaign {
	out := *c
	out.Phases = append([]PhaseWindow(nil), c.Phases...)
	out.Categories = make([]Category, len(c.Categories))
	for i, cat := range c.Categories {
		if cat.EnvelopeCents != nil {
			v := *cat.EnvelopeCents
			cat.EnvelopeCents = &v
		}
		out.Categories[i] = cat
	}
	if c.CopiedFrom != nil {
		v := *c.CopiedFrom
		out.CopiedFrom = &v
	}
	if c.Categories == nil {
		out.Categories = nil
	}
	return &out
}
