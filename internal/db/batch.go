package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Batch is an INSERT of many rows into one table, written the way each dialect does best:
// on PostgreSQL one statement whatever the number of rows (each column sent as an array and
// spread again by unnest, in the order of the rows), which saves round trips; on SQLite,
// multi-row VALUES statements of the sizes of RowChunks, whose few texts stay prepared.
type Batch struct {
	Table   string
	Columns []Column
	Suffix  string // after the rows, without parameters, e.g. "ON CONFLICT DO NOTHING RETURNING …"
}

// Column is a column of a Batch, with its PostgreSQL type (for the array's cast).
type Column struct {
	Name   string
	PGType string // bigint, text, bytea, boolean, timestamptz
}

// Statement is one statement of a Batch, with its arguments.
type Statement struct {
	Query string
	Args  []any
}

// Statements returns the statements inserting rows (each with one value per column, in
// the columns' order). Values are int64, string, []byte, bool or time.Time.
func (b Batch) Statements(dialect Dialect, rows [][]any) ([]Statement, error) {
	for i, r := range rows {
		if len(r) != len(b.Columns) {
			return nil, fmt.Errorf("insert into %s: row %d has %d values for %d columns", b.Table, i, len(r), len(b.Columns))
		}
	}
	if len(rows) == 0 {
		return nil, nil
	}
	if dialect == Postgres {
		st, err := b.Unnest(1, rows, nil, "")
		return []Statement{st}, err
	}
	var out []Statement
	for _, n := range RowChunks(len(rows)) {
		out = append(out, b.values(dialect, rows[:n]))
		rows = rows[n:]
	}
	return out, nil
}

func (b Batch) head() string {
	names := make([]string, len(b.Columns))
	for i, c := range b.Columns {
		names[i] = c.Name
	}
	return "INSERT INTO " + b.Table + " (" + strings.Join(names, ", ") + ") "
}

func (b Batch) tail() string {
	if b.Suffix == "" {
		return ""
	}
	return " " + b.Suffix
}

// values writes a multi-row VALUES statement. SQLite gets anonymous ? parameters: for each
// $n parameter, the driver asks SQLite its name, found by a walk through the list of the
// statement's names, which made binding a statement of 256 rows quadratic.
func (b Batch) values(dialect Dialect, rows [][]any) Statement {
	var q strings.Builder
	args := make([]any, 0, len(rows)*len(b.Columns))
	q.WriteString(b.head() + "VALUES ")
	anon := "(" + strings.Repeat("?, ", len(b.Columns)-1) + "?)"
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		if dialect == SQLite {
			q.WriteString(anon)
		} else {
			q.WriteString("(" + Placeholders(len(args)+1, len(r)) + ")")
		}
		args = append(args, r...)
	}
	return Statement{Query: q.String() + b.tail(), Args: args}
}

// Unnest returns the PostgreSQL INSERT of rows as one statement whose parameters are
// numbered from first, so that it can be one part of a larger statement (a WITH of several
// INSERTs, which PostgreSQL runs in one round trip and one implicit transaction). Each row
// holds the values of the batch's columns, then those of keys: columns that are not inserted
// but that where (a condition on u.<name>, or "") can test to keep only some of the rows.
// Each column's values go as one typed slice, which pgx sends as an array.
func (b Batch) Unnest(first int, rows [][]any, keys []Column, where string) (Statement, error) {
	cols := append(append([]Column(nil), b.Columns...), keys...)
	if len(rows) == 0 {
		return Statement{}, fmt.Errorf("insert into %s: no rows", b.Table)
	}
	for i, r := range rows {
		if len(r) != len(cols) {
			return Statement{}, fmt.Errorf("insert into %s: row %d has %d values for %d columns", b.Table, i, len(r), len(cols))
		}
	}
	casts := make([]string, len(cols))
	names := make([]string, len(cols))
	args := make([]any, len(cols))
	for j, c := range cols {
		casts[j] = fmt.Sprintf("$%d::%s[]", first+j, c.PGType)
		names[j] = c.Name
		col, err := column(rows, j)
		if err != nil {
			return Statement{}, fmt.Errorf("insert into %s, column %s: %w", b.Table, c.Name, err)
		}
		args[j] = col
	}
	if where != "" {
		where = " WHERE " + where
	}
	// WITH ORDINALITY and ORDER BY keep the rows in the order given: the ballot box relies
	// on it (a shuffled order of insertion).
	q := b.head() + "SELECT " + strings.Join(b.names("u."), ", ") + " FROM unnest(" + strings.Join(casts, ", ") +
		") WITH ORDINALITY AS u(" + strings.Join(names, ", ") + ", ord)" + where + " ORDER BY u.ord" + b.tail()
	return Statement{Query: q, Args: args}, nil
}

func (b Batch) names(prefix string) []string {
	out := make([]string, len(b.Columns))
	for i, c := range b.Columns {
		out[i] = prefix + c.Name
	}
	return out
}

// column returns the values of column j as a typed slice.
func column(rows [][]any, j int) (any, error) {
	switch rows[0][j].(type) {
	case int64:
		return typed[int64](rows, j)
	case string:
		return typed[string](rows, j)
	case []byte:
		return typed[[]byte](rows, j)
	case bool:
		return typed[bool](rows, j)
	case time.Time:
		return typed[time.Time](rows, j)
	}
	return nil, fmt.Errorf("values of type %T are not supported", rows[0][j])
}

func typed[T any](rows [][]any, j int) ([]T, error) {
	out := make([]T, len(rows))
	for i, r := range rows {
		v, ok := r[j].(T)
		if !ok {
			return nil, fmt.Errorf("row %d: %T among values of type %T", i, r[j], out[0])
		}
		out[i] = v
	}
	return out, nil
}

// DialectOf tells the dialect of the database q runs on.
func DialectOf(q Querier) Dialect { return q.dialect() }

// Exec inserts rows through q.
func (b Batch) Exec(ctx context.Context, q Querier, rows [][]any) error {
	sts, err := b.Statements(DialectOf(q), rows)
	if err != nil {
		return err
	}
	for _, st := range sts {
		if _, err := q.ExecContext(ctx, st.Query, st.Args...); err != nil {
			return fmt.Errorf("insert into %s: %w", b.Table, err)
		}
	}
	return nil
}

// Query inserts rows through q and calls scan for each row the Suffix's RETURNING gives.
func (b Batch) Query(ctx context.Context, q Querier, rows [][]any, scan func(*sql.Rows) error) error {
	sts, err := b.Statements(DialectOf(q), rows)
	if err != nil {
		return err
	}
	for _, st := range sts {
		if err := QueryEach(ctx, q, st, scan); err != nil {
			return fmt.Errorf("insert into %s: %w", b.Table, err)
		}
	}
	return nil
}

// QueryEach runs st through q and calls scan for each row of its answer.
func QueryEach(ctx context.Context, q Querier, st Statement, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, st.Query, st.Args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}
