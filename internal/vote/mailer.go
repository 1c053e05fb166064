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
	// ClearBallots lets a vote open without a sealed box, its ballots written in clear. Only
	// the vote bench sets it, to measure the cost of the encryption; the server never does.
	ClearBallots bool
}

// Mailer writes the e-mails of the vote from the catalog, in the language of the page that
// asked for them.
type Mailer struct {
	Cat     *i18n.Catalog
	BaseURL string // the site's public address, for links
}

// Voted is the e-mail that tells a voter that their vote is recorded. It never carries the
// receipt code (shown on the confirmation page only) nor anything of the ballot, and its
// subject holds no text typed by anyone. It is still sensitive (it says that this person
// voted, and when): the log does not name its recipient and the outbox forgets its body once
// sent.
func (m Mailer) Voted(to string, lang i18n.Lang, c *campaign.Campaign) mail.Message {
	results := strings.TrimRight(m.BaseURL, "/") + "/" + c.Slug + "/resultats"
	return mail.Message{To: to, Subject: m.Cat.T(lang, "mail.vote.voted.subject"),
		Body: m.Cat.T(lang, "mail.vote.voted.body", c.Name, results), Sensitive: true}
}
