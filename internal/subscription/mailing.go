package subscription

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/review"
	"budgetcitoyen/internal/territory"
	"budgetcitoyen/internal/workshop"
)

// The kinds of a campaign's news e-mails (campaign_mailings.kind); a comptoir session's, a
// follow-up update's and a newsletter's add ":<id>".
const (
	MailingIdeasOpen   = "ideas_open"
	MailingVoteOpen    = "vote_open"
	MailingVoteClosing = "vote_closing"
	MailingResults     = "results"
	mailingComptoir    = "comptoir:"
	mailingFollowup    = "followup:"
	mailingLetter      = "letter:"
)

const (
	// ClosingNotice is how long before the vote's close the "three days left" e-mail goes.
	ClosingNotice = 72 * time.Hour
	// freshness bounds how late a news e-mail may still go: a worker started long after a
	// proclamation, a comptoir session's creation or an update's publication sends nothing
	// about it.
	resultsFreshness  = 30 * 24 * time.Hour
	comptoirFreshness = 7 * 24 * time.Hour
	followupFreshness = 2 * 24 * time.Hour
	// DefaultChunk is how many subscriptions one transaction queues: small enough that the
	// votes' transactions never wait long behind it.
	DefaultChunk = 500
)

// Newsroom queues the e-mails of the campaigns' news to their confirmed subscribers (the
// worker runs it every few minutes): each news e-mail (a kind of campaign_mailings) is
// claimed once, whatever the number of workers and restarts, then queued in the outbox by
// chunks, each chunk's e-mails written with the mailing's progress in one transaction, so
// that each subscriber who wants that news gets exactly one e-mail.
type Newsroom struct {
	DB        *db.DB
	Cat       *i18n.Catalog
	BaseURL   string
	Territory *territory.Data // for the comptoirs near a commune; nil: same commune only
	Now       func() time.Time
	Chunk     int // default DefaultChunk
}

// MailingDays returns the instants at which a campaign's news e-mails were claimed and
// queued (the statistics page marks these days), oldest first.
func MailingDays(ctx context.Context, q db.Querier, campaignID int64) ([]time.Time, error) {
	rows, err := q.QueryContext(ctx, "SELECT sent_at FROM campaign_mailings WHERE campaign_id = $1 ORDER BY sent_at, id", campaignID)
	if err != nil {
		return nil, fmt.Errorf("list campaign mailings: %w", err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("read campaign mailing: %w", err)
		}
		out = append(out, t.UTC())
	}
	return out, rows.Err()
}

// DuePhases returns the phase news of c due at now: the ideas phase open, the vote open
// (until three days before its close), the vote's last three days, the results proclaimed
// less than 30 days ago (proclaimed: zero when not proclaimed).
func DuePhases(c *campaign.Campaign, now, proclaimed time.Time) []string {
	var out []string
	if w, ok := c.Window(campaign.PhaseIdeas); ok && w.Contains(now) {
		out = append(out, MailingIdeasOpen)
	}
	if w, ok := c.Window(campaign.PhaseVote); ok && w.Contains(now) {
		if now.Before(w.End.Add(-ClosingNotice)) {
			out = append(out, MailingVoteOpen)
		} else {
			out = append(out, MailingVoteClosing)
		}
	}
	if !proclaimed.IsZero() && !now.Before(proclaimed) && now.Sub(proclaimed) < resultsFreshness {
		out = append(out, MailingResults)
	}
	return out
}

func (n *Newsroom) now() time.Time {
	if n.Now == nil {
		return time.Now().UTC()
	}
	return n.Now().UTC()
}

// Run claims the news due now of every campaign not archived, then queues every mailing not
// fully queued yet (its own, and those another worker left midway). It returns the number of
// e-mails queued.
func (n *Newsroom) Run(ctx context.Context) (int, error) {
	now := n.now()
	cs, err := campaign.List(ctx, n.DB)
	if err != nil {
		return 0, err
	}
	for i := range cs {
		c := &cs[i]
		if c.Archived {
			continue
		}
		kinds, err := n.due(ctx, c, now)
		if err != nil {
			return 0, err
		}
		for _, k := range kinds {
			if err := n.claim(ctx, c.ID, k, now); err != nil {
				return 0, err
			}
		}
	}
	return n.Resume(ctx)
}

// due lists the kinds of c's news due at now.
func (n *Newsroom) due(ctx context.Context, c *campaign.Campaign, now time.Time) ([]string, error) {
	ok, at, err := review.Proclaimed(ctx, n.DB, c.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		at = time.Time{}
	}
	kinds := DuePhases(c, now, at)
	sessions, err := workshop.Upcoming(ctx, n.DB, c.ID, now)
	if err != nil {
		return nil, err
	}
	for _, s := range sessions {
		if s.StartsAt.After(now) && now.Sub(s.CreatedAt) < comptoirFreshness {
			kinds = append(kinds, mailingComptoir+strconv.FormatInt(s.ID, 10))
		}
	}
	updates, err := followup.PublishedUpdates(ctx, n.DB, c.ID, 20)
	if err != nil {
		return nil, err
	}
	for _, u := range updates {
		if u.PublishedAt != nil && now.Sub(*u.PublishedAt) < followupFreshness {
			kinds = append(kinds, mailingFollowup+strconv.FormatInt(u.ID, 10))
		}
	}
	letters, err := DueLetters(ctx, n.DB, c.ID, now)
	if err != nil {
		return nil, err
	}
	for _, l := range letters {
		kinds = append(kinds, mailingLetter+strconv.FormatInt(l, 10))
	}
	return kinds, nil
}

