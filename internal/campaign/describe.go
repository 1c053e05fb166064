package campaign

import (
	"strings"
	"sync"

	"budgetcitoyen/internal/i18n"
)

// The wording of a campaign's rules for people, from the campaign catalog
// (internal/i18n/messages/campaign.*.json), with amounts and rates formatted by i18n.

var catalog = sync.OnceValues(i18n.Load)

// t returns a message of the catalogs; a catalog that fails to load (which the i18n tests
// prevent) shows the key rather than breaking the page.
func t(lang i18n.Lang, key string, args ...any) string {
	c, err := catalog()
	if err != nil {
		return "⟦" + key + "⟧"
	}
	return c.T(lang, key, args...)
}

// PhaseName returns the name of a phase: "Vote des citoyens".
func PhaseName(lang i18n.Lang, p Phase) string {
	return t(lang, "campaign.phase_name."+string(p))
}

// DescribeRule says a category's support rule in a sentence: "Forfait de 4 500 €",
// "20 % du coût total, plafonné à 20 000 €, au moins 1 000 €".
func DescribeRule(lang i18n.Lang, cat Category) string {
	r := cat.Rule
	switch r.Kind {
	case RuleFlat:
		return t(lang, "campaign.rule.flat", i18n.Money(lang, r.FlatCents))
	case RulePercent:
		s := t(lang, "campaign.rule.percent", i18n.Percent(lang, r.RateBP))
		if r.CapCents > 0 {
			s += t(lang, "campaign.rule.cap", i18n.Money(lang, r.CapCents))
		}
		if r.FloorCents > 0 {
			s += t(lang, "campaign.rule.floor", i18n.Money(lang, r.FloorCents))
		}
		return s
	}
	return t(lang, "campaign.rule.unknown")
}

// DescribeComputation says how a support was computed: "10 % de 180 000 € = 18 000 €,
// plafonné à 15 000 €".
func DescribeComputation(lang i18n.Lang, c Computation) string {
	switch c.Rule.Kind {
	case RuleFlat:
		return t(lang, "campaign.computation.flat", i18n.Money(lang, c.ResultCents))
	case RulePercent:
		s := t(lang, "campaign.computation.percent", i18n.Percent(lang, c.Rule.RateBP),
			i18n.Money(lang, c.BaseCents), i18n.Money(lang, c.RawCents))
		switch {
		case c.Capped:
			s += t(lang, "campaign.computation.capped", i18n.Money(lang, c.ResultCents))
		case c.Floored:
			s += t(lang, "campaign.computation.floored", i18n.Money(lang, c.ResultCents))
		}
		return s
	}
	return t(lang, "campaign.rule.unknown")
}

// DescribeVoteRule says what a ballot may hold: "Une voix pour un projet dans chaque
// catégorie".
func DescribeVoteRule(lang i18n.Lang, v VoteRule) string {
	switch v.Kind {
	case VoteOnePerCategory:
		return t(lang, "campaign.vote_rule_text.one-per-category")
	case VoteApproval:
		if v.K == 1 {
			return t(lang, "campaign.vote_rule_text.approval_one")
		}
		return t(lang, "campaign.vote_rule_text.approval", v.K)
	case VoteKnapsack:
		return t(lang, "campaign.vote_rule_text.knapsack")
	}
	return t(lang, "campaign.rule.unknown")
}

// DescribeAggregation says how the winners are chosen, for the results page.
func DescribeAggregation(lang i18n.Lang, rule string) string {
	if !knownAggregation(rule) {
		return t(lang, "campaign.rule.unknown")
	}
	return t(lang, "campaign.aggregation_text."+rule)
}

// DescribeTieBreak states the tie-break, as the results page must: "En cas d'égalité : le
// soutien le plus faible d'abord, puis le dépôt le plus ancien d'abord."
func DescribeTieBreak(lang i18n.Lang, tieBreak string) string {
	terms, err := ParseTieBreak(tieBreak)
	if err != nil {
		return t(lang, "campaign.rule.unknown")
	}
	parts := make([]string, len(terms))
	for i, term := range terms {
		if seed, ok := strings.CutPrefix(term, TieSeed); ok {
			parts[i] = t(lang, "campaign.tie_break_text.seed", seed)
		} else {
			parts[i] = t(lang, "campaign.tie_break_text."+term)
		}
	}
	return t(lang, "campaign.tie_break_text.intro", strings.Join(parts, t(lang, "campaign.tie_break_text.then")))
}

// DescribePublication says what is published after the vote.
func DescribePublication(lang i18n.Lang, mode string) string {
	switch mode {
	case PublishReceipts, PublishNone:
		return t(lang, "campaign.publication_text."+mode)
	}
	return t(lang, "campaign.rule.unknown")
}
