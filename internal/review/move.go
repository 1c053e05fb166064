package review

import (
	"context"
	"fmt"
	"strconv"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
)

// Env is what a move needs: the change environment, the catalog the e-mails to the carriers
// and the texts of the decisions are written from, and the site's address for the links in
// the e-mails.
type Env struct {
	Change  change.Env
	Cat     *i18n.Catalog
	BaseURL string
}

// Step is one dossier moving to a state.
type Step struct {
	DossierID  int64
	To         dossier.State
	Motivation string // public: shown to the carrier
	// Override records a labelling decision below the campaign's quorum, for the reason
	// given (kept in the audit entry, not shown to the carrier). See checkQuorum.
	Override       bool
	OverrideReason string
}

// stepState is what the audit entry keeps of a step.
type stepState struct {
	Dossier    int64         `json:"dossier"`
	State      dossier.State `json:"state"`
	Motivation string        `json:"motivation,omitempty"`
	// Quorum is set when the decision was recorded below the quorum.
	Quorum *QuorumOverride `json:"quorum_override,omitempty"`
}

// request builds the change of one or several steps (all of the same transition).
func request(who change.Who, c *campaign.Campaign, t dossier.Transition, action, kind string) change.Request {
	r := change.Request{Who: who, Campaign: c, Action: "review." + action, EntityKind: kind, Permission: t.Perm}
	if !who.IsSystem() {
		r.Campaign = c.During(t.Phases...)
	}
	return r
}

// Move applies one step: checks (role, phase, current state, motivation), new state, public
// history line, audit entry and e-mail to the carrier, in one transaction.
func Move(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, s Step) error {
	t, ok := TransitionTo(s.To)
	if !ok {
		return apperr.New(apperr.Conflict, "review.illegal.unknown")
	}
	r := request(who, c, t, t.Action, "dossier")
	r.Apply = func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
		before, after, mails, err := step(ctx, env, tx, c, s, nil)
		if err != nil {
			return change.Outcome{}, err
		}
		// After the move's own checks, so that an illegal move says so first; a refusal
		// rolls the move back.
		overrides, err := checkQuorum(ctx, tx, who, c, []Step{s})
		if err != nil {
			return change.Outcome{}, err
		}
		after.Quorum = overrides[s.DossierID]
		return change.Outcome{EntityID: strconv.FormatInt(s.DossierID, 10), Before: before, After: after, Mails: mails}, nil
	}
	_, err := change.Do(ctx, env.Change, r)
	return err
}

// MoveIn applies one step inside the transaction of another change that implies it (the
// publication of a follow-up update starts a granted project): the same checks of the
// current state and motivation, the new state, the public history line, and the carriers'
// e-mails, returned for the caller's outcome. The caller's change checks who acts (with the
// transition's permission) and writes the audit entry; the transition must need no phase.
func MoveIn(ctx context.Context, env Env, tx *db.Tx, c *campaign.Campaign, s Step) ([]mail.Message, error) {
	if t, ok := TransitionTo(s.To); !ok || len(t.Phases) > 0 {
		return nil, apperr.New(apperr.Conflict, "review.illegal.unknown")
	}
	_, _, mails, err := step(ctx, env, tx, c, s, nil)
	return mails, err
}

// MoveAll applies steps of one transition in one transaction with one audit entry (kind
// "campaign", the list of dossiers before and after): all of them or none. extra runs in the
// transaction after the steps (the commission's record, the grants).
func MoveAll(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, action string, steps []Step,
	extra func(ctx context.Context, tx *db.Tx) (any, error)) error {
	if len(steps) == 0 && extra == nil {
		return apperr.New(apperr.Invalid, "review.bulk.empty")
	}
	perm := access.PermManageDossiers
	var phases []campaign.Phase
	if len(steps) > 0 {
		t, ok := TransitionTo(steps[0].To)
		if !ok {
			return apperr.New(apperr.Conflict, "review.illegal.unknown")
		}
		perm, phases = t.Perm, t.Phases
	}
	r := request(who, c, dossier.Transition{Perm: perm, Phases: phases}, action, "campaign")
	r.Apply = func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
		var before, after []stepState
		var mails []mail.Message
		if len(steps) > 0 {
			var err error
			if before, after, mails, err = stepMany(ctx, env, tx, c, steps, phases); err != nil {
				return change.Outcome{}, err
			}
			overrides, err := checkQuorum(ctx, tx, who, c, steps)
			if err != nil {
				return change.Outcome{}, err
			}
			for i := range after {
				after[i].Quorum = overrides[after[i].Dossier]
			}
		}
		out := change.Outcome{EntityID: strconv.FormatInt(c.ID, 10), Before: before, After: map[string]any{"dossiers": after}, Mails: mails}
		if extra != nil {
			x, err := extra(ctx, tx)
			if err != nil {
				return change.Outcome{}, err
			}
			out.After = map[string]any{"dossiers": after, "record": x}
		}
		return out, nil
	}
	_, err := change.Do(ctx, env.Change, r)
	return err
}

