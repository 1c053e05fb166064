package vote_test

import (
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/seal"
	"budgetcitoyen/internal/vote"
)

func TestSealBox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRegFixture(t, d)
		w, _ := f.c.Window(campaign.PhaseVote)
		f.clock = w.Start.Add(-24 * time.Hour)
		agent := f.person("agent@x.test", access.Grant{Role: access.Agent})
		citizen := f.person("citoyen@x.test", access.Grant{Role: access.Citizen})
		for _, e := range []string{"a@x.test", "b@x.test", "c@x.test"} {
			f.person(e)
		}
		off := f.person("off@x.test")
		if _, err := d.ExecContext(f.ctx, "UPDATE accounts SET disabled = TRUE WHERE id = $1", off.ID()); err != nil {
			t.Fatal(err)
		}
		three := []string{"a@x.test", "b@x.test", "c@x.test"}
		sealAs := func(who access.Actor, trustees []string, k int) func() error {
			return func() error {
				_, err := vote.SealBox(f.ctx, f.env.Change, change.By(who), vote.SealInput{Campaign: f.c, Trustees: trustees, K: k})
				return err
			}
		}
		snapshot := func() string {
			return f.snapshot() + dbtest.Snapshot(t, d,
				"SELECT CAST(campaign_id AS TEXT) || ' ' || CAST(k AS TEXT) || ' ' || CAST(n AS TEXT) FROM vote_boxes",
				"SELECT CAST(share_index AS TEXT) || ' ' || CAST(account_id AS TEXT) FROM vote_box_trustees ORDER BY share_index")
		}
		dbtest.Refuse(t, snapshot, []dbtest.Refusal{
			{Name: "a citizen", Run: sealAs(citizen, three, 2), Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "a visitor", Run: sealAs(access.Visitor, three, 2), Kind: apperr.Unauthenticated, Key: "error.unauthenticated"},
			{Name: "one trustee", Run: sealAs(agent, three[:1], 1), Kind: apperr.Invalid, Field: "trustees", Key: "box.trustees_too_few"},
			{Name: "k of one", Run: sealAs(agent, three, 1), Kind: apperr.Invalid, Field: "k", Key: "box.k_range"},
			{Name: "k above n", Run: sealAs(agent, three, 4), Kind: apperr.Invalid, Field: "k", Key: "box.k_range"},
			{Name: "unknown trustee", Run: sealAs(agent, []string{"a@x.test", "nobody@x.test"}, 2), Kind: apperr.Invalid, Field: "trustees", Key: "box.trustee_unknown"},
			{Name: "disabled trustee", Run: sealAs(agent, []string{"a@x.test", "off@x.test"}, 2), Kind: apperr.Invalid, Field: "trustees", Key: "box.trustee_disabled"},
			{Name: "trustee twice", Run: sealAs(agent, []string{"a@x.test", "A@x.test"}, 2), Kind: apperr.Invalid, Field: "trustees", Key: "box.trustee_twice"},
			{Name: "after the close", Run: func() error {
				f.clock = w.End
				defer func() { f.clock = w.Start.Add(-24 * time.Hour) }()
				return sealAs(agent, three, 2)()
			}, Kind: apperr.Conflict, Key: "box.too_late"},
		})

		cer, err := vote.SealBox(f.ctx, f.env.Change, change.By(agent), vote.SealInput{Campaign: f.c, Trustees: three, K: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(cer.Shares) != 3 || len(cer.Trustees) != 3 || cer.Trustees[1].Email != "b@x.test" {
			t.Fatalf("ceremony: %d shares, trustees %v", len(cer.Shares), cer.Trustees)
		}
		stored, err := vote.SealedBoxOf(f.ctx, d, f.c.ID)
		if err != nil || !stored.Sealed() || stored.K != 2 || stored.N != 3 || len(stored.Trustees) != 3 {
			t.Fatalf("stored box: %+v %v", stored, err)
		}
		for i, id := range stored.Trustees {
			if id != cer.Trustees[i].ID {
				t.Errorf("share %d held by %d, want %d", i+1, id, cer.Trustees[i].ID)
			}
		}
		// The trustees hold the role on the campaign; any two shares open what the stored
		// public key sealed, one does not.
		b := f.actorOf(t, "b@x.test")
		if !b.HasRole(access.Trustee, &f.c.ID) {
			t.Error("trustee b lacks the trustee role on the campaign")
		}
		box := seal.Box{K: stored.K, N: stored.N, PublicKey: stored.PublicKey, Commitments: stored.Commitments}
		ct, err := seal.Seal(box, []byte("test"), []byte("bulletin"))
		if err != nil {
			t.Fatal(err)
		}
		var shares []seal.Share
		for _, s := range cer.Shares {
			sh, err := seal.ParseShare(s)
			if err != nil {
				t.Fatal(err)
			}
			shares = append(shares, sh)
		}
		if _, err := box.Recover(shares[:1]); err == nil {
			t.Error("one share of two rebuilt the key")
		}
		key, err := box.Recover([]seal.Share{shares[2], shares[0]})
		if err != nil {
			t.Fatal(err)
		}
		if pt, err := key.Open([]byte("test"), ct); err != nil || string(pt) != "bulletin" {
			t.Errorf("open with shares 3 and 1: %q %v", pt, err)
		}
		// The audit log names the box and its trustees; no share is written anywhere.
		if got := f.lastAudit(); !strings.HasPrefix(got, "vote.seal account ") || !strings.Contains(got, box.ID()) {
			t.Errorf("audit of the ceremony: %s", got)
		}
		for _, s := range cer.Shares {
			secret := strings.Join(strings.Split(s, "-")[3:7], "-") // 16 characters of the share's value
			for _, q := range []string{"SELECT COALESCE(after_json, '') FROM audit_log", "SELECT commitments FROM vote_boxes"} {
				for _, row := range dbtest.Strings(t, d, q) {
					if strings.Contains(strings.ToUpper(row), secret) || strings.Contains(strings.ToUpper(row), strings.ReplaceAll(secret, "-", "")) {
						t.Errorf("a share is stored: %s", row)
					}
				}
			}
		}

		dbtest.Refuse(t, snapshot, []dbtest.Refusal{
			{Name: "a second ceremony", Run: sealAs(agent, three, 2), Kind: apperr.Conflict, Key: "box.exists"},
		})
	})
}

