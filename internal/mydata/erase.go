package mydata

import (
	"context"
	"strconv"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/mail"
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
//     without the account, so the turnout holds.
//
// Ideas and dossiers stay: the campaign's record needs them, and they name the person only
// through the account, which no longer says who it was. An account that holds a share of a
// ballot box not unsealed yet cannot be deleted before the count (an apperr Conflict).
func Erase(ctx context.Context, env Env, who change.Who) (Erased, error) {
	if !who.Actor.SignedIn() {
		return Erased{}, apperr.New(apperr.Unauthenticated, "error.unauthenticated")
	}
	id := who.Actor.ID()
	res := Erased{AccountID: id}
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermSignedIn, Action: "account.delete", EntityKind: "account",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			now := env.Change.Now()
			if n, err := vote.PendingTrusteeships(ctx, tx, id); err != nil {
				return change.Outcome{}, err
			} else if n > 0 {
				return change.Outcome{}, apperr.New(apperr.Conflict, "mydata.delete.trustee")
			}
			email, err := account.Anonymise(ctx, tx, id, now)
			if err != nil {
				return change.Outcome{}, err
			}
			if err := mail.ForgetAddress(ctx, tx, email); err != nil {
				return change.Outcome{}, err
			}
			if res.StructuresLeft, err = dossier.ForgetMember(ctx, tx, id, email); err != nil {
				return change.Outcome{}, err
			}
			f, mails, err := workshop.ForgetAccount(ctx, workshop.Env{Change: env.Change, Mail: env.Workshop}, tx, id, now)
			if err != nil {
				return change.Outcome{}, err
			}
			res.Workshop = f
			if res.VoterRowsDeleted, err = vote.ForgetVoter(ctx, tx, id); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: strconv.FormatInt(id, 10), Mails: mails,
				After: map[string]any{"deleted": true, "structures_left": res.StructuresLeft,
					"workshop_registrations_cancelled": f.Left, "workshop_registrations_kept": f.Kept,
					"moved_up": f.MovedUp, "voter_rows_deleted": res.VoterRowsDeleted}}, nil
		},
	})
	if err != nil {
		return Erased{}, err
	}
	return res, nil
}
