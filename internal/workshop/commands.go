package workshop

import (
	"context"
	"strconv"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/territory"
)

// The changes made to the comptoirs: an agent creates, edits and cancels sessions, a person
// joins and leaves one, an animator records who came. Each is one change (change.Do): the
// check of who acts and when, the change through the store functions, the audit entry and
// the e-mails commit together.

// Env is what the workshop commands need: the change environment, the writer of the
// e-mails and the territory data (a session's commune is checked against it).
type Env struct {
	Change    change.Env
	Mail      Mailer
	Territory *territory.Data
}

func entityID(id int64) string { return strconv.FormatInt(id, 10) }

// SessionInput is the session form of a campaign as typed; ID names the session edited (0
// for a new one).
type SessionInput struct {
	Campaign *campaign.Campaign
	ID       int64
	Form     Form
}

// parse reads the form of a session of c, checked against the campaign's animators (read
// through q) and the seats taken already. Invalid input is field errors (an apperr Invalid).
func (env Env) parse(ctx context.Context, q db.Querier, c *campaign.Campaign, f Form, registered int) (Session, error) {
	cands, err := AnimatorCandidates(ctx, q, c.ID)
	if err != nil {
		return Session{}, err
	}
	ids := map[int64]bool{}
	for _, a := range cands {
		ids[a.ID] = true
	}
	s, fe := Parse(f, Rules{Territory: env.Territory, Departement: c.Territory, Location: c.Location(), Animators: ids,
		Registered: registered})
	return s, fe.Err()
}

// CreateSession saves a new session of the campaign (its workshop managers may, at any
// time). Invalid input is field errors named like the form's fields; nothing is saved then.
func CreateSession(ctx context.Context, env Env, who change.Who, in SessionInput) (*Session, error) {
	c := in.Campaign
	var created *Session
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermManageWorkshops, Campaign: c,
		Action: "workshop.create", EntityKind: "workshop_session",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			s, err := env.parse(ctx, tx, c, in.Form, 0)
			if err != nil {
				return change.Outcome{}, err
			}
			s.CampaignID, s.CampaignSlug, s.TimeZone = c.ID, c.Slug, c.TimeZone
			if err := Create(ctx, tx, &s, env.Change.Now()); err != nil {
				return change.Outcome{}, err
			}
			created = &s
			return change.Outcome{EntityID: entityID(s.ID), After: s}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return created, nil
}

// EditSession saves an edited session of the campaign (its workshop managers may, at any
// time); a larger capacity moves people up from the waiting list, who are told. A cancelled
// session is an apperr Conflict, invalid input field errors (the capacity cannot go below
// the seats taken); nothing is saved then.
func EditSession(ctx context.Context, env Env, who change.Who, in SessionInput) (*Session, error) {
	c := in.Campaign
	var edited *Session
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermManageWorkshops, Campaign: c,
		Action: "workshop.update", EntityKind: "workshop_session",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			before, err := InCampaign(ctx, tx, c.ID, in.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			if before.Cancelled() {
				return change.Outcome{}, apperr.New(apperr.Conflict, "workshop.error.cancelled")
			}
			s, err := env.parse(ctx, tx, c, in.Form, before.Registered)
			if err != nil {
				return change.Outcome{}, err
			}
			s.ID, s.CampaignID, s.CampaignSlug, s.TimeZone = before.ID, c.ID, c.Slug, c.TimeZone
			if err := Update(ctx, tx, &s, env.Change.Now()); err != nil {
				return change.Outcome{}, err
			}
			out := change.Outcome{EntityID: entityID(s.ID), Before: before, After: s}
			promoted, err := FillSeats(ctx, env.Change.DB, tx, s.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			if edited, err = ByID(ctx, tx, s.ID); err != nil {
				return change.Outcome{}, err
			}
			out.Mails = env.Mail.messages(MailMovedUp, promoted, *edited)
			return out, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return edited, nil
}

// SessionRef names a session of a campaign.
type SessionRef struct {
	Campaign *campaign.Campaign
	ID       int64
}

// CancelSession cancels a session of the campaign (its workshop managers may, at any time)
// and tells everyone registered or waiting. A session cancelled already is an apperr
// Conflict.
func CancelSession(ctx context.Context, env Env, who change.Who, in SessionRef) error {
	c := in.Campaign
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermManageWorkshops, Campaign: c,
		Action: "workshop.cancel", EntityKind: "workshop_session",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			s, err := InCampaign(ctx, tx, c.ID, in.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			regs, err := Cancel(ctx, tx, s.ID, env.Change.Now())
			if err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: entityID(s.ID), Before: map[string]any{"cancelled": false},
				After: map[string]any{"cancelled": true, "told": len(regs)},
				Mails: env.Mail.messages(MailCancelled, regs, *s)}, nil
		},
	})
	return err
}

