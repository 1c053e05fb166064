package review

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
)

// The committee's schedule: the settings of a campaign (reviewers per dossier, quorum, due
// date), the overdue reviews, the e-mails to the members when dossiers are given to them
// and when the due date nears, and the quorum a labelling decision needs.

// DefaultQuorum is the fewest reviews handed in per dossier until agents set it.
const DefaultQuorum = 1

// MaxSetting is the largest number of reviewers or quorum a campaign can ask for.
const MaxSetting = 9

// Settings are a campaign's committee settings.
type Settings struct {
	MinReviewers int
	// Quorum is the fewest reviews handed in a dossier needs before an agent records a
	// labelling decision on it without an override.
	Quorum int
	// DueOn is the day the reviews are due, in the campaign's time zone (zero: none); DueAt
	// is its last second.
	DueOn campaign.Date
	DueAt time.Time
}

// HasDue reports whether a due date is set.
func (s Settings) HasDue() bool { return !s.DueOn.IsZero() }

// SettingsOf returns the campaign's committee settings (the defaults until agents save them).
func SettingsOf(ctx context.Context, q db.Querier, campaignID int64) (Settings, error) {
	s := Settings{MinReviewers: DefaultMinReviewers, Quorum: DefaultQuorum}
	var due sql.NullString
	var at sql.NullTime
	err := q.QueryRowContext(ctx, "SELECT min_reviewers, quorum, due_on, due_at FROM review_settings WHERE campaign_id = $1",
		campaignID).Scan(&s.MinReviewers, &s.Quorum, &due, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read review settings: %w", err)
	}
	if due.Valid && at.Valid {
		if s.DueOn, err = campaign.ParseDate(due.String); err != nil {
			return s, fmt.Errorf("read review due date: %w", err)
		}
		s.DueAt = at.Time.UTC()
	}
	return s, nil
}

// ParseSettings reads the settings form of campaign c: the numbers (1 to MaxSetting, the
// quorum no more than the reviewers per dossier: a quorum nobody is assigned to reach would
// force an override on every dossier) and the due date, empty or a day of the labelling
// phase. lang is the language the phase's dates are written in, in the message.
func ParseSettings(c *campaign.Campaign, lang i18n.Lang, minReviewers, quorum, dueOn string) (Settings, apperr.FieldErrors) {
	fe := apperr.FieldErrors{}
	s := Settings{}
	var err error
	if s.MinReviewers, err = strconv.Atoi(strings.TrimSpace(minReviewers)); err != nil || s.MinReviewers < 1 || s.MinReviewers > MaxSetting {
		fe.Add("min_reviewers", "review.settings.min_invalid", MaxSetting)
	}
	if s.Quorum, err = strconv.Atoi(strings.TrimSpace(quorum)); err != nil || s.Quorum < 1 || s.Quorum > MaxSetting {
		fe.Add("quorum", "committee.quorum.invalid", MaxSetting)
	}
	if dueOn = strings.TrimSpace(dueOn); dueOn != "" {
		d, err := campaign.ParseDate(dueOn)
		if t, terr := time.Parse("02/01/2006", dueOn); err != nil && terr == nil {
			d, err = campaign.DateOf(t), nil // typed by hand where the browser has no date field
		}
		if err != nil {
			fe.Add("due_on", "committee.due.invalid")
		} else {
			s.DueOn = d
		}
	}
	for k, m := range s.check(c, lang) {
		if !fe.Has(k) {
			fe[k] = m
		}
	}
	return s, fe
}

