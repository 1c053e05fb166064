package vote

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
)

// ---- Settings ----

// Settings are the identity methods a campaign accepts.
type Settings struct {
	EmailDeclaration bool
	Census           bool
	OIDC             bool
}

// DefaultSettings apply to a campaign whose agents chose nothing: e-mail and declaration.
var DefaultSettings = Settings{EmailDeclaration: true}

// Any reports whether at least one method is enabled.
func (s Settings) Any() bool { return s.EmailDeclaration || s.Census || s.OIDC }

// SettingsOf returns the identity settings of a campaign.
func SettingsOf(ctx context.Context, q db.Querier, campaignID int64) (Settings, error) {
	var s Settings
	err := q.QueryRowContext(ctx, "SELECT email_declaration, census, oidc FROM vote_settings WHERE campaign_id = $1",
		campaignID).Scan(&s.EmailDeclaration, &s.Census, &s.OIDC)
	if db.IsNotFound(err) {
		return DefaultSettings, nil
	}
	if err != nil {
		return s, fmt.Errorf("read vote settings: %w", err)
	}
	return s, nil
}

// SaveSettings writes the identity settings of a campaign.
func SaveSettings(ctx context.Context, q db.Querier, campaignID int64, s Settings, now time.Time) error {
	if !s.Any() {
		return apperr.New(apperr.Invalid, "vote.settings.none")
	}
	_, err := q.ExecContext(ctx, `INSERT INTO vote_settings (campaign_id, email_declaration, census, oidc, updated_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (campaign_id) DO UPDATE SET email_declaration = excluded.email_declaration,
		census = excluded.census, oidc = excluded.oidc, updated_at = excluded.updated_at`,
		campaignID, s.EmailDeclaration, s.Census, s.OIDC, now.UTC())
	if err != nil {
		return fmt.Errorf("save vote settings: %w", err)
	}
	return nil
}

// ---- The key of the keyed hash ----