// messages writes the e-mail of kind about s to each person of regs; none from a zero
// Mailer.
func (m Mailer) messages(kind string, regs []Registration, s Session) []mail.Message {
	if m.quiet() {
		return nil
	}
	var out []mail.Message
	for _, r := range regs {
		out = append(out, m.Message(kind, r, s))
	}
	return out
}

// PersonInput names a session of a campaign and the account concerned: for a person, 0 or
// their own (nobody joins or leaves a session for someone else); the platform (a change made
// by the system, the demo's seeding) names it.
type PersonInput struct {
	Campaign  *campaign.Campaign
	SessionID int64
	AccountID int64
}

// accountOf is the account a person change is about, or an apperr Forbidden when a person
// names someone else.
func (in PersonInput) accountOf(who change.Who) (int64, error) {
	if who.IsSystem() {
		if in.AccountID == 0 {
			return 0, apperr.New(apperr.Invalid, "error.invalid_form")
		}
		return in.AccountID, nil
	}
	if !who.Actor.SignedIn() {
		return 0, nil // change.Do refuses a visitor
	}
	if in.AccountID != 0 && in.AccountID != who.Actor.ID() {
		return 0, apperr.New(apperr.Forbidden, "error.forbidden")
	}
	return who.Actor.ID(), nil
}

// Join registers a signed-in person to a session of the campaign while the comptoirs phase
// is open: a seat if one is left, else the waiting list; either way an e-mail says which.
// A cancelled or ended session, or a second registration, is an apperr Conflict.
func Join(ctx context.Context, env Env, who change.Who, in PersonInput) (Registration, error) {
	accountID, err := in.accountOf(who)
	if err != nil {
		return Registration{}, err
	}
	c := in.Campaign
	var reg Registration
	_, err = change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermSignedIn, Campaign: c.During(campaign.PhaseComptoirs),
		Action: "workshop.register", EntityKind: "workshop_registration",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			var err error
			if _, err := InCampaign(ctx, tx, c.ID, in.SessionID); err != nil {
				return change.Outcome{}, err
			}
			if reg, err = Register(ctx, env.Change.DB, tx, in.SessionID, accountID, env.Change.Now()); err != nil {
				return change.Outcome{}, err
			}
			s, err := ByID(ctx, tx, in.SessionID)
			if err != nil {
				return change.Outcome{}, err
			}
			// The registration as read back carries the person's address, name and language.
			r, err := RegistrationOf(ctx, tx, s.ID, accountID)
			if err != nil {
				return change.Outcome{}, err
			}
			reg = *r
			kind := MailRegistered
			if reg.Status == Waiting {
				kind = MailWaiting
			}
			return change.Outcome{EntityID: entityID(reg.ID),
				After: map[string]any{"session": s.ID, "account": accountID, "status": reg.Status},
				Mails: env.Mail.messages(kind, []Registration{reg}, *s)}, nil
		},
	})
	if err != nil {
		return Registration{}, err
	}
	return reg, nil
}

