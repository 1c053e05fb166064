package campaign

import (
	"slices"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/tally"
)

func TestPresetIsValid(t *testing.T) {
	if fe := preset2018(t).Validate(); len(fe) != 0 {
		t.Fatalf("preset fails validation: %v", fe)
	}
}

func TestValidate(t *testing.T) {
	day := func(m time.Month, d int) Date { return Date{2018, m, d} }
	cents := func(v int64) *int64 { return &v }
	tests := []struct {
		name   string
		edit   func(c *Campaign)
		field  string
		key    string
		noMore bool // the error is the only one
	}{
		{"slug required", func(c *Campaign) { c.Slug = "" }, "slug", "campaign.slug.required", true},
		{"slug too short", func(c *Campaign) { c.Slug = "ab" }, "slug", "campaign.slug.length", true},
		{"slug too long", func(c *Campaign) { c.Slug = strings.Repeat("a", 61) }, "slug", "campaign.slug.length", true},
		{"slug uppercase", func(c *Campaign) { c.Slug = "Budget-2019" }, "slug", "campaign.slug.format", true},
		{"slug accent", func(c *Campaign) { c.Slug = "édition-2019" }, "slug", "campaign.slug.format", true},
		{"slug space", func(c *Campaign) { c.Slug = "budget 2019" }, "slug", "campaign.slug.format", true},
		{"slug leading hyphen", func(c *Campaign) { c.Slug = "-budget" }, "slug", "campaign.slug.format", true},
		{"slug trailing hyphen", func(c *Campaign) { c.Slug = "budget-" }, "slug", "campaign.slug.format", true},
		{"slug reserved admin", func(c *Campaign) { c.Slug = "admin" }, "slug", "campaign.slug.reserved", true},
		{"slug reserved mentions-legales", func(c *Campaign) { c.Slug = "mentions-legales" }, "slug", "campaign.slug.reserved", true},
		{"slug reserved communes", func(c *Campaign) { c.Slug = "communes" }, "slug", "campaign.slug.reserved", true},
		{"name required", func(c *Campaign) { c.Name = "  " }, "name", "campaign.name.required", true},
		{"name too long", func(c *Campaign) { c.Name = strings.Repeat("é", 201) }, "name", "campaign.name.too_long", true},
		{"territory", func(c *Campaign) { c.Territory = "20" }, "territory", "campaign.territory.invalid", true},
		{"territory empty", func(c *Campaign) { c.Territory = "" }, "territory", "campaign.territory.invalid", true},
		{"envelope zero", func(c *Campaign) { c.EnvelopeCents = 0 }, "envelope", "campaign.envelope.positive", true},
		{"envelope negative", func(c *Campaign) { c.EnvelopeCents = -1 }, "envelope", "campaign.envelope.positive", true},
		{"envelope huge", func(c *Campaign) { c.EnvelopeCents = MaxMoneyCents + 1 }, "envelope", "campaign.amount.too_large", true},
		{"time zone unknown", func(c *Campaign) { c.TimeZone = "Europe/Lille" }, "timezone", "campaign.timezone.invalid", true},
		{"time zone empty", func(c *Campaign) { c.TimeZone = "" }, "timezone", "campaign.timezone.invalid", true},
		{"time zone Local", func(c *Campaign) { c.TimeZone = "Local" }, "timezone", "campaign.timezone.invalid", true},
		{"contact e-mail", func(c *Campaign) { c.ContactEmail = "budget citoyen" }, "contact_email", "campaign.contact_email.invalid", true},
		{"contact e-mail with name", func(c *Campaign) { c.ContactEmail = "Budget <a@b.fr>" }, "contact_email", "campaign.contact_email.invalid", true},
		{"phase missing", func(c *Campaign) {
			c.Phases = slices.DeleteFunc(c.Phases, func(w PhaseWindow) bool { return w.Phase == PhaseCommission })
		},
			"phase_commission_start", "campaign.phase.missing", true},
		{"phase end missing", func(c *Campaign) { c.Phases[2].End = time.Time{} }, "phase_dossiers_end", "campaign.phase.missing", true},
		{"phase end before start", func(c *Campaign) { c.SetDays(PhaseDossiers, day(4, 10), day(4, 9)) },
			"phase_dossiers_end", "campaign.phase.end_before_start", true},
		{"phase unknown", func(c *Campaign) { c.Phases = append(c.Phases, PhaseWindow{Phase: "bilan"}) },
			"phases", "campaign.phase.unknown", true},
		{"before the ideas", func(c *Campaign) { c.SetDays(PhaseComptoirs, day(2, 28), day(6, 22)) },
			"phase_comptoirs_start", "campaign.phase.before_ideas", true},
		{"vote during the committee", func(c *Campaign) { c.SetDays(PhaseLabelling, day(5, 14), day(9, 5)) },
			"phase_vote_start", "campaign.phase.vote_after_labelling", true},
		{"vote on the committee's last day", func(c *Campaign) { c.SetDays(PhaseVote, day(7, 8), day(9, 30)) },
			"phase_vote_start", "campaign.phase.vote_after_labelling", false},
		{"vote during the commission", func(c *Campaign) { c.SetDays(PhaseCommission, day(7, 9), day(9, 5)) },
			"phase_vote_start", "campaign.phase.vote_after_commission", true},
		{"winners during the vote", func(c *Campaign) { c.SetDays(PhaseWinners, day(9, 30), day(10, 31)) },
			"phase_laureats_start", "campaign.phase.after_vote", true},
		{"proclamation during the vote", func(c *Campaign) { c.SetDays(PhaseProclamation, day(9, 15), day(11, 30)) },
			"phase_proclamation_start", "campaign.phase.after_vote", true},
		{"no category", func(c *Campaign) { c.Categories = nil }, "categories", "campaign.categories.required", true},
		{"too many categories", func(c *Campaign) {
			for i := range MaxCategories {
				c.Categories = append(c.Categories, Category{Name: "C" + string(rune('a'+i)), Rule: Flat(1)})
			}
		}, "categories", "campaign.categories.too_many", true},
		{"category name", func(c *Campaign) { c.Categories[1].Name = " " }, "cat1_name", "campaign.category.name_required", true},
		{"category name too long", func(c *Campaign) { c.Categories[1].Name = strings.Repeat("x", 201) }, "cat1_name", "campaign.name.too_long", true},
		{"category name twice", func(c *Campaign) { c.Categories[2].Name = "innovation sociale" }, "cat2_name", "campaign.category.name_duplicate", true},
		{"category rule", func(c *Campaign) { c.Categories[0].Rule.Kind = "" }, "cat0_rule", "campaign.category.rule_unknown", true},
		{"flat negative", func(c *Campaign) { c.Categories[0].Rule.FlatCents = -1 }, "cat0_flat", "campaign.amount.negative", true},
		{"flat huge", func(c *Campaign) { c.Categories[0].Rule.FlatCents = MaxMoneyCents + 1 }, "cat0_flat", "campaign.amount.too_large", true},
		{"rate above 100 %", func(c *Campaign) { c.Categories[1].Rule.RateBP = 10001 }, "cat1_rate", "campaign.rate.range", true},
		{"rate negative", func(c *Campaign) { c.Categories[1].Rule.RateBP = -1 }, "cat1_rate", "campaign.rate.range", true},
		{"cap negative", func(c *Campaign) { c.Categories[1].Rule.CapCents = -1 }, "cat1_cap", "campaign.amount.negative", true},
		{"floor negative", func(c *Campaign) { c.Categories[1].Rule.FloorCents = -1 }, "cat1_floor", "campaign.amount.negative", true},
		{"floor above cap", func(c *Campaign) { c.Categories[2].Rule.FloorCents = 20_000_01 }, "cat2_floor", "campaign.floor.above_cap", true},
		{"category envelope negative", func(c *Campaign) { c.Categories[0].EnvelopeCents = cents(-1) }, "cat0_envelope", "campaign.amount.negative", true},
		{"per-category envelope missing", func(c *Campaign) {
			c.PerCategoryEnvelopes = true
			c.Categories[0].EnvelopeCents = cents(100_000_00)
			c.Categories[1].EnvelopeCents = cents(100_000_00)
		}, "cat2_envelope", "campaign.category.envelope_required", true},
		{"category envelopes above the total", func(c *Campaign) {
			c.PerCategoryEnvelopes = true
			for i := range c.Categories {
				c.Categories[i].EnvelopeCents = cents(200_000_00)
			}
		}, "envelope", "campaign.envelope.below_categories", true},
		{"vote rule", func(c *Campaign) { c.VoteRule.Kind = "borda" }, "vote_rule", "campaign.vote_rule.unknown", true},
		{"approval k 0", func(c *Campaign) { c.VoteRule = VoteRule{Kind: VoteApproval} }, "vote_k", "campaign.vote_k.range", true},
		{"approval k too large", func(c *Campaign) { c.VoteRule = VoteRule{Kind: VoteApproval, K: 101} }, "vote_k", "campaign.vote_k.range", true},
		{"aggregation", func(c *Campaign) { c.AggregationRule = "greedy_points" }, "aggregation_rule", "campaign.aggregation.unknown", true},
		{"tie-break unknown term", func(c *Campaign) { c.TieBreak = "cost,random" }, "tie_break", "campaign.tie_break.invalid", true},
		{"tie-break twice", func(c *Campaign) { c.TieBreak = "cost,cost" }, "tie_break", "campaign.tie_break.invalid", true},
		{"tie-break empty seed", func(c *Campaign) { c.TieBreak = "seed:" }, "tie_break", "campaign.tie_break.invalid", true},
		{"tie-break empty", func(c *Campaign) { c.TieBreak = "" }, "tie_break", "campaign.tie_break.invalid", true},
		{"min age negative", func(c *Campaign) { c.MinVoterAge = -1 }, "min_voter_age", "campaign.min_age.range", true},
		{"min age too high", func(c *Campaign) { c.MinVoterAge = 121 }, "min_voter_age", "campaign.min_age.range", true},
		{"publication", func(c *Campaign) { c.BallotPublication = "all" }, "ballot_publication", "campaign.publication.unknown", true},
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := preset2018(t)
			tt.edit(c)
			fe := c.Validate()
			m, ok := fe[tt.field]
			if !ok || m.Key != tt.key {
				t.Fatalf("Validate() = %v, want %s on %s", fe, tt.key, tt.field)
			}
			if tt.noMore && len(fe) != 1 {
				t.Errorf("Validate() = %v, want only %s", fe, tt.field)
			}
			for _, l := range i18n.Langs {
				if s := cat.T(l, m.Key, m.Args...); strings.Contains(s, "⟦") || strings.Contains(s, "%!") {
					t.Errorf("%s message of %s reads %q", l, m.Key, s)
				}
			}
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *Campaign)
	}{
		{"approval 3", func(c *Campaign) {
			c.VoteRule = VoteRule{Kind: VoteApproval, K: 3}
			c.AggregationRule = "mes_cost_add1"
		}},
		{"knapsack", func(c *Campaign) { c.VoteRule = VoteRule{Kind: VoteKnapsack} }},
		{"every aggregation rule", func(c *Campaign) { c.AggregationRule = "phragmen" }},
		{"seeded tie-break", func(c *Campaign) { c.TieBreak = "votes,seed:2019-budget" }},
		{"phases may overlap and share days", func(c *Campaign) {
			c.SetDays(PhaseComptoirs, Date{2018, 3, 1}, Date{2018, 11, 30})
		}},
		{"territory 2A and 971", func(c *Campaign) { c.Territory = "2A" }},
		{"rate 0 and 100 %", func(c *Campaign) { c.Categories[1].Rule.RateBP = 0; c.Categories[2].Rule.RateBP = 10000 }},
		{"floor without cap", func(c *Campaign) { c.Categories[1].Rule = Percent(1000, 0).WithFloor(5_000_00) }},
		{"floor equal to cap", func(c *Campaign) { c.Categories[1].Rule = Percent(1000, 5_000_00).WithFloor(5_000_00) }},
		{"flat zero", func(c *Campaign) { c.Categories[0].Rule = Flat(0) }},
		{"min age 0", func(c *Campaign) { c.MinVoterAge = 0 }},
		{"no publication", func(c *Campaign) { c.BallotPublication = PublishNone }},
		{"contact", func(c *Campaign) { c.ContactEmail = "budget.citoyen@example.org" }},
		{"other zone", func(c *Campaign) { c.TimeZone = "America/Martinique"; c.Territory = "972" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := preset2018(t)
			tt.edit(c)
			if fe := c.Validate(); len(fe) != 0 {
				t.Errorf("Validate() = %v", fe)
			}
		})
	}
}

// The names a campaign accepts must be names the results engine runs.
func TestRulesMatchTheEngine(t *testing.T) {
	engine := tally.RuleNames()
	for _, r := range AggregationRules() {
		if !slices.Contains(engine, r) {
			t.Errorf("aggregation rule %s is unknown to tally", r)
		}
	}
	for _, tb := range []string{DefaultTieBreak, "id", "votes,cost,order,id", "seed:2019", "order,seed:abc-DEF_1"} {
		if _, err := ParseTieBreak(tb); err != nil {
			t.Errorf("ParseTieBreak(%q): %v", tb, err)
		}
		if _, err := tally.ParseTieBreak(tb); err != nil {
			t.Errorf("tally refuses tie-break %q: %v", tb, err)
		}
	}
}

func TestFieldErrorsAreUserErrors(t *testing.T) {
	c := preset2018(t)
	c.Slug = ""
	err := c.Validate().Err()
	if !apperr.IsKind(err, apperr.Invalid) {
		t.Errorf("Validate().Err() = %v", err)
	}
}
