package vote

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
)

// StateOnBallot is the dossier state of a project on the ballot ("labellisé"): the
// commission moves validated dossiers to it (dossier's state machine).
const StateOnBallot = dossier.StateBallot

// MaxChoices bounds what a ballot form may hold, whatever the rule: a form with more is
// refused before anything else is looked at.
const MaxChoices = 200

// Option is one project a voter may choose, as the ballot rules see it.
type Option struct {
	ID           int64
	CategoryID   int64
	SupportCents int64
}

// BallotRule is a campaign's vote rule with what it needs to check a ballot.
type BallotRule struct {
	Kind          string // campaign.VoteOnePerCategory, VoteApproval or VoteKnapsack
	K             int    // approval: at most K projects
	EnvelopeCents int64  // knapsack: the supports of the chosen projects fit in it
}

// RuleOf returns the ballot rule of a campaign.
func RuleOf(c *campaign.Campaign) BallotRule {
	return BallotRule{Kind: c.VoteRule.Kind, K: c.VoteRule.K, EnvelopeCents: c.EnvelopeCents}
}

// Validate checks a ballot (the chosen project ids, ascending and distinct, as ParseChoices
// gives them) against the rule and the projects on the ballot. A ballot holds at least one
// project; in one-per-category, a voter may abstain in any category but choose at most one
// project in each.
func (r BallotRule) Validate(choices []int64, options []Option) error {
	if len(choices) == 0 {
		return apperr.New(apperr.Invalid, "vote.ballot.empty")
	}
	if len(choices) > MaxChoices {
		return apperr.New(apperr.Invalid, "vote.ballot.too_many", MaxChoices)
	}
	byID := make(map[int64]Option, len(options))
	for _, o := range options {
		byID[o.ID] = o
	}
	for i, id := range choices {
		if _, ok := byID[id]; !ok {
			return apperr.New(apperr.Invalid, "vote.ballot.unknown_project")
		}
		if i > 0 && choices[i-1] >= id {
			return apperr.New(apperr.Invalid, "vote.ballot.duplicate")
		}
	}
	switch r.Kind {
	case campaign.VoteOnePerCategory:
		seen := map[int64]bool{}
		for _, id := range choices {
			cat := byID[id].CategoryID
			if seen[cat] {
				return apperr.New(apperr.Invalid, "vote.ballot.one_per_category")
			}
			seen[cat] = true
		}
	case campaign.VoteApproval:
		if r.K > 0 && len(choices) > r.K {
			return apperr.New(apperr.Invalid, "vote.ballot.approval", r.K)
		}
	case campaign.VoteKnapsack:
		var sum int64
		for _, id := range choices {
			sum += byID[id].SupportCents
		}
		if sum > r.EnvelopeCents {
			return apperr.New(apperr.Invalid, "vote.ballot.knapsack")
		}
	default:
		return apperr.New(apperr.Conflict, "vote.ballot.no_rule")
	}
	return nil
}

// SumSupport returns the total support of the chosen projects (for the knapsack review).
func SumSupport(choices []int64, options []Option) int64 {
	var sum int64
	for _, o := range options {
		if _, ok := slices.BinarySearch(choices, o.ID); ok {
			sum += o.SupportCents
		}
	}
	return sum
}

// ParseChoices reads the chosen projects of a ballot form: checkboxes named "p" (approval,
// knapsack, and the hidden fields of the review page) and one radio per category named
// "cat-<id>" whose empty value means abstaining (one project per category). It returns the
// ids ascending and distinct. Anything that is not a positive integer, or more than
// MaxChoices values, is refused.
func ParseChoices(form url.Values) ([]int64, error) {
	var out []int64
	n := 0
	add := func(vs []string) error {
		for _, v := range vs {
			n++
			if n > MaxChoices {
				return apperr.New(apperr.Invalid, "vote.ballot.too_many", MaxChoices)
			}
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return apperr.New(apperr.Invalid, "vote.ballot.unknown_project")
			}
			out = append(out, id)
		}
		return nil
	}
	keys := make([]string, 0, len(form))
	for k := range form {
		if k == "p" || strings.HasPrefix(k, "cat-") {
			keys = append(keys, k)
		}
	}
	if len(keys) > MaxChoices {
		return nil, apperr.New(apperr.Invalid, "vote.ballot.too_many", MaxChoices)
	}
	slices.Sort(keys)
	for _, k := range keys {
		vs := form[k]
		if strings.HasPrefix(k, "cat-") && len(vs) > 1 {
			return nil, apperr.New(apperr.Invalid, "vote.ballot.one_per_category")
		}
		if err := add(vs); err != nil {
			return nil, err
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// FormatChoices writes a ballot's choices the way the ballot box stores them: ascending ids,
// comma-separated, so that nothing of the order of choosing is kept.
func FormatChoices(ids []int64) string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	var b strings.Builder
	for i, id := range slices.Compact(ids) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// parseStoredChoices reads what FormatChoices wrote.
func parseStoredChoices(s string) ([]int64, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	out := make([]int64, 0, len(parts))
	for _, p := range parts {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}
