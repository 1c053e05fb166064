package workshop

import (
	"context"
	"fmt"
	"time"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/mail"
)

// Forgotten is what ForgetAccount did with a deleted account's registrations.
type Forgotten struct {
	Left     int     // registrations to sessions not started yet, cancelled
	Kept     int     // registrations to sessions started or held, kept under the anonymised account
	MovedUp  []int64 // accounts that got a freed seat
	Animator int     // sessions it no longer animates
}

// ForgetAccount handles the registrations of an account being deleted, inside the caller's
// transaction tx. A registration to a session that has not started is cancelled as Leave
// would (the seat goes to the first person waiting, who is told: the returned e-mails). One
// to a session already started or held is kept: the row holds no more than the account's
// id, whose row is anonymised, and the session's attendance figures (the coverage of the
// comptoirs, the counts of who came) must not change after the fact. The account also stops
// being an animator of any session.
func ForgetAccount(ctx context.Context, env Env, tx *db.Tx, accountID int64, now time.Time) (Forgotten, []mail.Message, error) {
	var f Forgotten
	regs, err := AllForAccount(ctx, tx, accountID)
	if err != nil {
		return f, nil, err
	}
	var mails []mail.Message
	for _, r := range regs {
		if !r.Session.StartsAt.After(now) {
			f.Kept++
			continue
		}
		_, promoted, err := Unregister(ctx, env.Change.DB, tx, r.Session.ID, accountID)
		if err != nil {
			return f, nil, err
		}
		f.Left++
		if len(promoted) == 0 {
			continue
		}
		s, err := ByID(ctx, tx, r.Session.ID)
		if err != nil {
			return f, nil, err
		}
		for _, p := range promoted {
			f.MovedUp = append(f.MovedUp, p.AccountID)
		}
		mails = append(mails, env.Mail.messages(MailMovedUp, promoted, *s)...)
	}
	res, err := tx.ExecContext(ctx, "DELETE FROM workshop_animators WHERE account_id = $1", accountID)
	if err != nil {
		return f, nil, fmt.Errorf("remove animator %d: %w", accountID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return f, nil, fmt.Errorf("remove animator %d: %w", accountID, err)
	}
	f.Animator = int(n)
	return f, mails, nil
}
