package followup

import "budgetcitoyen/internal/apperr"

// Paid is the sum of the payments.
func Paid(ps []Payment) int64 {
	var n int64
	for _, p := range ps {
		n += p.AmountCents
	}
	return n
}

// CheckPayment refuses a payment of amount that is not positive or that would take the
// payments of a project above its granted amount (errors on the field "amount").
func CheckPayment(grantedCents, paidCents, amountCents int64) apperr.FieldErrors {
	fe := apperr.FieldErrors{}
	switch {
	case amountCents <= 0:
		fe.Add("amount", "followup.payment.amount_invalid")
	case paidCents+amountCents > grantedCents:
		fe.Add("amount", "followup.payment.above_grant", grantedCents-paidCents)
	}
	return fe
}

// Due is a payment the agreement's schedule calls for and that is not made yet.
type Due struct {
	Kind        PaymentKind
	AmountCents int64
}

// Schedule returns the payments due to a project: the advance (AdvancePercent of the grant,
// rounded down to the cent) until one is recorded, and once its final report is accepted,
// the balance (what remains of the grant). A project abandoned or completed is due nothing
// more than its balance after an accepted report.
func Schedule(grantedCents int64, advancePercent int, payments []Payment, reportAccepted bool) []Due {
	var out []Due
	paid := Paid(payments)
	hasAdvance := false
	for _, p := range payments {
		hasAdvance = hasAdvance || p.Kind == PaymentAdvance
	}
	if !hasAdvance && !reportAccepted && advancePercent > 0 {
		if adv := min(grantedCents*int64(advancePercent)/100, grantedCents-paid); adv > 0 {
			out = append(out, Due{Kind: PaymentAdvance, AmountCents: adv})
		}
	}
	if reportAccepted && paid < grantedCents {
		out = append(out, Due{Kind: PaymentBalance, AmountCents: grantedCents - paid})
	}
	return out
}
