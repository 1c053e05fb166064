package vote

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/mail"
)

// ErrAlreadyVoted is the answer to a second ballot of the same person: a vote is final.
var ErrAlreadyVoted = apperr.New(apperr.Conflict, "vote.already_voted")

// Cast is one ballot with the participation of its voter: both are written in the same
// transaction, or neither.
type Cast struct {
	CampaignID int64
	PersonKey  string
	Commune    string
	AgeBracket string
	Choices    []int64 // ascending, validated against the rule by the caller
	Receipt    string  // NewReceipt(); filled by Box.Cast when empty
	// Day is the day of the vote in the campaign's time zone (YYYY-MM-DD, see DayOf), whose
	// counter of voters (vote_days) the cast increments with the register; "" counts it in
	// no day. The register itself keeps no time.
	Day string
	// Tracker is set by WriteGroup when the campaign's box is sealed: the fingerprint of the
	// ballot's ciphertext, which the voter can find on the box's public board.
	Tracker string
	// Mail, when set, is the e-mail telling the voter that they voted (Mailer.Voted; it must
	// not carry the receipt code). The box queues it after the ballot is committed, apart
	// from the ballots: see Box.
	Mail *mail.Message
}

// Box is the ballot box of one database: a group-commit writer. Cast queues a ballot and
// waits; one goroutine per box takes everything queued, writes it in one transaction
// (ballots in shuffled order) and acknowledges each caller only after the commit, so that an
// acknowledged ballot survives a crash. The goroutine runs only while there is work: it is
// started by the first Cast of an empty queue and ends when the queue is empty, so a box
// holds nothing open. When the queue holds a single ballot, the group is simply that ballot.
//
// The "you voted" e-mails of the casts are not written with the ballots: once a group is
// committed and its callers acknowledged, its e-mails go to a second queue, which another
// goroutine writes to the outbox in its own transactions, sorted by recipient address (and
// merged with the e-mails of the other groups waiting then). So no statement, transaction or
// physical order of the outbox follows the ballots', and writing e-mails never delays a
// ballot's acknowledgement nor the next group. The ballot's durability comes first; the
// e-mail is best effort: a process stopped between the two loses the e-mails of the groups
// not yet queued (the ballots are kept), and an e-mail that cannot be queued is logged
// (without its address) and dropped. Flush waits until every e-mail is queued.
type Box struct {
	d        *db.DB
	now      func() time.Time
	mu       sync.Mutex
	idle     *sync.Cond // signalled, under mu, when a goroutine of the box ends
	queue    []*pending
	running  bool
	mails    []mail.Message // "you voted" e-mails of committed ballots, not yet queued
	mailing  bool
	MaxGroup int          // most ballots written in one transaction (default 512)
	Logger   *slog.Logger // where a failure to queue e-mails is told (default slog.Default())

	groups, ballots, singles int64 // statistics, under mu

	sealed sealedCache
}

type pending struct {
	c    Cast
	done chan error
}

// Receipt is what a voter gets back for a ballot: its receipt code and, when the campaign's
// box is sealed, the tracker of its ciphertext.
type Receipt struct {
	Code, Tracker string
}

// NewBox returns a ballot box writing to d, whose "you voted" e-mails are queued at the time
// now tells. A process makes one per database (cmd does) and casts every ballot through it, so
// that its ballots are written in groups.
func NewBox(d *db.DB, now func() time.Time) *Box {
	b := &Box{d: d, now: now, MaxGroup: 512}
	b.idle = sync.NewCond(&b.mu)
	b.sealed.init(d)
	return b
}

// receiptAlphabet is the alphabet of receipt codes: 31 symbols, no I L O 0 1.
const receiptAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// NewReceipt returns a random receipt code: 20 characters of an alphabet without look-alike
// letters (about 99 random bits), in four groups, e.g. "K7QX2-M9PAT-3HWZE-RN4C8".
func NewReceipt() string {
	const alphabet = receiptAlphabet
	// Random bytes from 248 (8 × 31) up are drawn again, so that every symbol is equally
	// likely.
	const limit = 256 - 256%len(alphabet)
	var out [23]byte
	var rnd [32]byte
	used := len(rnd)
	for pos, n := 0, 0; n < 20; {
		if used == len(rnd) {
			_, _ = rand.Read(rnd[:]) // crypto/rand.Read does not return errors
			used = 0
		}
		b := int(rnd[used])
		used++
		if b >= limit {
			continue
		}
		if n > 0 && n%5 == 0 {
			out[pos] = '-'
			pos++
		}
		out[pos] = alphabet[b%len(alphabet)]
		pos++
		n++
	}
	return string(out[:])
}

