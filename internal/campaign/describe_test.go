package campaign

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"budgetcitoyen/internal/i18n"
)

// French typography as i18n writes it: narrow no-break space between thousands, no-break
// space before € and %.
func fr(s string) string {
	return strings.NewReplacer("_", "\u202f", "~", "\u00a0").Replace(s)
}

func TestDescribeRule(t *testing.T) {
	tests := []struct {
		lang i18n.Lang
		rule SupportRule
		want string
	}{
		{i18n.FR, Flat(4_500_00), fr("Forfait de 4_500~€")},
		{i18n.FR, Percent(1000, 15_000_00), fr("10~% du coût total, plafonné à 15_000~€")},
		{i18n.FR, Percent(2000, 20_000_00).WithFloor(1_000_00), fr("20~% du coût total, plafonné à 20_000~€, au moins 1_000~€")},
		{i18n.FR, Percent(1250, 0), fr("12,5~% du coût total")},
		{i18n.FR, SupportRule{}, "Règle inconnue"},
		{i18n.EN, Flat(4_500_00), "Flat amount of €4,500"},
		{i18n.EN, Percent(2000, 20_000_00).WithFloor(1_000_00), "20% of the total cost, capped at €20,000, at least €1,000"},
	}
	for _, tt := range tests {
		if got := DescribeRule(tt.lang, Category{Rule: tt.rule}); got != tt.want {
			t.Errorf("DescribeRule(%s, %+v) = %q, want %q", tt.lang, tt.rule, got, tt.want)
		}
	}
}

func TestDescribeComputation(t *testing.T) {
	tests := []struct {
		lang i18n.Lang
		rule SupportRule
		cost int64
		want string
	}{
		{i18n.FR, Percent(1000, 15_000_00), 180_000_00, fr("10~% de 180_000~€ = 18_000~€, plafonné à 15_000~€")},
		{i18n.FR, Percent(1000, 15_000_00), 100_000_00, fr("10~% de 100_000~€ = 10_000~€")},
		{i18n.FR, Percent(1000, 15_000_00).WithFloor(1_000_00), 5_000_00, fr("10~% de 5_000~€ = 500~€, porté au minimum de 1_000~€")},
		{i18n.FR, Percent(1250, 0), 999, fr("12,5~% de 9,99~€ = 1,24~€")},
		{i18n.FR, Flat(4_500_00), 30_000_00, fr("Forfait de 4_500~€")},
		{i18n.EN, Percent(1000, 15_000_00), 180_000_00, "10% of €180,000 = €18,000, capped at €15,000"},
	}
	for _, tt := range tests {
		if got := DescribeComputation(tt.lang, tt.rule.Compute(tt.cost)); got != tt.want {
			t.Errorf("DescribeComputation(%s, %+v, %d) = %q, want %q", tt.lang, tt.rule, tt.cost, got, tt.want)
		}
	}
}

func TestPhaseNames(t *testing.T) {
	want := []string{"Dépôt des idées", "Comptoirs à initiatives citoyennes", "Dépôt des dossiers",
		"Comité de labellisation", "Présentation en commission", "Vote des citoyens",
		"Présentation des lauréats", "Commission permanente et proclamation"}
	for i, p := range AllPhases() {
		if got := PhaseName(i18n.FR, p); got != want[i] {
			t.Errorf("PhaseName(fr, %s) = %q, want %q", p, got, want[i])
		}
		if got := PhaseName(i18n.EN, p); got == "" || strings.Contains(got, "⟦") || got == want[i] {
			t.Errorf("PhaseName(en, %s) = %q", p, got)
		}
	}
}

func TestDescribeOthers(t *testing.T) {
	tests := []struct{ got, want string }{
		{DescribeVoteRule(i18n.FR, VoteRule{Kind: VoteOnePerCategory}), "Une voix pour un projet dans chaque catégorie"},
		{DescribeVoteRule(i18n.FR, VoteRule{Kind: VoteApproval, K: 3}), "Jusqu'à 3 projets parmi tous les projets"},
		{DescribeVoteRule(i18n.EN, VoteRule{Kind: VoteApproval, K: 1}), "One project among all projects"},
		{DescribeTieBreak(i18n.FR, "cost,order"), "En cas d'égalité : le soutien le plus faible d'abord, puis le dépôt le plus ancien d'abord."},
		{DescribeTieBreak(i18n.EN, "votes,seed:2019"), "In case of a tie: the most votes first, then public random draw (seed 2019)."},
		{DescribeTieBreak(i18n.FR, "???"), "Règle inconnue"},
		{DescribeAggregation(i18n.FR, "nope"), "Règle inconnue"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	// Every rule, vote rule and publication mode has its wording in both languages.
	for _, lang := range i18n.Langs {
		var all []string
		for _, r := range AggregationRules() {
			all = append(all, DescribeAggregation(lang, r))
		}
		for _, k := range VoteRules() {
			all = append(all, DescribeVoteRule(lang, VoteRule{Kind: k, K: 2}))
		}
		for _, m := range PublicationModes() {
			all = append(all, DescribePublication(lang, m))
		}
		for _, s := range all {
			if s == "" || strings.Contains(s, "⟦") || strings.Contains(s, "%!") {
				t.Errorf("%s: %q", lang, s)
			}
		}
	}
}

// Keys the form labels use are in the catalog, so that templates can rely on them.
func TestFormLabelKeys(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"campaign.field.slug", "campaign.field.categories", "campaign.field.add_category",
		"campaign.field.phase_start", "campaign.field.phase_end", "campaign.field.phases_hint"}
	for _, f := range []string{FieldName, FieldDescription, FieldTerritory, FieldEnvelope,
		FieldTimeZone, FieldContactEmail, FieldVoteRule, FieldVoteK, FieldAggregation, FieldPerCategory,
		FieldTieBreak, FieldMinVoterAge, FieldComptoir, FieldPublication, FieldIdeasPublic, FieldArchived} {
		keys = append(keys, "campaign.field."+f)
	}
	for _, s := range []string{CatName, CatDescription, CatRule, CatFlat, CatRate, CatCap, CatFloor, CatEnvelope, CatDelete} {
		keys = append(keys, "campaign.field.cat_"+s)
	}
	for _, k := range RuleKinds() {
		keys = append(keys, "campaign.rule_kind."+k)
	}
	for _, k := range VoteRules() {
		keys = append(keys, "campaign.vote_rule_kind."+k)
	}
	for _, k := range PublicationModes() {
		keys = append(keys, "campaign.publication_kind."+k)
	}
	for _, k := range keys {
		if !cat.Has(k) {
			t.Errorf("catalog lacks %s", k)
		}
	}
}

// Every message key written in this package's code exists in the catalogs (keys built from a
// prefix, like "campaign.phase_name."+p, are checked by the tests above).
func TestMessageKeysExist(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	// An audit action ("Action: \"campaign.create\"") looks like a key but is none.
	keyRE := regexp.MustCompile(`(Action: )?"(campaign\.[a-z0-9_.-]*[a-z0-9_-])"`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(src), -1) {
			if m[1] != "" {
				continue
			}
			n++
			if !cat.Has(m[2]) {
				t.Errorf("%s: key %s is not in the catalog", f, m[2])
			}
		}
	}
	if n < 40 {
		t.Errorf("found only %d keys: is the pattern right?", n)
	}
}