// Leave cancels a person's registration to a session of the campaign (seat or waiting list,
// at any time); a freed seat goes to the first person of the waiting list, who is told by
// e-mail. Someone not registered is an apperr Conflict.
func Leave(ctx context.Context, env Env, who change.Who, in PersonInput) error {
	accountID, err := in.accountOf(who)
	if err != nil {
		return err
	}
	c := in.Campaign
	_, err = change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermSignedIn, Campaign: c,
		Action: "workshop.unregister", EntityKind: "workshop_registration",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if _, err := InCampaign(ctx, tx, c.ID, in.SessionID); err != nil {
				return change.Outcome{}, err
			}
			removed, promoted, err := Unregister(ctx, env.Change.DB, tx, in.SessionID, accountID)
			if err != nil {
				return change.Outcome{}, err
			}
			out := change.Outcome{EntityID: entityID(removed.ID),
				Before: map[string]any{"session": in.SessionID, "account": removed.AccountID, "status": removed.Status}}
			if len(promoted) == 0 {
				return out, nil
			}
			s, err := ByID(ctx, tx, in.SessionID)
			if err != nil {
				return change.Outcome{}, err
			}
			var moved []int64
			for _, p := range promoted {
				moved = append(moved, p.AccountID)
			}
			out.After = map[string]any{"moved_up": moved}
			out.Mails = env.Mail.messages(MailMovedUp, promoted, *s)
			return out, nil
		},
	})
	return err
}

// AttendanceInput is the attendance sheet of a session: the mark of each account (present,
// absent, or Unmarked to clear it).
type AttendanceInput struct {
	Campaign  *campaign.Campaign
	SessionID int64
	Marks     map[int64]Attendance
}

// CanMark refuses to record that someone came to, or missed, a session that has not
// started: attendance unlocks dossier filing, so a mark made ahead of time would open it
// early. Clearing marks is always allowed.
func CanMark(s Session, marks map[int64]Attendance, now time.Time) error {
	if !now.Before(s.StartsAt) {
		return nil
	}
	for _, a := range marks {
		if a != Unmarked {
			return apperr.New(apperr.Conflict, "workshop.error.attendance_before_start")
		}
	}
	return nil
}

// RecordAttendance records the marks of a session's seats (the campaign's animators and
// workshop managers may, from the session's start; see CanMark). Only the marks that change are written and audited;
// marks of accounts without a seat are ignored. An unknown mark is an apperr Invalid and
// nothing is saved.
func RecordAttendance(ctx context.Context, env Env, who change.Who, in AttendanceInput) error {
	for _, a := range in.Marks {
		if !a.Valid() {
			return apperr.New(apperr.Invalid, "workshop.error.attendance_invalid")
		}
	}
	c := in.Campaign
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermMarkAttendance, Campaign: c,
		Action: "workshop.attendance", EntityKind: "workshop_session",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			s, err := InCampaign(ctx, tx, c.ID, in.SessionID)
			if err != nil {
				return change.Outcome{}, err
			}
			if err := CanMark(*s, in.Marks, env.Change.Now()); err != nil {
				return change.Outcome{}, err
			}
			regs, err := Registrations(ctx, tx, in.SessionID)
			if err != nil {
				return change.Outcome{}, err
			}
			before, after := map[string]string{}, map[string]string{}
			for _, reg := range regs {
				mark, sent := in.Marks[reg.AccountID]
				if reg.Status != Registered || !sent || mark == reg.Attendance {
					continue
				}
				if err := MarkAttendance(ctx, tx, in.SessionID, reg.AccountID, mark, env.Change.Now()); err != nil {
					return change.Outcome{}, err
				}
				id := strconv.FormatInt(reg.AccountID, 10)
				before[id], after[id] = string(reg.Attendance), string(mark)
			}
			return change.Outcome{EntityID: entityID(in.SessionID), Before: before, After: after}, nil
		},
	})
	return err
}
