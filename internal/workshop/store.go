package workshop

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/search"
)

func errNotFound() error { return apperr.New(apperr.NotFound, "workshop.error.not_found") }

// Create saves a new session and its animators; it sets s.ID, CreatedAt and UpdatedAt.
func Create(ctx context.Context, q db.Querier, s *Session, now time.Time) error {
	now = now.UTC()
	err := q.QueryRowContext(ctx, `INSERT INTO workshop_sessions
		(campaign_id, title, description, topics, host, address, commune, starts_at, ends_at, capacity, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
		s.CampaignID, s.Title, s.Description, JoinTopics(s.Topics), s.Host, s.Address, s.Commune,
		s.StartsAt.UTC(), s.EndsAt.UTC(), s.Capacity, now).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("insert workshop session: %w", err)
	}
	s.CreatedAt, s.UpdatedAt = now, now
	if err := search.Reindex(ctx, q, search.Sessions, s.ID); err != nil {
		return err
	}
	return setAnimators(ctx, q, s.ID, s.Animators)
}

// Update saves an edited session (the fields of the form) and its animators.
func Update(ctx context.Context, q db.Querier, s *Session, now time.Time) error {
	now = now.UTC()
	res, err := q.ExecContext(ctx, `UPDATE workshop_sessions SET title = $1, description = $2, topics = $3, host = $4,
		address = $5, commune = $6, starts_at = $7, ends_at = $8, capacity = $9, updated_at = $10 WHERE id = $11`,
		s.Title, s.Description, JoinTopics(s.Topics), s.Host, s.Address, s.Commune, s.StartsAt.UTC(), s.EndsAt.UTC(),
		s.Capacity, now, s.ID)
	if err != nil {
		return fmt.Errorf("update workshop session %d: %w", s.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNotFound()
	}
	s.UpdatedAt = now
	if err := search.Reindex(ctx, q, search.Sessions, s.ID); err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, "DELETE FROM workshop_animators WHERE session_id = $1", s.ID); err != nil {
		return fmt.Errorf("reset animators of session %d: %w", s.ID, err)
	}
	return setAnimators(ctx, q, s.ID, s.Animators)
}

func setAnimators(ctx context.Context, q db.Querier, sessionID int64, ids []int64) error {
	for _, a := range ids {
		if _, err := q.ExecContext(ctx, "INSERT INTO workshop_animators (session_id, account_id) VALUES ($1, $2)", sessionID, a); err != nil {
			return fmt.Errorf("add animator %d to session %d: %w", a, sessionID, err)
		}
	}
	return nil
}

const sessionColumns = `s.id, s.campaign_id, s.title, s.description, s.topics, s.host, s.address, s.commune,
	s.starts_at, s.ends_at, s.capacity, s.cancelled_at, s.created_at, s.updated_at, c.slug, c.timezone,
	(SELECT COUNT(*) FROM workshop_registrations r WHERE r.session_id = s.id AND r.status = 'registered'),
	(SELECT COUNT(*) FROM workshop_registrations r WHERE r.session_id = s.id AND r.status = 'waiting')`

func querySessions(ctx context.Context, q db.Querier, where string, args ...any) ([]Session, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+sessionColumns+` FROM workshop_sessions s
		JOIN campaigns c ON c.id = s.campaign_id WHERE `+where+` ORDER BY s.starts_at, s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list workshop sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	index := map[int64]int{}
	for rows.Next() {
		var s Session
		var topics string
		var cancelled sql.NullTime
		if err := rows.Scan(&s.ID, &s.CampaignID, &s.Title, &s.Description, &topics, &s.Host, &s.Address, &s.Commune,
			&s.StartsAt, &s.EndsAt, &s.Capacity, &cancelled, &s.CreatedAt, &s.UpdatedAt, &s.CampaignSlug, &s.TimeZone,
			&s.Registered, &s.Waiting); err != nil {
			return nil, fmt.Errorf("scan workshop session: %w", err)
		}
		s.Topics = ParseTopics(topics)
		s.StartsAt, s.EndsAt, s.CreatedAt, s.UpdatedAt = s.StartsAt.UTC(), s.EndsAt.UTC(), s.CreatedAt.UTC(), s.UpdatedAt.UTC()
		if cancelled.Valid {
			t := cancelled.Time.UTC()
			s.CancelledAt = &t
		}
		index[s.ID] = len(out)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list workshop sessions: %w", err)
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]any, 0, len(out))
	for _, s := range out {
		ids = append(ids, s.ID)
	}
	// Animators, in batches to stay under parameter limits.
	for start := 0; start < len(ids); start += 500 {
		batch := ids[start:min(start+500, len(ids))]
		arows, err := q.QueryContext(ctx, "SELECT session_id, account_id FROM workshop_animators WHERE session_id IN ("+
			db.Placeholders(1, len(batch))+") ORDER BY session_id, account_id", batch...)
		if err != nil {
			return nil, fmt.Errorf("list animators: %w", err)
		}
		for arows.Next() {
			var sid, aid int64
			if err := arows.Scan(&sid, &aid); err != nil {
				arows.Close()
				return nil, fmt.Errorf("scan animator: %w", err)
			}
			out[index[sid]].Animators = append(out[index[sid]].Animators, aid)
		}
		err = arows.Err()
		arows.Close()
		if err != nil {
			return nil, fmt.Errorf("list animators: %w", err)
		}
	}
	return out, nil
}