// HashKey returns the database's key for PersonKey, creating it at first use.
func HashKey(ctx context.Context, q db.Querier) ([]byte, error) {
	var key []byte
	err := q.QueryRowContext(ctx, "SELECT hmac_key FROM vote_secrets WHERE id = 1").Scan(&key)
	if err == nil {
		return key, nil
	}
	if !db.IsNotFound(err) {
		return nil, fmt.Errorf("read vote key: %w", err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if _, err := q.ExecContext(ctx, "INSERT INTO vote_secrets (id, hmac_key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING", key); err != nil {
		return nil, fmt.Errorf("create vote key: %w", err)
	}
	if err := q.QueryRowContext(ctx, "SELECT hmac_key FROM vote_secrets WHERE id = 1").Scan(&key); err != nil {
		return nil, fmt.Errorf("read vote key: %w", err)
	}
	return key, nil
}

// ---- Voters ----

// Voter is an account that proved, for one campaign, who it is.
type Voter struct {
	CampaignID int64
	AccountID  int64
	PersonKey  string
	Commune    string
	BirthDate  Date
	Method     string
}

// RegisterVoter records that the account is the person of the declaration. The same person
// declared by another account is refused (Conflict, with the campaign's contact address);
// an account already registered keeps its first declaration.
func RegisterVoter(ctx context.Context, q db.Querier, v *Voter, contact string) error {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM vote_voters WHERE campaign_id = $1 AND person_key = $2 AND account_id <> $3",
		v.CampaignID, v.PersonKey, v.AccountID).Scan(&n); err != nil {
		return fmt.Errorf("check voter: %w", err)
	}
	if n > 0 {
		return duplicatePerson(contact)
	}
	res, err := q.ExecContext(ctx, `INSERT INTO vote_voters (campaign_id, account_id, person_key, commune, birth_date, method)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
		v.CampaignID, v.AccountID, v.PersonKey, v.Commune, v.BirthDate.String(), v.Method)
	if err != nil {
		return fmt.Errorf("register voter: %w", err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		// Either this account registered already (fine: its first declaration stands) or
		// another one took the person meanwhile.
		cur, err := VoterOf(ctx, q, v.CampaignID, v.AccountID)
		if err != nil && !apperr.IsKind(err, apperr.NotFound) {
			return err
		}
		if cur == nil {
			return duplicatePerson(contact)
		}
		*v = *cur
	}
	return nil
}

func duplicatePerson(contact string) error {
	if contact == "" {
		return apperr.New(apperr.Conflict, "vote.identity.duplicate_nocontact")
	}
	return apperr.New(apperr.Conflict, "vote.identity.duplicate", contact)
}

// VoterOf returns the account's registration for the campaign, or an apperr NotFound.
func VoterOf(ctx context.Context, q db.Querier, campaignID, accountID int64) (*Voter, error) {
	v := Voter{CampaignID: campaignID, AccountID: accountID}
	var birth string
	err := q.QueryRowContext(ctx, `SELECT person_key, commune, birth_date, method FROM vote_voters
		WHERE campaign_id = $1 AND account_id = $2`, campaignID, accountID).Scan(&v.PersonKey, &v.Commune, &birth, &v.Method)
	if db.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "vote.identity.not_registered")
	}
	if err != nil {
		return nil, fmt.Errorf("read voter: %w", err)
	}
	if v.BirthDate, err = ParseDate(birth); err != nil {
		return nil, err
	}
	return &v, nil
}

// HasVoted reports whether the person is in the participation register.
func HasVoted(ctx context.Context, q db.Querier, campaignID int64, personKey string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM vote_participation WHERE campaign_id = $1 AND person_key = $2",
		campaignID, personKey).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read participation: %w", err)
	}
	return n > 0, nil
}

// VoterCount is the running number of voters (public while the vote runs).
func VoterCount(ctx context.Context, q db.Querier, campaignID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM vote_participation WHERE campaign_id = $1", campaignID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count voters: %w", err)
	}
	return n, nil
}

// ---- Census ----

// ImportCensus replaces the census list of a campaign with rows and returns how many it holds.
func ImportCensus(ctx context.Context, tx *db.Tx, campaignID int64, rows []CensusRow) (int, error) {
	if _, err := tx.ExecContext(ctx, "DELETE FROM vote_census WHERE campaign_id = $1", campaignID); err != nil {
		return 0, fmt.Errorf("clear census: %w", err)
	}
	const per = 500
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		var b strings.Builder
		args := make([]any, 0, (end-start)*5)
		b.WriteString("INSERT INTO vote_census (campaign_id, family_key, given_key, birth_date, commune) VALUES ")
		for i, r := range rows[start:end] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + db.Placeholders(len(args)+1, 5) + ")")
			args = append(args, campaignID, NormalizeName(r.FamilyName), NormalizeName(r.GivenName), r.BirthDate.String(), r.Commune)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return 0, fmt.Errorf("insert census: %w", err)
		}
	}
	return CensusSize(ctx, tx, campaignID)
}

// CensusSize is the number of people in the campaign's census list.
func CensusSize(ctx context.Context, q db.Querier, campaignID int64) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM vote_census WHERE campaign_id = $1", campaignID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count census: %w", err)
	}
	return n, nil
}

// MatchCensus finds the person in the census list by names and birth date and returns the
// commune of the list; NotFound when nobody matches, Conflict when several do (homonyms born
// the same day: the voter is sent to the contact).
func MatchCensus(ctx context.Context, q db.Querier, campaignID int64, family, given string, birth Date) (string, error) {
	rows, err := q.QueryContext(ctx, `SELECT commune FROM vote_census WHERE campaign_id = $1 AND family_key = $2
		AND given_key = $3 AND birth_date = $4 LIMIT 2`, campaignID, NormalizeName(family), NormalizeName(given), birth.String())
	if err != nil {
		return "", fmt.Errorf("match census: %w", err)
	}
	defer rows.Close()
	var communes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return "", err
		}
		communes = append(communes, c)
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	switch len(communes) {
	case 0:
		return "", apperr.New(apperr.NotFound, "vote.census.no_match")
	case 1:
		return communes[0], nil
	default:
		return "", apperr.New(apperr.Conflict, "vote.census.ambiguous")
	}
}

// ---- Retention ----

// PurgeVoterRegister erases the identities a closed vote no longer needs (package privacy
// decides when): the voter register (commune, birth date, the keyed hash of each voter,
// tied to their account) and the census list. The participation register keeps one row
// per ballot, for the count and the turnout by commune and age bracket, but each keyed hash
// is replaced by a random value: nothing left can tell whether a given person voted. It
// returns the number of voter register rows erased.
func PurgeVoterRegister(ctx context.Context, q db.Querier, campaignID int64) (int64, error) {
	res, err := q.ExecContext(ctx, "DELETE FROM vote_voters WHERE campaign_id = $1", campaignID)
	if err != nil {
		return 0, fmt.Errorf("purge voter register: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge voter register: %w", err)
	}
	if _, err := q.ExecContext(ctx, "DELETE FROM vote_census WHERE campaign_id = $1", campaignID); err != nil {
		return 0, fmt.Errorf("purge census list: %w", err)
	}
	keys, err := participationKeys(ctx, q, campaignID)
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		if _, err := q.ExecContext(ctx, "UPDATE vote_participation SET person_key = $1 WHERE campaign_id = $2 AND person_key = $3",
			purgedKey(), campaignID, k); err != nil {
			return 0, fmt.Errorf("purge participation key: %w", err)
		}
	}
	return n, nil
}

// purgedPrefix marks a participation row whose keyed hash was replaced: a keyed hash is
// hexadecimal, so no voter's key can take this form.
const purgedPrefix = "purged-"

func participationKeys(ctx context.Context, q db.Querier, campaignID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT person_key FROM vote_participation WHERE campaign_id = $1 AND person_key NOT LIKE $2",
		campaignID, purgedPrefix+"%")
	if err != nil {
		return nil, fmt.Errorf("read participation keys: %w", err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("read participation keys: %w", err)
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

func purgedKey() string { return purgedPrefix + rand.Text() }

// AccountsInRegister returns the accounts that hold a row of some campaign's voter register:
// the retention purge leaves their accounts to the campaign's own period.
func AccountsInRegister(ctx context.Context, q db.Querier) (map[int64]bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT DISTINCT account_id FROM vote_voters")
	if err != nil {
		return nil, fmt.Errorf("read voter register accounts: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read voter register accounts: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}
