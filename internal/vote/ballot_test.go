package vote

import (
	"net/url"
	"slices"
	"testing"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
)

var testOptions = []Option{
	{ID: 1, CategoryID: 10, SupportCents: 4_500_00},
	{ID: 2, CategoryID: 10, SupportCents: 4_500_00},
	{ID: 3, CategoryID: 20, SupportCents: 15_000_00},
	{ID: 4, CategoryID: 30, SupportCents: 20_000_00},
	{ID: 5, CategoryID: 30, SupportCents: 18_000_00},
}

func TestValidate(t *testing.T) {
	one := BallotRule{Kind: campaign.VoteOnePerCategory}
	appr := BallotRule{Kind: campaign.VoteApproval, K: 3}
	knap := BallotRule{Kind: campaign.VoteKnapsack, EnvelopeCents: 30_000_00}
	for _, tc := range []struct {
		name    string
		r       BallotRule
		choices []int64
		key     string
	}{
		{"one per category, full", one, []int64{1, 3, 4}, ""},
		{"one per category, abstain in two", one, []int64{3}, ""},
		{"one per category, two in one", one, []int64{1, 2}, "vote.ballot.one_per_category"},
		{"empty", one, nil, "vote.ballot.empty"},
		{"unknown project", one, []int64{99}, "vote.ballot.unknown_project"},
		{"unsorted", appr, []int64{3, 1}, "vote.ballot.duplicate"},
		{"approval 3", appr, []int64{1, 2, 3}, ""},
		{"approval 4", appr, []int64{1, 2, 3, 4}, "vote.ballot.approval"},
		{"knapsack fits", knap, []int64{1, 2, 4}, ""},
		{"knapsack exactly", knap, []int64{3, 1, 2}[:0], "vote.ballot.empty"},
		{"knapsack over", knap, []int64{3, 4}, "vote.ballot.knapsack"},
		{"no rule", BallotRule{}, []int64{1}, "vote.ballot.no_rule"},
	} {
		err := tc.r.Validate(tc.choices, testOptions)
		if tc.key == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		ae, ok := apperr.As(err)
		if !ok || ae.Message.Key != tc.key {
			t.Errorf("%s: got %v, want %s", tc.name, err, tc.key)
		}
	}
}

func TestParseChoices(t *testing.T) {
	got, err := ParseChoices(url.Values{"cat-10": {"2"}, "cat-20": {""}, "cat-30": {"4"}, "p": {"3", "2"}, "other": {"x"}})
	if err != nil || !slices.Equal(got, []int64{2, 3, 4}) {
		t.Errorf("got %v %v", got, err)
	}
	for _, bad := range []url.Values{{"p": {"x"}}, {"p": {"-1"}}, {"cat-1": {"1", "2"}}, {"p": {"0"}}} {
		if _, err := ParseChoices(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	many := url.Values{}
	for i := 0; i <= MaxChoices; i++ {
		many.Add("p", "1")
	}
	if _, err := ParseChoices(many); err == nil {
		t.Error("too many values accepted")
	}
	if s := FormatChoices([]int64{4, 2, 4}); s != "2,4" {
		t.Errorf("FormatChoices: %q", s)
	}
}

func FuzzParseChoices(f *testing.F) {
	f.Add("p=1&p=2&cat-3=4")
	f.Add("cat-1=&p=9223372036854775807")
	f.Add("p=%00&cat-=1")
	f.Fuzz(func(t *testing.T, raw string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		ids, err := ParseChoices(form)
		if err != nil {
			return
		}
		if len(ids) > MaxChoices {
			t.Fatalf("%d ids", len(ids))
		}
		for i, id := range ids {
			if id <= 0 || i > 0 && ids[i-1] >= id {
				t.Fatalf("ids not positive, ascending, distinct: %v", ids)
			}
		}
		back, err := parseStoredChoices(FormatChoices(ids))
		if err != nil || !slices.Equal(back, ids) && len(ids) > 0 {
			t.Fatalf("round trip %v → %v (%v)", ids, back, err)
		}
		_ = BallotRule{Kind: campaign.VoteApproval, K: 3}.Validate(ids, testOptions)
	})
}

func TestReceipt(t *testing.T) {
	r := NewReceipt()
	if len(r) != 23 || r[5] != '-' || NormalizeReceipt(r) != r {
		t.Errorf("receipt %q", r)
	}
	if got := NormalizeReceipt(" k7qx2 m9pat 3hwze rn4c8 "); got != "K7QX2-M9PAT-3HWZE-RN4C8" {
		t.Errorf("normalised %q", got)
	}
	if NewReceipt() == r {
		t.Error("two equal receipts")
	}
	// Every symbol of the alphabet turns up, about equally often, at every position.
	const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	const draws = 31 * 2000
	counts := map[byte]int{}
	for range draws {
		r := NewReceipt()
		for i := 0; i < len(r); i++ {
			if r[i] != '-' {
				counts[r[i]]++
			}
		}
	}
	for _, c := range []byte(alphabet) {
		// 20 × 2,000 = 40,000 expected; ±3 % is six standard deviations, and a modulo
		// bias would put a quarter of the symbols 9 % above the others.
		if n := counts[c]; n < 38800 || n > 41200 {
			t.Errorf("symbol %c drawn %d times in %d receipts, want about 40000", c, n, draws)
		}
	}
	if len(counts) != len(alphabet) {
		t.Errorf("%d symbols drawn, want %d: %v", len(counts), len(alphabet), counts)
	}
}