// ByID returns a session with its counts and animators, or an apperr NotFound.
func ByID(ctx context.Context, q db.Querier, id int64) (*Session, error) {
	list, err := querySessions(ctx, q, "s.id = $1", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errNotFound()
	}
	return &list[0], nil
}

// InCampaign returns a session of the campaign (NotFound if it belongs to another one).
func InCampaign(ctx context.Context, q db.Querier, campaignID, id int64) (*Session, error) {
	s, err := ByID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if s.CampaignID != campaignID {
		return nil, errNotFound()
	}
	return s, nil
}

// List returns every session of a campaign, cancelled ones included, by start.
func List(ctx context.Context, q db.Querier, campaignID int64) ([]Session, error) {
	return querySessions(ctx, q, "s.campaign_id = $1", campaignID)
}

// Upcoming returns the campaign's sessions that are not cancelled and not over at now, by
// start date.
func Upcoming(ctx context.Context, q db.Querier, campaignID int64, now time.Time) ([]Session, error) {
	return querySessions(ctx, q, "s.campaign_id = $1 AND s.cancelled_at IS NULL AND s.ends_at > $2", campaignID, now.UTC())
}

// AnimatorCandidate is an account that may animate the campaign's sessions.
type AnimatorCandidate struct {
	ID          int64
	Email, Name string
}

