package account

import (
	"context"
	"testing"
	"time"

	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

func TestTokensIssuedSince(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreate(t, d, "camille@exemple.fr", "")
		b := mustCreate(t, d, "dominique@exemple.fr", "")
		for i := range 3 {
			if _, err := IssueToken(ctx, d, a.ID, PurposeLoginCode, 0, t0.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := IssueToken(ctx, d, a.ID, PurposeVerify, 0, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := IssueToken(ctx, d, b.ID, PurposeLoginCode, 0, t0); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			id      int64
			purpose Purpose
			since   time.Time
			want    int
		}{
			{a.ID, PurposeLoginCode, t0, 3}, // cancelled codes count too: they were sent
			{a.ID, PurposeLoginCode, t0.Add(time.Minute), 2},
			{a.ID, PurposeLoginCode, t0.Add(3 * time.Minute), 0},
			{a.ID, PurposeVerify, t0, 1},
			{a.ID, PurposeReset, t0, 0},
			{b.ID, PurposeLoginCode, t0.Add(-time.Hour), 1},
		} {
			n, err := TokensIssuedSince(ctx, d, tc.id, tc.purpose, tc.since)
			if err != nil || n != tc.want {
				t.Errorf("TokensIssuedSince(%d, %s, %v) = %d, %v; want %d", tc.id, tc.purpose, tc.since, n, err, tc.want)
			}
		}
	})
}
