// Package audit keeps the append-only log of every state change: who, when, what, the state
// before and after. Each entry carries the hash of the previous one, so editing, reordering
// or deleting an entry breaks the chain and Verify finds it.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/db"
)

// Entry is one audited change.
type Entry struct {
	ID         int64
	At         time.Time
	ActorID    *int64 // nil for the system (demo seeding, scheduled jobs, command line)
	Actor      string // label: ActorAccount for a person (ActorID says who), else "cli", "demo", "worker", "visitor", "system"
	Action     string // dotted verb, e.g. "campaign.create", "dossier.submit"
	EntityKind string
	EntityID   string
	CampaignID *int64
	Before     string // JSON, "null" when the entity is new
	After      string // JSON, "null" when the entity is removed
	PrevHash   string
	Hash       string
}

// ActorAccount is the label of an entry made by a signed-in person: ActorID says who. The
// label never names the person (an e-mail address in the chain could not be erased without
// breaking it); a reader of the log looks the account up by its id.
const ActorAccount = "account"

// genesis is the previous hash of the first entry.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// JSON encodes a state for Before/After; nil becomes "null".
func JSON(v any) (string, error) {
	if v == nil {
		return "null", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode audit state: %w", err)
	}
	return string(b), nil
}

// hash covers every field of the entry and the previous hash. Fields are separated by a
// byte that cannot appear in them unescaped (JSON and labels are valid UTF-8 text; the unit
// separator is escaped by JSON and refused in labels by sanitize).
func hash(e Entry) string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0x1f})
	}
	field(e.PrevHash)
	field(strconv.FormatInt(e.ID, 10))
	field(e.At.UTC().Format(time.RFC3339Nano))
	field(optInt(e.ActorID))
	field(e.Actor)
	field(e.Action)
	field(e.EntityKind)
	field(e.EntityID)
	field(optInt(e.CampaignID))
	field(e.Before)
	field(e.After)
	return hex.EncodeToString(h.Sum(nil))
}

func optInt(p *int64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatInt(*p, 10)
}

func sanitize(s string) string { return strings.ReplaceAll(s, "\x1f", " ") }

// Append adds e to the log inside tx. It takes the log's lock, so concurrent transactions
// chain one after the other; the caller's transaction commits or rolls back the entry
// together with the change it describes.
func Append(ctx context.Context, d *db.DB, tx *db.Tx, e Entry) (Entry, error) {
	if err := d.Lock(ctx, tx, "audit_log"); err != nil {
		return Entry{}, err
	}
	var lastID int64
	prev := genesis
	err := tx.QueryRowContext(ctx, "SELECT last_id, last_hash FROM audit_head WHERE singleton = 1").Scan(&lastID, &prev)
	if err != nil && !db.IsNotFound(err) {
		return Entry{}, fmt.Errorf("read audit head: %w", err)
	}
	e.ID = lastID + 1
	e.PrevHash = prev
	// PostgreSQL keeps microseconds: truncate so the hash covers what is stored.
	e.At = e.At.UTC().Truncate(time.Microsecond)
	e.Actor, e.Action = sanitize(e.Actor), sanitize(e.Action)
	e.EntityKind, e.EntityID = sanitize(e.EntityKind), sanitize(e.EntityID)
	if e.Before == "" {
		e.Before = "null"
	}
	if e.After == "" {
		e.After = "null"
	}
	e.Hash = hash(e)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor_id, actor, action, entity_kind, entity_id,
		campaign_id, before_json, after_json, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		e.ID, e.At, e.ActorID, e.Actor, e.Action, e.EntityKind, e.EntityID, e.CampaignID, e.Before, e.After, e.PrevHash, e.Hash)
	if err != nil {
		return Entry{}, fmt.Errorf("append audit entry %s: %w", e.Action, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (1, $1, $2)
		ON CONFLICT (singleton) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash`, e.ID, e.Hash)
	if err != nil {
		return Entry{}, fmt.Errorf("move audit head: %w", err)
	}
	return e, nil
}