// check validates settings against each other and against the campaign's labelling phase,
// and sets DueAt from DueOn.
func (s *Settings) check(c *campaign.Campaign, lang i18n.Lang) apperr.FieldErrors {
	fe := apperr.FieldErrors{}
	if s.MinReviewers < 1 || s.MinReviewers > MaxSetting {
		fe.Add("min_reviewers", "review.settings.min_invalid", MaxSetting)
	}
	if s.Quorum < 1 || s.Quorum > MaxSetting {
		fe.Add("quorum", "committee.quorum.invalid", MaxSetting)
	} else if s.MinReviewers >= 1 && s.Quorum > s.MinReviewers {
		fe.Add("quorum", "committee.quorum.above_reviewers", s.MinReviewers)
	}
	s.DueAt = time.Time{}
	if s.DueOn.IsZero() {
		return fe
	}
	first, last, ok := c.Days(campaign.PhaseLabelling)
	if !ok {
		fe.Add("due_on", "committee.due.no_phase")
		return fe
	}
	loc := c.Location()
	if s.DueOn.DayStart(loc).Before(first.DayStart(loc)) || s.DueOn.DayStart(loc).After(last.DayStart(loc)) {
		fe.Add("due_on", "committee.due.outside", i18n.Date(lang, first.DayStart(loc)), i18n.Date(lang, last.DayStart(loc)))
		return fe
	}
	s.DueAt = s.DueOn.DayEnd(loc).UTC()
	return fe
}

// PutSettings stores the settings (checked by the caller with ParseSettings or Configure).
func PutSettings(ctx context.Context, q db.Querier, campaignID int64, s Settings, now time.Time) error {
	var due sql.NullString
	var at sql.NullTime
	if s.HasDue() {
		due = sql.NullString{String: s.DueOn.String(), Valid: true}
		at = sql.NullTime{Time: utc(s.DueAt), Valid: true}
	}
	_, err := q.ExecContext(ctx, `INSERT INTO review_settings (campaign_id, min_reviewers, quorum, due_on, due_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (campaign_id) DO UPDATE SET min_reviewers = excluded.min_reviewers,
		quorum = excluded.quorum, due_on = excluded.due_on, due_at = excluded.due_at, updated_at = excluded.updated_at`,
		campaignID, s.MinReviewers, s.Quorum, due, at, utc(now))
	if err != nil {
		return fmt.Errorf("save review settings: %w", err)
	}
	return nil
}

// settingsAudit is what the audit entry keeps of the settings.
func settingsAudit(s Settings) map[string]any {
	m := map[string]any{"min_reviewers": s.MinReviewers, "quorum": s.Quorum, "due_on": nil}
	if s.HasDue() {
		m["due_on"] = s.DueOn.String()
	}
	return m
}

// Configure saves the campaign's committee settings, checked against the labelling phase.
// Audited with the settings before and after.
func Configure(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, s Settings) error {
	if fe := s.check(c, i18n.FR); len(fe) > 0 {
		return fe.Err()
	}
	r := request(who, c, dossier.Transition{Perm: access.PermManageDossiers}, "settings", "campaign")
	r.Apply = func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
		old, err := SettingsOf(ctx, tx, c.ID)
		if err != nil {
			return change.Outcome{}, err
		}
		if err := PutSettings(ctx, tx, c.ID, s, env.Change.Now()); err != nil {
			return change.Outcome{}, err
		}
		return change.Outcome{EntityID: strconv.FormatInt(c.ID, 10), Before: settingsAudit(old), After: settingsAudit(s)}, nil
	}
	_, err := change.Do(ctx, env.Change, r)
	return err
}

// ---- Overdue reviews ----

// openForReview is the SQL list of the states in which a dossier still waits for reviews.
const openForReview = "('submitted', 'under_review', 'eligible')"

// Overdue lists the reviews of the campaign past their due date at now: assignments without
// a declared conflict, not handed in, of a dossier still in review. Empty when the campaign
// has no due date or it has not passed. By dossier, then assignment.
func Overdue(ctx context.Context, q db.Querier, campaignID int64, now time.Time) ([]Assignment, error) {
	return listAssignments(ctx, q, `a.campaign_id = $1 AND a.submitted_at IS NULL AND a.conflict <> 'conflict'
		AND a.dossier_id IN (SELECT id FROM dossiers WHERE campaign_id = $1 AND state IN `+openForReview+`)
		AND EXISTS (SELECT 1 FROM review_settings s WHERE s.campaign_id = $1 AND s.due_at IS NOT NULL AND s.due_at < $2)`,
		campaignID, utc(now))
}

