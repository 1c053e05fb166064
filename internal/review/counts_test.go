package review_test

import (
	"context"
	"fmt"
	"testing"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/review"
)

// TestCountBacklog: unassigned dossiers (a conflict of interest is no assignment), reviews
// not returned on dossiers still before the committee, dossiers with enough returned
// reviews to decide.
func TestCountBacklog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		var members []int64
		for i := range 3 {
			a, err := account.Create(ctx, d, fmt.Sprintf("m%d@exemple.fr", i), "M", f.now)
			if err != nil {
				t.Fatal(err)
			}
			if err := review.PutMember(ctx, d, &review.Member{CampaignID: f.c.ID, AccountID: a.ID, Kind: review.KindESS}, f.now); err != nil {
				t.Fatal(err)
			}
			members = append(members, a.ID)
		}
		// assign gives the dossier to member m; what: "" pending, "conflict", "returned".
		assign := func(dossierID int64, m int, what string) {
			t.Helper()
			if _, err := review.Assign(ctx, d, f.c.ID, review.Pair{DossierID: dossierID, AccountID: members[m]}, false, f.now); err != nil {
				t.Fatal(err)
			}
			a, err := review.AssignmentFor(ctx, d, dossierID, members[m])
			if err != nil {
				t.Fatal(err)
			}
			switch what {
			case "conflict":
				err = review.Declare(ctx, d, a.ID, review.ConflictDeclared, "Je la préside.", f.now)
			case "returned":
				if err = review.Declare(ctx, d, a.ID, review.ConflictNone, "", f.now); err == nil {
					err = review.SaveReview(ctx, d, a.ID, review.Review{Opinion: review.OpinionFavourable}, true, f.now)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		move := func(id int64, to dossier.State) {
			t.Helper()
			if err := dossier.SetState(ctx, d, id, dossier.StateSubmitted, to, f.now); err != nil {
				t.Fatal(err)
			}
		}
		ds := f.dossiers
		// 0: submitted, nobody. 1: submitted, a conflict only.
		assign(ds[1], 0, "conflict")
		// 2: under review, two reviews returned: ready.
		move(ds[2], dossier.StateUnderReview)
		assign(ds[2], 0, "returned")
		assign(ds[2], 1, "returned")
		// 3: under review, one returned, one pending, one conflict: not ready.
		move(ds[3], dossier.StateUnderReview)
		assign(ds[3], 0, "returned")
		assign(ds[3], 1, "")
		assign(ds[3], 2, "conflict")
		// 4: eligible, two returned: ready.
		move(ds[4], dossier.StateEligible)
		assign(ds[4], 1, "returned")
		assign(ds[4], 2, "returned")
		// 5: labelled already: its pending review waits for nobody.
		move(ds[5], dossier.StateLabelled)
		assign(ds[5], 0, "")

		for _, tt := range []struct {
			min  int
			want review.Backlog
		}{
			{2, review.Backlog{Members: 3, Unassigned: 2, Pending: 1, Ready: 2}},
			{1, review.Backlog{Members: 3, Unassigned: 2, Pending: 1, Ready: 3}},
			{3, review.Backlog{Members: 3, Unassigned: 2, Pending: 1, Ready: 0}},
		} {
			got, err := review.CountBacklog(ctx, d, f.c.ID, tt.min)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("min %d: %+v, want %+v", tt.min, got, tt.want)
			}
		}
	})
}
