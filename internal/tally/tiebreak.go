package tally

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
)

// TieBreak is a parsed tie-breaking chain such as "votes,cost,id" or "seed:2025". Ties left by
// every listed criterion fall back to the project id as text, so the order is always total.
type TieBreak struct {
	keys []tbKey
}

type tbKey struct {
	kind string // id, cost, votes, order, seed
	seed string
}

// ParseTieBreak reads a comma-chained tie-break specification. The empty string means "id",
// pabutools' default, which reproduces the reference outcomes.
func ParseTieBreak(spec string) (TieBreak, error) {
	var tb TieBreak
	if strings.TrimSpace(spec) == "" {
		spec = "id"
	}
	for part := range strings.SplitSeq(spec, ",") {
		part = strings.TrimSpace(part)
		switch {
		case part == "id" || part == "cost" || part == "votes" || part == "order":
			tb.keys = append(tb.keys, tbKey{kind: part})
		case strings.HasPrefix(part, "seed:") && len(part) > len("seed:"):
			tb.keys = append(tb.keys, tbKey{kind: "seed", seed: part[len("seed:"):]})
		default:
			return TieBreak{}, fmt.Errorf("unknown tie-break %q (use id, cost, votes, order or seed:S, comma-chained)", part)
		}
	}
	return tb, nil
}

// String gives the canonical spelling of the chain.
func (tb TieBreak) String() string {
	if len(tb.keys) == 0 {
		return "id"
	}
	parts := make([]string, len(tb.keys))
	for i, k := range tb.keys {
		parts[i] = k.kind
		if k.kind == "seed" {
			parts[i] = "seed:" + k.seed
		}
	}
	return strings.Join(parts, ",")
}

// ranks returns, for every project index, its position in the tie-break order (0 = wins
// every tie). Rules compare these positions only, so tie-breaking costs nothing per decision.
func (tb TieBreak) ranks(in *Instance, votes []int64) []int32 {
	n := len(in.Projects)
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	hashes := make([][][32]byte, len(tb.keys))
	for ki, k := range tb.keys {
		if k.kind == "seed" {
			hashes[ki] = make([][32]byte, n)
			for i, p := range in.Projects {
				// A published seed and the project id determine the draw: anyone can recompute
				// it as sha256(seed + "\x00" + id), smaller hash first.
				hashes[ki][i] = sha256.Sum256([]byte(k.seed + "\x00" + p.ID))
			}
		}
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		for ki, k := range tb.keys {
			var c int
			switch k.kind {
			case "id":
				c = strings.Compare(in.Projects[a].ID, in.Projects[b].ID)
			case "cost":
				c = cmp.Compare(in.Projects[a].Cost, in.Projects[b].Cost)
			case "votes":
				c = cmp.Compare(votes[b], votes[a])
			case "order":
				c = cmp.Compare(a, b)
			case "seed":
				c = slices.Compare(hashes[ki][a][:], hashes[ki][b][:])
			}
			if c != 0 {
				return c
			}
		}
		return strings.Compare(in.Projects[a].ID, in.Projects[b].ID)
	})
	rank := make([]int32, n)
	for pos, p := range order {
		rank[p] = int32(pos)
	}
	return rank
}