// IsOverdue reports whether an assignment's review is overdue at now under settings s.
func IsOverdue(a Assignment, d dossier.State, s Settings, now time.Time) bool {
	open := d == dossier.StateSubmitted || d == dossier.StateUnderReview || d == dossier.StateEligible
	return s.HasDue() && now.After(s.DueAt) && open && a.Active() && !a.Review.Submitted()
}

// ---- E-mails to the members ----

// member is a committee member to write to.
type member struct {
	ID    int64
	Email string
	Name  string
	Lang  i18n.Lang
}

// membersByID reads the accounts to write to (disabled and deleted ones left out).
func membersByID(ctx context.Context, q db.Querier, ids []int64) (map[int64]member, error) {
	out := map[int64]member{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT id, email, display_name, lang FROM accounts
		WHERE disabled = FALSE AND deleted_at IS NULL AND id IN (`+db.Placeholders(1, len(args))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("committee members to write to: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m member
		var lang string
		if err := rows.Scan(&m.ID, &m.Email, &m.Name, &lang); err != nil {
			return nil, fmt.Errorf("read member: %w", err)
		}
		m.Lang = i18n.FR
		if l, ok := i18n.Parse(lang); ok {
			m.Lang = l
		}
		out[m.ID] = m
	}
	return out, rows.Err()
}

// MemberURL is the member's list of assigned dossiers.
func MemberURL(slug string) string { return "/" + slug + "/comite" }

// plural picks key or key_one for n.
func plural(key string, n int) string {
	if n == 1 {
		return key + "_one"
	}
	return key
}

// dueLine is the sentence about the due date in a member's e-mail ("" without one).
func dueLine(env Env, lang i18n.Lang, c *campaign.Campaign, s Settings) string {
	if !s.HasDue() {
		return ""
	}
	return "\n\n" + env.Cat.T(lang, "mail.committee.due", i18n.LongDate(lang, s.DueOn.DayStart(c.Location())))
}

// assignedMails writes one e-mail per member of pairs, saying how many dossiers they were
// just given. The platform's own assignments (the demo's seeding) write none: they are not
// a request to work now.
func assignedMails(ctx context.Context, tx *db.Tx, env Env, who change.Who, c *campaign.Campaign, pairs []Pair) ([]mail.Message, error) {
	if who.IsSystem() || env.Cat == nil || len(pairs) == 0 {
		return nil, nil
	}
	count := map[int64]int{}
	var ids []int64
	for _, p := range pairs {
		if count[p.AccountID] == 0 {
			ids = append(ids, p.AccountID)
		}
		count[p.AccountID]++
	}
	ms, err := membersByID(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	s, err := SettingsOf(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	link := strings.TrimRight(env.BaseURL, "/") + MemberURL(c.Slug)
	var out []mail.Message
	for _, id := range ids {
		m, ok := ms[id]
		if !ok {
			continue
		}
		n := count[id]
		out = append(out, mail.Message{To: m.Email,
			// The subject holds catalog text and the number only: the campaign's name is typed on the site.
			Subject: env.Cat.T(m.Lang, plural("mail.committee.assigned.subject", n), n),
			Body: env.Cat.T(m.Lang, plural("mail.committee.assigned.body", n), m.Name, n, c.Name) + dueLine(env, m.Lang, c, s) +
				"\n\n" + env.Cat.T(m.Lang, "mail.committee.declare") + "\n\n" + env.Cat.T(m.Lang, "mail.committee.link", link) +
				"\n\n" + env.Cat.T(m.Lang, "mail.committee.signature")})
	}
	return out, nil
}

// errNothingDue rolls back a reminders' run that found nothing left to send.
var errNothingDue = errors.New("no committee reminder due")

// ReminderWindow is how long before the due date the members are reminded.
const ReminderWindow = 48 * time.Hour

// pendingSQL selects, per campaign whose due date is within the window at $1 and $2, the
// members with a review still to hand in and no reminder yet, with how many.
const pendingSQL = `SELECT a.campaign_id, a.account_id, COUNT(*) FROM review_assignments a
	JOIN review_settings s ON s.campaign_id = a.campaign_id
	JOIN dossiers d ON d.id = a.dossier_id
	WHERE s.due_at IS NOT NULL AND s.due_at > $1 AND s.due_at <= $2
	AND a.submitted_at IS NULL AND a.conflict <> 'conflict' AND d.state IN ` + openForReview + `
	AND NOT EXISTS (SELECT 1 FROM review_reminders r WHERE r.campaign_id = a.campaign_id AND r.account_id = a.account_id)
	GROUP BY a.campaign_id, a.account_id ORDER BY a.campaign_id, a.account_id`

// QueueReminders queues the reminder of each member who still has reviews to hand in when
// their campaign's due date is less than ReminderWindow away, once per member and campaign:
// the review_reminders row and the e-mail commit together (one audit entry per run, with the
// accounts reminded). The background worker calls it every few minutes; it returns how many
// e-mails it queued. Members who handed in every review get none.
func QueueReminders(ctx context.Context, env Env, now time.Time) (int, error) {
	now = utc(now)
	d := env.Change.DB
	var due int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM ("+pendingSQL+") x", now, now.Add(ReminderWindow)).Scan(&due); err != nil {
		return 0, fmt.Errorf("count due committee reminders: %w", err)
	}
	if due == 0 {
		return 0, nil // nothing to do: no audit entry
	}
	sent := 0
	cenv := change.Env{DB: d, Now: func() time.Time { return now }}
	_, err := change.Do(ctx, cenv, change.Request{Who: change.System("worker"), Action: "review.remind", EntityKind: "campaign",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			sent = 0
			if err := d.Lock(ctx, tx, "review_reminders"); err != nil {
				return change.Outcome{}, err
			}
			type pending struct {
				campaign, account int64
				n                 int
			}
			rows, err := tx.QueryContext(ctx, pendingSQL, now, now.Add(ReminderWindow))
			if err != nil {
				return change.Outcome{}, fmt.Errorf("pending committee reminders: %w", err)
			}
			var list []pending
			for rows.Next() {
				var p pending
				if err := rows.Scan(&p.campaign, &p.account, &p.n); err != nil {
					rows.Close()
					return change.Outcome{}, err
				}
				list = append(list, p)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return change.Outcome{}, err
			}
			var out change.Outcome
			reminded := map[string][]int64{}
			camps := map[int64]*campaign.Campaign{}
			settings := map[int64]Settings{}
			for _, p := range list {
				c := camps[p.campaign]
				if c == nil {
					if c, err = campaign.ByID(ctx, tx, p.campaign); err != nil {
						return change.Outcome{}, err
					}
					camps[p.campaign] = c
					if settings[p.campaign], err = SettingsOf(ctx, tx, p.campaign); err != nil {
						return change.Outcome{}, err
					}
				}
				s := settings[p.campaign]
				res, err := tx.ExecContext(ctx, `INSERT INTO review_reminders (campaign_id, account_id, due_at, sent_at)
					VALUES ($1, $2, $3, $4) ON CONFLICT (campaign_id, account_id) DO NOTHING`, p.campaign, p.account, utc(s.DueAt), now)
				if err != nil {
					return change.Outcome{}, fmt.Errorf("record committee reminder: %w", err)
				}
				if n, _ := res.RowsAffected(); n == 0 {
					continue
				}
				key := strconv.FormatInt(p.campaign, 10)
				reminded[key] = append(reminded[key], p.account)
				ms, err := membersByID(ctx, tx, []int64{p.account})
				if err != nil {
					return change.Outcome{}, err
				}
				m, ok := ms[p.account]
				if !ok || env.Cat == nil {
					continue
				}
				day := i18n.LongDate(m.Lang, s.DueOn.DayStart(c.Location()))
				link := strings.TrimRight(env.BaseURL, "/") + MemberURL(c.Slug)
				out.Mails = append(out.Mails, mail.Message{To: m.Email,
					Subject: env.Cat.T(m.Lang, "mail.committee.reminder.subject", day),
					Body: env.Cat.T(m.Lang, plural("mail.committee.reminder.body", p.n), m.Name, c.Name, p.n, day) +
						"\n\n" + env.Cat.T(m.Lang, "mail.committee.link", link) + "\n\n" + env.Cat.T(m.Lang, "mail.committee.signature")})
				sent++
			}
			if len(reminded) == 0 {
				return change.Outcome{}, errNothingDue // another run took them: no audit entry
			}
			// Account ids only: no address in the audit log.
			out.After = map[string]any{"reminded": reminded}
			return out, nil
		}})
	if errors.Is(err, errNothingDue) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("committee reminders: %w", err)
	}
	return sent, nil
}

// ---- Quorum ----

// QuorumOverride is what the audit entry of a decision keeps when it was recorded below the
// campaign's quorum.
type QuorumOverride struct {
	Reviews int    `json:"reviews"`
	Quorum  int    `json:"quorum"`
	Reason  string `json:"reason"`
}

// needsQuorum reports whether a decision to state to is a labelling decision, bound by the
// quorum. Starting the review and the eligibility step are not: they come before the reviews.
func needsQuorum(to dossier.State) bool {
	return to == dossier.StateLabelled || to == dossier.StateNotLabelled || to == dossier.StateIneligible
}

// ReturnedReviews counts the reviews handed in for each dossier of the list.
func ReturnedReviews(ctx context.Context, q db.Querier, dossierIDs []int64) (map[int64]int, error) {
	out := map[int64]int{}
	for start := 0; start < len(dossierIDs); start += 500 {
		part := dossierIDs[start:min(start+500, len(dossierIDs))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := q.QueryContext(ctx, `SELECT dossier_id, COUNT(*) FROM review_assignments WHERE submitted_at IS NOT NULL
			AND conflict = 'none' AND dossier_id IN (`+db.Placeholders(1, len(args))+`) GROUP BY dossier_id`, args...)
		if err != nil {
			return nil, fmt.Errorf("count returned reviews: %w", err)
		}
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkQuorum refuses the labelling decisions among steps whose dossier has fewer reviews
// handed in than the campaign's quorum, unless the step carries an override with a reason.
// It returns the overrides used, by dossier, for the audit entry. The platform's own
// changes (the demo's seeding, the command line) are not bound, as they are not by phases.
func checkQuorum(ctx context.Context, tx *db.Tx, who change.Who, c *campaign.Campaign, steps []Step) (map[int64]*QuorumOverride, error) {
	if who.IsSystem() {
		return nil, nil
	}
	var ids []int64
	for _, s := range steps {
		if needsQuorum(s.To) {
			ids = append(ids, s.DossierID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	settings, err := SettingsOf(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	counts, err := ReturnedReviews(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64]*QuorumOverride{}
	for _, s := range steps {
		n := counts[s.DossierID]
		if !needsQuorum(s.To) || n >= settings.Quorum {
			continue
		}
		reason := trimmed(s.OverrideReason)
		fe := apperr.FieldErrors{}
		switch {
		case !s.Override:
			fe.Add("override", "committee.quorum.below", s.DossierID, settings.Quorum, n)
		case reason == "":
			fe.Add("override_reason", "committee.quorum.reason_required")
		case tooLong(reason, MaxMotivation):
			fe.Add("override_reason", "review.too_long", MaxMotivation)
		}
		if len(fe) > 0 {
			return nil, fe.Err()
		}
		out[s.DossierID] = &QuorumOverride{Reviews: n, Quorum: settings.Quorum, Reason: reason}
	}
	return out, nil
}
