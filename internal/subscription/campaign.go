package subscription

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
)

// KindCampaign follows a campaign's news (TargetID: the campaign): the e-mails of its phases
// that the subscriber chose (News), and the newsletters its agents write.
const KindCampaign Kind = "campaign"

// PreferencesPath is the page where a campaign's subscriber chooses the news wanted, or ends
// the subscription, reached by a link in every e-mail (?jeton=the unsubscription secret: no
// account needed).
const PreferencesPath = "/abonnements/preferences"

// News is one kind of news of a campaign a subscriber may want. Its value is stored: never
// rename one.
type News string

// The news of a campaign.
const (
	NewsIdeas     News = "ideas"     // the ideas phase opens
	NewsComptoirs News = "comptoirs" // a new comptoir session near the subscriber's commune
	NewsVote      News = "vote"      // the vote opens
	NewsClosing   News = "closing"   // three days before the vote closes
	NewsResults   News = "results"   // the results are proclaimed
	NewsFollowup  News = "followup"  // a funded project publishes an update
	NewsLetters   News = "letters"   // the newsletters of the campaign's agents
)

// AllNews lists the news in the order the forms show them (a new slice each call).
func AllNews() []News {
	return []News{NewsIdeas, NewsComptoirs, NewsVote, NewsClosing, NewsResults, NewsFollowup, NewsLetters}
}

// Valid reports whether n is one of AllNews.
func (n News) Valid() bool { return slices.Contains(AllNews(), n) }

// Wants reports whether the subscription asked for news n.
func (s Subscription) Wants(n News) bool { return slices.Contains(s.News, n) }

