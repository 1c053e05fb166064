package account

import (
	"context"
	"fmt"
	"testing"
	"time"

	"budgetcitoyen/internal/db/dbtest"
)

// BenchmarkSessionFind reads a signed-in session with its account, the first query of every
// request of a signed-in visitor, among 2,000 sessions.
func BenchmarkSessionFind(b *testing.B) {
	d := dbtest.SQLite(b)
	ctx := context.Background()
	s := NewSessionStore(d, NewSessionCache(d))
	var tokens []string
	for i := range 2000 {
		a, err := Create(ctx, d, fmt.Sprintf("v%d@example.org", i), "", t0)
		if err != nil {
			b.Fatal(err)
		}
		data, _ := SessionCodec{}.Encode(time.Now().Add(time.Hour), map[string]any{SessionAccountKey: a.ID, "csrf": "0123456789abcdef0123456789abcdef"})
		tok := fmt.Sprintf("token-%06d-abcdefghijklmnopqrstuvwxyz", i)
		if err := s.CommitCtx(ctx, tok, data, time.Now().Add(time.Hour)); err != nil {
			b.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		pctx, p := WithPrefetch(ctx)
		if _, found, err := s.FindCtx(pctx, tokens[i%len(tokens)]); err != nil || !found || p.Account == nil {
			b.Fatal(found, err)
		}
		i += 7
	}
}
