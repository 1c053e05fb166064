package vote

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	mrand "math/rand/v2"
	"strconv"
	"time"

	"budgetcitoyen/internal/db"
)

// WriteGroup writes ballots and their participations inside the caller's transaction, in
// shuffled order; results[i] is nil for a ballot written and ErrAlreadyVoted for a person
// already in the register (or twice in casts). The box uses it for each group; the demo
// uses it to seed a past vote. Each table takes one batch insert (db.Batch), a few
// statements on SQLite; on PostgreSQL the whole group is one statement. It writes no e-mail:
// the casts' Mail is queued by the box, apart (see Box).
//
// The ballots of a campaign in boxes (its sealed box) are sealed to the box's key, the
// group's ballots of that campaign with one HPKE sender, and stored as ciphertexts only;
// WriteGroup sets their casts' Tracker. The group is then written in two steps, the register
// first, so that only the ballots of the people it took are sealed (a group's ciphertexts
// open only all together): q must then be a transaction, on PostgreSQL too.
func WriteGroup(ctx context.Context, q db.Querier, casts []Cast, boxes map[int64]*SealedBox) ([]error, error) {
	results := make([]error, len(casts))
	people := firstOfEachPerson(casts, results)
	if db.DialectOf(q) == db.Postgres && len(boxes) == 0 {
		if err := writeGroupPostgres(ctx, q, people, results); err != nil {
			return nil, err
		}
		return results, nil
	}
	registered := make(map[string]bool, len(people))
	if err := participationInsert.Query(ctx, q, participationRows(people), scanPeople(registered)); err != nil {
		return nil, err
	}
	var kept []placed
	for _, p := range people {
		if !registered[personOf(p.Cast)] {
			results[p.at] = ErrAlreadyVoted
			continue
		}
		kept = append(kept, p)
	}
	if err := addDays(ctx, q, kept); err != nil {
		return nil, err
	}
	var clear []placed
	sealed := map[int64][]placed{}
	for _, p := range kept {
		if boxes[p.CampaignID] != nil {
			sealed[p.CampaignID] = append(sealed[p.CampaignID], p)
		} else {
			clear = append(clear, p)
		}
	}
	if err := ballotInsert.Exec(ctx, q, ballotRows(clear, false)); err != nil {
		return nil, err
	}
	for id, ps := range sealed {
		if err := writeSealed(ctx, q, boxes[id], ps, casts); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// writeSealed seals the ballots of one campaign's group in shuffled order and stores them,
// setting each cast's Tracker.
func writeSealed(ctx context.Context, q db.Querier, box *SealedBox, people []placed, casts []Cast) error {
	order := mrand.Perm(len(people))
	ballots := make([]sealedBallot, len(people))
	for i, j := range order {
		ballots[i] = sealedBallot{Receipt: people[j].Receipt, Choices: FormatChoices(people[j].Choices)}
	}
	g, err := sealGroup(box, ballots)
	if err != nil {
		return err
	}
	if err := g.insert(ctx, q); err != nil {
		return err
	}
	for i, j := range order {
		casts[people[j].at].Tracker = g.trackers[i]
	}
	return nil
}

// writeGroupPostgres writes the group as one statement: the participations, then, in the
// same WITH, the ballots of only those people whose participation the first INSERT returned
// (the others were in the register already).
func writeGroupPostgres(ctx context.Context, q db.Querier, people []placed, results []error) error {
	if len(people) == 0 {
		return nil
	}
	const registered = "(u.campaign_id, u.person_key) IN (SELECT campaign_id, person_key FROM p)"
	part, err := participationInsert.Unnest(1, participationRows(people), nil, "")
	if err != nil {
		return err
	}
	bal, err := ballotInsert.Unnest(1+len(part.Args), ballotRows(people, true), []db.Column{personKeyColumn}, registered)
	if err != nil {
		return err
	}
	query := "WITH p AS (" + part.Query + "), b AS (" + bal.Query + ")"
	args := append(part.Args, bal.Args...)
	if ids, keys, days := dayColumns(people); len(days) > 0 {
		// The counters of the days, of only the people the register took: a join of p with
		// the casts' days, summed per day (one row per key, as ON CONFLICT DO UPDATE needs).
		n := len(args)
		query += fmt.Sprintf(", d AS (INSERT INTO vote_days (campaign_id, day, voters)"+
			" SELECT p.campaign_id, k.day, COUNT(*) FROM p JOIN unnest($%d::bigint[], $%d::text[], $%d::text[]) AS k(campaign_id, person_key, day)"+
			" ON k.campaign_id = p.campaign_id AND k.person_key = p.person_key GROUP BY p.campaign_id, k.day"+
			" ON CONFLICT (campaign_id, day) DO UPDATE SET voters = vote_days.voters + EXCLUDED.voters)", n+1, n+2, n+3)
		args = append(args, ids, keys, days)
	}
	inserted := make(map[string]bool, len(people))
	st := db.Statement{Query: query + " SELECT campaign_id, person_key FROM p", Args: args}
	if err := db.QueryEach(ctx, q, st, scanPeople(inserted)); err != nil {
		return fmt.Errorf("write a group of ballots: %w", err)
	}
	for _, p := range people {
		if !inserted[personOf(p.Cast)] {
			results[p.at] = ErrAlreadyVoted
		}
	}
	return nil
}

// dayColumns returns the campaign, person key and day of the casts that have a day, as
// columns (sent as arrays with the PostgreSQL group, never stored together).
func dayColumns(people []placed) (ids []int64, keys, days []string) {
	for _, p := range people {
		if p.Day != "" {
			ids, keys, days = append(ids, p.CampaignID), append(keys, p.PersonKey), append(days, p.Day)
		}
	}
	return ids, keys, days
}

// addDays increments the counters of the days of the casts the register took.
func addDays(ctx context.Context, q db.Querier, kept []placed) error {
	type key struct {
		campaign int64
		day      string
	}
	n := map[key]int64{}
	var keys []key
	for _, p := range kept {
		if p.Day == "" {
			continue
		}
		k := key{p.CampaignID, p.Day}
		if n[k] == 0 {
			keys = append(keys, k)
		}
		n[k]++
	}
	for _, k := range keys {
		if _, err := q.ExecContext(ctx, `INSERT INTO vote_days (campaign_id, day, voters) VALUES ($1, $2, $3)
			ON CONFLICT (campaign_id, day) DO UPDATE SET voters = vote_days.voters + excluded.voters`, k.campaign, k.day, n[k]); err != nil {
			return fmt.Errorf("count the day's voters: %w", err)
		}
	}
	return nil
}

// DayOf is the day of t in loc as Cast.Day and vote_days write it.
func DayOf(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.DateOnly) }

// VotersByDay returns the number of voters of each day of the campaign's vote (days without a
// voter are absent), from the counters written with the register.
func VotersByDay(ctx context.Context, q db.Querier, campaignID int64) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, "SELECT day, voters FROM vote_days WHERE campaign_id = $1", campaignID)
	if err != nil {
		return nil, fmt.Errorf("read the voters by day: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var day string
		var n int
		if err := rows.Scan(&day, &n); err != nil {
			return nil, err
		}
		out[day] = n
	}
	return out, rows.Err()
}