// claim records a mailing once: a second claim of the same (campaign, kind), by this worker
// or another, does nothing. A newsletter's claim marks it sent in the same transaction.
func (n *Newsroom) claim(ctx context.Context, campaignID int64, kind string, now time.Time) error {
	return n.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO campaign_mailings (campaign_id, kind, sent_at) VALUES ($1, $2, $3)
			ON CONFLICT (campaign_id, kind) DO NOTHING`, campaignID, kind, now)
		if err != nil {
			return fmt.Errorf("claim campaign mailing: %w", err)
		}
		if k, ok := strings.CutPrefix(kind, mailingLetter); ok {
			if added, _ := res.RowsAffected(); added == 1 {
				id, _ := strconv.ParseInt(k, 10, 64)
				return markLetterSent(ctx, tx, id, now)
			}
		}
		return nil
	})
}

type pending struct {
	id, campaignID int64
	kind           string
	cursor         int64
}

// Resume queues the mailings claimed but not fully queued; it returns the e-mails queued.
func (n *Newsroom) Resume(ctx context.Context) (int, error) {
	rows, err := n.DB.QueryContext(ctx, "SELECT id, campaign_id, kind, cursor_id FROM campaign_mailings WHERE done_at IS NULL ORDER BY id")
	if err != nil {
		return 0, fmt.Errorf("list pending mailings: %w", err)
	}
	var list []pending
	for rows.Next() {
		var p pending
		if err := rows.Scan(&p.id, &p.campaignID, &p.kind, &p.cursor); err != nil {
			rows.Close()
			return 0, fmt.Errorf("read pending mailing: %w", err)
		}
		list = append(list, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	total := 0
	for _, p := range list {
		k, err := n.queue(ctx, p)
		total += k
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// errRaced: another worker queued the chunk first.
var errRaced = errors.New("campaign mailing: chunk queued by another worker")

// queue queues a mailing's e-mails chunk by chunk from its cursor.
func (n *Newsroom) queue(ctx context.Context, p pending) (int, error) {
	c, err := campaign.ByID(ctx, n.DB, p.campaignID)
	if err != nil {
		return 0, err
	}
	ed, err := n.edition(ctx, c, p.kind)
	if err != nil {
		return 0, err
	}
	chunk := n.Chunk
	if chunk <= 0 {
		chunk = DefaultChunk
	}
	total := 0
	for {
		// The chunk is read and its e-mails written outside the transaction, which then only
		// advances the cursor (if no other worker did) and inserts: the database's writer
		// is held for the inserts alone, and the votes' transactions pass between chunks.
		now := n.now()
		subs, err := query(ctx, n.DB, "SELECT "+columns+` FROM subscriptions WHERE kind = $1 AND target_id = $2
			AND confirmed_at IS NOT NULL AND id > $3 AND topics LIKE $4 ORDER BY id LIMIT $5`,
			string(KindCampaign), c.ID, p.cursor, "%,"+string(ed.news)+",%", chunk)
		if err != nil {
			return total, err
		}
		if len(subs) == 0 || ed.skip {
			_, err := n.DB.ExecContext(ctx, "UPDATE campaign_mailings SET done_at = $1 WHERE id = $2 AND cursor_id = $3 AND done_at IS NULL",
				now, p.id, p.cursor)
			return total, err
		}
		msgs := make([]mail.Message, 0, len(subs))
		for _, s := range subs {
			if ed.want != nil && !ed.want(s) {
				continue
			}
			msgs = append(msgs, ed.message(n, s))
		}
		last := subs[len(subs)-1].ID
		start := time.Now()
		err = n.DB.InTx(ctx, func(tx *db.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE campaign_mailings SET cursor_id = $1, recipients = recipients + $2
				WHERE id = $3 AND cursor_id = $4 AND done_at IS NULL`, last, int64(len(msgs)), p.id, p.cursor)
			if err != nil {
				return fmt.Errorf("advance campaign mailing: %w", err)
			}
			if k, _ := res.RowsAffected(); k != 1 {
				return errRaced
			}
			if len(msgs) > 0 {
				return mail.EnqueueAll(ctx, tx, msgs, now)
			}
			return nil
		})
		if errors.Is(err, errRaced) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
		p.cursor = last
		total += len(msgs)
		// As long a pause as the chunk's transaction took: a mailing holds the writer half
		// the time at most, whatever the votes being cast.
		select {
		case <-ctx.Done():
			return total, ctx.Err()
		case <-time.After(time.Since(start)):
		}
	}
}
