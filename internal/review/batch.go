package review

import (
	"context"
	"fmt"
	"strings"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
)

// stepMany applies steps of one campaign with a few queries whatever their number: the
// dossiers are read at once, each step is checked like a single one, the states change in
// one UPDATE per (from, to) pair guarded by the current state, the history lines and the
// carriers' addresses are written and read in chunks.
func stepMany(ctx context.Context, env Env, tx *db.Tx, c *campaign.Campaign, steps []Step, phases []campaign.Phase) (before, after []stepState, mails []mail.Message, err error) {
	list, err := dossier.List(ctx, tx, dossier.Filter{CampaignID: c.ID})
	if err != nil {
		return nil, nil, nil, err
	}
	byID := map[int64]*dossier.Dossier{}
	for i := range list {
		byID[list[i].ID] = &list[i]
	}
	type move struct{ from, to dossier.State }
	groups := map[move][]any{}
	var order []move
	var mailed []int
	for i, s := range steps {
		d := byID[s.DossierID]
		if d == nil {
			return nil, nil, nil, apperr.New(apperr.NotFound, "dossier.not_found")
		}
		s.Motivation = trimmed(s.Motivation)
		steps[i] = s
		if tooLong(s.Motivation, MaxMotivation) {
			return nil, nil, nil, apperr.New(apperr.Invalid, "review.too_long", MaxMotivation)
		}
		t, err := Check(d.State, s.To, s.Motivation)
		if ae, ok := apperr.As(err); ok && ae.Kind == apperr.Conflict {
			return nil, nil, nil, apperr.New(apperr.Conflict, "review.bulk.illegal", d.ID, d.Title)
		}
		if err != nil {
			return nil, nil, nil, err
		}
		if len(t.Phases) != len(phases) {
			return nil, nil, nil, apperr.New(apperr.Conflict, "review.illegal.unknown")
		}
		m := move{d.State, s.To}
		if _, ok := groups[m]; !ok {
			order = append(order, m)
		}
		groups[m] = append(groups[m], d.ID)
		before = append(before, stepState{Dossier: d.ID, State: d.State})
		after = append(after, stepState{Dossier: d.ID, State: s.To, Motivation: s.Motivation})
		if t.Mail {
			mailed = append(mailed, i)
		}
		d.State = s.To // a dossier twice in a batch moves from its new state
	}
	now := utc(env.Change.Now())
	for _, m := range order {
		ids := groups[m]
		for start := 0; start < len(ids); start += 500 {
			part := ids[start:min(start+500, len(ids))]
			res, err := tx.ExecContext(ctx, "UPDATE dossiers SET state = $1, updated_at = $2 WHERE state = $3 AND id IN ("+
				db.Placeholders(4, len(part))+")", append([]any{string(m.to), now, string(m.from)}, part...)...)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("move dossiers %s → %s: %w", m.from, m.to, err)
			}
			if n, _ := res.RowsAffected(); int(n) != len(part) {
				return nil, nil, nil, apperr.New(apperr.Conflict, "dossier.state_changed")
			}
		}
	}
	for start := 0; start < len(steps); start += 200 {
		part := steps[start:min(start+200, len(steps))]
		var rows []string
		var args []any
		for i, s := range part {
			rows = append(rows, "("+db.Placeholders(5*i+1, 5)+")")
			args = append(args, s.DossierID, string(before[start+i].State), string(s.To), s.Motivation, now)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO review_history (dossier_id, from_state, to_state, motivation, at) VALUES "+
			strings.Join(rows, ", "), args...); err != nil {
			return nil, nil, nil, fmt.Errorf("write history: %w", err)
		}
	}
	if len(mailed) == 0 {
		return before, after, nil, nil
	}
	structures := make([]any, 0, len(mailed))
	for _, i := range mailed {
		structures = append(structures, byID[steps[i].DossierID].StructureID)
	}
	carriers, err := carriersOf(ctx, tx, structures)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, i := range mailed {
		d := byID[steps[i].DossierID]
		mails = append(mails, composeMails(env, c, d, steps[i], carriers[d.StructureID])...)
	}
	return before, after, mails, nil
}

// carriersOf returns the recipients of each structure.
func carriersOf(ctx context.Context, q db.Querier, structures []any) (map[int64][]Recipient, error) {
	out := map[int64][]Recipient{}
	for start := 0; start < len(structures); start += 500 {
		part := structures[start:min(start+500, len(structures))]
		rows, err := q.QueryContext(ctx, `SELECT m.structure_id, a.email, a.lang FROM structure_members m
			JOIN accounts a ON a.id = m.account_id WHERE a.disabled = FALSE AND m.structure_id IN (`+
			db.Placeholders(1, len(part))+`) ORDER BY m.structure_id, a.id`, part...)
		if err != nil {
			return nil, fmt.Errorf("carriers: %w", err)
		}
		for rows.Next() {
			var id int64
			var r Recipient
			var lang string
			if err := rows.Scan(&id, &r.Email, &lang); err != nil {
				rows.Close()
				return nil, err
			}
			r.Lang = i18n.FR
			if l, ok := i18n.Parse(lang); ok {
				r.Lang = l
			}
			out[id] = append(out[id], r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// insertAssignments writes automatic assignments in chunks (existing pairs are skipped).
func insertAssignments(ctx context.Context, q db.Querier, campaignID int64, pairs []Pair, now any) error {
	for start := 0; start < len(pairs); start += 150 {
		part := pairs[start:min(start+150, len(pairs))]
		var rows []string
		var args []any
		for i, p := range part {
			rows = append(rows, "("+db.Placeholders(6*i+1, 6)+")")
			args = append(args, campaignID, p.DossierID, p.AccountID, true, now, now)
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO review_assignments (campaign_id, dossier_id, account_id, automatic,
			assigned_at, updated_at) VALUES `+strings.Join(rows, ", ")+` ON CONFLICT (dossier_id, account_id) DO NOTHING`, args...); err != nil {
			return fmt.Errorf("assign: %w", err)
		}
	}
	return nil
}
