package search

import (
	"context"
	"fmt"
	"strings"

	"budgetcitoyen/internal/db"
)

// Kind is a kind of searchable item; each has its index table, keyed by the item's id.
type Kind string

// The searchable kinds.
const (
	Ideas    Kind = "ideas"
	Dossiers Kind = "dossiers"
	Sessions Kind = "sessions" // comptoir sessions
)

// Kinds lists every searchable kind.
func Kinds() []Kind { return []Kind{Ideas, Dossiers, Sessions} }

// The index holds every item, whoever may see it: a search only yields ids, and each list
// keeps its own conditions of visibility (a hidden idea stays out of the public list, found
// or not). An item's text is what a reader of its page sees of it: its title, weighing more
// in the ranking, then the rest.
var sources = map[Kind]string{
	Ideas: `SELECT id, title, description, structure, '' FROM ideas`,
	Dossiers: `SELECT d.id, d.title, d.summary, d.description, COALESCE(s.name, '')
		FROM dossiers d LEFT JOIN structures s ON s.id = d.structure_id`,
	Sessions: `SELECT id, title, description, host, address FROM workshop_sessions`,
}

var idColumn = map[Kind]string{Ideas: "id", Dossiers: "d.id", Sessions: "id"}

func (k Kind) table() string { return "search_" + string(k) }

// dialectSQL is every statement where the two databases differ: SQLite keeps the index in
// an FTS5 table (rowid = the item's id, one column body of normalised words), PostgreSQL in
// a table of tsvectors built with the simple configuration (no stemming, no accent rules of
// its own: the words are already normalised) under a GIN index. The title weighs more: a
// second column weighted 4 to 1 by bm25, the weight A (against B) for ts_rank.
type dialectSQL struct {
	put   []string // stores the title $2 and the rest $3 of the item $1
	drop  string   // removes the item $1
	clear string   // empties the index
	hits  string   // the subquery of the items matching $N, as (search_id, search_rank), better ranks first
}

func sqlOf(d db.Dialect, k Kind, arg int) dialectSQL {
	t := k.table()
	n := fmt.Sprint(arg)
	if d == db.Postgres {
		return dialectSQL{
			put: []string{`INSERT INTO ` + t + ` (id, body) VALUES ($1,
				setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $3), 'B'))
				ON CONFLICT (id) DO UPDATE SET body = excluded.body`},
			drop:  `DELETE FROM ` + t + ` WHERE id = $1`,
			clear: `DELETE FROM ` + t,
			hits: `SELECT id AS search_id, -ts_rank(body, plainto_tsquery('simple', $` + n + `)) AS search_rank
				FROM ` + t + ` WHERE body @@ plainto_tsquery('simple', $` + n + `)`,
		}
	}
	return dialectSQL{
		put:   []string{`DELETE FROM ` + t + ` WHERE rowid = $1`, `INSERT INTO ` + t + ` (rowid, title, body) VALUES ($1, $2, $3)`},
		drop:  `DELETE FROM ` + t + ` WHERE rowid = $1`,
		clear: `DELETE FROM ` + t,
		hits: `SELECT rowid AS search_id, bm25(` + t + `, 4.0, 1.0) AS search_rank
			FROM ` + t + ` WHERE ` + t + ` MATCH $` + n,
	}
}

// matchArg is the value of the query's parameter in the hits subquery.
func matchArg(d db.Dialect, q Query) string {
	if d == db.Postgres {
		return strings.Join(q.Terms, " ") // plainto_tsquery: every word, ANDed
	}
	return ftsMatch(q)
}

