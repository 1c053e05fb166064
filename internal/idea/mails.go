package idea

import (
	"strconv"
	"strings"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
)

// Mailer writes the e-mails of the ideas from the catalogs: the acknowledgement of a deposit
// and the author's notice of a moderation. Subjects are catalog text only: an idea's title,
// typed by anyone, is in the body, never in the subject.
//
// A zero Mailer (no catalog) writes no e-mail: the demo seeds past deposits and moderations
// through the same commands without filling the outbox.
type Mailer struct {
	Cat     *i18n.Catalog
	BaseURL string // the site's public address, for links
}

// The moderation e-mails, whose catalog keys are mail.idea.KIND.subject and .body.
const (
	mailHidden   = "hidden"
	mailRestored = "restored"
)

// Path is the path of an idea's page.
func Path(c *campaign.Campaign, id int64) string {
	return "/" + c.Slug + "/idees/" + strconv.FormatInt(id, 10)
}

func (m Mailer) quiet() bool { return m.Cat == nil }

func (m Mailer) url(path string) string { return strings.TrimRight(m.BaseURL, "/") + path }

// account is the writer of the verification link of an account created by a deposit.
func (m Mailer) account() account.Mailer { return account.Mailer{Cat: m.Cat, BaseURL: m.BaseURL} }

// deposited acknowledges the idea i, placed in the commune named communeName. attached: the
// address belonged to an account already and the deposit was made without signing in, so
// the owner learns of it and can object; that e-mail quotes nothing of the deposit (typed by
// whoever typed the address) but links to it.
func (m Mailer) deposited(to string, lang i18n.Lang, c *campaign.Campaign, i *Idea, communeName string, attached bool) mail.Message {
	link := m.url(Path(c, i.ID))
	var body string
	if attached {
		body = m.Cat.T(lang, "mailguard.idea.attached.body", c.Name, link, m.url("/connexion/code"))
	} else {
		body = m.Cat.T(lang, "mail.idea.deposit.body", c.Name, i.Title, communeName,
			m.Cat.T(lang, i.Theme.MessageKey()), link, link+"/orientation")
	}
	body += "\n\n" + m.Cat.T(lang, "mail.idea.signature", c.Name)
	return mail.Message{To: to, Subject: m.Cat.T(lang, "mail.idea.deposit.subject"), Body: body}
}

// moderated tells the author that their idea was hidden (with the reason) or restored, in
// the author's language.
func (m Mailer) moderated(kind string, author *access.Account, c *campaign.Campaign, i *Idea) mail.Message {
	lang := accountLang(author)
	var body string
	if kind == mailHidden {
		contact := c.ContactEmail
		if contact == "" {
			contact = m.url("/contact")
		}
		body = m.Cat.T(lang, "mail.idea.hidden.body", i.Title, c.Name, i.HiddenReason, contact)
	} else {
		body = m.Cat.T(lang, "mail.idea.restored.body", i.Title, c.Name, m.url(Path(c, i.ID)))
	}
	body += "\n\n" + m.Cat.T(lang, "mail.idea.signature", c.Name)
	return mail.Message{To: author.Email, Subject: m.Cat.T(lang, "mail.idea."+kind+".subject"), Body: body}
}

// accountLang is the language of an account's e-mails.
func accountLang(a *access.Account) i18n.Lang {
	if l, ok := i18n.Parse(a.Lang); ok {
		return l
	}
	return i18n.FR
}
