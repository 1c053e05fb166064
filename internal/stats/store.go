package stats

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"budgetcitoyen/internal/db"
)

// Read takes a campaign's participation from the database: published ideas by commune,
// people present at its comptoirs by the comptoir's commune, filed dossiers by the commune
// of their structure, and from the participation register the voters by commune and age
// bracket, with the counters of the days of the vote.
func Read(ctx context.Context, q db.Querier, campaignID int64) (Raw, error) {
	raw := Raw{ByCommune: map[string]Counts{}, ByAge: map[string]int{}, ByDay: map[string]int{}}
	for _, g := range []struct {
		stage Stage
		query string
	}{
		{Ideas, "SELECT commune, COUNT(*) FROM ideas WHERE campaign_id = $1 AND hidden_at IS NULL GROUP BY commune"},
		{Comptoirs, `SELECT s.commune, COUNT(*) FROM workshop_registrations r JOIN workshop_sessions s ON s.id = r.session_id
			WHERE s.campaign_id = $1 AND r.attendance = 'present' GROUP BY s.commune`},
		{Dossiers, `SELECT st.commune, COUNT(*) FROM dossiers d JOIN structures st ON st.id = d.structure_id
			WHERE d.campaign_id = $1 AND d.submitted_at IS NOT NULL GROUP BY st.commune`},
	} {
		err := each(ctx, q, g.query, campaignID, func(code string, _ string, n int) {
			c := raw.ByCommune[code]
			c[g.stage] += n
			raw.ByCommune[code] = c
		})
		if err != nil {
			return raw, err
		}
	}
	err := each(ctx, q, "SELECT commune, age_bracket, COUNT(*) FROM vote_participation WHERE campaign_id = $1 GROUP BY commune, age_bracket",
		campaignID, func(code, age string, n int) {
			c := raw.ByCommune[code]
			c[Voters] += n
			raw.ByCommune[code] = c
			raw.ByAge[age] += n
		})
	if err != nil {
		return raw, err
	}
	err = each(ctx, q, "SELECT day, voters FROM vote_days WHERE campaign_id = $1", campaignID, func(day, _ string, n int) {
		raw.ByDay[day] += n
	})
	return raw, err
}

// each runs a query of (key, count) or (key, key2, count) rows.
func each(ctx context.Context, q db.Querier, query string, campaignID int64, fn func(k1, k2 string, n int)) error {
	rows, err := q.QueryContext(ctx, query, campaignID)
	if err != nil {
		return fmt.Errorf("read the statistics: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	for rows.Next() {
		var k1, k2 string
		var n int
		if len(cols) == 3 {
			err = rows.Scan(&k1, &k2, &n)
		} else {
			err = rows.Scan(&k1, &n)
		}
		if err != nil {
			return fmt.Errorf("read the statistics: %w", err)
		}
		fn(k1, k2, n)
	}
	return rows.Err()
}

// Version returns a cheap summary of what Read would read (counts, largest ids and latest
// changes): while it is the same, the statistics are the same, and a copy can be served.
func Version(ctx context.Context, q db.Querier, campaignID int64) (string, error) {
	var v [8]string
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM ideas WHERE campaign_id = $1 AND hidden_at IS NULL),
		(SELECT COALESCE(MAX(id), 0) FROM ideas WHERE campaign_id = $1),
		(SELECT COUNT(*) FROM workshop_registrations r JOIN workshop_sessions s ON s.id = r.session_id
			WHERE s.campaign_id = $1 AND r.attendance = 'present'),
		(SELECT COALESCE(CAST(MAX(r.attendance_at) AS TEXT), '') FROM workshop_registrations r JOIN workshop_sessions s ON s.id = r.session_id
			WHERE s.campaign_id = $1),
		(SELECT COUNT(*) FROM dossiers WHERE campaign_id = $1 AND submitted_at IS NOT NULL),
		(SELECT COALESCE(CAST(MAX(st.updated_at) AS TEXT), '') FROM dossiers d JOIN structures st ON st.id = d.structure_id
			WHERE d.campaign_id = $1),
		(SELECT COUNT(*) FROM vote_participation WHERE campaign_id = $1),
		(SELECT COALESCE(SUM(voters), 0) FROM vote_days WHERE campaign_id = $1)`, campaignID).
		Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7])
	if err != nil {
		return "", fmt.Errorf("read the statistics' version: %w", err)
	}
	return strconv.FormatInt(campaignID, 10) + "|" + strings.Join(v[:], "|"), nil
}