// AnimatorCandidates lists the accounts holding the animator role for the campaign (or
// globally), not disabled, by name.
func AnimatorCandidates(ctx context.Context, q db.Querier, campaignID int64) ([]AnimatorCandidate, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT a.id, a.email, a.display_name FROM accounts a
		JOIN account_roles r ON r.account_id = a.id
		WHERE r.role = 'animator' AND (r.campaign_id = $1 OR r.campaign_id IS NULL) AND NOT a.disabled
		ORDER BY a.display_name, a.email`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("list animators: %w", err)
	}
	defer rows.Close()
	var out []AnimatorCandidate
	for rows.Next() {
		var c AnimatorCandidate
		if err := rows.Scan(&c.ID, &c.Email, &c.Name); err != nil {
			return nil, fmt.Errorf("scan animator: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Register registers accountID to the session inside tx: with a seat if one is left, else on
// the waiting list. Concurrent registrations to one session are serialised (a named lock on
// PostgreSQL; SQLite's write transactions are serial already), so the seats are never
// over-booked. It refuses a cancelled or ended session and a second registration (a
// session in progress takes walk-ins).
func Register(ctx context.Context, d *db.DB, tx *db.Tx, sessionID, accountID int64, now time.Time) (Registration, error) {
	if err := d.Lock(ctx, tx, "workshop_session:"+strconv.FormatInt(sessionID, 10)); err != nil {
		return Registration{}, err
	}
	s, err := ByID(ctx, tx, sessionID)
	if err != nil {
		return Registration{}, err
	}
	switch {
	case s.Cancelled():
		return Registration{}, apperr.New(apperr.Conflict, "workshop.error.cancelled")
	case !now.Before(s.EndsAt):
		// Until the end: someone who walks into a comptoir in progress registers on the spot
		// and can be marked present.
		return Registration{}, apperr.New(apperr.Conflict, "workshop.error.ended")
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM workshop_registrations WHERE session_id = $1 AND account_id = $2",
		sessionID, accountID).Scan(&n); err != nil {
		return Registration{}, fmt.Errorf("check registration: %w", err)
	}
	if n > 0 {
		return Registration{}, apperr.New(apperr.Conflict, "workshop.error.already_registered")
	}
	reg := Registration{SessionID: sessionID, AccountID: accountID, Status: Registered, CreatedAt: now.UTC()}
	if s.Full() {
		reg.Status = Waiting
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO workshop_registrations (session_id, account_id, status, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, sessionID, accountID, string(reg.Status), reg.CreatedAt).Scan(&reg.ID)
	if db.IsUniqueViolation(err) {
		return Registration{}, apperr.New(apperr.Conflict, "workshop.error.already_registered")
	}
	if err != nil {
		return Registration{}, fmt.Errorf("insert registration: %w", err)
	}
	return reg, nil
}

// Unregister removes accountID's registration (seat or waiting list). When it freed a seat,
// the first person of the waiting list gets it: that registration is returned (nil if none).
func Unregister(ctx context.Context, d *db.DB, tx *db.Tx, sessionID, accountID int64) (removed Registration, promoted []Registration, err error) {
	if err := d.Lock(ctx, tx, "workshop_session:"+strconv.FormatInt(sessionID, 10)); err != nil {
		return Registration{}, nil, err
	}
	regs, err := Registrations(ctx, tx, sessionID)
	if err != nil {
		return Registration{}, nil, err
	}
	found := false
	for _, r := range regs {
		if r.AccountID == accountID {
			removed, found = r, true
		}
	}
	if !found {
		return Registration{}, nil, apperr.New(apperr.Conflict, "workshop.error.not_registered")
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM workshop_registrations WHERE id = $1", removed.ID); err != nil {
		return Registration{}, nil, fmt.Errorf("delete registration: %w", err)
	}
	promoted, err = fillSeats(ctx, tx, sessionID)
	return removed, promoted, err
}

// fillSeats gives the free seats of a session (not cancelled, not started) to the waiting
// list, first come first served, and returns who moved up. The caller holds the session's lock.
func fillSeats(ctx context.Context, tx *db.Tx, sessionID int64) ([]Registration, error) {
	s, err := ByID(ctx, tx, sessionID)
	if err != nil {
		return nil, err
	}
	if s.Cancelled() || s.Waiting == 0 || s.Full() {
		return nil, nil
	}
	regs, err := Registrations(ctx, tx, sessionID)
	if err != nil {
		return nil, err
	}
	free := s.SeatsLeft()
	var moved []Registration
	for _, r := range regs {
		if free == 0 {
			break
		}
		if r.Status != Waiting {
			continue
		}
		if _, err := tx.ExecContext(ctx, "UPDATE workshop_registrations SET status = 'registered' WHERE id = $1", r.ID); err != nil {
			return nil, fmt.Errorf("move up registration %d: %w", r.ID, err)
		}
		r.Status = Registered
		moved = append(moved, r)
		free--
	}
	return moved, nil
}

// FillSeats is fillSeats under the session's lock, after a capacity increase.
func FillSeats(ctx context.Context, d *db.DB, tx *db.Tx, sessionID int64) ([]Registration, error) {
	if err := d.Lock(ctx, tx, "workshop_session:"+strconv.FormatInt(sessionID, 10)); err != nil {
		return nil, err
	}
	return fillSeats(ctx, tx, sessionID)
}

// Cancel marks the session cancelled and returns the people who were registered or waiting,
// to be told. Cancelling twice is refused.
func Cancel(ctx context.Context, q db.Querier, sessionID int64, now time.Time) ([]Registration, error) {
	res, err := q.ExecContext(ctx, "UPDATE workshop_sessions SET cancelled_at = $1, updated_at = $1 WHERE id = $2 AND cancelled_at IS NULL",
		now.UTC(), sessionID)
	if err != nil {
		return nil, fmt.Errorf("cancel session %d: %w", sessionID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, apperr.New(apperr.Conflict, "workshop.error.cancelled")
	}
	return Registrations(ctx, q, sessionID)
}

const registrationColumns = `r.id, r.session_id, r.account_id, a.email, a.display_name, a.lang, r.status, r.created_at,
	r.attendance, r.reminded_at`

func scanRegistration(rows *sql.Rows) (Registration, error) {
	var r Registration
	var status, att string
	var reminded sql.NullTime
	if err := rows.Scan(&r.ID, &r.SessionID, &r.AccountID, &r.Email, &r.Name, &r.Lang, &status, &r.CreatedAt, &att, &reminded); err != nil {
		return r, fmt.Errorf("scan registration: %w", err)
	}
	r.Status, r.Attendance, r.CreatedAt = Status(status), Attendance(att), r.CreatedAt.UTC()
	if reminded.Valid {
		t := reminded.Time.UTC()
		r.RemindedAt = &t
	}
	return r, nil
}

// Registrations lists a session's registrations: seats first, then the waiting list, each
// in the order they came.
func Registrations(ctx context.Context, q db.Querier, sessionID int64) ([]Registration, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+registrationColumns+` FROM workshop_registrations r
		JOIN accounts a ON a.id = r.account_id WHERE r.session_id = $1
		ORDER BY CASE r.status WHEN 'registered' THEN 0 ELSE 1 END, r.id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("list registrations: %w", err)
	}
	defer rows.Close()
	var out []Registration
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RegistrationOf returns accountID's registration to the session, if any.
func RegistrationOf(ctx context.Context, q db.Querier, sessionID, accountID int64) (*Registration, error) {
	regs, err := Registrations(ctx, q, sessionID)
	if err != nil {
		return nil, err
	}
	for i := range regs {
		if regs[i].AccountID == accountID {
			return &regs[i], nil
		}
	}
	return nil, nil
}

