package subscription

import (
	"context"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/workshop"
)

// edition is one news e-mail of a campaign, written once per language and addressed to
// each subscriber with their own links.
type edition struct {
	news News
	// want keeps the subscribers concerned among those who want news (nil: all).
	want func(Subscription) bool
	// skip ends the mailing without sending (its subject is gone: a cancelled session…).
	skip bool
	key  string // the catalog keys: news.mail.<key>.subject and .body
	args []any  // the body's arguments
	// lines is a newsletter's body (typed by an agent): in the body, never in the subject.
	lines string
	texts map[i18n.Lang]writtenEdition
}

type writtenEdition struct {
	subject, text, html string
}

// edition prepares the e-mail of a mailing's kind for campaign c.
func (n *Newsroom) edition(ctx context.Context, c *campaign.Campaign, kind string) (*edition, error) {
	base := strings.TrimRight(n.BaseURL, "/")
	page := base + "/" + c.Slug
	loc := c.Location()
	ed := &edition{texts: map[i18n.Lang]writtenEdition{}}
	switch {
	case kind == MailingIdeasOpen:
		w, _ := c.Window(campaign.PhaseIdeas)
		ed.news, ed.key, ed.args = NewsIdeas, "ideas_open", []any{c.Name, dateArg(w.End.In(loc)), page + "/idees/deposer"}
	case kind == MailingVoteOpen:
		w, _ := c.Window(campaign.PhaseVote)
		ed.news, ed.key, ed.args = NewsVote, "vote_open", []any{c.Name, dateArg(w.End.In(loc)), page + "/vote"}
	case kind == MailingVoteClosing:
		w, _ := c.Window(campaign.PhaseVote)
		ed.news, ed.key, ed.args = NewsClosing, "vote_closing", []any{c.Name, dateArg(w.End.In(loc)), page + "/vote"}
	case kind == MailingResults:
		ed.news, ed.key, ed.args = NewsResults, "results", []any{c.Name, page + "/resultats"}
	case strings.HasPrefix(kind, mailingComptoir):
		id, _ := strconv.ParseInt(strings.TrimPrefix(kind, mailingComptoir), 10, 64)
		s, err := workshop.InCampaign(ctx, n.DB, c.ID, id)
		if err != nil || s.CancelledAt != nil {
			return &edition{news: NewsComptoirs, skip: true}, nil
		}
		commune := s.Commune
		if cm, ok := n.territory(s.Commune); ok {
			commune = cm.Name
		}
		ed.news, ed.key = NewsComptoirs, "comptoir"
		ed.args = []any{c.Name, commune, dateTimeArg(s.StartsAt.In(loc)), base + workshop.SessionPath(*s)}
		ed.want = func(sub Subscription) bool { return n.near(sub.Commune, s.Commune) }
	case strings.HasPrefix(kind, mailingFollowup):
		id, _ := strconv.ParseInt(strings.TrimPrefix(kind, mailingFollowup), 10, 64)
		u, err := followup.UpdateByID(ctx, n.DB, id)
		if err != nil {
			return &edition{news: NewsFollowup, skip: true}, nil
		}
		p, err := followup.ProjectOf(ctx, n.DB, u.DossierID)
		if err != nil {
			return &edition{news: NewsFollowup, skip: true}, nil
		}
		ed.news, ed.key = NewsFollowup, "followup"
		ed.args = []any{c.Name, p.Title, u.Title, page + "/projets/" + strconv.FormatInt(p.DossierID, 10)}
	case strings.HasPrefix(kind, mailingLetter):
		id, _ := strconv.ParseInt(strings.TrimPrefix(kind, mailingLetter), 10, 64)
		l, err := LetterByID(ctx, n.DB, c.ID, id)
		if err != nil {
			return &edition{news: NewsLetters, skip: true}, nil
		}
		ed.news, ed.key, ed.args, ed.lines = NewsLetters, "letter", []any{c.Name, l.Title}, l.Body
	default:
		return nil, fmt.Errorf("campaign mailing: unknown kind %q", kind)
	}
	return ed, nil
}

func (n *Newsroom) territory(code string) (c territoryCommune, ok bool) {
	if n.Territory == nil {
		return c, false
	}
	cm, ok := n.Territory.Commune(code)
	return territoryCommune{Name: cm.Name, EPCI: cm.EPCI}, ok
}