// formatNews writes news as stored: comma-framed (",vote,closing,") in the order of
// AllNews, so that a LIKE '%,vote,%' finds it; "" for none.
func formatNews(news []News) string {
	var parts []string
	for _, n := range AllNews() {
		if slices.Contains(news, n) {
			parts = append(parts, string(n))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "," + strings.Join(parts, ",") + ","
}

// parseNews reads the stored list, ignoring unknown names.
func parseNews(s string) []News {
	var out []News
	for _, part := range strings.Split(s, ",") {
		if n := News(part); n.Valid() && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// CampaignTopic is the topic of a campaign's news.
func CampaignTopic(c *campaign.Campaign) Topic {
	return Topic{Kind: KindCampaign, TargetID: c.ID, Campaign: c}
}

// CampaignRequest is a visitor's request for a campaign's news.
type CampaignRequest struct {
	Email string
	// Commune is the INSEE code of the subscriber's commune, "" for none (the comptoirs'
	// news then reach nobody).
	Commune string
	// Consent is the exact wording the form showed next to its button, recorded as the
	// proof of consent along with the date of the confirmation.
	Consent string
	Lang    i18n.Lang
}

// SubscribeCampaign asks for an address to receive a campaign's news, all of them at first
// (the preferences page of every e-mail narrows them). Like Subscribe: double opt-in, the
// same answer whether the address was subscribed already, the mail limits.
func SubscribeCampaign(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, r CampaignRequest) error {
	if strings.TrimSpace(r.Consent) == "" {
		return fmt.Errorf("subscribe to campaign news: no consent wording")
	}
	return subscribe(ctx, env, who, CampaignTopic(c), r.Email, r.Lang,
		details{news: AllNews(), commune: r.Commune, consent: r.Consent})
}

// Preferences is what the preferences page sets: the news wanted and the commune.
type Preferences struct {
	News    []News
	Commune string // INSEE code, "" for none
}

// ParsePreferences reads the preferences form: the checked boxes "news" (unknown values are
// ignored, each counted once) and the commune's text "commune_q" and code "commune", which
// the caller resolves. It never fails: every box may be left unchecked.
func ParsePreferences(form url.Values) (news []News, communeText, communeCode string) {
	for _, v := range form["news"] {
		if n := News(v); n.Valid() && !slices.Contains(news, n) {
			news = append(news, n)
		}
	}
	slices.SortFunc(news, func(a, b News) int { return slices.Index(AllNews(), a) - slices.Index(AllNews(), b) })
	return news, strings.TrimSpace(form.Get("commune_q")), strings.TrimSpace(form.Get("commune"))
}

// SetPreferences records the news wanted by the campaign subscription of an unsubscription
// secret (the link of its e-mails). An unknown secret, or one of a project's subscription,
// is NotFound. Choosing no news keeps the subscription (nothing is sent but what is chosen
// later); ending it is Unsubscribe.
func SetPreferences(ctx context.Context, env Env, who change.Who, secret string, p Preferences) (*Subscription, error) {
	var s *Subscription
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermPublic, Action: "subscription.preferences", EntityKind: "subscription",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			var err error
			if s, err = ByUnsubscribe(ctx, tx, secret); err != nil {
				return change.Outcome{}, err
			}
			if s.Kind != KindCampaign || !s.Confirmed() {
				return change.Outcome{}, apperr.New(apperr.NotFound, "subscription.unsubscribe.invalid")
			}
			before := map[string]any{"news": formatNews(s.News), "commune": s.Commune != ""}
			if _, err := tx.ExecContext(ctx, "UPDATE subscriptions SET topics = $1, commune = $2 WHERE id = $3",
				formatNews(p.News), p.Commune, s.ID); err != nil {
				return change.Outcome{}, fmt.Errorf("save subscription preferences: %w", err)
			}
			s.News, s.Commune = parseNews(formatNews(p.News)), p.Commune
			return change.Outcome{EntityID: strconv.FormatInt(s.ID, 10), Before: before,
				After: map[string]any{"news": formatNews(s.News), "commune": s.Commune != ""}}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// OptIn subscribes a signed-in person to a campaign's news with one checkbox (the idea
// deposit form): their account's address, the wording of the checkbox as consent. A
// verified address needs no confirmation e-mail (it is the address the person proved);
// one not verified yet goes through the double opt-in like a visitor's. An address already
// subscribed is left as it is, news and commune included.
func OptIn(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, consent string, commune string, lang i18n.Lang) error {
	a := who.Actor.Account
	if !who.Actor.SignedIn() {
		return apperr.New(apperr.Forbidden, "subscription.campaign.unknown")
	}
	if !a.Verified() {
		return SubscribeCampaign(ctx, env, who, c, CampaignRequest{Email: a.Email, Commune: commune, Consent: consent, Lang: lang})
	}
	if lang == "" {
		lang = i18n.FR
	}
	t := CampaignTopic(c)
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermSignedIn, Campaign: c, Action: "subscription.opt_in", EntityKind: "subscription",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if err := t.check(ctx, tx); err != nil {
				return change.Outcome{}, err
			}
			now := utc(env.Change.Now())
			email := account.NormalizeEmail(a.Email)
			s, err := find(ctx, tx, "kind = $1 AND target_id = $2 AND email = $3", string(KindCampaign), c.ID, email)
			if err != nil && !apperr.IsKind(err, apperr.NotFound) {
				return change.Outcome{}, err
			}
			after := map[string]any{"kind": KindCampaign, "target": c.ID, "confirmed": true}
			switch {
			case s != nil && s.Confirmed():
				return change.Outcome{EntityID: strconv.FormatInt(s.ID, 10), After: after}, nil
			case s != nil:
				_, err = tx.ExecContext(ctx, `UPDATE subscriptions SET confirmed_at = $1, consent_at = $1, consent_text = $2, confirm_hash = ''
					WHERE id = $3`, now, consent, s.ID)
				return change.Outcome{EntityID: strconv.FormatInt(s.ID, 10), After: after}, err
			}
			unsub, err := newSecret()
			if err != nil {
				return change.Outcome{}, err
			}
			var id int64
			err = tx.QueryRowContext(ctx, `INSERT INTO subscriptions (campaign_id, kind, target_id, email, lang, unsubscribe_token,
				created_at, confirm_sent_at, confirmed_at, topics, commune, consent_text, consent_at)
				VALUES ($1, $2, $1, $3, $4, $5, $6, $6, $6, $7, $8, $9, $6) RETURNING id`,
				c.ID, string(KindCampaign), email, string(lang), unsub, now, formatNews(AllNews()), commune, consent).Scan(&id)
			if err != nil {
				return change.Outcome{}, fmt.Errorf("insert subscription: %w", err)
			}
			return change.Outcome{EntityID: strconv.FormatInt(id, 10), After: after}, nil
		},
	})
	return err
}
