// Package subscription is the platform's one subscription system: anyone, with or without an
// account, may follow a topic by e-mail. Today a topic is a funded project's published
// updates (KindProject); a campaign's news will be another kind of the same table, with its
// own check in Topic.check and its own notifier.
//
// Double opt-in: Subscribe sends only a confirmation e-mail (mail.Message.Proof, no text
// typed by anyone: the page of its link says what is followed); nothing else is sent before
// Confirm. Every later e-mail carries a one-click unsubscription link (also as the RFC 8058
// headers). A visitor cannot have an address flooded: the mail limits apply (change.Do,
// mail.Take), and asking again for an address not confirmed yet sends nothing within
// ResendWindow. Once confirmed, the address counts as confirmed for change.Do
// (mail.Confirmed).
//
// The confirmation secret is stored hashed; the unsubscription secret is stored as is,
// since every e-mail of the subscription carries it, and it can do nothing but end it.
package subscription

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
)

// Kind is what a subscription follows.
type Kind string

// The kinds of topic. KindProject follows a funded project's published updates (TargetID:
// its dossier).
const KindProject Kind = "project"

// The pages of the links the e-mails carry (package web serves them), with ?jeton=SECRET.
const (
	ConfirmPath     = "/abonnements/confirmer"
	UnsubscribePath = "/abonnements/desabonner"
)

const (
	// ResendWindow: asking again for an address not confirmed yet sends no new confirmation
	// within this time of the last one.
	ResendWindow = 24 * time.Hour
	// ConfirmTTL is how long a confirmation link works.
	ConfirmTTL = 7 * 24 * time.Hour
)

// Subscription is one address following one topic.
type Subscription struct {
	ID            int64
	CampaignID    int64
	Kind          Kind
	TargetID      int64
	Email         string
	Lang          i18n.Lang
	CreatedAt     time.Time
	ConfirmSentAt time.Time
	ConfirmedAt   *time.Time
	// Unsubscribe is the secret of the unsubscription link (and of the preferences page of
	// a campaign's news).
	Unsubscribe string
	// A campaign's news (KindCampaign): the news wanted, the subscriber's commune (INSEE code,
	// "" for none), and the consent: the wording the form showed, and when it was confirmed.
	News        []News
	Commune     string
	ConsentText string
	ConsentAt   *time.Time
}

// Confirmed reports whether the address's owner confirmed the subscription.
func (s Subscription) Confirmed() bool { return s.ConfirmedAt != nil }

// Topic is what a subscription follows: a kind and its target, in a campaign.
type Topic struct {
	Kind     Kind
	TargetID int64
	Campaign *campaign.Campaign
}

// ProjectTopic is the topic of a funded project's updates.
func ProjectTopic(c *campaign.Campaign, dossierID int64) Topic {
	return Topic{Kind: KindProject, TargetID: dossierID, Campaign: c}
}

// check refuses a topic that cannot be followed: a project that was not funded, or of
// another campaign, is NotFound.
func (t Topic) check(ctx context.Context, q db.Querier) error {
	switch t.Kind {
	case KindProject:
		p, err := followup.ProjectOf(ctx, q, t.TargetID)
		if err != nil && !apperr.IsKind(err, apperr.NotFound) {
			return err
		}
		if err != nil || p.CampaignID != t.Campaign.ID {
			return apperr.New(apperr.NotFound, "subscription.topic.unknown")
		}
		if p.State == dossier.StateCompleted || p.State == dossier.StateAbandoned {
			// A completed or abandoned project publishes nothing more.
			return apperr.New(apperr.Conflict, "subscription.topic.closed")
		}
		return nil
	case KindCampaign:
		if t.Campaign == nil || t.TargetID != t.Campaign.ID || t.Campaign.Archived {
			return apperr.New(apperr.NotFound, "subscription.campaign.unknown")
		}
		return nil
	}
	return apperr.New(apperr.NotFound, "subscription.topic.unknown")
}

// Env is what the subscriptions' changes need: the change environment, the catalog of the
// e-mails and the site's address for their links.
type Env struct {
	Change  change.Env
	Cat     *i18n.Catalog
	BaseURL string
}

