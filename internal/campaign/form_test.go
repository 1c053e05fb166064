package campaign

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestFormRoundTrip(t *testing.T) {
	env := int64(100_000_00)
	variants := map[string]func(c *Campaign){
		"preset": func(c *Campaign) {},
		"every field set": func(c *Campaign) {
			c.Description = "Ligne 1\nLigne 2"
			c.ContactEmail = "budget@example.org"
			c.VoteRule = VoteRule{Kind: VoteApproval, K: 3}
			c.AggregationRule = "mes_cost_add1"
			c.PerCategoryEnvelopes = true
			for i := range c.Categories {
				e := env
				c.Categories[i].EnvelopeCents = &e
				c.Categories[i].ID = int64(10 + i)
			}
			c.Categories[1].Rule = Percent(1250, 15_000_50).WithFloor(1_000_00)
			c.TieBreak = "votes,seed:2019"
			c.MinVoterAge = 16
			c.ComptoirRequired = false
			c.BallotPublication = PublishNone
			c.IdeasPublic = false
			c.Archived = true
			c.Territory = "2A"
		},
	}
	for name, edit := range variants {
		t.Run(name, func(t *testing.T) {
			c := preset2018(t)
			edit(c)
			v := FormValues(c)
			got, fe := ParseForm(v)
			if fe != nil {
				t.Fatalf("ParseForm(FormValues) errors: %v\nvalues: %v", fe, v)
			}
			if !reflect.DeepEqual(got, c) {
				t.Errorf("round trip differs:\n got %+v\nwant %+v", got, c)
			}
		})
	}
}

func TestFormValuesFields(t *testing.T) {
	v := FormValues(preset2018(t))
	want := map[string]string{
		"slug":                   "pas-de-calais-2018",
		"envelope":               "352 151",
		"timezone":               "Europe/Paris",
		"phase_idees_start":      "2018-03-01",
		"phase_idees_end":        "2018-03-30",
		"phase_commission_start": "2018-07-09",
		"phase_commission_end":   "2018-09-04",
		"phase_vote_start":       "2018-09-05",
		"phase_vote_end":         "2018-09-30",
		"vote_rule":              "one-per-category",
		"tie_break":              "cost,order",
		"min_voter_age":          "11",
		"comptoir_required":      "1",
		"ballot_publication":     "receipts",
		"cat0_name":              "Démarche de bonnes pratiques",
		"cat0_rule":              "flat",
		"cat0_flat":              "4 500",
		"cat1_rule":              "percent",
		"cat1_rate":              "10",
		"cat1_cap":               "15 000",
		"cat2_rate":              "20",
		"cat2_cap":               "20 000",
	}
	for k, w := range want {
		if got := v.Get(k); got != w {
			t.Errorf("%s = %q, want %q", k, got, w)
		}
	}
	for _, absent := range []string{"vote_k", "archived", "per_category_envelopes", "cat0_id", "cat0_rate", "cat1_floor", "cat1_flat"} {
		if v.Has(absent) {
			t.Errorf("%s should be absent, is %q", absent, v.Get(absent))
		}
	}
	if CategoryRows(v) != 3 {
		t.Errorf("CategoryRows = %d", CategoryRows(v))
	}
}

// formOf returns the preset's form values with some fields changed ("" deletes a field).
func formOf(t *testing.T, changes map[string]string) url.Values {
	t.Helper()
	v := FormValues(preset2018(t))
	for k, val := range changes {
		if val == "" {
			v.Del(k)
		} else {
			v.Set(k, val)
		}
	}
	return v
}

func TestParseFormFrenchInput(t *testing.T) {
	v := formOf(t, map[string]string{
		"envelope":    " 352\u00a0151,50 € ",
		"cat1_rate":   "12,5 %",
		"cat1_cap":    "15 000 €",
		"cat1_floor":  "1000",
		"territory":   "2a",
		"tie_break":   "cost, order",
		"description": "Une\r\nDeux\r\n",
	})
	c, fe := ParseForm(v)
	if fe != nil {
		t.Fatalf("errors: %v", fe)
	}
	if c.EnvelopeCents != 35215150 || c.Categories[1].Rule != Percent(1250, 15_000_00).WithFloor(1_000_00) {
		t.Errorf("envelope %d, rule %+v", c.EnvelopeCents, c.Categories[1].Rule)
	}
	if c.Territory != "2A" || c.TieBreak != "cost,order" || c.Description != "Une\nDeux" {
		t.Errorf("territory %q, tie-break %q, description %q", c.Territory, c.TieBreak, c.Description)
	}
}