type territoryCommune struct{ Name, EPCI string }

// near reports whether a subscriber of commune sub is near a session held in commune at:
// the same commune, or the same intercommunality (EPCI).
func (n *Newsroom) near(sub, at string) bool {
	if sub == "" {
		return false
	}
	if sub == at {
		return true
	}
	a, ok1 := n.territory(sub)
	b, ok2 := n.territory(at)
	return ok1 && ok2 && a.EPCI != "" && a.EPCI == b.EPCI
}

// dateArg and dateTimeArg defer the formatting of a date to the language of each e-mail.
type dateArg time.Time
type dateTimeArg time.Time

// write returns the e-mail of ed in lang, written once per language: subject, and the text
// and HTML before the subscriber's own links.
func (n *Newsroom) write(ed *edition, lang i18n.Lang) writtenEdition {
	if w, ok := ed.texts[lang]; ok {
		return w
	}
	args := make([]any, len(ed.args))
	for i, a := range ed.args {
		switch v := a.(type) {
		case dateArg:
			args[i] = i18n.Date(lang, time.Time(v))
		case dateTimeArg:
			args[i] = i18n.DateTime(lang, time.Time(v))
		default:
			args[i] = a
		}
	}
	subject := n.Cat.T(lang, "news.mail."+ed.key+".subject")
	text := n.Cat.T(lang, "news.mail."+ed.key+".body", args...)
	if ed.lines != "" {
		text += "\n\n" + strings.TrimSpace(strings.ReplaceAll(ed.lines, "\r\n", "\n"))
	}
	base := strings.TrimRight(n.BaseURL, "/")
	foot := n.Cat.T(lang, "news.mail.footer", base+PreferencesPath+"?jeton="+markSecret, base+UnsubscribePath+"?jeton="+markSecret)
	w := writtenEdition{subject: subject, text: text + "\n\n" + foot,
		html: HTMLMail(lang, subject, htmlParagraphs(text)+htmlParagraphs(foot))}
	ed.texts[lang] = w
	return w
}

// markSecret marks the subscriber's secret in the links of an edition written once per
// language.
const markSecret = "\x00jeton\x00"

// message addresses ed to subscriber s, with the links to their preferences and to the
// one-click unsubscription (also as the RFC 8058 headers).
func (ed *edition) message(n *Newsroom, s Subscription) mail.Message {
	lang, ok := i18n.Parse(string(s.Lang))
	if !ok {
		lang = i18n.FR
	}
	w := n.write(ed, lang)
	unsub := strings.TrimRight(n.BaseURL, "/") + UnsubscribePath + "?jeton=" + s.Unsubscribe
	return mail.Message{To: s.Email, Subject: w.subject, Body: strings.ReplaceAll(w.text, markSecret, s.Unsubscribe),
		Unsubscribe: unsub, HTML: strings.ReplaceAll(w.html, markSecret, s.Unsubscribe)}
}

// HTMLMail is the HTML alternative of a news e-mail: a whole document in lang, its subject
// as the heading, the paragraphs of the text, no style sheet, image nor script.
func HTMLMail(lang i18n.Lang, subject, paragraphs string) string {
	return "<!DOCTYPE html>\n<html lang=\"" + string(lang) + "\">\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" + html.EscapeString(subject) +
		"</title>\n</head>\n<body>\n<h1>" + html.EscapeString(subject) + "</h1>\n" + paragraphs + "</body>\n</html>\n"
}

// htmlParagraphs writes text as HTML paragraphs (blank lines between them, line breaks
// kept), its web addresses as links, everything else escaped.
func htmlParagraphs(text string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				b.WriteString("<br>\n")
			}
			for j, word := range strings.Split(line, " ") {
				if j > 0 {
					b.WriteByte(' ')
				}
				if strings.HasPrefix(word, "https://") || strings.HasPrefix(word, "http://") {
					e := html.EscapeString(word)
					b.WriteString("<a href=\"" + e + "\">" + e + "</a>")
				} else {
					b.WriteString(html.EscapeString(word))
				}
			}
		}
		b.WriteString("</p>\n")
	}
	return b.String()
}
