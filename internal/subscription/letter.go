package subscription

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
)

// A newsletter's states.
const (
	LetterDraft     = "draft"
	LetterScheduled = "scheduled"
	LetterSent      = "sent"
)

// Limits of a newsletter's fields.
const (
	MaxLetterTitle = 150
	MaxLetterBody  = 20000
)

// Letter is a newsletter the campaign's agents write to its subscribers (those who want
// NewsLetters). Its title and body go in the e-mail's body; the subject is fixed.
type Letter struct {
	ID         int64
	CampaignID int64
	Title      string
	Body       string // plain paragraphs, separated by blank lines
	Status     string
	SendAt     *time.Time // when scheduled
	CreatedAt  time.Time
	UpdatedAt  time.Time
	SentAt     *time.Time
}

// LetterForm is the newsletter form.
type LetterForm struct {
	Title string
	Body  string
}

// ParseLetter reads and checks the newsletter form: title and body required, within their
// limits.
func ParseLetter(form url.Values) (LetterForm, apperr.FieldErrors) {
	f := LetterForm{Title: strings.TrimSpace(form.Get("title")),
		Body: strings.TrimSpace(strings.ReplaceAll(form.Get("body"), "\r\n", "\n"))}
	errs := apperr.FieldErrors{}
	switch n := utf8.RuneCountInString(f.Title); {
	case n == 0:
		errs.Add("title", "news.letter.error.title_required")
	case n > MaxLetterTitle || !utf8.ValidString(f.Title):
		errs.Add("title", "news.letter.error.title_long", MaxLetterTitle)
	}
	switch n := utf8.RuneCountInString(f.Body); {
	case n == 0:
		errs.Add("body", "news.letter.error.body_required")
	case n > MaxLetterBody || !utf8.ValidString(f.Body):
		errs.Add("body", "news.letter.error.body_long", MaxLetterBody)
	}
	return f, errs
}

// ParseSendAt reads the date and time of a scheduled send ("2026-05-04T09:30", a
// datetime-local field) in the campaign's zone; it must be after now.
func ParseSendAt(s string, loc *time.Location, now time.Time) (time.Time, apperr.FieldErrors) {
	errs := apperr.FieldErrors{}
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(s), loc)
	if err != nil {
		errs.Add("send_at", "news.letter.error.send_at")
		return time.Time{}, errs
	}
	if !t.After(now) {
		errs.Add("send_at", "news.letter.error.send_at_past")
		return time.Time{}, errs
	}
	return t.UTC(), nil
}

const letterColumns = "id, campaign_id, title, body, status, send_at, created_at, updated_at, sent_at"

func scanLetter(sc interface{ Scan(...any) error }) (Letter, error) {
	var l Letter
	var sendAt, sentAt sql.NullTime
	if err := sc.Scan(&l.ID, &l.CampaignID, &l.Title, &l.Body, &l.Status, &sendAt, &l.CreatedAt, &l.UpdatedAt, &sentAt); err != nil {
		return l, err
	}
	l.CreatedAt, l.UpdatedAt = l.CreatedAt.UTC(), l.UpdatedAt.UTC()
	if sendAt.Valid {
		t := sendAt.Time.UTC()
		l.SendAt = &t
	}
	if sentAt.Valid {
		t := sentAt.Time.UTC()
		l.SentAt = &t
	}
	return l, nil
}

// LetterByID returns a newsletter of a campaign, or NotFound.
func LetterByID(ctx context.Context, q db.Querier, campaignID, id int64) (*Letter, error) {
	l, err := scanLetter(q.QueryRowContext(ctx, "SELECT "+letterColumns+" FROM campaign_letters WHERE id = $1 AND campaign_id = $2", id, campaignID))
	if db.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "news.letter.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("read newsletter: %w", err)
	}
	return &l, nil
}

