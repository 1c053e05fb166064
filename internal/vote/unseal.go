package vote

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/seal"
)

// UnsealInput is an unsealing: the campaign and the shares its trustees typed or read from
// files, in any order.
type UnsealInput struct {
	Campaign *campaign.Campaign
	Shares   []string
}

// Unsealed is what an unsealing did.
type Unsealed struct {
	Box     string // the box's id
	Ballots int
}

// Unseal opens c's sealed box after the close of the vote (trustees, or the platform): the
// key is rebuilt in memory from at least k shares, every ballot is decrypted and checked,
// the ballots are written in clear in a fresh random order (as an unsealed box holds them),
// the ciphertexts are erased (their fingerprints stay, so that voters can still find their
// tracker), and the key is forgotten. Too few shares, a mistyped share, a share of another
// box or a wrong share are field errors on "shares" naming it; a vote not closed yet or a
// box not sealed, an apperr Conflict. Nothing is changed then.
func Unseal(ctx context.Context, env change.Env, who change.Who, in UnsealInput) (Unsealed, error) {
	c := in.Campaign
	if w, ok := c.Window(campaign.PhaseVote); ok && env.Now().Before(w.End) {
		return Unsealed{}, apperr.New(apperr.Conflict, "box.vote_open")
	}
	var out Unsealed
	_, err := change.Do(ctx, env, change.Request{
		Who: who, Permission: access.PermUnseal, Campaign: c, Action: "vote.unseal", EntityKind: "campaign",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			box, err := SealedBoxOf(ctx, tx, c.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			if !box.Sealed() {
				return change.Outcome{}, apperr.New(apperr.Conflict, "box.unsealed")
			}
			key, err := recoverKey(box, in.Shares)
			if err != nil {
				return change.Outcome{}, err
			}
			defer key.Forget()
			out.Box = box.PublicBox().ID()
			n, err := openBox(ctx, tx, key, c.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE vote_boxes SET unsealed_at = $2 WHERE campaign_id = $1",
				c.ID, env.Now().UTC()); err != nil {
				return change.Outcome{}, fmt.Errorf("mark the box unsealed: %w", err)
			}
			tx.Changed(BoxTopic, c.ID)
			out.Ballots = n
			return change.Outcome{EntityID: strconv.FormatInt(c.ID, 10),
				After: map[string]any{"box": out.Box, "ballots": n}}, nil
		},
	})
	if err != nil {
		return Unsealed{}, err
	}
	return out, nil
}

// recoverKey parses the shares and rebuilds the box's key; each fault is a field error on
// "shares" that says which share.
func recoverKey(box *SealedBox, texts []string) (*seal.Key, error) {
	fault := func(key string, args ...any) error {
		fe := apperr.FieldErrors{}
		fe.Add("shares", key, args...)
		return fe.Err()
	}
	var shares []seal.Share
	for i, t := range texts {
		s, err := seal.ParseShare(t)
		if err != nil {
			return nil, fault("box.share_mistyped", i+1)
		}
		shares = append(shares, s)
	}
	key, err := box.PublicBox().Recover(shares)
	var bad *seal.BadShareError
	switch {
	case err == nil:
		return key, nil
	case errors.Is(err, seal.ErrTooFew):
		return nil, fault("box.shares_too_few", box.K)
	case errors.Is(err, seal.ErrOtherBox):
		return nil, fault("box.share_other_box")
	case errors.Is(err, seal.ErrDuplicate):
		return nil, fault("box.share_twice")
	case errors.As(err, &bad):
		return nil, fault("box.share_wrong", bad.Index)
	}
	return nil, fmt.Errorf("rebuild the key of the box: %w", err)
}

// openBox decrypts every group of the campaign's box with key, writes the ballots in clear
// in a random order, erases the ciphertexts and returns how many ballots it wrote.
func openBox(ctx context.Context, tx *db.Tx, key *seal.Key, campaignID int64) (int, error) {
	groups, err := sealedGroups(ctx, tx, campaignID)
	if err != nil {
		return 0, err
	}
	info := sealInfo(campaignID)
	var ballots []sealedBallot
	for _, g := range groups {
		pts, err := key.OpenGroup(info, g.enc, g.ciphertexts)
		if err != nil {
			return 0, fmt.Errorf("open a group of the box: %w", err)
		}
		for _, pt := range pts {
			var b sealedBallot
			if err := json.Unmarshal(pt, &b); err != nil || b.Receipt == "" {
				return 0, fmt.Errorf("a ballot of the box is not a ballot: %v", err)
			}
			if _, err := parseStoredChoices(b.Choices); err != nil {
				return 0, fmt.Errorf("a ballot of the box has choices %q: %w", b.Choices, err)
			}
			ballots = append(ballots, b)
		}
	}
	rows := make([][]any, len(ballots))
	for i, b := range ballots {
		id := make([]byte, 16)
		_, _ = rand.Read(id)
		rows[i] = []any{campaignID, id, b.Receipt, b.Choices}
	}
	if err := cryptoShuffle(rows); err != nil {
		return 0, err
	}
	if err := ballotInsert.Exec(ctx, tx, rows); err != nil {
		return 0, fmt.Errorf("write the unsealed ballots: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE vote_sealed_ballots SET ciphertext = $2 WHERE campaign_id = $1",
		campaignID, []byte{}); err != nil {
		return 0, fmt.Errorf("erase the ciphertexts: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM vote_sealed_groups WHERE campaign_id = $1", campaignID); err != nil {
		return 0, fmt.Errorf("erase the groups' keys: %w", err)
	}
	return len(ballots), nil
}

// group is one group of a sealed box: its encapsulated key and its ciphertexts in order.
type group struct {
	enc         []byte
	ciphertexts [][]byte
}

// sealedGroups reads the groups of a campaign's box, each with its ciphertexts by position.
func sealedGroups(ctx context.Context, q db.Querier, campaignID int64) ([]group, error) {
	rows, err := q.QueryContext(ctx, `SELECT g.id, g.enc, b.ciphertext FROM vote_sealed_groups g
		JOIN vote_sealed_ballots b ON b.campaign_id = g.campaign_id AND b.group_id = g.id
		WHERE g.campaign_id = $1 ORDER BY g.id, b.seq`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("read the sealed box: %w", err)
	}
	defer rows.Close()
	var out []group
	var last string
	for rows.Next() {
		var id, enc, ct []byte
		if err := rows.Scan(&id, &enc, &ct); err != nil {
			return nil, fmt.Errorf("read the sealed box: %w", err)
		}
		if string(id) != last || len(out) == 0 {
			out = append(out, group{enc: enc})
			last = string(id)
		}
		out[len(out)-1].ciphertexts = append(out[len(out)-1].ciphertexts, ct)
	}
	return out, rows.Err()
}

// cryptoShuffle puts rows in a uniformly random order drawn from crypto/rand (Fisher–Yates),
// so that the order of the published ballots says nothing of the order of casting.
func cryptoShuffle(rows [][]any) error {
	for i := len(rows) - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return fmt.Errorf("shuffle the ballots: %w", err)
		}
		rows[i], rows[j.Int64()] = rows[j.Int64()], rows[i]
	}
	return nil
}
