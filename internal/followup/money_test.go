package followup

import (
	"reflect"
	"testing"
)

func TestCheckPayment(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		granted, paid, amount int64
		ok                    bool
	}{
		{"first payment", 1000_00, 0, 500_00, true},
		{"up to the grant", 1000_00, 500_00, 500_00, true},
		{"one cent above", 1000_00, 500_00, 500_01, false},
		{"zero", 1000_00, 0, 0, false},
		{"negative", 1000_00, 0, -1, false},
	} {
		fe := CheckPayment(tc.granted, tc.paid, tc.amount)
		if got := len(fe) == 0; got != tc.ok {
			t.Errorf("%s: accepted %v, want %v (%v)", tc.name, got, tc.ok, fe)
		}
	}
}

func TestSchedule(t *testing.T) {
	adv := Payment{Kind: PaymentAdvance, AmountCents: 4000_00}
	for _, tc := range []struct {
		name     string
		granted  int64
		percent  int
		payments []Payment
		accepted bool
		want     []Due
	}{
		{"granted: the advance", 8000_01, 50, nil, false, []Due{{PaymentAdvance, 4000_00}}},
		{"no advance in this campaign", 8000_00, 0, nil, false, nil},
		{"advance paid, report pending", 8000_00, 50, []Payment{adv}, false, nil},
		{"report accepted: the balance", 8000_00, 50, []Payment{adv}, true, []Due{{PaymentBalance, 4000_00}}},
		{"report accepted without advance: all of it", 8000_00, 50, nil, true, []Due{{PaymentBalance, 8000_00}}},
		{"all paid", 8000_00, 50, []Payment{adv, {Kind: PaymentBalance, AmountCents: 4000_00}}, true, nil},
	} {
		if got := Schedule(tc.granted, tc.percent, tc.payments, tc.accepted); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