func TestParseFormErrors(t *testing.T) {
	tests := []struct {
		name    string
		changes map[string]string
		field   string
		key     string
	}{
		{"unreadable envelope", map[string]string{"envelope": "beaucoup"}, "envelope", "campaign.money.invalid"},
		{"ambiguous envelope", map[string]string{"envelope": "352,151"}, "envelope", "campaign.money.ambiguous"},
		{"huge envelope", map[string]string{"envelope": "99999999999999999999"}, "envelope", "campaign.amount.too_large"},
		{"empty envelope", map[string]string{"envelope": ""}, "envelope", "campaign.envelope.positive"},
		{"unreadable date", map[string]string{"phase_vote_start": "05/09/2018"}, "phase_vote_start", "campaign.date.invalid"},
		{"impossible date", map[string]string{"phase_vote_end": "2018-09-31"}, "phase_vote_end", "campaign.date.invalid"},
		{"missing date", map[string]string{"phase_vote_end": ""}, "phase_vote_end", "campaign.phase.missing"},
		{"missing phase", map[string]string{"phase_vote_start": "", "phase_vote_end": ""}, "phase_vote_start", "campaign.phase.missing"},
		{"unreadable rate", map[string]string{"cat1_rate": "dix"}, "cat1_rate", "campaign.rate.invalid"},
		{"missing rate", map[string]string{"cat1_rate": ""}, "cat1_rate", "campaign.rate.required"},
		{"rate above 100", map[string]string{"cat1_rate": "120"}, "cat1_rate", "campaign.rate.range"},
		{"unreadable cap", map[string]string{"cat2_cap": "20k"}, "cat2_cap", "campaign.money.invalid"},
		{"missing flat", map[string]string{"cat0_flat": ""}, "cat0_flat", "campaign.money.required"},
		{"unknown rule", map[string]string{"cat0_rule": "bonus"}, "cat0_rule", "campaign.category.rule_unknown"},
		{"bad category id", map[string]string{"cat0_id": "x"}, "cat0_id", "campaign.category.id_invalid"},
		{"unreadable age", map[string]string{"min_voter_age": "onze"}, "min_voter_age", "campaign.number.invalid"},
		{"unreadable k", map[string]string{"vote_rule": "approval", "vote_k": "trois"}, "vote_k", "campaign.number.invalid"},
		{"k missing", map[string]string{"vote_rule": "approval"}, "vote_k", "campaign.number.invalid"},
		{"k zero", map[string]string{"vote_rule": "approval", "vote_k": "0"}, "vote_k", "campaign.vote_k.range"},
		{"reserved slug", map[string]string{"slug": "vote"}, "slug", "campaign.slug.reserved"},
		{"bad category envelope", map[string]string{"cat0_envelope": "?"}, "cat0_envelope", "campaign.money.invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := formOf(t, tt.changes)
			c, fe := ParseForm(v)
			if c == nil {
				t.Fatal("ParseForm returned no campaign")
			}
			if m, ok := fe[tt.field]; !ok || m.Key != tt.key {
				t.Fatalf("errors = %v, want %s on %s", fe, tt.key, tt.field)
			}
			// The user's text is what the form shows again.
			shown := NormalizeForm(v)
			for k, val := range tt.changes {
				if shown.Get(k) != val {
					t.Errorf("re-display of %s = %q, want %q", k, shown.Get(k), val)
				}
			}
		})
	}
}

