package workshop

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/territory"
)

// The e-mails of the comptoirs; each has the catalog keys mail.workshop.KIND.subject and
// mail.workshop.KIND.body.
const (
	MailRegistered = "registered" // registration confirmed, with a seat
	MailWaiting    = "waiting"    // placed on the waiting list
	MailMovedUp    = "moved_up"   // moved up from the waiting list
	MailCancelled  = "cancelled"  // the session is cancelled
	MailReminder   = "reminder"   // the day before
)

// Mailer writes the comptoir e-mails in each recipient's language. The commands of this
// package send none with a zero Mailer (no catalog): the demo seeds past registrations
// through them without filling the outbox.
type Mailer struct {
	Cat       *i18n.Catalog
	Territory *territory.Data // for the commune's name; the code is shown without it
	BaseURL   string          // the site's public address, for links
}

func (m Mailer) quiet() bool { return m.Cat == nil }

// SessionURL is the address of a session's page.
func (m Mailer) SessionURL(s Session) string {
	return strings.TrimRight(m.BaseURL, "/") + SessionPath(s)
}

// SessionPath is the path of a session's page.
func SessionPath(s Session) string {
	return "/" + s.CampaignSlug + "/comptoirs/" + strconv.FormatInt(s.ID, 10)
}

// Place is the session's address with its commune's name: "12 rue X, Arras".
func Place(s Session, t *territory.Data) string {
	name := s.Commune
	if t != nil {
		if c, ok := t.Commune(s.Commune); ok {
			name = c.Name
		}
	}
	return s.Address + ", " + name
}

// Message writes the e-mail of kind about session s to the person of registration r.
func (m Mailer) Message(kind string, r Registration, s Session) mail.Message {
	lang, ok := i18n.Parse(r.Lang)
	if !ok {
		lang = i18n.FR
	}
	loc := s.Location()
	start, end := s.StartsAt.In(loc), s.EndsAt.In(loc)
	details := m.Cat.T(lang, "mail.workshop.details", i18n.LongDate(lang, start), i18n.Time(lang, start),
		i18n.Time(lang, end), s.Host, Place(s, m.Territory), m.SessionURL(s))
	name := r.Name
	if name == "" {
		name = r.Email
	}
	body := m.Cat.T(lang, "mail.workshop."+kind+".body", name, s.Title) + "\n\n" + details + "\n\n" +
		m.Cat.T(lang, "mail.workshop.signature")
	// The subject names the session by its date: its title, typed on the site, stays in the body.
	return mail.Message{To: r.Email, Subject: m.Cat.T(lang, "mail.workshop."+kind+".subject", i18n.LongDate(lang, start)),
		Body: body}
}

// ReminderWindow is how long before a session its reminder is sent.
const ReminderWindow = 24 * time.Hour

// QueueReminders queues the reminder of every seat of a session starting within the next
// 24 hours that was not reminded yet, and marks it reminded in the same transaction. It is
// idempotent and safe with several processes: the claim (UPDATE … WHERE reminded_at IS
// NULL) and the e-mails commit together, so each person gets one reminder.
func (m Mailer) QueueReminders(ctx context.Context, d *db.DB, now time.Time) (int, error) {
	now = now.UTC()
	// A cheap look first, so that the job audits nothing when there is nothing to send.
	var due int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM workshop_registrations r
		JOIN workshop_sessions s ON s.id = r.session_id
		WHERE r.status = 'registered' AND r.reminded_at IS NULL AND s.cancelled_at IS NULL
		AND s.starts_at > $1 AND s.starts_at <= $2`, now, now.Add(ReminderWindow)).Scan(&due); err != nil {
		return 0, fmt.Errorf("count due reminders: %w", err)
	}
	if due == 0 {
		return 0, nil
	}
	sent := 0
	_, err := change.Do(ctx, change.Env{DB: d, Now: func() time.Time { return now }}, change.Request{
		Who: change.System("worker"), Action: "workshop.remind", EntityKind: "workshop_registration",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			sent = 0
			if err := d.Lock(ctx, tx, "workshop_reminders"); err != nil {
				return change.Outcome{}, err
			}
			sessions, err := querySessions(ctx, tx, "s.cancelled_at IS NULL AND s.starts_at > $1 AND s.starts_at <= $2",
				now, now.Add(ReminderWindow))
			if err != nil {
				return change.Outcome{}, err
			}
			var out change.Outcome
			var ids []int64
			for _, s := range sessions {
				regs, err := Registrations(ctx, tx, s.ID)
				if err != nil {
					return change.Outcome{}, err
				}
				for _, r := range regs {
					if r.Status != Registered || r.RemindedAt != nil {
						continue
					}
					res, err := tx.ExecContext(ctx, "UPDATE workshop_registrations SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL", now, r.ID)
					if err != nil {
						return change.Outcome{}, fmt.Errorf("mark reminded: %w", err)
					}
					if n, _ := res.RowsAffected(); n == 0 {
						continue
					}
					out.Mails = append(out.Mails, m.Message(MailReminder, r, s))
					ids = append(ids, r.ID)
				}
			}
			sent = len(ids)
			out.After = map[string]any{"reminded_registrations": ids}
			return out, nil
		},
	})
	if err != nil {
		return 0, fmt.Errorf("workshop reminders: %w", err)
	}
	return sent, nil
}