// ForAccount lists accountID's registrations in the campaign's sessions, by session start,
// with their place on the waiting list.
func ForAccount(ctx context.Context, q db.Querier, campaignID, accountID int64) ([]MyRegistration, error) {
	sessions, err := querySessions(ctx, q, `s.campaign_id = $1 AND s.id IN
		(SELECT session_id FROM workshop_registrations WHERE account_id = $2)`, campaignID, accountID)
	if err != nil {
		return nil, err
	}
	return myRegistrations(ctx, q, sessions, accountID)
}

// AllForAccount lists accountID's registrations in every campaign, by session start, as
// ForAccount does: what the person reads of their own data.
func AllForAccount(ctx context.Context, q db.Querier, accountID int64) ([]MyRegistration, error) {
	sessions, err := querySessions(ctx, q, `s.id IN
		(SELECT session_id FROM workshop_registrations WHERE account_id = $1)`, accountID)
	if err != nil {
		return nil, err
	}
	return myRegistrations(ctx, q, sessions, accountID)
}

// myRegistrations picks accountID's registration out of each session's, with its place on
// the waiting list.
func myRegistrations(ctx context.Context, q db.Querier, sessions []Session, accountID int64) ([]MyRegistration, error) {
	var out []MyRegistration
	for _, s := range sessions {
		regs, err := Registrations(ctx, q, s.ID)
		if err != nil {
			return nil, err
		}
		pos := 0
		for _, r := range regs {
			if r.Status == Waiting {
				pos++
			}
			if r.AccountID == accountID {
				m := MyRegistration{Registration: r, Session: s}
				if r.Status == Waiting {
					m.Position = pos
				}
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// MarkAttendance records whether a registered person came. Only seats (not the waiting
// list) are marked.
func MarkAttendance(ctx context.Context, q db.Querier, sessionID, accountID int64, a Attendance, now time.Time) error {
	if !a.Valid() {
		return apperr.New(apperr.Invalid, "workshop.error.attendance_invalid")
	}
	var at any
	if a != Unmarked {
		at = now.UTC()
	}
	res, err := q.ExecContext(ctx, `UPDATE workshop_registrations SET attendance = $1, attendance_at = $2
		WHERE session_id = $3 AND account_id = $4 AND status = 'registered'`, string(a), at, sessionID, accountID)
	if err != nil {
		return fmt.Errorf("mark attendance: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "workshop.error.not_registered")
	}
	return nil
}

// Attended reports whether the person was marked present at a session of the campaign:
// the rule a campaign may require before a dossier is filed.
func Attended(ctx context.Context, q db.Querier, campaignID, accountID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM workshop_registrations r
		JOIN workshop_sessions s ON s.id = r.session_id
		WHERE s.campaign_id = $1 AND r.account_id = $2 AND r.attendance = 'present'`, campaignID, accountID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check attendance: %w", err)
	}
	return n > 0, nil
}

// Counts are the per-commune counts of a campaign, the input of ComputeCoverage.
type Counts struct {
	Sessions, Registrations, Attendances map[string]int
}

// Measures returns the counts as coverage measures, in column order.
func (c Counts) Measures() []Measure {
	return []Measure{{MeasureSessions, c.Sessions}, {MeasureRegistrations, c.Registrations}, {MeasureAttendances, c.Attendances}}
}

// CountsByCommune counts, per commune where the sessions take place, the campaign's
// sessions (not cancelled), their registrations (seats) and attendances (present).
func CountsByCommune(ctx context.Context, q db.Querier, campaignID int64) (Counts, error) {
	c := Counts{Sessions: map[string]int{}, Registrations: map[string]int{}, Attendances: map[string]int{}}
	rows, err := q.QueryContext(ctx, `SELECT s.commune, COUNT(DISTINCT s.id),
		COUNT(r.id), COALESCE(SUM(CASE WHEN r.attendance = 'present' THEN 1 ELSE 0 END), 0)
		FROM workshop_sessions s
		LEFT JOIN workshop_registrations r ON r.session_id = s.id AND r.status = 'registered'
		WHERE s.campaign_id = $1 AND s.cancelled_at IS NULL GROUP BY s.commune`, campaignID)
	if err != nil {
		return c, fmt.Errorf("count sessions by commune: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var ns, nr, na int
		if err := rows.Scan(&code, &ns, &nr, &na); err != nil {
			return c, fmt.Errorf("scan counts: %w", err)
		}
		c.Sessions[code], c.Registrations[code], c.Attendances[code] = ns, nr, na
	}
	return c, rows.Err()
}
