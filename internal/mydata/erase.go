package mydata

import (
	"context"
	"strconv"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/subscription"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/workshop"
)

// Env is what Erase needs: the change environment, and the e-mails of the comptoirs (a seat
// freed by the deletion goes to the first person waiting, who is told).
type Env struct {
	Change   change.Env
	Workshop workshop.Mailer
}

// Erased tells what Erase did, as its audit entry records it (counts and ids, no address).
type Erased struct {
	AccountID        int64
	StructuresLeft   int64
	VoterRowsDeleted int64
	Subscriptions    int64
	Workshop         workshop.Forgotten
}

// Erase deletes the signed-in person's own account (the right to erasure); no one can erase
// another's: the account is the actor's. In one change:
//   - the accounts row is anonymised in place (account.Anonymise: address replaced by a
//     placeholder, name and password cleared, disabled, deleted_at set), and with it go its
//     sessions, links and codes, roles and sign-in failures;
//   - the outbox's e-mails to the address and the counts of e-mails to it are deleted;
//   - it leaves its structures (which stay, with their dossiers) and the invitations sent to
//     its address are deleted;
//   - its registrations to comptoirs not started are cancelled (seats go to the waiting
//     list), those to sessions held are kept for the attendance figures;
//   - its voter register rows are deleted; the participation register keeps the keyed hash
//     without the account, so the turnout holds;
//   - the subscriptions by e-mail of its address are deleted.
//
// Ideas and dossiers stay: the campaign's record needs them, and they name the person only
// through the account, which no longer says who it was. An account that holds a share of a
// ballot box not unsealed yet cannot be deleted before the count (an apperr Conflict).
func Erase(ctx context.Context, env Env, who change.Who) (Erased, error) {
	if !who.Actor.SignedIn() {
		return Erased{}, apperr.New(apperr.Unauthenticated, "error.unauthenticated")
	}
	id := who.Actor.ID()
	var res Erased
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermSignedIn, Action: "account.delete", EntityKind: "account",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			var mails []mail.Message
			var err error
			if res, mails, err = EraseIn(ctx, env, tx, id, env.Change.Now()); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: strconv.FormatInt(id, 10), Mails: mails, After: res.audit()}, nil
		},
	})
	if err != nil {
		return Erased{}, err
	}
	return res, nil
}

// EraseIn erases account id inside tx, as Erase does, and returns what it did and the
// e-mails to queue (seats moved up). It is the part of Erase that the retention purge
// shares, for the accounts whose address was never confirmed; the caller writes the audit
// entry. A trustee of a box still sealed is an apperr Conflict, before anything is written.
func EraseIn(ctx context.Context, env Env, tx *db.Tx, id int64, now time.Time) (Erased, []mail.Message, error) {
	res := Erased{AccountID: id}
	if n, err := vote.PendingTrusteeships(ctx, tx, id); err != nil {
		return res, nil, err
	} else if n > 0 {
		return res, nil, apperr.New(apperr.Conflict, "mydata.delete.trustee")
	}
	email, err := account.Anonymise(ctx, tx, id, now)
	if err != nil {
		return res, nil, err
	}
	if err := mail.ForgetAddress(ctx, tx, email); err != nil {
		return res, nil, err
	}
	if res.StructuresLeft, err = dossier.ForgetMember(ctx, tx, id, email); err != nil {
		return res, nil, err
	}
	f, mails, err := workshop.ForgetAccount(ctx, workshop.Env{Change: env.Change, Mail: env.Workshop}, tx, id, now)
	if err != nil {
		return res, nil, err
	}
	res.Workshop = f
	if res.VoterRowsDeleted, err = vote.ForgetVoter(ctx, tx, id); err != nil {
		return res, nil, err
	}
	if res.Subscriptions, err = subscription.ForgetEmail(ctx, tx, email); err != nil {
		return res, nil, err
	}
	return res, mails, nil
}

// audit is how the audit log records an erasure: counts and account ids, no address.
func (e Erased) audit() map[string]any {
	return map[string]any{"deleted": true, "structures_left": e.StructuresLeft,
		"workshop_registrations_cancelled": e.Workshop.Left, "workshop_registrations_kept": e.Workshop.Kept,
		"moved_up": e.Workshop.MovedUp, "voter_rows_deleted": e.VoterRowsDeleted,
		"subscriptions_deleted": e.Subscriptions}
}