// Letters lists a campaign's newsletters, newest first.
func Letters(ctx context.Context, q db.Querier, campaignID int64) ([]Letter, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+letterColumns+" FROM campaign_letters WHERE campaign_id = $1 ORDER BY id DESC", campaignID)
	if err != nil {
		return nil, fmt.Errorf("list newsletters: %w", err)
	}
	defer rows.Close()
	var out []Letter
	for rows.Next() {
		l, err := scanLetter(rows)
		if err != nil {
			return nil, fmt.Errorf("read newsletter: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// DueLetters lists the ids of a campaign's newsletters scheduled at or before now.
func DueLetters(ctx context.Context, q db.Querier, campaignID int64, now time.Time) ([]int64, error) {
	rows, err := q.QueryContext(ctx, "SELECT id FROM campaign_letters WHERE campaign_id = $1 AND status = 'scheduled' AND send_at <= $2 ORDER BY id",
		campaignID, now.UTC())
	if err != nil {
		return nil, fmt.Errorf("list due newsletters: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func markLetterSent(ctx context.Context, tx *db.Tx, id int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, "UPDATE campaign_letters SET status = 'sent', sent_at = $1, updated_at = $1 WHERE id = $2 AND status = 'scheduled'",
		now.UTC(), id); err != nil {
		return fmt.Errorf("mark newsletter sent: %w", err)
	}
	return nil
}

// letterChange runs a newsletter change as an agent who manages the campaign.
func letterChange(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, action, id string,
	apply func(ctx context.Context, tx *db.Tx, now time.Time) (change.Outcome, error)) error {
	_, err := change.Do(ctx, env.Change, change.Request{Who: who, Permission: access.PermManageCampaigns, Campaign: c,
		Action: action, EntityKind: "campaign_letter", Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			out, err := apply(ctx, tx, utc(env.Change.Now()))
			if out.EntityID == "" {
				out.EntityID = id
			}
			return out, err
		}})
	return err
}

// SaveLetter writes a new newsletter (id 0) or changes a draft; a scheduled or sent one
// cannot change (Conflict). The form is checked first (field errors).
func SaveLetter(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, id int64, f LetterForm) (int64, error) {
	if _, errs := ParseLetter(url.Values{"title": {f.Title}, "body": {f.Body}}); len(errs) > 0 {
		return 0, errs.Err()
	}
	err := letterChange(ctx, env, who, c, "subscription.letter.save", strconv.FormatInt(id, 10),
		func(ctx context.Context, tx *db.Tx, now time.Time) (change.Outcome, error) {
			after := map[string]any{"title": f.Title}
			if id == 0 {
				err := tx.QueryRowContext(ctx, `INSERT INTO campaign_letters (campaign_id, title, body, created_by, created_at, updated_at)
					VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, c.ID, f.Title, f.Body, nullAccount(who), now).Scan(&id)
				if err != nil {
					return change.Outcome{}, fmt.Errorf("insert newsletter: %w", err)
				}
				return change.Outcome{EntityID: strconv.FormatInt(id, 10), After: after}, nil
			}
			l, err := LetterByID(ctx, tx, c.ID, id)
			if err != nil {
				return change.Outcome{}, err
			}
			if l.Status != LetterDraft {
				return change.Outcome{}, apperr.New(apperr.Conflict, "news.letter.error.not_draft")
			}
			if _, err := tx.ExecContext(ctx, "UPDATE campaign_letters SET title = $1, body = $2, updated_at = $3 WHERE id = $4",
				f.Title, f.Body, now, id); err != nil {
				return change.Outcome{}, fmt.Errorf("update newsletter: %w", err)
			}
			return change.Outcome{Before: map[string]any{"title": l.Title}, After: after}, nil
		})
	return id, err
}

// ScheduleLetter schedules a draft to be sent from at (after now) to the campaign's
// subscribers.
func ScheduleLetter(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, id int64, at time.Time) error {
	return letterChange(ctx, env, who, c, "subscription.letter.schedule", strconv.FormatInt(id, 10),
		func(ctx context.Context, tx *db.Tx, now time.Time) (change.Outcome, error) {
			l, err := LetterByID(ctx, tx, c.ID, id)
			if err != nil {
				return change.Outcome{}, err
			}
			if l.Status != LetterDraft {
				return change.Outcome{}, apperr.New(apperr.Conflict, "news.letter.error.not_draft")
			}
			if !at.After(now) {
				fe := apperr.FieldErrors{}
				fe.Add("send_at", "news.letter.error.send_at_past")
				return change.Outcome{}, fe.Err()
			}
			if _, err := tx.ExecContext(ctx, "UPDATE campaign_letters SET status = 'scheduled', send_at = $1, updated_at = $2 WHERE id = $3",
				utc(at), now, id); err != nil {
				return change.Outcome{}, fmt.Errorf("schedule newsletter: %w", err)
			}
			return change.Outcome{Before: map[string]any{"status": l.Status}, After: map[string]any{"status": LetterScheduled, "send_at": utc(at)}}, nil
		})
}

// CancelLetter takes back a scheduled newsletter before it goes (it is a draft again); one
// already sent is a Conflict.
func CancelLetter(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, id int64) error {
	return letterChange(ctx, env, who, c, "subscription.letter.cancel", strconv.FormatInt(id, 10),
		func(ctx context.Context, tx *db.Tx, now time.Time) (change.Outcome, error) {
			res, err := tx.ExecContext(ctx, `UPDATE campaign_letters SET status = 'draft', send_at = NULL, updated_at = $1
				WHERE id = $2 AND campaign_id = $3 AND status = 'scheduled'`, now, id, c.ID)
			if err != nil {
				return change.Outcome{}, fmt.Errorf("cancel newsletter: %w", err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				if _, err := LetterByID(ctx, tx, c.ID, id); err != nil {
					return change.Outcome{}, err
				}
				return change.Outcome{}, apperr.New(apperr.Conflict, "news.letter.error.not_scheduled")
			}
			return change.Outcome{Before: map[string]any{"status": LetterScheduled}, After: map[string]any{"status": LetterDraft}}, nil
		})
}

// TestLetter sends the newsletter to the agent's own address, as a subscriber would read it
// (its links lead nowhere).
func TestLetter(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, id int64, lang i18n.Lang) error {
	if !who.Actor.SignedIn() {
		return apperr.New(apperr.Forbidden, "news.letter.not_found")
	}
	return letterChange(ctx, env, who, c, "subscription.letter.test", strconv.FormatInt(id, 10),
		func(ctx context.Context, tx *db.Tx, now time.Time) (change.Outcome, error) {
			m, err := PreviewLetter(ctx, env, tx, c, id, lang)
			if err != nil {
				return change.Outcome{}, err
			}
			m.To = who.Actor.Account.Email
			return change.Outcome{After: map[string]any{"test": true}, Mails: []mail.Message{m}}, nil
		})
}

// PreviewLetter is the e-mail of a newsletter as a subscriber in lang would receive it, with
// placeholder links (the preview page, the test send).
func PreviewLetter(ctx context.Context, env Env, q db.Querier, c *campaign.Campaign, id int64, lang i18n.Lang) (mail.Message, error) {
	l, err := LetterByID(ctx, q, c.ID, id)
	if err != nil {
		return mail.Message{}, err
	}
	n := &Newsroom{Cat: env.Cat, BaseURL: env.BaseURL}
	ed := &edition{news: NewsLetters, key: "letter", args: []any{c.Name, l.Title}, lines: l.Body, texts: map[i18n.Lang]writtenEdition{}}
	return ed.message(n, Subscription{Lang: lang, Unsubscribe: "ESSAI"}), nil
}

func nullAccount(who change.Who) sql.NullInt64 {
	if who.Actor.Account == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: who.Actor.Account.ID, Valid: true}
}

// CountWanting counts a campaign's confirmed subscribers who want news n.
func CountWanting(ctx context.Context, q db.Querier, campaignID int64, n News) (int, error) {
	var count int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM subscriptions WHERE kind = 'campaign' AND target_id = $1
		AND confirmed_at IS NOT NULL AND topics LIKE $2`, campaignID, "%,"+string(n)+",%").Scan(&count)
	if err != nil {
		return 0, fmt.Errorf("count subscribers: %w", err)
	}
	return count, nil
}