func (e Env) link(path, secret string) string {
	return strings.TrimRight(e.BaseURL, "/") + path + "?jeton=" + secret
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("subscription secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hash is what is stored of a confirmation secret (256 bits of entropy: no salt needed).
func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Subscribe asks for email to follow topic: a new subscription (or one not confirmed whose
// last confirmation is older than ResendWindow) gets a confirmation e-mail in lang; an
// address already subscribed, or asked for within the window, gets nothing, and the answer is
// the same, so that it tells no one whether an address follows the topic. A bad address is a
// field error "email"; past the mail limits, an apperr TooMany; nothing is saved then.
func Subscribe(ctx context.Context, env Env, who change.Who, t Topic, email string, lang i18n.Lang) error {
	return subscribe(ctx, env, who, t, email, lang, details{})
}

// details are what a campaign's news subscription records besides its address.
type details struct {
	news    []News
	commune string
	consent string
}

func subscribe(ctx context.Context, env Env, who change.Who, t Topic, email string, lang i18n.Lang, dt details) error {
	email = account.NormalizeEmail(email)
	if key, ok := account.CheckEmail(email); !ok {
		fe := apperr.FieldErrors{}
		fe.Add("email", key)
		return fe.Err()
	}
	if lang == "" {
		lang = i18n.FR
	}
	sent := false
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermPublic, Campaign: t.Campaign,
		Action: "subscription.subscribe", EntityKind: "subscription",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if err := t.check(ctx, tx); err != nil {
				return change.Outcome{}, err
			}
			now := utc(env.Change.Now())
			s, err := find(ctx, tx, "kind = $1 AND target_id = $2 AND email = $3", string(t.Kind), t.TargetID, email)
			if err != nil && !apperr.IsKind(err, apperr.NotFound) {
				return change.Outcome{}, err
			}
			after := map[string]any{"kind": t.Kind, "target": t.TargetID}
			if s != nil && (s.Confirmed() || now.Sub(s.ConfirmSentAt) < ResendWindow) {
				after["sent"] = false
				return change.Outcome{EntityID: strconv.FormatInt(s.ID, 10), After: after}, nil
			}
			secret, err := newSecret()
			if err != nil {
				return change.Outcome{}, err
			}
			if s == nil {
				unsub, err := newSecret()
				if err != nil {
					return change.Outcome{}, err
				}
				s = &Subscription{}
				err = tx.QueryRowContext(ctx, `INSERT INTO subscriptions (campaign_id, kind, target_id, email, lang, confirm_hash,
					unsubscribe_token, created_at, confirm_sent_at, topics, commune, consent_text)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11) RETURNING id`,
					t.Campaign.ID, string(t.Kind), t.TargetID, email, string(lang), hash(secret), unsub, now,
					formatNews(dt.news), dt.commune, dt.consent).Scan(&s.ID)
				if err != nil {
					return change.Outcome{}, fmt.Errorf("insert subscription: %w", err)
				}
			} else if _, err := tx.ExecContext(ctx, `UPDATE subscriptions SET confirm_hash = $1, confirm_sent_at = $2, lang = $3,
				topics = $4, commune = $5, consent_text = $6 WHERE id = $7`, hash(secret), now, string(lang),
				formatNews(dt.news), dt.commune, dt.consent, s.ID); err != nil {
				return change.Outcome{}, fmt.Errorf("renew subscription: %w", err)
			}
			sent = true
			after["sent"] = true
			m := mail.Message{To: email, Subject: env.Cat.T(lang, "subscription.mail.confirm.subject"),
				Body: env.Cat.T(lang, "subscription.mail.confirm.body", env.link(ConfirmPath, secret),
					i18n.Int(lang, int64(ConfirmTTL/(24*time.Hour)))), Proof: true}
			return change.Outcome{EntityID: strconv.FormatInt(s.ID, 10), After: after, Mails: []mail.Message{m}}, nil
		},
	})
	if err != nil || sent {
		return err
	}
	// Nothing was sent: counted all the same, so that the limits hold and the answer tells
	// nothing of the address.
	ask := mail.Ask{Client: who.Actor.Client, Exempt: who.IsSystem() || who.Actor.Staff(), To: []string{email}}
	return mail.TakeAlone(ctx, env.Change.DB, mail.DefaultLimits(), ask, env.Change.Now())
}

// PendingByConfirm returns the subscription a confirmation secret belongs to while it may be
// confirmed (not confirmed yet, link not expired), or NotFound: the page of the link shows
// what it confirms before its button does.
func PendingByConfirm(ctx context.Context, q db.Querier, secret string, now time.Time) (*Subscription, error) {
	if secret == "" {
		return nil, apperr.New(apperr.NotFound, "subscription.confirm.invalid")
	}
	s, err := find(ctx, q, "confirm_hash = $1 AND confirmed_at IS NULL", hash(secret))
	if apperr.IsKind(err, apperr.NotFound) || err == nil && now.Sub(s.ConfirmSentAt) > ConfirmTTL {
		return nil, apperr.New(apperr.NotFound, "subscription.confirm.invalid")
	}
	return s, err
}

