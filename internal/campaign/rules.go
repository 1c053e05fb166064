package campaign

import (
	"fmt"
	"regexp"
	"strings"
)

// AggregationRules lists the results-engine rules a campaign may use (names as in package
// tally). The engine also has greedy_points and mes_points, left out on purpose: they read
// points that the platform's ballots (one per category, approval, knapsack) never carry.
func AggregationRules() []string {
	return []string{"greedy_cost", "greedy_card", "mes_cost", "mes_card", "mes_cost_greedy",
		"mes_card_greedy", "mes_cost_add1", "mes_card_add1", "mes_cost_add1_greedy",
		"mes_card_add1_greedy", "phragmen"}
}

func knownAggregation(name string) bool {
	for _, r := range AggregationRules() {
		if r == name {
			return true
		}
	}
	return false
}

// Tie-break terms, chained with commas and applied left to right (names as in package tally).
const (
	TieID    = "id"    // project id compared as text
	TieCost  = "cost"  // lower support first
	TieVotes = "votes" // more votes first
	TieOrder = "order" // earlier submission first
	TieSeed  = "seed:" // seed:S, a published random seed
)

var seedRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ParseTieBreak splits a tie-break chain into its terms and checks them: known terms, each
// at most once, a seed of 1–64 letters, digits, "-" or "_".
func ParseTieBreak(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("tie-break is empty")
	}
	var terms []string
	seen := map[string]bool{}
	for _, t := range strings.Split(s, ",") {
		t = strings.TrimSpace(t)
		key := t
		switch {
		case t == TieID, t == TieCost, t == TieVotes, t == TieOrder:
		case strings.HasPrefix(t, TieSeed):
			if !seedRE.MatchString(t[len(TieSeed):]) {
				return nil, fmt.Errorf("tie-break %q: bad seed", t)
			}
			key = TieSeed
		default:
			return nil, fmt.Errorf("tie-break: unknown term %q", t)
		}
		if seen[key] {
			return nil, fmt.Errorf("tie-break: %q given twice", key)
		}
		seen[key] = true
		terms = append(terms, t)
	}
	return terms, nil
}

// Slug limits and reserved words.
const (
	SlugMin = 3
	SlugMax = 60
)

var slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`)

// ReservedSlugs returns the words that are the site's own top-level paths, which a campaign
// slug (the first path segment of its pages) must not take.
func ReservedSlugs() []string {
	return []string{"admin", "connexion", "deconnexion", "inscription", "compte", "static",
		"healthz", "readyz", "metrics", "calendrier", "idees", "comptoirs", "projets", "vote",
		"resultats", "mentions-legales", "donnees-personnelles", "accessibilite", "contact",
		"mot-de-passe-oublie", "reinitialiser", "verifier", "langue", "api", "communes", "donnees", "espace", "identite",
		"abonnements"}
}

func reservedSlug(s string) bool {
	for _, r := range ReservedSlugs() {
		if r == s {
			return true
		}
	}
	return false
}

// territoryRE matches a French département code: 01–95 (without 20), 2A, 2B, 971–976.
var territoryRE = regexp.MustCompile(`^(0[1-9]|1[0-9]|[3-8][0-9]|9[0-5]|2[1-9]|2A|2B|97[1-6])$`)
