package review

import (
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
)

// The messages of the review's kinds and checklist items exist in both languages.
func TestReviewMessages(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, k := range Kinds() {
		keys = append(keys, k.MessageKey())
	}
	for _, it := range Items() {
		keys = append(keys, it.MessageKey())
	}
	for _, k := range keys {
		if !cat.Has(k) {
			t.Errorf("missing message %s", k)
		}
	}
}

// The review's commands move a dossier only along the review's lines of the state machine:
// never to submitted (the carrier's submission) nor back to draft.
func TestCheckRefusesTheCarriersMoves(t *testing.T) {
	for _, tc := range []struct{ from, to dossier.State }{
		{dossier.StateDraft, dossier.StateSubmitted},
		{dossier.StateUnderReview, dossier.StateDraft},
		{dossier.StateSubmitted, dossier.StateSubmitted},
	} {
		if _, err := Check(tc.from, tc.to, "motif"); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("%s → %s: got %v, want a conflict", tc.from, tc.to, err)
		}
		if _, ok := TransitionTo(tc.to); ok {
			t.Errorf("TransitionTo(%s) is a review move", tc.to)
		}
	}
	if _, err := Check(dossier.StateEligible, dossier.StateLabelled, ""); err != nil {
		t.Errorf("labelling refused: %v", err)
	}
}

func TestParseReviewAndWeighted(t *testing.T) {
	crit := []Criterion{{ID: 1, Label: "Utilité", Weight: 3}, {ID: 2, Label: "Faisabilité", Weight: 1}}
	v := url.Values{}
	r, fe := ParseReview(v, crit, false)
	if len(fe) != 0 || len(r.Scores) != 0 {
		t.Fatalf("empty draft: %v %+v", fe, r)
	}
	_, fe = ParseReview(v, crit, true)
	for _, f := range []string{ItemField(ItemESSForm), ScoreField(1), "opinion", "motivation"} {
		if !fe.Has(f) {
			t.Errorf("final review without %s accepted", f)
		}
	}
	for _, it := range Items() {
		v.Set(ItemField(it), "yes")
	}
	v.Set(ItemField(ItemComptoir), "check")
	v.Set(ItemCommentField(ItemComptoir), "Attestation à demander")
	v.Set(ScoreField(1), "3")
	v.Set(ScoreField(2), "0")
	v.Set("opinion", "favourable")
	v.Set("motivation", "Projet utile.")
	r, fe = ParseReview(v, crit, true)
	if len(fe) != 0 {
		t.Fatalf("complete review: %v", fe)
	}
	if w, ok := Weighted(r, crit); !ok || math.Abs(w-15) > 1e-9 {
		t.Errorf("weighted %v %v, want 15/20", w, ok)
	}
	v.Set(ScoreField(2), "4")
	if _, fe = ParseReview(v, crit, false); !fe.Has(ScoreField(2)) {
		t.Error("score 4 accepted")
	}
	v.Set(ScoreField(2), "1")
	v.Set(ItemField(ItemPolicies), "peut-être")
	if _, fe = ParseReview(v, crit, false); !fe.Has(ItemField(ItemPolicies)) {
		t.Error("unknown answer accepted")
	}
	v.Set("motivation", strings.Repeat("x", MaxMotivation+1))
	if _, fe = ParseReview(v, crit, false); !fe.Has("motivation") {
		t.Error("too long motivation accepted")
	}
	// Round trip through the form values.
	v.Set(ItemField(ItemPolicies), "no")
	v.Set("motivation", "Bien.")
	r, _ = ParseReview(v, crit, true)
	back, fe := ParseReview(r.Values(crit), crit, true)
	if len(fe) != 0 || back.Checklist[ItemPolicies].Answer != AnswerNo || back.Scores[2].Score != 1 {
		t.Errorf("round trip: %v %+v", fe, back)
	}
}

func TestSummarize(t *testing.T) {
	crit := []Criterion{{ID: 1, Weight: 1}, {ID: 2, Weight: 1}}
	now := mustTime()
	yes := map[Item]ItemCheck{}
	for _, it := range Items() {
		yes[it] = ItemCheck{Answer: AnswerYes}
	}
	as := []Assignment{
		{DossierID: 1, Conflict: ConflictNone, Review: Review{Checklist: yes, Scores: map[int64]Score{1: {Score: 3}, 2: {Score: 3}}, Opinion: OpinionFavourable, SubmittedAt: &now}},
		{DossierID: 1, Conflict: ConflictNone, Review: Review{Checklist: yes, Scores: map[int64]Score{1: {Score: 0}, 2: {Score: 3}}, Opinion: OpinionReserved, SubmittedAt: &now}},
		{DossierID: 1, Conflict: ConflictDeclared},
		{DossierID: 1, Conflict: ConflictNone, Review: Review{Scores: map[int64]Score{1: {Score: 0}}}}, // a draft: not counted
	}
	s := Summarize(as, crit)
	if s.Assigned != 3 || s.Submitted != 2 || s.Conflicts != 1 || s.Scored != 2 {
		t.Fatalf("counts %+v", s)
	}
	if math.Abs(s.Average-15) > 1e-9 || math.Abs(s.Spread-10) > 1e-9 || math.Abs(s.StdDev-5) > 1e-9 || s.Min != 10 || s.Max != 20 {
		t.Errorf("aggregate %+v", s)
	}
	if s.Eligible != EligibilityYes || s.Opinions[OpinionFavourable] != 1 || s.Opinions[OpinionReserved] != 1 {
		t.Errorf("eligibility and opinions %+v", s)
	}
	no := map[Item]ItemCheck{ItemTerritory: {Answer: AnswerNo}}
	as[1].Review.Checklist = no
	if s := Summarize(as, crit); s.Eligible != EligibilityNo || len(s.NoItems) != 1 {
		t.Errorf("a no: %+v", s)
	}
	if s := Summarize(nil, crit); s.Eligible != EligibilityUnknown || s.Scored != 0 {
		t.Errorf("nothing: %+v", s)
	}
}

