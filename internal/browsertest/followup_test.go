package browsertest

import "context"

// FundedProject is the id of the first funded project of the archived 2018 edition still
// under way (0 when there is none): its page shows the project's follow-up and the form to
// follow it, which a completed or abandoned project no longer offers.
func (s *Site) FundedProject() int64 {
	var id int64
	_ = s.DB.QueryRowContext(context.Background(), `SELECT COALESCE(MIN(d.id), 0) FROM dossiers d
		JOIN campaigns c ON c.id = d.campaign_id
		WHERE c.slug = $1 AND d.state IN ('granted', 'in_progress')`, ArchivedSlug).Scan(&id)
	return id
}
