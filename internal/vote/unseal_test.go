package vote_test

import (
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/seal"
	"budgetcitoyen/internal/vote"
)

// TestSealedBoxCastAndUnseal seals a box, casts ballots through the box at concurrency 16,
// checks that the database holds them only as ciphertexts, refuses the wrong unsealings, and
// unseals with two shares of three.
func TestSealedBoxCastAndUnseal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRegFixture(t, d)
		w, _ := f.c.Window(campaign.PhaseVote)
		f.clock = w.Start.Add(-time.Hour)
		agent := f.person("agent@x.test", access.Grant{Role: access.Agent})
		for _, e := range []string{"a@x.test", "b@x.test", "c@x.test"} {
			f.person(e)
		}
		cer, err := vote.SealBox(f.ctx, f.env.Change, change.By(agent),
			vote.SealInput{Campaign: f.c, Trustees: []string{"a@x.test", "b@x.test", "c@x.test"}, K: 2})
		if err != nil {
			t.Fatal(err)
		}

		// The vote: 40 ballots, 16 at a time, so that groups hold several ballots.
		f.clock = w.Start.Add(time.Hour)
		box := vote.NewBox(d, func() time.Time { return f.clock })
		const n = 40
		receipts := make([]vote.Receipt, n)
		var wg sync.WaitGroup
		sem := make(chan struct{}, 16)
		for i := range n {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				r, err := box.Cast(f.ctx, vote.Cast{CampaignID: f.c.ID, PersonKey: fmt.Sprint("person-", i),
					Commune: "62041", AgeBracket: "25-34", Choices: []int64{int64(100 + i%3), 200}})
				if err != nil {
					t.Error(err)
				}
				receipts[i] = r
			}()
		}
		wg.Wait()
		if _, err := box.Cast(f.ctx, vote.Cast{CampaignID: f.c.ID, PersonKey: "person-1", Choices: []int64{100}}); err != vote.ErrAlreadyVoted {
			t.Fatalf("a second ballot of one person: %v", err)
		}
		trackers := dbtest.Strings(t, d, "SELECT fingerprint FROM vote_sealed_ballots ORDER BY fingerprint")
		var given []string
		for _, r := range receipts {
			if r.Tracker == "" || r.Code == "" {
				t.Fatalf("receipt without tracker: %+v", r)
			}
			given = append(given, r.Tracker)
		}
		slices.Sort(given)
		if !slices.Equal(trackers, given) {
			t.Errorf("the box's trackers are not the voters':\n%v\n%v", trackers, given)
		}
		// Nothing in clear: no ballot row, no receipt code in any ciphertext.
		if got := dbtest.Strings(t, d, "SELECT CAST(COUNT(*) AS TEXT) FROM vote_ballots"); got[0] != "0" {
			t.Fatalf("%s ballots in clear in a sealed box", got[0])
		}
		cts := dbtest.Strings(t, d, "SELECT CAST(ciphertext AS TEXT) FROM vote_sealed_ballots")
		for _, r := range receipts {
			for _, ct := range cts {
				if strings.Contains(ct, r.Code) {
					t.Fatalf("receipt %s in clear in a ciphertext", r.Code)
				}
			}
		}
		counts := func() string {
			return dbtest.Snapshot(t, d, "SELECT CAST(COUNT(*) AS TEXT) FROM vote_ballots",
				"SELECT CAST(COUNT(*) AS TEXT) FROM vote_sealed_groups",
				"SELECT CAST(COUNT(*) AS TEXT) FROM audit_log",
				"SELECT CAST(COUNT(*) AS TEXT) FROM vote_boxes WHERE unsealed_at IS NULL")
		}
		unseal := func(who change.Who, shares ...string) func() error {
			return func() error {
				_, err := vote.Unseal(f.ctx, f.env.Change, who, vote.UnsealInput{Campaign: f.c, Shares: shares})
				return err
			}
		}
		trustee := change.By(f.actorOf(t, "a@x.test"))
		sh := cer.Shares
		wrong := mustShare(t, sh[1])
		wrong.Value[31] ^= 1
		_, otherShares, err := seal.Ceremony(rand.Reader, 2, 3)
		if err != nil {
			t.Fatal(err)
		}
		dbtest.Refuse(t, counts, []dbtest.Refusal{
			{Name: "during the vote", Run: unseal(trustee, sh[0], sh[1]), Kind: apperr.Conflict, Key: "box.vote_open"},
		})
		f.clock = w.End.Add(time.Minute)
		dbtest.Refuse(t, counts, []dbtest.Refusal{
			{Name: "an agent", Run: unseal(change.By(f.actorOf(t, "agent@x.test")), sh[0], sh[1]), Kind: apperr.Forbidden},
			{Name: "one share", Run: unseal(trustee, sh[0]), Kind: apperr.Invalid, Field: "shares", Key: "box.shares_too_few"},
			{Name: "the same share twice", Run: unseal(trustee, sh[0], sh[0]), Kind: apperr.Invalid, Field: "shares", Key: "box.share_twice"},
			{Name: "a mistyped share", Run: unseal(trustee, sh[0], typo(sh[1])), Kind: apperr.Invalid, Field: "shares", Key: "box.share_mistyped"},
			{Name: "a wrong share", Run: unseal(trustee, sh[0], wrong.String()), Kind: apperr.Invalid, Field: "shares", Key: "box.share_wrong"},
			{Name: "a share of another box", Run: unseal(trustee, sh[0], otherShares[1]), Kind: apperr.Invalid, Field: "shares", Key: "box.share_other_box"},
		})

		got, err := vote.Unseal(f.ctx, f.env.Change, change.System("cli"), vote.UnsealInput{Campaign: f.c, Shares: []string{sh[2], sh[0]}})
		if err != nil || got.Ballots != n {
			t.Fatalf("unseal: %+v %v", got, err)
		}
		// The ballots are in clear now, each under its receipt; the ciphertexts are gone, the
		// trackers stay; the register and the box agree.
		for i, r := range receipts {
			ids, found, err := vote.BallotByReceipt(f.ctx, d, f.c.ID, r.Code)
			if err != nil || !found || !slices.Equal(ids, []int64{int64(100 + i%3), 200}) {
				t.Errorf("ballot %d after unsealing: %v %v %v", i, ids, found, err)
			}
		}
		left := dbtest.Strings(t, d, "SELECT CAST(COUNT(*) AS TEXT) FROM vote_sealed_ballots WHERE LENGTH(ciphertext) > 0")
		kept := dbtest.Strings(t, d, "SELECT fingerprint FROM vote_sealed_ballots ORDER BY fingerprint")
		register := dbtest.Strings(t, d, "SELECT CAST(COUNT(*) AS TEXT) FROM vote_participation WHERE campaign_id = "+fmt.Sprint(f.c.ID))
		if left[0] != "0" || !slices.Equal(kept, given) || register[0] != fmt.Sprint(n) {
			t.Errorf("after unsealing: %s ciphertexts left, trackers kept %v, register %s", left[0], len(kept) == n, register[0])
		}
		if a := f.lastAudit(); !strings.HasPrefix(a, "vote.unseal cli ") || !strings.Contains(a, `"ballots":40`) {
			t.Errorf("audit of the unsealing: %s", a)
		}
		dbtest.Refuse(t, counts, []dbtest.Refusal{
			{Name: "twice", Run: unseal(trustee, sh[0], sh[1]), Kind: apperr.Conflict, Key: "box.unsealed"},
		})
	})
}

func mustShare(t *testing.T, s string) seal.Share {
	t.Helper()
	sh, err := seal.ParseShare(s)
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// typo changes one character of the share's value.
func typo(s string) string {
	b := []byte(s)
	i := len(b) - 8
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}
