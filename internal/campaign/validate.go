package campaign

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"budgetcitoyen/internal/apperr"
)

// Limits checked by Validate.
const (
	NameMax       = 200
	MaxCategories = 20
	MaxApprovalK  = 100
	MaxVoterAge   = 120
)

// Validate checks every rule of a campaign and returns the errors keyed by the form field
// names of form.go, with message keys of the campaign catalog. It checks the values only:
// whether the slug is free is the store's business (Insert, Update).
func (c *Campaign) Validate() apperr.FieldErrors {
	fe := apperr.FieldErrors{}
	c.validateIdentity(fe)
	c.validatePhases(fe)
	c.validateCategories(fe)
	c.validateRules(fe)
	return fe
}

func (c *Campaign) validateIdentity(fe apperr.FieldErrors) {
	switch {
	case c.Slug == "":
		fe.Add(FieldSlug, "campaign.slug.required")
	case len(c.Slug) < SlugMin || len(c.Slug) > SlugMax:
		fe.Add(FieldSlug, "campaign.slug.length", SlugMin, SlugMax)
	case !slugRE.MatchString(c.Slug):
		fe.Add(FieldSlug, "campaign.slug.format")
	case reservedSlug(c.Slug):
		fe.Add(FieldSlug, "campaign.slug.reserved", c.Slug)
	}
	switch {
	case strings.TrimSpace(c.Name) == "":
		fe.Add(FieldName, "campaign.name.required")
	case utf8.RuneCountInString(c.Name) > NameMax:
		fe.Add(FieldName, "campaign.name.too_long", NameMax)
	}
	if !territoryRE.MatchString(c.Territory) {
		fe.Add(FieldTerritory, "campaign.territory.invalid")
	}
	switch {
	case c.EnvelopeCents <= 0:
		fe.Add(FieldEnvelope, "campaign.envelope.positive")
	case c.EnvelopeCents > MaxMoneyCents:
		fe.Add(FieldEnvelope, "campaign.amount.too_large")
	}
	if _, err := loadLocation(c.TimeZone); err != nil {
		fe.Add(FieldTimeZone, "campaign.timezone.invalid")
	}
	if c.ContactEmail != "" {
		if a, err := mail.ParseAddress(c.ContactEmail); err != nil || a.Address != c.ContactEmail {
			fe.Add(FieldContactEmail, "campaign.contact_email.invalid")
		}
	}
}

// validatePhases checks that every phase has a window and the order rules of product.md:
// phases may overlap, but none starts before the ideas, the vote starts after both the
// labelling committee and the commission have ended, and the results phases start after the
// vote has ended.
func (c *Campaign) validatePhases(fe apperr.FieldErrors) {
	ok := map[Phase]PhaseWindow{}
	for _, p := range AllPhases() {
		w, found := c.Window(p)
		switch {
		case !found || w.Start.IsZero():
			fe.Add(PhaseStartField(p), "campaign.phase.missing")
		case w.End.IsZero():
			fe.Add(PhaseEndField(p), "campaign.phase.missing")
		case w.End.Before(w.Start):
			fe.Add(PhaseEndField(p), "campaign.phase.end_before_start")
		default:
			ok[p] = w
		}
	}
	ideas, haveIdeas := ok[PhaseIdeas]
	for _, p := range AllPhases()[1:] {
		if w, have := ok[p]; have && haveIdeas && w.Start.Before(ideas.Start) {
			fe.Add(PhaseStartField(p), "campaign.phase.before_ideas")
		}
	}
	if vote, have := ok[PhaseVote]; have {
		if l, have := ok[PhaseLabelling]; have && !vote.Start.After(l.End) {
			fe.Add(PhaseStartField(PhaseVote), "campaign.phase.vote_after_labelling")
		}
		if cm, have := ok[PhaseCommission]; have && !vote.Start.After(cm.End) {
			fe.Add(PhaseStartField(PhaseVote), "campaign.phase.vote_after_commission")
		}
		for _, p := range []Phase{PhaseWinners, PhaseProclamation} {
			if w, have := ok[p]; have && !w.Start.After(vote.End) {
				fe.Add(PhaseStartField(p), "campaign.phase.after_vote")
			}
		}
	}
	for _, w := range c.Phases {
		if !w.Phase.Valid() {
			fe.Add(FieldPhases, "campaign.phase.unknown", string(w.Phase))
		}
	}
}