// step performs one step inside a transaction. In a batch, every step must have the same
// phases as the first (phases non-nil).
func step(ctx context.Context, env Env, tx *db.Tx, c *campaign.Campaign, s Step, phases *[]campaign.Phase) (before, after stepState, mails []mail.Message, err error) {
	d, err := dossier.ByID(ctx, tx, s.DossierID)
	if err != nil {
		return before, after, nil, err
	}
	if d.CampaignID != c.ID {
		return before, after, nil, apperr.New(apperr.NotFound, "dossier.not_found")
	}
	s.Motivation = trimmed(s.Motivation)
	if tooLong(s.Motivation, MaxMotivation) {
		return before, after, nil, apperr.New(apperr.Invalid, "review.too_long", MaxMotivation)
	}
	t, err := Check(d.State, s.To, s.Motivation)
	if err != nil {
		if ae, ok := apperr.As(err); ok && ae.Kind == apperr.Conflict && phases != nil {
			// In a batch, say which dossier stops it.
			return before, after, nil, apperr.New(apperr.Conflict, "review.bulk.illegal", d.ID, d.Title)
		}
		return before, after, nil, err
	}
	if phases != nil && len(t.Phases) != len(*phases) {
		return before, after, nil, apperr.New(apperr.Conflict, "review.illegal.unknown")
	}
	now := env.Change.Now()
	if err := dossier.SetState(ctx, tx, d.ID, d.State, s.To, now); err != nil {
		return before, after, nil, err
	}
	if err := addHistory(ctx, tx, d.ID, d.State, s.To, s.Motivation, now); err != nil {
		return before, after, nil, err
	}
	before = stepState{Dossier: d.ID, State: d.State}
	after = stepState{Dossier: d.ID, State: s.To, Motivation: s.Motivation}
	if t.Mail {
		mails, err = carrierMails(ctx, tx, env, c, d, s)
	}
	return before, after, mails, err
}

// Recipient is an account to write to, in its language.
type Recipient struct {
	Email string
	Lang  i18n.Lang
}

