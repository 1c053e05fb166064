package mail

import (
	"context"
	"fmt"

	"budgetcitoyen/internal/db"
)

// ForgetAddress deletes what the outbox and the limits on e-mails hold of an address, when
// its owner deletes their account: the e-mails to it (sent or not: an e-mail not sent yet
// would reach a person who asked to be forgotten) and the rows that counted e-mails to it
// (by its hash, see AddressKey).
func ForgetAddress(ctx context.Context, q db.Querier, addr string) error {
	if _, err := q.ExecContext(ctx, "DELETE FROM outbox WHERE lower(to_addr) = lower($1)", addr); err != nil {
		return fmt.Errorf("forget the e-mails to an address: %w", err)
	}
	if _, err := q.ExecContext(ctx, "DELETE FROM mail_quota WHERE recipient = $1", AddressKey(addr)); err != nil {
		return fmt.Errorf("forget the e-mail counts of an address: %w", err)
	}
	return nil
}
