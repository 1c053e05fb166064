package mail

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"budgetcitoyen/internal/apperr"
)

// The limits on what the site may be asked to send, so that its forms cannot flood a mailbox
// nor be used to create accounts or send e-mails in bulk. Within any QuotaWindow:
//   - one address receives at most MaxPerAddress e-mails asked from the site;
//   - one client (a network address) asks for at most MaxSendsPerClient e-mails and creates
//     at most MaxAccountsPerClient accounts.
//
// A change past a limit is refused (Refusal.Err, a 429): nothing of it is saved. Two kinds of
// e-mails are treated apart:
//   - staff notifications, the e-mails of a change made by the platform itself (the worker,
//     the command line) or by a member of staff (a moderation, a review decision, a cancelled
//     comptoir), are exempt: neither limited nor counted;
//   - the notices a signed-in person's change causes to other people's confirmed addresses
//     (a seat freed for the next on the waiting list, the other members of a structure told
//     of a submission) never refuse the change: past the limit of an address its notice is
//     left out. They count for that address, not for the client.
//
// The counts are rows of the table mail_quota (see Take), so that the limits hold across
// restarts and across several server processes.
const (
	QuotaWindow          = time.Hour
	MaxPerAddress        = 5
	MaxSendsPerClient    = 20
	MaxAccountsPerClient = 20
)

// Limits are the limits a change is checked against; DefaultLimits are the platform's.
type Limits struct {
	Window            time.Duration
	PerAddress        int
	SendsPerClient    int
	AccountsPerClient int
}

// DefaultLimits returns the platform's limits (the constants above).
func DefaultLimits() Limits {
	return Limits{Window: QuotaWindow, PerAddress: MaxPerAddress, SendsPerClient: MaxSendsPerClient,
		AccountsPerClient: MaxAccountsPerClient}
}

// Ask is what one change asks of the limits.
type Ask struct {
	// Client is the network address of the client the change was asked from; empty for
	// none known (a command run in a terminal), which only the per-address limit applies to.
	Client string
	// Exempt: a staff notification, neither limited nor counted.
	Exempt bool
	// Accounts is the number of accounts the change creates.
	Accounts int
	// To are the addresses of the e-mails the change asks for, one per e-mail: typed by a
	// visitor, or the signed-in person's own.
	To []string
	// Notify are the addresses of the notices the change causes to other people, one per
	// e-mail.
	Notify []string
}

// Empty reports whether the ask asks for nothing the limits count.
func (a Ask) Empty() bool {
	return a.Exempt || (a.Accounts == 0 && len(a.To) == 0 && len(a.Notify) == 0)
}

// Usage is what was asked within the window before this change: e-mails to each address of
// the ask (To and Notify, by AddressKey), e-mails asked and accounts created by its client.
type Usage struct {
	ToAddress      map[string]int
	ClientSends    int
	ClientAccounts int
}

// Refusal names the limit a change would cross: "" for none.
type Refusal string

// The limits that refuse a change.
const (
	RefuseNone     Refusal = ""
	RefuseAddress  Refusal = "address"  // too many e-mails to one address
	RefuseSends    Refusal = "sends"    // too many e-mails asked by the client
	RefuseAccounts Refusal = "accounts" // too many accounts created by the client
)

// Verdict is what the limits make of an ask: refused (nothing of the change is saved), or
// accepted with the notices left out, Drop[i] for a.Notify[i].
type Verdict struct {
	Refusal Refusal
	Drop    []bool
}

// Check judges the ask against the limits, given what was asked before it within the window.
// An exempt ask always fits.
func (l Limits) Check(a Ask, u Usage) Verdict {
	v := Verdict{Drop: make([]bool, len(a.Notify))}
	if a.Exempt {
		return v
	}
	asked := map[string]int{}
	for _, to := range a.To {
		k := AddressKey(to)
		asked[k]++
		if u.ToAddress[k]+asked[k] > l.PerAddress {
			return Verdict{Refusal: RefuseAddress}
		}
	}
	if a.Client != "" {
		if a.Accounts > 0 && u.ClientAccounts+a.Accounts > l.AccountsPerClient {
			return Verdict{Refusal: RefuseAccounts}
		}
		if len(a.To) > 0 && u.ClientSends+len(a.To) > l.SendsPerClient {
			return Verdict{Refusal: RefuseSends}
		}
	}
	for i, to := range a.Notify {
		k := AddressKey(to)
		if u.ToAddress[k]+asked[k] >= l.PerAddress {
			v.Drop[i] = true
			continue
		}
		asked[k]++
	}
	return v
}

// Err is the refusal as the error shown to the person: a 429 whose message, on the form
// ("form" field: the form comes back with everything typed), says what was refused and that
// it will work again later.
func (r Refusal) Err() error {
	if r == RefuseNone {
		return nil
	}
	m := apperr.Msg("mailguard.refused." + string(r))
	return &apperr.Error{Kind: apperr.TooMany, Message: m, Fields: apperr.FieldErrors{FormField: m}}
}

// FormField is the pseudo-field of a form's errors that holds a message about the whole form
// (shown at its top) rather than one of its fields.
const FormField = "form"

// AddressKey is how an address is kept in the counts: a hash of its normalised form (lower
// case, trimmed), so that the table counts e-mails to an address without holding it.
func AddressKey(addr string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(addr))))
	return hex.EncodeToString(sum[:])
}