// A ceremony forgotten until the vote's dates: the vote does not open until it takes place,
// then opens; but once a ballot was written in clear (data of an older version), never.
func TestSealBoxLate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRegFixture(t, d)
		w, _ := f.c.Window(campaign.PhaseVote)
		agent := f.person("agent@x.test", access.Grant{Role: access.Agent})
		three := []string{"a@x.test", "b@x.test", "c@x.test"}
		for _, e := range three {
			f.person(e)
		}
		f.clock = w.Start.Add(time.Hour)
		// A ballot in clear in the register: the box can no longer be sealed.
		err := d.InTx(f.ctx, func(tx *db.Tx) error {
			_, err := vote.WriteGroup(f.ctx, tx, []vote.Cast{{CampaignID: f.c.ID, PersonKey: "k1", Commune: "62041",
				AgeBracket: vote.AgeBrackets()[0], Receipt: vote.NewReceipt()}}, nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		seal := func() error {
			_, err := vote.SealBox(f.ctx, f.env.Change, change.By(agent), vote.SealInput{Campaign: f.c, Trustees: three, K: 2})
			return err
		}
		dbtest.Refuse(t, f.snapshot, []dbtest.Refusal{
			{Name: "ballots cast in clear", Run: seal, Kind: apperr.Conflict, Key: "box.ballots_cast"},
		})
		if _, err := d.ExecContext(f.ctx, "DELETE FROM vote_participation WHERE campaign_id = $1", f.c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(f.ctx, "DELETE FROM vote_ballots WHERE campaign_id = $1", f.c.ID); err != nil {
			t.Fatal(err)
		}
		if sealed, err := vote.BoxSealed(f.ctx, d, f.c.ID); sealed || err != nil {
			t.Fatalf("before the ceremony: sealed %v, %v", sealed, err)
		}
		if err := seal(); err != nil {
			t.Fatalf("a ceremony within the vote's dates, no ballot yet: %v", err)
		}
		if sealed, err := vote.BoxSealed(f.ctx, d, f.c.ID); !sealed || err != nil {
			t.Fatalf("after the ceremony: sealed %v, %v", sealed, err)
		}
	})
}

// actorOf reads the account of email as a request would find it.
func (f *regFixture) actorOf(t *testing.T, email string) access.Actor {
	t.Helper()
	a, err := account.ByEmail(f.ctx, f.d, email)
	if err != nil {
		t.Fatal(err)
	}
	return access.ActorFor(a)
}
