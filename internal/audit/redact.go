package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"

	"budgetcitoyen/internal/db"
)

// Redacted replaces an e-mail address in the entries rewritten by the migration 0017.
const Redacted = "[redacted]"

// ActionRedact is the action of the entry that records the rewrite of the log.
const ActionRedact = "audit.redact"

func init() { db.RegisterStep("audit.redact", redactLog) }

// address finds what looks like an e-mail address inside a text. It is broad on purpose
// (any run of characters that may not end an address, around an @ and a dotted domain):
// removing a string that only looked like an address costs less than keeping one.
var address = regexp.MustCompile(`[^\s@"'<>()\[\],;:\\]+@[^\s@"'<>()\[\],;:\\]+\.[^\s@"'<>()\[\],;:\\.]{2,}`)

// keptAddresses names the fields whose address is not personal data, by entity kind: a
// campaign's contact address (campaign.Campaign.ContactEmail, recorded whole by the
// campaign's changes) is the public address of a service.
var keptAddresses = map[string]string{"campaign": "ContactEmail"}

// redactEntry returns e's actor label and states without e-mail addresses, and whether
// anything changed.
func redactEntry(e Entry) (Entry, bool) {
	out := e
	if e.ActorID != nil {
		out.Actor = ActorAccount
	} else {
		out.Actor = address.ReplaceAllString(e.Actor, Redacted)
	}
	kept := keptAddresses[e.EntityKind]
	out.Before, out.After = redactState(e.Before, kept), redactState(e.After, kept)
	return out, out.Actor != e.Actor || out.Before != e.Before || out.After != e.After
}

// redactState is redactJSON, or, for a state that is not JSON (Append never writes one,
// but the migration must not stop a server's start on it), the text with every address
// replaced, the contact too.
func redactState(s, kept string) string {
	if r, err := redactJSON(s, kept); err == nil {
		return r
	}
	return address.ReplaceAllString(s, Redacted)
}

// redactJSON replaces the addresses inside the strings (values and keys) of the JSON text
// s, but the value of the field kept. It walks the tokens and writes them back in their
// order, so that an entry keeps its shape (and a text without an address is returned as
// it was, byte for byte).
func redactJSON(s, kept string) (string, error) {
	if !address.MatchString(s) {
		return s, nil
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var b bytes.Buffer
	if err := copyValue(dec, &b, "", kept); err != nil {
		return "", err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("redact: text after the JSON value")
	}
	return b.String(), nil
}

// copyValue copies the next JSON value of dec into b, its addresses replaced unless it is
// the value of the field kept (key is the name of the field the value belongs to).
func copyValue(dec *json.Decoder, b *bytes.Buffer, key, kept string) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("redact: %w", err)
	}
	switch v := tok.(type) {
	case json.Delim:
		end := map[json.Delim]byte{'{': '}', '[': ']'}[v]
		b.WriteByte(byte(v))
		for first := true; dec.More(); first = false {
			if !first {
				b.WriteByte(',')
			}
			if v == '{' {
				k, err := dec.Token()
				if err != nil {
					return fmt.Errorf("redact: %w", err)
				}
				name, _ := k.(string)
				writeString(b, address.ReplaceAllString(name, Redacted))
				b.WriteByte(':')
				key = name
			}
			if err := copyValue(dec, b, key, kept); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return fmt.Errorf("redact: %w", err)
		}
		b.WriteByte(end)
	case string:
		if kept == "" || key != kept {
			v = address.ReplaceAllString(v, Redacted)
		}
		writeString(b, v)
	case json.Number:
		b.WriteString(v.String())
	case bool:
		fmt.Fprint(b, v)
	case nil:
		b.WriteString("null")
	}
	return nil
}

// writeString writes s as JSON the way json.Marshal (hence JSON) does.
func writeString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s) // a string always encodes
	b.Write(enc)
}

// redactBatch is how many entries the rewrite reads at a time: the log may be long, and a
// transaction cannot read and write on one connection at once (pgx), so it reads a batch,
// then writes it.
const redactBatch = 500

// redactLog is the Go step of the migration 0017: it rewrites the entries without e-mail
// addresses (redactEntry), recomputes every hash in id order, moves the head and records
// what it did in a new entry. It runs in the migration's transaction.
//
// Re-chaining would also hide an earlier tampering, since every hash is recomputed: so the
// old chain is verified on the way, and the new entry records the old head and the problems
// found, for good.
func redactLog(ctx context.Context, tx *db.Tx) error {
	d := tx.DB()
	if err := d.Lock(ctx, tx, "audit_log"); err != nil {
		return err
	}
	old := newChainCheck()
	newPrev := genesis
	rewritten, lastID := 0, int64(0)
	for {
		batch, err := entriesAfter(ctx, tx, lastID, redactBatch)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		for _, e := range batch {
			old.add(e)
			n, changed := redactEntry(e)
			if changed {
				rewritten++
			}
			n.PrevHash = newPrev
			n.Hash = hash(n)
			newPrev = n.Hash
			if !changed && n.PrevHash == e.PrevHash && n.Hash == e.Hash {
				continue // before the first change, the chain is unchanged
			}
			_, err = tx.ExecContext(ctx, `UPDATE audit_log SET actor = $1, before_json = $2, after_json = $3,
				prev_hash = $4, hash = $5 WHERE id = $6`, n.Actor, n.Before, n.After, n.PrevHash, n.Hash, n.ID)
			if err != nil {
				return fmt.Errorf("rewrite audit entry %d: %w", n.ID, err)
			}
		}
		lastID = batch[len(batch)-1].ID
	}
	if old.entries == 0 {
		return nil // a new database: nothing was written, so nothing to rewrite or record
	}
	oldHead, err := old.end(ctx, tx)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (1, $1, $2)
		ON CONFLICT (singleton) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash`, lastID, newPrev)
	if err != nil {
		return fmt.Errorf("move audit head: %w", err)
	}
	problems := make([]map[string]any, 0, len(old.problems))
	for _, p := range old.problems {
		problems = append(problems, map[string]any{"entry": p.EntryID, "what": p.What})
	}
	after, err := JSON(map[string]any{"entries": old.entries, "rewritten": rewritten,
		"previous_head": oldHead, "previous_problems": problems})
	if err != nil {
		return err
	}
	// The wall clock, as for the migration's own record (schema_migrations.applied_at).
	_, err = Append(ctx, d, tx, Entry{At: time.Now(), Actor: "system", Action: ActionRedact,
		EntityKind: "audit_log", EntityID: "", After: after})
	return err
}

// entriesAfter reads up to n entries of id greater than id, in id order.
func entriesAfter(ctx context.Context, q db.Querier, id int64, n int) ([]Entry, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, at, actor_id, actor, action, entity_kind, entity_id, campaign_id,
		before_json, after_json, prev_hash, hash FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2`, id, n)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return out, nil
}