// Confirm confirms the subscription of a confirmation secret (double opt-in): from then on
// its address receives the topic's e-mails. An unknown, used or expired secret is NotFound.
func Confirm(ctx context.Context, env Env, who change.Who, secret string) (*Subscription, error) {
	var s *Subscription
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermPublic, Action: "subscription.confirm", EntityKind: "subscription",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			now := utc(env.Change.Now())
			var err error
			if s, err = PendingByConfirm(ctx, tx, secret, now); err != nil {
				return change.Outcome{}, err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE subscriptions SET confirmed_at = $1, consent_at = $1, confirm_hash = '' WHERE id = $2",
				now, s.ID); err != nil {
				return change.Outcome{}, fmt.Errorf("confirm subscription: %w", err)
			}
			s.ConfirmedAt, s.ConsentAt = &now, &now
			return change.Outcome{EntityID: strconv.FormatInt(s.ID, 10),
				After: map[string]any{"kind": s.Kind, "target": s.TargetID, "confirmed": true}}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// ByUnsubscribe returns the subscription of an unsubscription secret, or NotFound (already
// ended, or never was).
func ByUnsubscribe(ctx context.Context, q db.Querier, secret string) (*Subscription, error) {
	if secret == "" {
		return nil, apperr.New(apperr.NotFound, "subscription.unsubscribe.invalid")
	}
	s, err := find(ctx, q, "unsubscribe_token = $1", secret)
	if apperr.IsKind(err, apperr.NotFound) {
		return nil, apperr.New(apperr.NotFound, "subscription.unsubscribe.invalid")
	}
	return s, err
}

// Unsubscribe ends the subscription of an unsubscription secret: its row is deleted. An
// unknown secret is NotFound.
func Unsubscribe(ctx context.Context, env Env, who change.Who, secret string) (*Subscription, error) {
	var s *Subscription
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermPublic, Action: "subscription.unsubscribe", EntityKind: "subscription",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			var err error
			if s, err = ByUnsubscribe(ctx, tx, secret); err != nil {
				return change.Outcome{}, err
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM subscriptions WHERE id = $1", s.ID); err != nil {
				return change.Outcome{}, fmt.Errorf("delete subscription: %w", err)
			}
			return change.Outcome{EntityID: strconv.FormatInt(s.ID, 10), Before: map[string]any{"kind": s.Kind, "target": s.TargetID}}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

const columns = `id, campaign_id, kind, target_id, email, lang, created_at, confirm_sent_at, confirmed_at, unsubscribe_token,
	topics, commune, consent_text, consent_at`

func scan(sc interface{ Scan(...any) error }) (Subscription, error) {
	var s Subscription
	var confirmed, consent sql.NullTime
	var topics string
	err := sc.Scan(&s.ID, &s.CampaignID, &s.Kind, &s.TargetID, &s.Email, &s.Lang, &s.CreatedAt, &s.ConfirmSentAt,
		&confirmed, &s.Unsubscribe, &topics, &s.Commune, &s.ConsentText, &consent)
	if err != nil {
		return s, err
	}
	s.News = parseNews(topics)
	if consent.Valid {
		t := consent.Time.UTC()
		s.ConsentAt = &t
	}
	s.CreatedAt, s.ConfirmSentAt = s.CreatedAt.UTC(), s.ConfirmSentAt.UTC()
	if confirmed.Valid {
		t := confirmed.Time.UTC()
		s.ConfirmedAt = &t
	}
	return s, nil
}

func find(ctx context.Context, q db.Querier, where string, args ...any) (*Subscription, error) {
	s, err := scan(q.QueryRowContext(ctx, "SELECT "+columns+" FROM subscriptions WHERE "+where, args...))
	if db.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "subscription.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("read subscription: %w", err)
	}
	return &s, nil
}

func list(ctx context.Context, q db.Querier, where string, args ...any) ([]Subscription, error) {
	return query(ctx, q, "SELECT "+columns+" FROM subscriptions WHERE "+where+" ORDER BY id", args...)
}

func query(ctx context.Context, q db.Querier, text string, args ...any) ([]Subscription, error) {
	rows, err := q.QueryContext(ctx, text, args...)
	if err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	defer rows.Close()
	var out []Subscription
	for rows.Next() {
		s, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("read subscription: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ConfirmedTo lists the confirmed subscriptions to a topic (kind, target).
func ConfirmedTo(ctx context.Context, q db.Querier, kind Kind, targetID int64) ([]Subscription, error) {
	return list(ctx, q, "kind = $1 AND target_id = $2 AND confirmed_at IS NOT NULL", string(kind), targetID)
}

// ByEmail lists the subscriptions of an address, confirmed or not (the person's data export).
func ByEmail(ctx context.Context, q db.Querier, email string) ([]Subscription, error) {
	return list(ctx, q, "email = $1", account.NormalizeEmail(email))
}

// ForgetEmail deletes the subscriptions of an address (the erasure of its account); it
// returns how many.
func ForgetEmail(ctx context.Context, q db.Querier, email string) (int64, error) {
	res, err := q.ExecContext(ctx, "DELETE FROM subscriptions WHERE email = $1", account.NormalizeEmail(email))
	if err != nil {
		return 0, fmt.Errorf("forget subscriptions: %w", err)
	}
	return res.RowsAffected()
}

// PurgeUnconfirmed deletes the subscriptions never confirmed whose last confirmation e-mail
// was asked before before (the retention purge, package privacy).
func PurgeUnconfirmed(ctx context.Context, q db.Querier, before time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, "DELETE FROM subscriptions WHERE confirmed_at IS NULL AND confirm_sent_at < $1", utc(before))
	if err != nil {
		return 0, fmt.Errorf("purge unconfirmed subscriptions: %w", err)
	}
	return res.RowsAffected()
}