// IsReceipt reports whether s is a receipt code as NewReceipt writes it (normalised).
func IsReceipt(s string) bool {
	if len(s) != 23 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i%6 == 5 {
			if s[i] != '-' {
				return false
			}
		} else if strings.IndexByte(receiptAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// NormalizeReceipt folds a typed receipt code (lower case, spaces, missing dashes).
func NormalizeReceipt(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			if b.Len() > 0 && (b.Len()+1)%6 == 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Cast puts a ballot and its voter's participation in the box and returns the receipt once
// both are committed (sealed to the campaign's key when its box is sealed). A person already
// in the register gets ErrAlreadyVoted and nothing is written. Cast waits for the outcome
// even if ctx ends: a queued ballot is written anyway.
func (b *Box) Cast(ctx context.Context, c Cast) (Receipt, error) {
	if c.Receipt == "" {
		c.Receipt = NewReceipt()
	}
	p := &pending{c: c, done: make(chan error, 1)}
	b.mu.Lock()
	b.queue = append(b.queue, p)
	if !b.running {
		b.running = true
		go b.run()
	}
	b.mu.Unlock()
	if err := <-p.done; err != nil {
		return Receipt{}, err
	}
	return Receipt{Code: c.Receipt, Tracker: p.c.Tracker}, nil
}

// Sealed reports whether the campaign's box is sealed, from what the box knows of it (kept
// true by the database's watchers, see sealedCache): the vote pages ask it at every request.
func (b *Box) Sealed(ctx context.Context, campaignID int64) (bool, error) {
	sb, err := b.sealed.get(ctx, b.d, campaignID)
	return sb != nil, err
}

// Stats returns how many groups and ballots the box wrote, and how many groups held one.
func (b *Box) Stats() (groups, ballots, singles int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.groups, b.ballots, b.singles
}

func (b *Box) run() {
	for {
		b.mu.Lock()
		n := len(b.queue)
		if n == 0 {
			b.running = false
			b.idle.Broadcast()
			b.mu.Unlock()
			return
		}
		max := b.MaxGroup
		if max <= 0 {
			max = 512
		}
		n = min(n, max)
		batch := b.queue[:n:n]
		b.queue = append([]*pending(nil), b.queue[n:]...)
		b.mu.Unlock()
		b.write(batch)
	}
}

// write writes one group and acknowledges its callers. Two ballots of the same person in one
// group: the first is kept, the others are refused (WriteGroup). If the group's transaction
// fails, each ballot is retried alone, so that one bad ballot cannot sink the others.
func (b *Box) write(items []*pending) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	results, err := b.writeGroup(ctx, items)
	var mails []mail.Message
	if err != nil && len(items) > 1 {
		for _, p := range items {
			res, err := b.writeGroup(ctx, []*pending{p})
			if err == nil {
				err = res[0]
			}
			p.done <- err
			if err == nil && p.c.Mail != nil {
				mails = append(mails, *p.c.Mail)
			}
		}
		b.count(len(items), true)
		b.queueMails(mails)
		return
	}
	for i, p := range items {
		if err == nil {
			err := results[i]
			p.done <- err
			if err == nil && p.c.Mail != nil {
				mails = append(mails, *p.c.Mail)
			}
		} else {
			p.done <- err
		}
	}
	b.count(len(items), len(items) == 1)
	b.queueMails(mails)
}

// queueMails hands the e-mails of committed ballots to the box's e-mail goroutine.
func (b *Box) queueMails(mails []mail.Message) {
	if len(mails) == 0 {
		return
	}
	b.mu.Lock()
	b.mails = append(b.mails, mails...)
	if !b.mailing {
		b.mailing = true
		go b.runMails()
	}
	b.mu.Unlock()
}

// runMails writes the waiting e-mails to the outbox until none is left.
func (b *Box) runMails() {
	for {
		b.mu.Lock()
		mails := b.mails
		b.mails = nil
		if len(mails) == 0 {
			b.mailing = false
			b.idle.Broadcast()
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		b.writeMails(mails)
	}
}

// writeMails queues mails in the outbox in one transaction, sorted by address (an order that
// owes nothing to the ballots'). If that fails, each is tried alone, so that one bad address
// cannot lose the others; the log names no recipient.
func (b *Box) writeMails(mails []mail.Message) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	slices.SortFunc(mails, func(x, y mail.Message) int { return strings.Compare(x.To, y.To) })
	now := b.now()
	write := func(ms []mail.Message) error {
		return b.d.InTx(ctx, func(tx *db.Tx) error { return mail.EnqueueAll(ctx, tx, ms, now) })
	}
	if write(mails) == nil {
		return
	}
	lost := 0
	last := ""
	for _, m := range mails {
		if err := write([]mail.Message{m}); err != nil {
			lost++
			last = strings.ReplaceAll(err.Error(), m.To, "(address withheld)") // no voter in the log
		}
	}
	if lost > 0 {
		logger := b.Logger
		if logger == nil {
			logger = slog.Default()
		}
		logger.Warn("vote: \"you voted\" e-mails not queued", "count", lost, "last_err", last)
	}
}

// Flush waits until every ballot cast so far is written and every "you voted" e-mail of
// those ballots is in the outbox (or given up): for a clean shutdown and for tests.
func (b *Box) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.running || b.mailing {
		b.idle.Wait()
	}
}

func (b *Box) count(n int, single bool) {
	b.mu.Lock()
	b.groups++
	b.ballots += int64(n)
	if single {
		b.singles++
	}
	b.mu.Unlock()
}

// writeGroup writes items in one transaction; results[i] is nil for a ballot written and
// ErrAlreadyVoted for a person already in the register. On PostgreSQL the group is a single
// statement, which is its own transaction: a BEGIN and a COMMIT would cost two more round
// trips, and under load each round trip waits for a core.
//
// A group with ballots of a sealed box is written in a transaction on both databases: the
// register first, then only the ballots of the people it took, sealed (see WriteGroup).
func (b *Box) writeGroup(ctx context.Context, items []*pending) ([]error, error) {
	casts := make([]Cast, len(items))
	for i, p := range items {
		casts[i] = p.c
	}
	boxes, err := b.sealed.of(ctx, b.d, casts)
	if err != nil {
		return nil, err
	}
	var results []error
	if b.d.Dialect == db.Postgres && len(boxes) == 0 {
		results, err = WriteGroup(ctx, b.d, casts, nil)
	} else {
		err = b.d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			results, err = WriteGroup(ctx, tx, casts, boxes)
			return err
		})
	}
	if err != nil {
		return nil, err
	}
	for i, p := range items {
		p.c.Tracker = casts[i].Tracker
	}
	return results, nil
}