func TestFormCategoryRows(t *testing.T) {
	v := FormValues(preset2018(t))
	v.Set("cat0_id", "11")
	v.Set("cat1_id", "12")
	v.Set("cat2_id", "13")
	// The empty extra row the form always shows, with its rule select.
	v.Set("cat3_rule", "flat")
	v.Set("cat3_name", "  ")
	c, fe := ParseForm(v)
	if fe != nil || len(c.Categories) != 3 {
		t.Fatalf("empty extra row: %d categories, errors %v", len(c.Categories), fe)
	}

	// Filling the extra row adds a category.
	v.Set("cat3_name", "Transition écologique")
	v.Set("cat3_flat", "3 000")
	c, fe = ParseForm(v)
	if fe != nil || len(c.Categories) != 4 || c.Categories[3].Name != "Transition écologique" ||
		c.Categories[3].Rule != Flat(3_000_00) || c.Categories[3].ID != 0 || c.Categories[3].Position != 3 {
		t.Fatalf("added row: %+v, errors %v", c.Categories, fe)
	}

	// Ticking delete on row 1 removes it; the rows after it move up, and errors follow.
	v.Set("cat1_delete", "1")
	v.Set("cat3_flat", "trois mille")
	c, fe = ParseForm(v)
	if len(c.Categories) != 3 || c.Categories[0].ID != 11 || c.Categories[1].ID != 13 || c.Categories[2].Name != "Transition écologique" {
		t.Fatalf("after delete: %+v", c.Categories)
	}
	if m, ok := fe["cat2_flat"]; !ok || m.Key != "campaign.money.invalid" {
		t.Errorf("errors %v, want money.invalid on cat2_flat (row 3 renumbered)", fe)
	}
	shown := NormalizeForm(v)
	if shown.Get("cat2_flat") != "trois mille" || shown.Get("cat1_id") != "13" || shown.Has("cat3_name") || CategoryRows(shown) != 3 {
		t.Errorf("re-display: %v", shown)
	}

	// Deleting every row leaves no category.
	for i := range 4 {
		v.Set(CatField(i, CatDelete), "on")
	}
	if _, fe := ParseForm(v); !fe.Has("categories") {
		t.Errorf("no category: errors %v", fe)
	}
}

func TestNormalizeFormIgnoresStrangeFields(t *testing.T) {
	v := FormValues(preset2018(t))
	v.Set("cat99999999999_name", "x") // row number out of range
	v.Set("cat01_name", "x")          // leading zero: not a row number
	v.Set("cat1_colour", "red")       // unknown suffix
	v.Set("catalog", "y")
	v.Set("cat_name", "z")
	c, fe := ParseForm(v)
	if fe != nil || len(c.Categories) != 3 {
		t.Fatalf("%d categories, errors %v", len(c.Categories), fe)
	}
	n := NormalizeForm(v)
	for _, k := range []string{"cat99999999999_name", "cat01_name", "cat1_colour", "catalog", "cat_name"} {
		if n.Has(k) {
			t.Errorf("NormalizeForm kept %s", k)
		}
	}
	if CategoryRows(v) != 3 {
		t.Errorf("CategoryRows = %d", CategoryRows(v))
	}
}

func TestParseFormEmpty(t *testing.T) {
	c, fe := ParseForm(url.Values{})
	if c == nil || len(fe) == 0 {
		t.Fatal("an empty form must give errors and a campaign")
	}
	for _, f := range []string{"slug", "name", "envelope", "timezone", "phase_idees_start", "categories", "vote_rule", "aggregation_rule", "tie_break", "ballot_publication", "min_voter_age"} {
		if !fe.Has(f) {
			t.Errorf("no error on %s (errors: %v)", f, fe)
		}
	}
	for f, m := range fe {
		if !strings.HasPrefix(m.Key, "campaign.") {
			t.Errorf("%s: key %s outside the campaign catalog", f, m.Key)
		}
	}
}

func FuzzParseForm(f *testing.F) {
	seed := FormValues(func() *Campaign { c, _ := Preset(PresetPasDeCalais2018); return c }()).Encode()
	f.Add(seed)
	f.Add("")
	f.Add("envelope=352+151+%E2%82%AC&cat0_name=a&cat0_rule=percent&cat0_rate=12%2C5&cat0_delete=&cat7_flat=1")
	f.Add("phase_vote_start=2018-02-30&phase_vote_end=9999-12-31&timezone=Local&cat199_name=x&cat0_id=-1")
	f.Add("vote_rule=approval&vote_k=99999999999&min_voter_age=-0&cat0_envelope=%00")
	f.Fuzz(func(t *testing.T, query string) {
		v, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		c, fe := ParseForm(v)
		if c == nil {
			t.Fatal("ParseForm returned no campaign")
		}
		if len(fe) == 0 {
			// Whatever is accepted is valid and survives the round trip through the form.
			if vfe := c.Validate(); len(vfe) != 0 {
				t.Fatalf("accepted an invalid campaign: %v", vfe)
			}
			back, fe2 := ParseForm(FormValues(c))
			if fe2 != nil || !reflect.DeepEqual(back, c) {
				t.Fatalf("round trip: %v\n got %+v\nwant %+v", fe2, back, c)
			}
		}
		_ = NormalizeForm(v)
		_ = CategoryRows(v)
	})
}