// ftsMatch is the FTS5 expression of q: each term quoted (a string, never an operator),
// all of them required.
func ftsMatch(q Query) string {
	parts := make([]string, len(q.Terms))
	for i, t := range q.Terms {
		parts[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return strings.Join(parts, " ")
}

// Reindex stores the current text of the item id of kind k (or removes it from the index
// if it no longer exists). The stores call it in the transaction that writes the item.
func Reindex(ctx context.Context, q db.Querier, k Kind, id int64) error {
	rows, err := q.QueryContext(ctx, sources[k]+" WHERE "+idColumn[k]+" = $1", id)
	if err != nil {
		return fmt.Errorf("read %s %d for the search index: %w", k, id, err)
	}
	var title, text string
	found := false
	for rows.Next() {
		var id int64
		var a, b, c, d string
		if err := rows.Scan(&id, &a, &b, &c, &d); err != nil {
			rows.Close()
			return fmt.Errorf("read %s %d for the search index: %w", k, id, err)
		}
		title, text, found = Normalize(a), Normalize(b, c, d), true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	s := sqlOf(db.DialectOf(q), k, 0)
	if !found {
		_, err := q.ExecContext(ctx, s.drop, id)
		return err
	}
	for _, st := range s.put {
		if _, err := q.ExecContext(ctx, st, args(st, id, title, text)...); err != nil {
			return fmt.Errorf("index %s %d: %w", k, id, err)
		}
	}
	return nil
}

// Rebuild indexes every item again: after the migration that creates the index, and
// whenever items were written by other means than their stores.
func Rebuild(ctx context.Context, q db.Querier) error {
	for _, k := range Kinds() {
		s := sqlOf(db.DialectOf(q), k, 0)
		if _, err := q.ExecContext(ctx, s.clear); err != nil {
			return fmt.Errorf("clear the search index of %s: %w", k, err)
		}
		type doc struct {
			id          int64
			title, text string
		}
		var docs []doc
		rows, err := q.QueryContext(ctx, sources[k])
		if err != nil {
			return fmt.Errorf("read %s for the search index: %w", k, err)
		}
		for rows.Next() {
			var d doc
			var a, b, c, e string
			if err := rows.Scan(&d.id, &a, &b, &c, &e); err != nil {
				rows.Close()
				return fmt.Errorf("read %s for the search index: %w", k, err)
			}
			d.title, d.text = Normalize(a), Normalize(b, c, e)
			docs = append(docs, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range docs {
			for _, st := range s.put {
				if _, err := q.ExecContext(ctx, st, args(st, d.id, d.title, d.text)...); err != nil {
					return fmt.Errorf("index %s %d: %w", k, d.id, err)
				}
			}
		}
	}
	return nil
}

// args are the parameters of a put statement: the id alone for a deletion.
func args(st string, id int64, title, text string) []any {
	if strings.Contains(st, "$2") {
		return []any{id, title, text}
	}
	return []any{id}
}

func init() {
	db.RegisterStep("search.rebuild", func(ctx context.Context, tx *db.Tx) error { return Rebuild(ctx, tx) })
}

// Clause is what a list's SQL query adds to keep the items matching a search, ranked.
type Clause struct {
	Join  string // " JOIN (…) search_hits ON search_hits.search_id = <the item's id>"
	Arg   any    // the value of the parameter $arg of Join
	Order string // the rank, to put first in ORDER BY (better first)
}

// Join returns the clause of q for a list of kind k whose items' id is idExpr (e.g.
// "ideas.id"), its parameter numbered arg. ok is false when q is empty: no search.
func Join(d db.Dialect, k Kind, idExpr string, q Query, arg int) (c Clause, ok bool) {
	if q.Empty() {
		return Clause{}, false
	}
	s := sqlOf(d, k, arg)
	return Clause{
		Join:  " JOIN (" + s.hits + ") search_hits ON search_hits.search_id = " + idExpr,
		Arg:   matchArg(d, q),
		Order: "search_hits.search_rank",
	}, true
}

// Find returns the ids of the items of kind k matching q, best first, for the lists that
// filter in Go. An empty query finds nothing.
func Find(ctx context.Context, q db.Querier, k Kind, query Query) ([]int64, error) {
	if query.Empty() {
		return nil, nil
	}
	d := db.DialectOf(q)
	s := sqlOf(d, k, 1)
	rows, err := q.QueryContext(ctx, "SELECT search_id FROM ("+s.hits+") search_hits ORDER BY search_rank, search_id",
		matchArg(d, query))
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", k, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("search %s: %w", k, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
