package followup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/review"
)

// ReportRemindEvery is how often, at most, the carriers of a project whose final report is
// late are reminded.
const ReportRemindEvery = 7 * 24 * time.Hour

// ReportLate reports whether a project's final report is late at now: the campaign has a due
// date, its day is over (in the campaign's time zone), the project is granted or in
// progress, and its report was not filed or was sent back. (A report waiting for an agent is
// not the carrier's delay.)
func ReportLate(s Settings, loc *time.Location, p Project, now time.Time) bool {
	if s.ReportDueOn.IsZero() || !Open(p.State) || !now.After(s.ReportDueOn.DayEnd(loc)) {
		return false
	}
	return p.Report == "" || p.Report == ReportReturned
}

// reportReminderDue reports whether the carriers of a late report are to be reminded: never
// yet, or not for ReportRemindEvery.
func reportReminderDue(s Settings, loc *time.Location, p Project, reminded *time.Time, now time.Time) bool {
	return ReportLate(s, loc, p, now) && (reminded == nil || !now.Before(reminded.Add(ReportRemindEvery)))
}

// staleReminderDue reports whether the carriers of a project granted or in progress are to
// be reminded to give news: StaleMonths have passed since the last published update (or,
// without one, since start, the grant), and since the last such reminder: once per period.
func staleReminderDue(s Settings, p Project, start time.Time, reminded *time.Time, now time.Time) bool {
	if s.StaleMonths <= 0 || !Open(p.State) {
		return false
	}
	since := start
	if p.LastUpdateAt != nil && p.LastUpdateAt.After(since) {
		since = *p.LastUpdateAt
	}
	if reminded != nil && reminded.After(since) {
		since = *reminded
	}
	if since.IsZero() {
		return false
	}
	return !now.Before(since.AddDate(0, s.StaleMonths, 0))
}

// reminder is one e-mail to send to a project's carriers.
type reminder struct {
	c      *campaign.Campaign
	p      Project
	report bool // the report is late; otherwise the project has had no news
}

// marks are a project's last reminders.
type marks struct{ stale, report *time.Time }

