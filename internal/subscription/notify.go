package subscription

import (
	"context"
	"strconv"
	"strings"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
)

// ProjectNotifier is followup.Env.Notify: the e-mails that tell a published update to the
// confirmed subscribers of its project, each in the subscriber's language, with the link to
// the project's page and the one-click unsubscription (in the body and as the RFC 8058
// headers). The subject holds no text typed by anyone.
func ProjectNotifier(cat *i18n.Catalog, baseURL string) func(ctx context.Context, tx *db.Tx, u followup.Update, p followup.Project) ([]mail.Message, error) {
	base := strings.TrimRight(baseURL, "/")
	return func(ctx context.Context, tx *db.Tx, u followup.Update, p followup.Project) ([]mail.Message, error) {
		subs, err := ConfirmedTo(ctx, tx, KindProject, p.DossierID)
		if err != nil || len(subs) == 0 {
			return nil, err
		}
		c, err := campaign.ByID(ctx, tx, p.CampaignID)
		if err != nil {
			return nil, err
		}
		page := base + "/" + c.Slug + "/projets/" + strconv.FormatInt(p.DossierID, 10)
		out := make([]mail.Message, 0, len(subs))
		for _, s := range subs {
			lang, ok := i18n.Parse(string(s.Lang))
			if !ok {
				lang = i18n.FR
			}
			unsub := base + UnsubscribePath + "?jeton=" + s.Unsubscribe
			out = append(out, mail.Message{To: s.Email, Subject: cat.T(lang, "subscription.mail.update.subject"),
				Body: cat.T(lang, "subscription.mail.update.body", p.Title, u.Title, page, unsub), Unsubscribe: unsub})
		}
		return out, nil
	}
}
