package vote

import (
	"strings"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/territory"
)

// Env is what the vote's commands need: the change environment, the official list of
// communes (eligibility goes by the commune's département) and the writer of the e-mails.
type Env struct {
	Change    change.Env
	Territory *territory.Data
	Mail      Mailer
}

// Mailer writes the e-mails of the vote from the catalog, in the language of the page that
// asked for them.
type Mailer struct {
	Cat     *i18n.Catalog
	BaseURL string // the site's public address, for links
}

// Receipt is the e-mail that carries the receipt code of a ballot. It is sensitive: the
// outbox forgets its body once sent.
func (m Mailer) Receipt(to string, lang i18n.Lang, c *campaign.Campaign, receipt string) mail.Message {
	link := strings.TrimRight(m.BaseURL, "/") + "/" + c.Slug + "/vote"
	return mail.Message{To: to, Subject: m.Cat.T(lang, "mail.vote.receipt.subject", c.Name),
		Body: m.Cat.T(lang, "mail.vote.receipt.body", c.Name, receipt, link), Sensitive: true}
}