// dueReminders lists the reminders due at now, over every campaign with projects granted or
// in progress.
func dueReminders(ctx context.Context, q db.Querier, now time.Time) ([]reminder, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT d.campaign_id FROM dossiers d JOIN review_grants g ON g.dossier_id = d.id
		WHERE d.state IN ('granted', 'in_progress') ORDER BY d.campaign_id`)
	if err != nil {
		return nil, fmt.Errorf("campaigns to remind: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []reminder
	for _, id := range ids {
		c, err := campaign.ByID(ctx, q, id)
		if err != nil {
			return nil, err
		}
		s, err := SettingsOf(ctx, q, id)
		if err != nil {
			return nil, err
		}
		start, err := grantedAt(ctx, q, c)
		if err != nil {
			return nil, err
		}
		ps, err := Projects(ctx, q, id)
		if err != nil {
			return nil, err
		}
		ms, err := reminderMarks(ctx, q, id)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			m := ms[p.DossierID]
			if reportReminderDue(s, c.Location(), p, m.report, now) {
				out = append(out, reminder{c: c, p: p, report: true})
			}
			if staleReminderDue(s, p, start, m.stale, now) {
				out = append(out, reminder{c: c, p: p})
			}
		}
	}
	return out, nil
}

// grantedAt is when the campaign's projects were granted: the day of the Commission
// permanente's decision, zero without one.
func grantedAt(ctx context.Context, q db.Querier, c *campaign.Campaign) (time.Time, error) {
	var on string
	err := q.QueryRowContext(ctx, "SELECT decided_on FROM review_decisions WHERE campaign_id = $1", c.ID).Scan(&on)
	if db.IsNotFound(err) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read decision: %w", err)
	}
	d, err := campaign.ParseDate(on)
	if err != nil {
		return time.Time{}, nil
	}
	return d.DayStart(c.Location()).UTC(), nil
}

func reminderMarks(ctx context.Context, q db.Querier, campaignID int64) (map[int64]marks, error) {
	rows, err := q.QueryContext(ctx, `SELECT dossier_id, stale_reminded_at, report_reminded_at FROM followup_projects
		WHERE campaign_id = $1`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("read reminders: %w", err)
	}
	defer rows.Close()
	out := map[int64]marks{}
	for rows.Next() {
		var id int64
		var stale, report sql.NullTime
		if err := rows.Scan(&id, &stale, &report); err != nil {
			return nil, err
		}
		out[id] = marks{stale: timePtr(stale), report: timePtr(report)}
	}
	return out, rows.Err()
}

// errNothingDue rolls back a reminders' run that found nothing left to send.
var errNothingDue = errors.New("no follow-up reminder due")

// Remind e-mails the carriers of the projects granted or in progress whose final report is
// late (the campaign's due date passed, no report or one sent back: at most once every
// ReportRemindEvery) or that have had no published update for the campaign's StaleMonths
// (since the grant or the last update: once per period). The marks and the e-mails commit
// together, with one audit entry per run (followup.remind, the projects reminded); a run
// with nothing due writes nothing. The background worker calls it every few minutes; it
// returns how many projects were reminded.
func Remind(ctx context.Context, env Env, now time.Time) (int, error) {
	now = utc(now)
	d := env.Change.DB
	due, err := dueReminders(ctx, d, now)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	sent := 0
	cenv := change.Env{DB: d, Now: func() time.Time { return now }}
	_, err = change.Do(ctx, cenv, change.Request{Who: change.System("worker"), Action: "followup.remind", EntityKind: "followup",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			sent = 0
			if err := d.Lock(ctx, tx, "followup_reminders"); err != nil {
				return change.Outcome{}, err
			}
			due, err := dueReminders(ctx, tx, now)
			if err != nil {
				return change.Outcome{}, err
			}
			if len(due) == 0 {
				return change.Outcome{}, errNothingDue // another run sent them: no audit entry
			}
			var out change.Outcome
			var reports, stale []int64
			for _, r := range due {
				if err := Ensure(ctx, tx, r.c.ID, r.p.DossierID, now); err != nil {
					return change.Outcome{}, err
				}
				column := "stale_reminded_at"
				if r.report {
					column = "report_reminded_at"
					reports = append(reports, r.p.DossierID)
				} else {
					stale = append(stale, r.p.DossierID)
				}
				if _, err := tx.ExecContext(ctx, "UPDATE followup_projects SET "+column+" = $1 WHERE dossier_id = $2",
					now, r.p.DossierID); err != nil {
					return change.Outcome{}, fmt.Errorf("record follow-up reminder: %w", err)
				}
				ms, err := reminderMails(ctx, tx, env, r)
				if err != nil {
					return change.Outcome{}, err
				}
				out.Mails = append(out.Mails, ms...)
				sent++
			}
			out.After = map[string]any{"report": reports, "stale": stale}
			return out, nil
		}})
	if errors.Is(err, errNothingDue) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("follow-up reminders: %w", err)
	}
	return sent, nil
}

// UpdatesURL is the carrier's page of a project's updates.
func UpdatesURL(slug string, dossierID int64) string {
	return "/" + slug + "/dossiers/" + strconv.FormatInt(dossierID, 10) + "/suivi"
}

// reminderMails writes a reminder to each carrier of the project, in their language.
func reminderMails(ctx context.Context, q db.Querier, env Env, r reminder) ([]mail.Message, error) {
	if env.Cat == nil {
		return nil, nil
	}
	rs, err := review.Carriers(ctx, q, r.p.StructureID)
	if err != nil {
		return nil, err
	}
	base := strings.TrimRight(env.BaseURL, "/")
	var out []mail.Message
	for _, to := range rs {
		var m mail.Message
		if r.report {
			s, err := SettingsOf(ctx, q, r.c.ID)
			if err != nil {
				return nil, err
			}
			day := env.Cat.T(to.Lang, "mail.followup.remind.report.due", dayText(to.Lang, s.ReportDueOn))
			m = mail.Message{To: to.Email, Subject: env.Cat.T(to.Lang, "mail.followup.remind.report.subject"),
				Body: env.Cat.T(to.Lang, "mail.followup.remind.report.body", r.p.Title, r.c.Name, day,
					base+ReportURL(r.c.Slug, r.p.DossierID))}
		} else {
			s, err := SettingsOf(ctx, q, r.c.ID)
			if err != nil {
				return nil, err
			}
			m = mail.Message{To: to.Email, Subject: env.Cat.T(to.Lang, "mail.followup.remind.stale.subject"),
				Body: env.Cat.N(to.Lang, "mail.followup.remind.stale.body", int64(s.StaleMonths), r.p.Title, r.c.Name,
					s.StaleMonths, base+UpdatesURL(r.c.Slug, r.p.DossierID))}
		}
		m.Body += "\n\n" + env.Cat.T(to.Lang, "mail.followup.remind.signature")
		out = append(out, m)
	}
	return out, nil
}

// dayText is a calendar day in words ("31 décembre 2019").
func dayText(lang i18n.Lang, d campaign.Date) string {
	return i18n.LongDate(lang, d.DayStart(time.UTC))
}
