package followup

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
)

// MaxReference is the longest reference of a payment (the finance service's mandate number).
const MaxReference = 100

// PaymentInput is the payment form as typed by an agent.
type PaymentInput struct {
	DossierID int64
	Kind      string // advance, balance or other
	Amount    string // in euros, as typed ("4 000,50")
	PaidOn    string // YYYY-MM-DD
	Reference string
}

// paymentFields validates the form alone (errors on "kind", "amount", "paid_on",
// "reference"): the amount against the grant is checked in the change.
func paymentFields(in PaymentInput, today campaign.Date) (Payment, apperr.FieldErrors) {
	fe := apperr.FieldErrors{}
	p := Payment{DossierID: in.DossierID, Kind: PaymentKind(in.Kind), Reference: strings.Join(strings.Fields(in.Reference), " ")}
	if !p.Kind.Valid() {
		fe.Add("kind", "followup.payment.kind_required")
	}
	if strings.TrimSpace(in.Amount) == "" {
		fe.Add("amount", "followup.payment.amount_required")
	} else if n, err := campaign.ParseMoney(in.Amount); err != nil || n <= 0 {
		fe.Add("amount", "followup.payment.amount_invalid")
	} else {
		p.AmountCents = n
	}
	if v := strings.TrimSpace(in.PaidOn); v == "" {
		fe.Add("paid_on", "followup.payment.date_required")
	} else if d, err := campaign.ParseDate(v); err != nil {
		fe.Add("paid_on", "followup.payment.date_invalid")
	} else if d.String() > today.String() {
		fe.Add("paid_on", "followup.payment.date_future")
	} else {
		p.PaidOn = d
	}
	if utf8.RuneCountInString(p.Reference) > MaxReference {
		fe.Add("reference", "followup.payment.reference_too_long", MaxReference)
	}
	return p, fe
}

// paymentAudit is what the audit log keeps of a payment.
type paymentAudit struct {
	Dossier   int64       `json:"dossier"`
	Payment   int64       `json:"payment,omitempty"`
	Kind      PaymentKind `json:"kind"`
	Amount    int64       `json:"amount_cents"`
	PaidOn    string      `json:"paid_on"`
	Reference string      `json:"reference,omitempty"`
}

func auditOf(p Payment) paymentAudit {
	return paymentAudit{Dossier: p.DossierID, Payment: p.ID, Kind: p.Kind, Amount: p.AmountCents, PaidOn: p.PaidOn.String(),
		Reference: p.Reference}
}

// projectFor reads a funded project of campaign c inside a change: NotFound for a dossier of
// another campaign or not funded.
func projectFor(ctx context.Context, q db.Querier, c *campaign.Campaign, dossierID int64) (*Project, error) {
	p, err := ProjectOf(ctx, q, dossierID)
	if err != nil {
		return nil, err
	}
	if p.CampaignID != c.ID {
		return nil, apperr.New(apperr.NotFound, "followup.not_funded")
	}
	return p, nil
}

// RecordPayment records a payment of a project's grant (an agent): the project is followed
// and not abandoned (granted, in progress or completed), the amount is positive and keeps
// the payments within the grant (the refusal names what remains), the date is given and not
// in the future (the campaign's calendar). Audited as followup.payment. It returns the
// payment's id.
func RecordPayment(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, in PaymentInput) (int64, error) {
	now := env.Change.Now()
	p, fe := paymentFields(in, campaign.DateOf(now.In(c.Location())))
	if len(fe) > 0 {
		// An amount above the grant is said with the other errors of the form (the change
		// checks it again).
		if pr, err := projectFor(ctx, env.Change.DB, c, p.DossierID); err == nil && p.AmountCents > 0 {
			if above := aboveGrant(pr, p.AmountCents); above != nil {
				fe["amount"] = *above
			}
		}
		return 0, fe.Err()
	}
	var id int64
	_, err := change.Do(ctx, env.Change, change.Request{Who: who, Permission: access.PermManageDossiers, Campaign: c,
		Action: "followup.payment", EntityKind: "dossier",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if err := env.Change.DB.Lock(ctx, tx, "followup_payments:"+strconv.FormatInt(p.DossierID, 10)); err != nil {
				return change.Outcome{}, err
			}
			pr, err := projectFor(ctx, tx, c, p.DossierID)
			if err != nil {
				return change.Outcome{}, err
			}
			if !Open(pr.State) && pr.State != dossier.StateCompleted {
				return change.Outcome{}, apperr.New(apperr.Conflict, "followup.payment.closed")
			}
			if above := aboveGrant(pr, p.AmountCents); above != nil {
				fe := apperr.FieldErrors{"amount": *above}
				return change.Outcome{}, fe.Err()
			}
			err = tx.QueryRowContext(ctx, `INSERT INTO followup_payments (dossier_id, campaign_id, kind, amount_cents, paid_on,
				reference, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
				p.DossierID, c.ID, string(p.Kind), p.AmountCents, p.PaidOn.String(), p.Reference, actorID(who), utc(now)).Scan(&id)
			if err != nil {
				return change.Outcome{}, fmt.Errorf("record payment: %w", err)
			}
			if err := Ensure(ctx, tx, c.ID, p.DossierID, now); err != nil {
				return change.Outcome{}, err
			}
			p.ID = id
			return change.Outcome{EntityID: strconv.FormatInt(p.DossierID, 10), After: auditOf(p)}, nil
		}})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// DeletePayment removes a payment recorded by mistake (an agent), audited as
// followup.payment.delete with the payment as it was.
func DeletePayment(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, dossierID, paymentID int64) error {
	_, err := change.Do(ctx, env.Change, change.Request{Who: who, Permission: access.PermManageDossiers, Campaign: c,
		Action: "followup.payment.delete", EntityKind: "dossier",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if _, err := projectFor(ctx, tx, c, dossierID); err != nil {
				return change.Outcome{}, err
			}
			ps, err := Payments(ctx, tx, dossierID)
			if err != nil {
				return change.Outcome{}, err
			}
			for _, p := range ps {
				if p.ID != paymentID {
					continue
				}
				if _, err := tx.ExecContext(ctx, "DELETE FROM followup_payments WHERE id = $1", p.ID); err != nil {
					return change.Outcome{}, fmt.Errorf("delete payment: %w", err)
				}
				return change.Outcome{EntityID: strconv.FormatInt(dossierID, 10), Before: auditOf(p)}, nil
			}
			return change.Outcome{}, apperr.New(apperr.NotFound, "followup.payment.not_found")
		}})
	return err
}

// actorID is the account making a change, nil for the system.
func actorID(who change.Who) any {
	if who.IsSystem() || !who.Actor.SignedIn() {
		return nil
	}
	return who.Actor.ID()
}

// aboveGrant is the refusal of an amount that would take the project's payments above its
// grant, nil when it is within; it says in words how much may still be paid.
func aboveGrant(pr *Project, amountCents int64) *apperr.Message {
	fe := CheckPayment(pr.GrantedCents, pr.PaidCents, amountCents)
	m, ok := fe["amount"]
	if !ok {
		return nil
	}
	if m.Key == "followup.payment.above_grant" {
		m = apperr.Msg(m.Key, i18n.Money(i18n.FR, pr.GrantedCents-pr.PaidCents))
	}
	return &m
}
