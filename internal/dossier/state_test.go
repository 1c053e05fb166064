package dossier

import (
	"testing"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/i18n"
)

// allowed is the state machine written out by hand: target → the states it may come from.
// Changing the machine means changing this table too, on purpose.
var allowed = map[State][]State{
	StateSubmitted:   {StateDraft},
	StateUnderReview: {StateSubmitted, StateEligible, StateIneligible, StateLabelled, StateNotLabelled},
	StateEligible:    {StateUnderReview},
	StateIneligible:  {StateSubmitted, StateUnderReview, StateEligible},
	StateLabelled:    {StateUnderReview, StateEligible},
	StateNotLabelled: {StateUnderReview, StateEligible},
	StateBallot:      {StateLabelled},
	StateWithdrawn:   {StateLabelled},
	StateWinner:      {StateBallot},
	StateNotFunded:   {StateBallot},
	StateGranted:     {StateWinner},
	StateInProgress:  {StateGranted},
	StateCompleted:   {StateInProgress},
	StateAbandoned:   {StateGranted, StateInProgress},
}

func TestEveryTransitionAllowedOrRefused(t *testing.T) {
	all := append([]State{StateDraft}, States()...)
	for _, from := range all {
		for _, to := range all {
			want := false
			for _, x := range allowed[to] {
				want = want || x == from
			}
			_, err := Check(from, to, "une motivation publique")
			if want && err != nil {
				t.Errorf("%s → %s refused: %v", from, to, err)
			}
			if !want && !apperr.IsKind(err, apperr.Conflict) {
				t.Errorf("%s → %s: got %v, want a conflict", from, to, err)
			}
		}
	}
	// One transition per target, and every target of the table in the test.
	seen := map[State]bool{}
	for _, tr := range Transitions() {
		if seen[tr.To] {
			t.Errorf("two transitions to %s", tr.To)
		}
		seen[tr.To] = true
		if _, ok := allowed[tr.To]; !ok {
			t.Errorf("transition to %s is not in the test table", tr.To)
		}
		if tr.Perm == "" || tr.Role == "" || tr.Action == "" || (tr.Area != AreaDossier && tr.Area != AreaReview) {
			t.Errorf("transition to %s lacks its area, permission, role or action", tr.To)
		}
	}
	if len(seen) != len(allowed) {
		t.Errorf("table has %d targets, test %d", len(seen), len(allowed))
	}
}

// The audit actions of the moves are the ones the audit log has always had.
func TestAuditActions(t *testing.T) {
	for _, tc := range []struct {
		to   State
		want string
	}{
		{StateSubmitted, "dossier.submit"},
		{StateUnderReview, "review.start"},
		{StateNotLabelled, "review.not_label"},
		{StateBallot, "review.ballot"},
		{StateCompleted, "review.complete"},
		{StateAbandoned, "review.abandon"},
	} {
		tr, ok := TransitionTo(tc.to)
		if !ok || tr.AuditAction() != tc.want {
			t.Errorf("move to %s audited as %q, want %q", tc.to, tr.AuditAction(), tc.want)
		}
	}
}

func TestMotivationRequired(t *testing.T) {
	for _, to := range []State{StateIneligible, StateNotLabelled, StateWithdrawn} {
		tr, _ := TransitionTo(to)
		_, err := Check(tr.From[0], to, "  ")
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.Invalid || !e.Fields.Has("motivation") {
			t.Errorf("%s without motivation: %v", to, err)
		}
	}
	for _, tc := range []struct{ from, to State }{{StateEligible, StateLabelled}, {StateDraft, StateSubmitted}} {
		if _, err := Check(tc.from, tc.to, ""); err != nil {
			t.Errorf("%s → %s needs no motivation: %v", tc.from, tc.to, err)
		}
	}
}

func TestPublicStatesFollowTheBallot(t *testing.T) {
	pub := map[State]bool{}
	for _, s := range PublicStates() {
		pub[s] = true
	}
	// A public state is the ballot or comes only from public states.
	for _, tr := range Transitions() {
		if !pub[tr.To] || tr.To == StateBallot {
			continue
		}
		for _, f := range tr.From {
			if !pub[f] {
				t.Errorf("public state %s reached from %s, which is not public", tr.To, f)
			}
		}
	}
	if !pub[StateBallot] || pub[StateLabelled] || pub[StateDraft] {
		t.Errorf("public states %v", PublicStates())
	}
}

// Every state has its name in both languages, as well as an illegal-move message and an
// e-mail explanation for every review move that sends one.
func TestStateNamesAndMessages(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"review.illegal.unknown", "dossier.not_editable", StateDraft.MessageKey()}
	for _, st := range States() {
		keys = append(keys, st.MessageKey())
	}
	for _, tr := range Transitions() {
		if tr.Area != AreaReview {
			continue
		}
		keys = append(keys, "review.illegal."+string(tr.To))
		if tr.Mail {
			keys = append(keys, "mail.review.explain."+string(tr.To))
		}
	}
	for _, k := range keys {
		if !cat.Has(k) {
			t.Errorf("missing message %s", k)
		}
	}
}