func (c *Campaign) validateCategories(fe apperr.FieldErrors) {
	switch {
	case len(c.Categories) == 0:
		fe.Add(FieldCategories, "campaign.categories.required")
	case len(c.Categories) > MaxCategories:
		fe.Add(FieldCategories, "campaign.categories.too_many", MaxCategories)
	}
	names := map[string]bool{}
	var sum int64
	for i, cat := range c.Categories {
		name := strings.TrimSpace(cat.Name)
		switch {
		case name == "":
			fe.Add(CatField(i, CatName), "campaign.category.name_required")
		case utf8.RuneCountInString(name) > NameMax:
			fe.Add(CatField(i, CatName), "campaign.name.too_long", NameMax)
		case names[strings.ToLower(name)]:
			fe.Add(CatField(i, CatName), "campaign.category.name_duplicate")
		}
		names[strings.ToLower(name)] = true
		validateRule(fe, i, cat.Rule)
		if e := cat.EnvelopeCents; e != nil {
			amount(fe, CatField(i, CatEnvelope), *e)
			if *e > 0 && *e <= MaxMoneyCents {
				sum += *e
			}
		}
		if c.PerCategoryEnvelopes && (cat.EnvelopeCents == nil || *cat.EnvelopeCents == 0) {
			fe.Add(CatField(i, CatEnvelope), "campaign.category.envelope_required")
		}
	}
	if c.PerCategoryEnvelopes && sum > c.EnvelopeCents && c.EnvelopeCents > 0 {
		fe.Add(FieldEnvelope, "campaign.envelope.below_categories")
	}
}

func validateRule(fe apperr.FieldErrors, i int, r SupportRule) {
	switch r.Kind {
	case RuleFlat:
		amount(fe, CatField(i, CatFlat), r.FlatCents)
	case RulePercent:
		if r.RateBP < 0 || r.RateBP > BPPerUnit {
			fe.Add(CatField(i, CatRate), "campaign.rate.range")
		}
		amount(fe, CatField(i, CatCap), r.CapCents)
		amount(fe, CatField(i, CatFloor), r.FloorCents)
		if r.CapCents > 0 && r.FloorCents > r.CapCents {
			fe.Add(CatField(i, CatFloor), "campaign.floor.above_cap")
		}
	default:
		fe.Add(CatField(i, CatRule), "campaign.category.rule_unknown")
	}
}

// amount checks an amount that may be zero.
func amount(fe apperr.FieldErrors, field string, cents int64) {
	switch {
	case cents < 0:
		fe.Add(field, "campaign.amount.negative")
	case cents > MaxMoneyCents:
		fe.Add(field, "campaign.amount.too_large")
	}
}

func (c *Campaign) validateRules(fe apperr.FieldErrors) {
	switch c.VoteRule.Kind {
	case VoteOnePerCategory, VoteKnapsack:
	case VoteApproval:
		if c.VoteRule.K < 1 || c.VoteRule.K > MaxApprovalK {
			fe.Add(FieldVoteK, "campaign.vote_k.range", MaxApprovalK)
		}
	default:
		fe.Add(FieldVoteRule, "campaign.vote_rule.unknown")
	}
	if !knownAggregation(c.AggregationRule) {
		fe.Add(FieldAggregation, "campaign.aggregation.unknown")
	}
	if _, err := ParseTieBreak(c.TieBreak); err != nil {
		fe.Add(FieldTieBreak, "campaign.tie_break.invalid")
	}
	if c.MinVoterAge < 0 || c.MinVoterAge > MaxVoterAge {
		fe.Add(FieldMinVoterAge, "campaign.min_age.range", MaxVoterAge)
	}
	switch c.BallotPublication {
	case PublishReceipts, PublishNone:
	default:
		fe.Add(FieldPublication, "campaign.publication.unknown")
	}
}