// Carriers returns the members of the dossier's structure, the people the e-mails go to.
func Carriers(ctx context.Context, q db.Querier, structureID int64) ([]Recipient, error) {
	rows, err := q.QueryContext(ctx, `SELECT a.email, a.lang FROM structure_members m JOIN accounts a ON a.id = m.account_id
		WHERE m.structure_id = $1 AND a.disabled = FALSE ORDER BY a.id`, structureID)
	if err != nil {
		return nil, fmt.Errorf("carriers: %w", err)
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		var r Recipient
		var lang string
		if err := rows.Scan(&r.Email, &lang); err != nil {
			return nil, err
		}
		r.Lang = i18n.FR
		if l, ok := i18n.Parse(lang); ok {
			r.Lang = l
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func carrierMails(ctx context.Context, q db.Querier, env Env, c *campaign.Campaign, d *dossier.Dossier, s Step) ([]mail.Message, error) {
	rs, err := Carriers(ctx, q, d.StructureID)
	if err != nil {
		return nil, err
	}
	return composeMails(env, c, d, s, rs), nil
}

// composeMails writes the carriers' e-mail of a step, each in their language.
func composeMails(env Env, c *campaign.Campaign, d *dossier.Dossier, s Step, rs []Recipient) []mail.Message {
	link := env.BaseURL + HistoryURL(c.Slug, d.ID)
	var out []mail.Message
	for _, r := range rs {
		motivation := s.Motivation
		if motivation == "" {
			motivation = env.Cat.T(r.Lang, "mail.review.no_motivation")
		}
		out = append(out, mail.Message{To: r.Email,
			Subject: env.Cat.T(r.Lang, "mail.review.subject", d.ID, env.Cat.T(r.Lang, s.To.MessageKey())),
			Body: env.Cat.T(r.Lang, "mail.review.body", d.Title, c.Name, env.Cat.T(r.Lang, s.To.MessageKey()),
				env.Cat.T(r.Lang, "mail.review.explain."+string(s.To)), motivation, link)})
	}
	return out
}

// HistoryURL is the carrier's page of the project's history.
func HistoryURL(slug string, dossierID int64) string {
	return "/" + slug + "/dossiers/" + strconv.FormatInt(dossierID, 10) + "/historique"
}

// ---- Assignments as changes ----

// AssignManual gives a dossier to a member of the committee. A submitted dossier starts its
// review (state under_review) with its first reviewer.
func AssignManual(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, p Pair) error {
	r := request(who, c, dossier.Transition{Perm: access.PermManageDossiers, Phases: labelling}, "assign", "dossier")
	r.Apply = func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
		mails, err := assign(ctx, tx, env, c, []Pair{p}, false)
		if err != nil {
			return change.Outcome{}, err
		}
		notice, err := assignedMails(ctx, tx, env, who, c, []Pair{p})
		if err != nil {
			return change.Outcome{}, err
		}
		mails = append(mails, notice...)
		return change.Outcome{EntityID: strconv.FormatInt(p.DossierID, 10),
			After: map[string]any{"reviewer": p.AccountID}, Mails: mails}, nil
	}
	_, err := change.Do(ctx, env.Change, r)
	return err
}

// AssignBalanced gives each dossier under review (or submitted) of the campaign at least N
// active reviewers (the campaign's setting), balancing the members' load. It returns how many
// assignments it made.
func AssignBalanced(ctx context.Context, env Env, who change.Who, c *campaign.Campaign) (int, error) {
	var made int
	r := request(who, c, dossier.Transition{Perm: access.PermManageDossiers, Phases: labelling}, "assign_auto", "campaign")
	r.Apply = func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
		n, err := MinReviewers(ctx, tx, c.ID)
		if err != nil {
			return change.Outcome{}, err
		}
		members, err := Members(ctx, tx, c.ID)
		if err != nil {
			return change.Outcome{}, err
		}
		if len(members) == 0 {
			return change.Outcome{}, apperr.New(apperr.Conflict, "review.assign.no_members")
		}
		ids := make([]int64, len(members))
		for i, m := range members {
			ids[i] = m.AccountID
		}
		var dossiers []int64
		var submitted []dossier.Dossier
		for _, st := range []dossier.State{dossier.StateSubmitted, dossier.StateUnderReview} {
			list, err := dossier.List(ctx, tx, dossier.Filter{CampaignID: c.ID, State: st})
			if err != nil {
				return change.Outcome{}, err
			}
			for _, d := range list {
				dossiers = append(dossiers, d.ID)
			}
			if st == dossier.StateSubmitted {
				submitted = list
			}
		}
		existing, err := Assignments(ctx, tx, c.ID)
		if err != nil {
			return change.Outcome{}, err
		}
		pairs := Balance(dossiers, ids, n, existing)
		if err := insertAssignments(ctx, tx, c.ID, pairs, utc(env.Change.Now())); err != nil {
			return change.Outcome{}, err
		}
		var start []Step
		for _, d := range submitted {
			if pairs := countFor(pairs, d.ID); pairs > 0 {
				start = append(start, Step{DossierID: d.ID, To: dossier.StateUnderReview})
			}
		}
		var mails []mail.Message
		if len(start) > 0 {
			if _, _, mails, err = stepMany(ctx, env, tx, c, start, labelling); err != nil {
				return change.Outcome{}, err
			}
		}
		for _, cat := range c.Categories {
			if err := EnsureCriteria(ctx, tx, cat.ID); err != nil {
				return change.Outcome{}, err
			}
		}
		notice, err := assignedMails(ctx, tx, env, who, c, pairs)
		if err != nil {
			return change.Outcome{}, err
		}
		mails = append(mails, notice...)
		made = len(pairs)
		return change.Outcome{EntityID: strconv.FormatInt(c.ID, 10),
			After: map[string]any{"min_reviewers": n, "assignments": pairs}, Mails: mails}, nil
	}
	_, err := change.Do(ctx, env.Change, r)
	return made, err
}

// assign writes the pairs; each dossier still submitted moves to under review (with its
// history line and the carrier's e-mail).
func assign(ctx context.Context, tx *db.Tx, env Env, c *campaign.Campaign, pairs []Pair, automatic bool) ([]mail.Message, error) {
	now := env.Change.Now()
	members, err := Members(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	isMember := map[int64]bool{}
	for _, m := range members {
		isMember[m.AccountID] = true
	}
	dossiers := map[int64]*dossier.Dossier{}
	ensured := map[int64]bool{}
	var mails []mail.Message
	for _, p := range pairs {
		if !isMember[p.AccountID] {
			return nil, apperr.New(apperr.Invalid, "review.assign.not_member")
		}
		d := dossiers[p.DossierID]
		if d == nil {
			if d, err = dossier.ByID(ctx, tx, p.DossierID); err != nil {
				return nil, err
			}
			if d.CampaignID != c.ID {
				return nil, apperr.New(apperr.NotFound, "dossier.not_found")
			}
			if d.State != dossier.StateSubmitted && d.State != dossier.StateUnderReview && d.State != dossier.StateEligible {
				return nil, apperr.New(apperr.Conflict, "review.assign.closed")
			}
			dossiers[p.DossierID] = d
		}
		if !ensured[d.CategoryID] {
			ensured[d.CategoryID] = true
			if err := EnsureCriteria(ctx, tx, d.CategoryID); err != nil {
				return nil, err
			}
		}
		added, err := Assign(ctx, tx, c.ID, p, automatic, now)
		if err != nil {
			return nil, err
		}
		if !added && !automatic {
			return nil, apperr.New(apperr.Conflict, "review.assign.already")
		}
		if d.State == dossier.StateSubmitted {
			_, _, m, err := step(ctx, env, tx, c, Step{DossierID: d.ID, To: dossier.StateUnderReview}, nil)
			if err != nil {
				return nil, err
			}
			d.State = dossier.StateUnderReview
			mails = append(mails, m...)
		}
	}
	return mails, nil
}

// DeclareConflict records a member's declaration about an assigned dossier. With a conflict,
// the dossier is given at once to the least loaded member not yet on it (if any), so that it
// keeps its N reviewers. It returns the account the dossier went to (0: none available).
func DeclareConflict(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, dossierID int64, conflict bool, note string) (int64, error) {
	note = trimmed(note)
	if tooLong(note, MaxComment) {
		return 0, apperr.New(apperr.Invalid, "review.too_long", MaxComment)
	}
	var replacement int64
	// No phase: a declaration is possible whenever the dossier is assigned.
	r := request(who, c, dossier.Transition{Perm: access.PermReview}, "declare", "dossier")
	r.Apply = func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
		a, err := AssignmentFor(ctx, tx, dossierID, who.Actor.ID())
		if err != nil {
			return change.Outcome{}, err
		}
		if a.CampaignID != c.ID {
			return change.Outcome{}, apperr.New(apperr.NotFound, "review.not_assigned")
		}
		state := ConflictNone
		if conflict {
			state = ConflictDeclared
		}
		if err := Declare(ctx, tx, a.ID, state, note, env.Change.Now()); err != nil {
			return change.Outcome{}, err
		}
		after := map[string]any{"conflict": state}
		var mails []mail.Message
		if conflict {
			n, err := MinReviewers(ctx, tx, c.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			members, err := Members(ctx, tx, c.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			ids := make([]int64, len(members))
			for i, m := range members {
				ids[i] = m.AccountID
			}
			existing, err := Assignments(ctx, tx, c.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			for _, p := range Balance([]int64{dossierID}, ids, n, existing) {
				if _, err := Assign(ctx, tx, c.ID, p, true, env.Change.Now()); err != nil {
					return change.Outcome{}, err
				}
				replacement = p.AccountID
				after["reassigned_to"] = p.AccountID
				// The member the dossier goes to is told, as for any assignment.
				if mails, err = assignedMails(ctx, tx, env, who, c, []Pair{p}); err != nil {
					return change.Outcome{}, err
				}
			}
		}
		// The note stays private to the committee and agents; the audit keeps that there is one.
		after["note"] = note != ""
		return change.Outcome{EntityID: strconv.FormatInt(dossierID, 10), Before: map[string]any{"conflict": a.Conflict},
			After: after, Mails: mails}, nil
	}
	_, err := change.Do(ctx, env.Change, r)
	return replacement, err
}

// SubmitReview saves a member's review (final: hands it in). Audited without its content,
// which stays private.
func SubmitReview(ctx context.Context, env Env, who change.Who, c *campaign.Campaign, dossierID int64, rv Review, final bool) error {
	r := request(who, c, dossier.Transition{Perm: access.PermReview, Phases: labelling}, "score", "dossier")
	if !final {
		r.Action = "review.score_draft"
	}
	r.Apply = func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
		a, err := CanOpen(ctx, tx, dossierID, who.Actor.ID())
		if err != nil {
			return change.Outcome{}, err
		}
		if err := SaveReview(ctx, tx, a.ID, rv, final, env.Change.Now()); err != nil {
			return change.Outcome{}, err
		}
		return change.Outcome{EntityID: strconv.FormatInt(dossierID, 10),
			After: map[string]any{"submitted": final, "opinion": rv.Opinion}}, nil
	}
	_, err := change.Do(ctx, env.Change, r)
	return err
}

func countFor(pairs []Pair, dossierID int64) int {
	n := 0
	for _, p := range pairs {
		if p.DossierID == dossierID {
			n++
		}
	}
	return n
}