// placed is a cast with its place in the caller's slice.
type placed struct {
	Cast
	at int
}

// firstOfEachPerson keeps the first cast of each person; the others get ErrAlreadyVoted.
func firstOfEachPerson(casts []Cast, results []error) []placed {
	seen := make(map[string]bool, len(casts))
	out := make([]placed, 0, len(casts))
	for i, c := range casts {
		k := personOf(c)
		if seen[k] {
			results[i] = ErrAlreadyVoted
			continue
		}
		seen[k] = true
		out = append(out, placed{c, i})
	}
	return out
}

// participationRows returns the rows of participationInsert in shuffled order (on
// PostgreSQL the physical order of rows follows insertion).
func participationRows(people []placed) [][]any {
	rows := make([][]any, 0, len(people))
	for _, i := range mrand.Perm(len(people)) {
		c := people[i]
		rows = append(rows, []any{c.CampaignID, c.PersonKey, c.Commune, c.AgeBracket})
	}
	return rows
}

// ballotRows returns the rows of ballotInsert in another shuffled order, each with a new
// random id and, withKey, the voter's person key after the columns.
func ballotRows(people []placed, withKey bool) [][]any {
	rows := make([][]any, 0, len(people))
	for _, i := range mrand.Perm(len(people)) {
		c := people[i]
		id := make([]byte, 16)
		_, _ = rand.Read(id) // crypto/rand.Read does not return errors
		receipt := c.Receipt
		if receipt == "" {
			receipt = NewReceipt()
		}
		row := []any{c.CampaignID, id, receipt, FormatChoices(c.Choices)}
		if withKey {
			row = append(row, c.PersonKey)
		}
		rows = append(rows, row)
	}
	return rows
}

// scanPeople returns a scan of the participation insert's RETURNING that notes each person
// registered in into.
func scanPeople(into map[string]bool) func(*sql.Rows) error {
	return func(r *sql.Rows) error {
		var c Cast
		if err := r.Scan(&c.CampaignID, &c.PersonKey); err != nil {
			return err
		}
		into[personOf(c)] = true
		return nil
	}
}

var participationInsert = db.Batch{Table: "vote_participation",
	Columns: []db.Column{campaignColumn, personKeyColumn,
		{Name: "commune", PGType: "text"}, {Name: "age_bracket", PGType: "text"}},
	Suffix: "ON CONFLICT DO NOTHING RETURNING campaign_id, person_key"}

var ballotInsert = db.Batch{Table: "vote_ballots",
	Columns: []db.Column{campaignColumn, {Name: "id", PGType: "bytea"},
		{Name: "receipt", PGType: "text"}, {Name: "choices", PGType: "text"}}}

var (
	campaignColumn  = db.Column{Name: "campaign_id", PGType: "bigint"}
	personKeyColumn = db.Column{Name: "person_key", PGType: "text"}
)

func personOf(c Cast) string { return strconv.FormatInt(c.CampaignID, 10) + "/" + c.PersonKey }
