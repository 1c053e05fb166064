package web_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/demo"
	"budgetcitoyen/internal/seal"
	"budgetcitoyen/internal/vote"
)

// forensicVoter is one voter of the forensic test: who they are, what they chose, and what
// the confirmation page gave them.
type forensicVoter struct {
	email, family, birth string
	choices              []int64
	browser              *browser
	receipt, tracker     string
}

// A person who can read the database — its files, its write-ahead log, a backup made during
// the vote, PostgreSQL's raw pages with their dead tuples, a dump — learns nothing of who
// voted what: while the box is sealed, no receipt code and no ballot is anywhere in clear;
// once it is unsealed, the ballots are there (the scanner finds them: it can fail), but never
// in a page or row that also names a voter. The box and the register, read in their physical
// order, do not open without k shares; the unsealed ballots are published, and stored, in an
// order that does not follow the order of casting.
func TestVoteForensic(t *testing.T) {
	const (
		nSeq   = 200 // cast one after the other: their order is known
		nStorm = 64  // cast all at once
	)
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		began := time.Now()
		c, slug := votingCampaign(t, s)
		projects, err := vote.BallotProjects(ctx, s.db, c.ID)
		if err != nil || len(projects) < 4 {
			t.Fatalf("projects on the ballot: %d %v", len(projects), err)
		}
		// Voter i chooses project i mod P and, from another category, one more: ballots
		// of one or two projects, valid under the demo's rule.
		choicesOf := func(i int) []int64 {
			first := projects[i%len(projects)]
			out := []int64{first.ID}
			for k := 1; k < len(projects); k++ {
				p := projects[(i/len(projects)+i+k)%len(projects)]
				if p.CategoryID != first.CategoryID {
					if i%3 != 0 {
						out = append(out, p.ID)
					}
					break
				}
			}
			slices.Sort(out)
			return out
		}
		voters := make([]*forensicVoter, nSeq+nStorm)
		start := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range voters {
			v := &forensicVoter{
				email:   fmt.Sprintf("forensique.%03d@example.test", i),
				family:  "Forensique" + string(rune('a'+i/26%26)) + string(rune('a'+i%26)),
				birth:   start.AddDate(0, 0, 53*i).Format(time.DateOnly),
				choices: choicesOf(i),
			}
			b, p := voteAs(t, s, v.email, v.family, v.birth, "62041")
			wantStatus(t, p, http.StatusSeeOther, "declaration of "+v.email)
			v.browser = b
			voters[i] = v
		}
		t.Logf("%d voters registered through HTTP in %v", len(voters), time.Since(began).Round(time.Millisecond))
		form := func(v *forensicVoter) url.Values {
			f := url.Values{}
			for _, id := range v.choices {
				f.Add("p", strconv.FormatInt(id, 10))
			}
			return f
		}

		// Backups during the vote: SQLite's VACUUM INTO, on the writing connection, once
		// halfway through the sequential votes and once in the middle of the storm.
		var backups []string
		backup := func(name string) error {
			if s.db.Dialect != db.SQLite {
				return nil
			}
			path := t.TempDir() + "/" + name + ".db"
			if _, err := s.db.ExecContext(ctx, "VACUUM INTO '"+path+"'"); err != nil {
				return fmt.Errorf("backup %s: %w", name, err)
			}
			backups = append(backups, path)
			return nil
		}

		// Concurrency 1.
		for i := 0; i < nSeq; i++ {
			if i == nSeq/2 {
				if err := backup("backup-mid"); err != nil {
					t.Fatal(err)
				}
			}
			v := voters[i]
			if v.receipt, v.tracker, err = tryCast(v.browser, slug, form(v)); err != nil {
				t.Fatalf("ballot %d: %v", i, err)
			}
		}
		// Concurrency nStorm, with a backup made among the ballots.
		var wg sync.WaitGroup
		errs := make(chan error, nStorm+1)
		gate := make(chan struct{})
		for i := nSeq; i < nSeq+nStorm; i++ {
			wg.Add(1)
			go func(v *forensicVoter) {
				defer wg.Done()
				<-gate
				var err error
				if v.receipt, v.tracker, err = tryCast(v.browser, slug, form(v)); err != nil {
					errs <- fmt.Errorf("ballot of %s: %w", v.email, err)
				}
			}(voters[i])
		}
		var backupErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			backupErr = backup("backup-storm")
		}()
		close(gate)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if backupErr != nil {
			t.Fatal(backupErr)
		}
		if t.Failed() {
			t.FailNow()
		}
		s.box.Flush() // the "you voted" e-mails are in the outbox too
		t.Logf("%d ballots cast through HTTP at %v", len(voters), time.Since(began).Round(time.Millisecond))

		// What is searched for.
		var needles []needle
		for i, v := range voters {
			needles = append(needles,
				needle{needleReceipt, []byte(v.receipt), i},
				needle{needleReceipt, []byte(strings.ReplaceAll(v.receipt, "-", "")), i},
				needle{needleIdentity, []byte(v.email), i},
				needle{needleIdentity, []byte(v.family), i},
				needle{needleIdentity, []byte(v.birth), i})
		}
		needles = append(needles, needle{needlePlaintext, []byte(`{"r":"`), -1})
		// The trustees' shares of the key (the demo can make them again) are nowhere on disk;
		// the public key is, which shows the scan would see key material.
		demoShares, err := demo.Shares(ctx, s.db, testNow)
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range demoShares {
			if sh.Slug != slug {
				continue
			}
			parsed, err := seal.ParseShare(sh.Share)
			if err != nil {
				t.Fatal(err)
			}
			needles = append(needles, needle{needleShare, []byte(sh.Share), -1}, needle{needleShare, parsed.Value, -1})
		}
		box, err := vote.SealedBoxOf(ctx, s.db, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		needles = append(needles, needle{needlePublicKey, box.PublicKey, -1})
		keySeen := func(when string, hits map[string][]hit) {
			t.Helper()
			public := false
			for where, hs := range hits {
				for _, h := range hs {
					switch h.n.kind {
					case needleShare:
						t.Errorf("%s, %s holds a trustee's share", when, where)
					case needlePublicKey:
						public = true
					}
				}
			}
			if !public {
				t.Errorf("%s, the scan did not find the box's public key", when)
			}
		}
		// Everything a reader of the database can read: with the backups before unsealing,
		// without them after (they still hold only the sealed box).
		var dbPath string
		var pageSize int
		if s.db.Dialect == db.SQLite {
			dbPath, pageSize = sqliteFile(t, s.db)
		}
		everything := func(withBackups bool) []rawPage {
			pages := []rawPage{{where: "server log", data: []byte(s.logs.String())}}
			if s.db.Dialect == db.SQLite {
				pages = append(pages, sqlitePages(t, "database file", dbPath, pageSize)...)
				pages = append(pages, walPages(t, "write-ahead log", dbPath+"-wal")...)
				if withBackups {
					for _, b := range backups {
						pages = append(pages, sqlitePages(t, b[strings.LastIndexByte(b, '/')+1:], b, pageSize)...)
					}
				}
				return pages
			}
			pages = append(pages, postgresPages(t, s.db)...)
			return append(pages, postgresDump(t, s.db)...)
		}
		// identityNextToReceipt reports every page or row where a voter's identity lies
		// next to a receipt code.
		identityNextToReceipt := func(when string, hits map[string][]hit) {
			for where, hs := range hits {
				var receipts, identities []string
				for _, h := range hs {
					switch h.n.kind {
					case needleReceipt:
						receipts = append(receipts, string(h.n.text))
					case needleIdentity:
						identities = append(identities, string(h.n.text))
					}
				}
				if len(receipts) > 0 && len(identities) > 0 {
					t.Errorf("%s, %s holds receipt codes %v next to voters' identities %v", when, where, receipts, identities)
				}
			}
		}

		// Before the unsealing: no receipt code, no ballot in clear, anywhere.
		before := everything(true)
		hits := scanPages(before, needles)
		foundIdentity := map[int]bool{}
		for where, hs := range hits {
			for _, h := range hs {
				switch h.n.kind {
				case needleReceipt:
					t.Errorf("before the unsealing, %s holds the receipt code %s of voter %d", where, h.n.text, h.n.voter)
				case needlePlaintext:
					t.Errorf("before the unsealing, %s holds a ballot in clear", where)
				case needleIdentity:
					foundIdentity[h.n.voter] = true
				}
			}
		}
		identityNextToReceipt("before the unsealing", hits)
		keySeen("before the unsealing", hits)
		// The scanner sees what is there: every voter's e-mail is in the database.
		if len(foundIdentity) != len(voters) {
			t.Errorf("the scanner found the identity of %d voters of %d", len(foundIdentity), len(voters))
		}
		t.Logf("before the unsealing: %d pages (%d backups) scanned, %d with a voter's identity, none with a receipt or a ballot (at %v)",
			len(before), len(backups), len(hits), time.Since(began).Round(time.Millisecond))

		// The box and the register in their physical order.
		physical := "" // SQLite: the natural order of the (WITHOUT ROWID) table
		if s.db.Dialect == db.Postgres {
			physical = " ORDER BY ctid"
		}
		byTracker := map[string]int{}
		byReceipt := map[string]int{}
		byEmail := map[string]int{}
		for i, v := range voters {
			byTracker[v.tracker], byReceipt[v.receipt], byEmail[v.email] = i, i, i
		}
		rows, err := s.db.QueryContext(ctx, "SELECT fingerprint, ciphertext FROM vote_sealed_ballots WHERE campaign_id = $1"+physical, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var boxOrder []int
		for rows.Next() {
			var fp string
			var ct []byte
			if err := rows.Scan(&fp, &ct); err != nil {
				t.Fatal(err)
			}
			i, ok := byTracker[fp]
			if !ok {
				t.Errorf("a ballot in the box has no voter's tracker: %s", fp)
				continue
			}
			for _, n := range needles {
				if n.kind != needleIdentity && bytes.Contains(ct, n.text) {
					t.Errorf("the ciphertext of ballot %d holds %q", i, n.text)
				}
			}
			if len(ct) < 16 {
				t.Errorf("the ciphertext of ballot %d is %d bytes", i, len(ct))
			}
			if i < nSeq {
				boxOrder = append(boxOrder, i)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if len(boxOrder) != nSeq {
			t.Fatalf("%d of the %d sequential ballots in the box", len(boxOrder), nSeq)
		}
		var registerOrder []int
		emailOf := map[string]string{}
		for _, r := range dbtest.Strings(t, s.db, `SELECT v.person_key || ' ' || a.email FROM vote_voters v
			JOIN accounts a ON a.id = v.account_id WHERE v.campaign_id = $1`, c.ID) {
			k, e, _ := strings.Cut(r, " ")
			emailOf[k] = e
		}
		// On SQLite the order of the table is that of its primary key: asked for it, SQLite
		// reads the table itself, not the statistics' index of the register (ordered by
		// commune, age bracket and person key: by what each row says, never by time), which
		// it would otherwise pick for this query.
		registerOrderBy := physical
		if s.db.Dialect == db.SQLite {
			registerOrderBy = " ORDER BY campaign_id, person_key"
		}
		for _, k := range dbtest.Strings(t, s.db, "SELECT person_key FROM vote_participation WHERE campaign_id = $1"+registerOrderBy, c.ID) {
			if i, ok := byEmail[emailOf[k]]; ok && i < nSeq {
				registerOrder = append(registerOrder, i)
			}
		}
		if len(registerOrder) != nSeq {
			t.Fatalf("%d of the %d sequential voters in the register", len(registerOrder), nSeq)
		}
		boxTau, boxZ := kendallZ(boxOrder)
		regTau, regZ := kendallZ(registerOrder)
		t.Logf("physical order against the order of casting (%d ballots): box tau %.3f z %.1f, register tau %.3f z %.1f",
			nSeq, boxTau, boxZ, regTau, regZ)
		if s.db.Dialect == db.SQLite {
			// Keyed by a hash (the tracker, the person's key), both tables are stored in
			// an order that tells nothing. (PostgreSQL stores rows as they come: its heap
			// keeps the order of casting, which links a voter to their ciphertext, not to
			// their ballot.)
			if math.Abs(boxZ) >= 5 || math.Abs(regZ) >= 5 {
				t.Errorf("the box (z %.1f) or the register (z %.1f) keeps the order of casting", boxZ, regZ)
			}
		}

		// Not opened without k shares, nor before the close.
		w, _ := c.Window(campaign.PhaseVote)
		var shares []string
		all, err := demo.Shares(ctx, s.db, testNow)
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range all {
			if sh.Slug == slug {
				shares = append(shares, sh.Share)
			}
		}
		if len(shares) < demo.TrusteeK {
			t.Fatalf("%d demo shares of the box", len(shares))
		}
		closed := w.End.Add(time.Minute)
		envAt := func(at time.Time) change.Env { return change.Env{DB: s.db, Now: func() time.Time { return at }} }
		snapshot := func() string {
			return dbtest.Snapshot(t, s.db,
				"SELECT COUNT(*) FROM vote_ballots",
				"SELECT fingerprint FROM vote_sealed_ballots ORDER BY fingerprint",
				"SELECT SUM(LENGTH(ciphertext)) FROM vote_sealed_ballots",
				"SELECT COUNT(*) FROM vote_boxes WHERE unsealed_at IS NULL")
		}
		dbtest.Refuse(t, snapshot, []dbtest.Refusal{
			{Name: "one share", Kind: apperr.Invalid, Field: "shares", Key: "box.shares_too_few", Run: func() error {
				_, err := vote.Unseal(ctx, envAt(closed), change.System("demo"), vote.UnsealInput{Campaign: c, Shares: shares[:demo.TrusteeK-1]})
				return err
			}},
			{Name: "each single share", Kind: apperr.Invalid, Field: "shares", Key: "box.shares_too_few", Run: func() error {
				for _, sh := range shares[1:] {
					if _, err := vote.Unseal(ctx, envAt(closed), change.System("demo"), vote.UnsealInput{Campaign: c, Shares: []string{sh}}); err == nil ||
						!apperr.IsKind(err, apperr.Invalid) {
						return fmt.Errorf("one share opened the box or failed otherwise: %v", err)
					}
				}
				_, err := vote.Unseal(ctx, envAt(closed), change.System("demo"), vote.UnsealInput{Campaign: c, Shares: shares[:1]})
				return err
			}},
			{Name: "k shares before the close", Kind: apperr.Conflict, Key: "box.vote_open", Run: func() error {
				_, err := vote.Unseal(ctx, envAt(w.End.Add(-time.Second)), change.System("demo"), vote.UnsealInput{Campaign: c, Shares: shares[:demo.TrusteeK]})
				return err
			}},
		})

		// The unsealing, by the demo past the close.
		s.now = closed
		if done, err := demo.UnsealClosed(ctx, s.db, closed); err != nil || !slices.Contains(done, slug) {
			t.Fatalf("unseal the demo box: %v %v", done, err)
		}
		if n := dbtest.Strings(t, s.db, "SELECT COALESCE(SUM(LENGTH(ciphertext)), 0) FROM vote_sealed_ballots WHERE campaign_id = $1", c.ID); n[0] != "0" {
			t.Errorf("%s bytes of ciphertext left after the unsealing", n[0])
		}

		// After: every receipt is found (the scanner can fail), never next to an identity,
		// and no ballot's plaintext was ever written.
		after := everything(false)
		hits = scanPages(after, needles)
		foundReceipt := map[int]bool{}
		for where, hs := range hits {
			for _, h := range hs {
				switch h.n.kind {
				case needleReceipt:
					foundReceipt[h.n.voter] = true
				case needlePlaintext:
					t.Errorf("after the unsealing, %s holds a ballot's plaintext", where)
				}
			}
		}
		if len(foundReceipt) != len(voters) {
			t.Errorf("after the unsealing, the scanner found the receipts of %d voters of %d", len(foundReceipt), len(voters))
		}
		identityNextToReceipt("after the unsealing", hits)
		keySeen("after the unsealing", hits)
		t.Logf("after the unsealing: %d pages scanned, the receipts of %d voters found (at %v)", len(after), len(foundReceipt),
			time.Since(began).Round(time.Millisecond))

		// The published order, and the stored one, do not follow the order of casting.
		var published []int
		seen := 0
		err = vote.BallotsOf(ctx, s.db, c.ID, func(receipt string, ids []int64) error {
			i, ok := byReceipt[receipt]
			if !ok {
				return nil
			}
			seen++
			if got, want := vote.FormatChoices(ids), vote.FormatChoices(voters[i].choices); got != want {
				t.Errorf("ballot %d: choices %q, want %q", i, got, want)
			}
			if i < nSeq {
				published = append(published, i)
			}
			return nil
		})
		if err != nil || seen != len(voters) || len(published) != nSeq {
			t.Fatalf("published ballots: %d of %d (%d sequential): %v", seen, len(voters), len(published), err)
		}
		var stored []int
		for _, r := range dbtest.Strings(t, s.db, "SELECT receipt FROM vote_ballots WHERE campaign_id = $1"+physical, c.ID) {
			if i, ok := byReceipt[r]; ok && i < nSeq {
				stored = append(stored, i)
			}
		}
		if len(stored) != nSeq {
			t.Fatalf("%d of the %d sequential ballots stored", len(stored), nSeq)
		}
		pubTau, pubZ := kendallZ(published)
		stTau, stZ := kendallZ(stored)
		t.Logf("after the unsealing, against the order of casting: published tau %.3f z %.1f, stored tau %.3f z %.1f",
			pubTau, pubZ, stTau, stZ)
		if math.Abs(pubZ) >= 5 {
			t.Errorf("the published ballots follow the order of casting: tau %.3f, z %.1f", pubTau, pubZ)
		}
		if math.Abs(stZ) >= 5 {
			t.Errorf("the stored ballots follow the order of casting: tau %.3f, z %.1f", stTau, stZ)
		}
	})
}