func TestBalance(t *testing.T) {
	members := []int64{10, 11, 12, 13}
	dossiers := []int64{1, 2, 3, 4, 5, 6}
	pairs := Balance(dossiers, members, 2, nil)
	if len(pairs) != 12 {
		t.Fatalf("%d pairs, want 12", len(pairs))
	}
	load := map[int64]int{}
	per := map[int64]map[int64]bool{}
	for _, p := range pairs {
		load[p.AccountID]++
		if per[p.DossierID] == nil {
			per[p.DossierID] = map[int64]bool{}
		}
		if per[p.DossierID][p.AccountID] {
			t.Errorf("member %d twice on dossier %d", p.AccountID, p.DossierID)
		}
		per[p.DossierID][p.AccountID] = true
	}
	for _, m := range members {
		if load[m] != 3 {
			t.Errorf("member %d has %d dossiers, want 3 (balanced)", m, load[m])
		}
	}
	// A conflict: the dossier needs one more reviewer, never the member in conflict.
	var existing []Assignment
	for _, p := range pairs {
		existing = append(existing, Assignment{DossierID: p.DossierID, AccountID: p.AccountID, Conflict: ConflictNone})
	}
	existing[0].Conflict = ConflictDeclared
	more := Balance(dossiers, members, 2, existing)
	if len(more) != 1 || more[0].DossierID != existing[0].DossierID || more[0].AccountID == existing[0].AccountID ||
		per[existing[0].DossierID][more[0].AccountID] {
		t.Errorf("reassignment after a conflict: %+v", more)
	}
	// Fewer members than N: as many as there are.
	if got := Balance([]int64{1}, []int64{10}, 3, nil); len(got) != 1 {
		t.Errorf("one member, N=3: %+v", got)
	}
}

func TestParseCriteria(t *testing.T) {
	cs, fe := ParseCriteria("Utilité sociale ; 3\n\nFaisabilité\nPartenariats ; 2\r\n")
	if len(fe) != 0 || len(cs) != 3 || cs[0].Weight != 3 || cs[1].Weight != 1 || cs[2].Label != "Partenariats" {
		t.Fatalf("%v %+v", fe, cs)
	}
	back, _ := ParseCriteria(CriteriaText(cs))
	if len(back) != 3 || back[2].Weight != 2 {
		t.Errorf("round trip %+v", back)
	}
	for _, bad := range []string{"", "Utilité ; 0", "Utilité ; 11", " ; 2"} {
		if _, fe := ParseCriteria(bad); len(fe) == 0 {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCommissionAndDecisionForms(t *testing.T) {
	if _, fe := ParseCommission("", "2018-07-10", ""); !fe.Has("name") || !fe.Has("reference") {
		t.Errorf("empty commission: %v", fe)
	}
	if _, fe := ParseCommission("Commission Attractivité", "10/07/2018", "C1-2018-07"); !fe.Has("held_on") {
		t.Errorf("bad date: %v", fe)
	}
	cm, fe := ParseCommission(" Commission Attractivité ", "2018-07-10", "C1-2018-07")
	if len(fe) != 0 || cm.Name != "Commission Attractivité" || cm.HeldOn.String() != "2018-07-10" {
		t.Errorf("commission %+v %v", cm, fe)
	}
	d := CPDecision{Deliberation: "", Grants: []Grant{{DossierID: 1, AmountCents: 4_000_00, ComputedCents: 4_500_00},
		{DossierID: 2, AmountCents: 0, ComputedCents: 10_00}}}
	fe = CheckDecision(&d)
	for _, f := range []string{"date", "deliberation", GrantReasonField(1), GrantAmountField(2)} {
		if !fe.Has(f) {
			t.Errorf("decision without %s accepted", f)
		}
	}
}

func mustTime() time.Time { return time.Date(2018, 6, 1, 10, 0, 0, 0, time.UTC) }
