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
	var rep Report
	prev, wantID := genesis, int64(1)
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return rep, err
		}
		rep.Entries++
		if e.ID != wantID {
			rep.Problems = append(rep.Problems, Problem{e.ID, fmt.Sprintf("entry %d expected, found %d: entries were deleted or inserted", wantID, e.ID)})
		}
		if e.PrevHash != prev {
			rep.Problems = append(rep.Problems, Problem{e.ID, "link to the previous entry is broken (an earlier entry was changed or removed)"})
		}
		if got := hash(e); got != e.Hash {
			rep.Problems = append(rep.Problems, Problem{e.ID, "content does not match its hash (the entry was edited)"})
		}
		prev, wantID = e.Hash, e.ID+1
	}
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("read audit log: %w", err)
	}
	var headID int64
	var headHash string
	err = q.QueryRowContext(ctx, "SELECT last_id, last_hash FROM audit_head WHERE singleton = 1").Scan(&headID, &headHash)
	switch {
	case db.IsNotFound(err):
		if rep.Entries > 0 {
			rep.Problems = append(rep.Problems, Problem{0, "the chain head is missing"})
		}
	case err != nil:
		return rep, fmt.Errorf("read audit head: %w", err)
	case headID != wantID-1 || headHash != prev:
		rep.Problems = append(rep.Problems, Problem{headID, fmt.Sprintf("the log ends at entry %d but the head records entry %d: the newest entries were removed or changed", wantID-1, headID)})
	}
	return rep, nil
}