// ---- The read side (results, publication, open data) ----

// BallotsOf calls fn for every ballot of the campaign, in the order of their random ids (an
// order that tells nothing, not even near where the ballot of a known receipt code is), with
// its receipt code and its chosen projects (ascending).
func BallotsOf(ctx context.Context, q db.Querier, campaignID int64, fn func(receipt string, projectIDs []int64) error) error {
	rows, err := q.QueryContext(ctx, "SELECT receipt, choices FROM vote_ballots WHERE campaign_id = $1 ORDER BY id", campaignID)
	if err != nil {
		return fmt.Errorf("read ballots: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var receipt, choices string
		if err := rows.Scan(&receipt, &choices); err != nil {
			return fmt.Errorf("read ballot: %w", err)
		}
		ids, err := parseStoredChoices(choices)
		if err != nil {
			return fmt.Errorf("ballot %s: %w", receipt, err)
		}
		if err := fn(receipt, ids); err != nil {
			return err
		}
	}
	return rows.Err()
}

// BallotByReceipt returns the projects of the ballot with this receipt code (typed by a
// voter: it is normalised), or found=false.
func BallotByReceipt(ctx context.Context, q db.Querier, campaignID int64, receipt string) (projectIDs []int64, found bool, err error) {
	var choices string
	err = q.QueryRowContext(ctx, "SELECT choices FROM vote_ballots WHERE campaign_id = $1 AND receipt = $2",
		campaignID, NormalizeReceipt(receipt)).Scan(&choices)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read ballot: %w", err)
	}
	ids, err := parseStoredChoices(choices)
	return ids, err == nil, err
}

// Turnout returns the number of voters, by commune (INSEE code) and by age bracket (see
// AgeBrackets), from the participation register.
func Turnout(ctx context.Context, q db.Querier, campaignID int64) (voters int, byCommune map[string]int, byAgeBracket map[string]int, err error) {
	byCommune, byAgeBracket = map[string]int{}, map[string]int{}
	for _, g := range []struct {
		col string
		m   map[string]int
	}{{"commune", byCommune}, {"age_bracket", byAgeBracket}} {
		rows, err := q.QueryContext(ctx, "SELECT "+g.col+", COUNT(*) FROM vote_participation WHERE campaign_id = $1 GROUP BY "+g.col, campaignID)
		if err != nil {
			return 0, nil, nil, fmt.Errorf("read turnout: %w", err)
		}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				rows.Close()
				return 0, nil, nil, err
			}
			g.m[k] = n
			if g.col == "commune" {
				voters += n
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, nil, nil, err
		}
	}
	return voters, byCommune, byAgeBracket, nil
}
