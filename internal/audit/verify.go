package audit

import (
	"context"
	"fmt"

	"budgetcitoyen/internal/db"
)

// Problem is one break of the chain.
type Problem struct {
	EntryID int64
	What    string
}

// Report is the outcome of Verify.
type Report struct {
	Entries  int
	Problems []Problem
}

// OK reports whether the whole log is intact.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Verify walks the whole log in order and recomputes every hash: an edited entry no longer
// matches its hash, a deleted or inserted entry breaks the id sequence and the next entry's
// link, and a removed tail no longer matches the recorded head.
func Verify(ctx context.Context, q db.Querier) (Report, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, at, actor_id, actor, action, entity_kind, entity_id, campaign_id,
		before_json, after_json, prev_hash, hash FROM audit_log ORDER BY id`)
	if err != nil {
		return Report{}, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	c := newChainCheck()
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return c.report(), err
		}
		c.add(e)
	}
	if err := rows.Err(); err != nil {
		return c.report(), fmt.Errorf("read audit log: %w", err)
	}
	rows.Close() // before reading the head: a transaction's connection reads one thing at a time
	if _, err := c.end(ctx, q); err != nil {
		return c.report(), err
	}
	return c.report(), nil
}

// chainCheck verifies the entries given in id order (add), then the head (end). Verify
// uses it, and so does the rewrite of the migration 0017, which verifies the old chain as
// it builds the new one.
type chainCheck struct {
	prev     string
	wantID   int64
	entries  int
	problems []Problem
}

func newChainCheck() *chainCheck { return &chainCheck{prev: genesis, wantID: 1} }

func (c *chainCheck) report() Report { return Report{Entries: c.entries, Problems: c.problems} }

func (c *chainCheck) add(e Entry) {
	c.entries++
	if e.ID != c.wantID {
		c.problems = append(c.problems, Problem{e.ID, fmt.Sprintf("entry %d expected, found %d: entries were deleted or inserted", c.wantID, e.ID)})
	}
	if e.PrevHash != c.prev {
		c.problems = append(c.problems, Problem{e.ID, "link to the previous entry is broken (an earlier entry was changed or removed)"})
	}
	if got := hash(e); got != e.Hash {
		c.problems = append(c.problems, Problem{e.ID, "content does not match its hash (the entry was edited)"})
	}
	c.prev, c.wantID = e.Hash, e.ID+1
}

// end checks that the recorded head is the last entry seen, and returns the head's hash
// ("" when there is no head).
func (c *chainCheck) end(ctx context.Context, q db.Querier) (string, error) {
	var headID int64
	var headHash string
	err := q.QueryRowContext(ctx, "SELECT last_id, last_hash FROM audit_head WHERE singleton = 1").Scan(&headID, &headHash)
	switch {
	case db.IsNotFound(err):
		if c.entries > 0 {
			c.problems = append(c.problems, Problem{0, "the chain head is missing"})
		}
	case err != nil:
		return "", fmt.Errorf("read audit head: %w", err)
	case headID != c.wantID-1 || headHash != c.prev:
		c.problems = append(c.problems, Problem{headID, fmt.Sprintf("the log ends at entry %d but the head records entry %d: the newest entries were removed or changed", c.wantID-1, headID)})
	}
	return headHash, nil
}
