package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/mydata"
	"budgetcitoyen/internal/vote"
)

// TestMyDataExportThenDelete: a new account (a voter who also deposits an idea) reads and
// downloads its data, then deletes itself from the account page; afterwards no table holds
// its address, the audit chain holds, the vote still counts and the address leads nowhere.
func TestMyDataExportThenDelete(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		c, slug := votingCampaign(t, s)
		const email = "zoe.donnees@exemple.fr"
		b, p := voteAs(t, s, email, "Donnees", "1991-02-03", "62041")
		wantStatus(t, p, http.StatusSeeOther, "declaration")
		projects, err := vote.BallotProjects(ctx, s.db, c.ID)
		if err != nil || len(projects) == 0 {
			t.Fatalf("projects: %v", err)
		}
		p = b.post("/"+slug+"/vote/confirmer", url.Values{"p": {strconv.FormatInt(projects[0].ID, 10)}})
		wantStatus(t, p, http.StatusOK, "vote")
		receipt := regexp.MustCompile(`id="receipt">([A-Z0-9-]{23})<`).FindStringSubmatch(p.Body)
		if receipt == nil {
			t.Fatalf("no receipt:\n%s", excerpt(p.Body))
		}
		s.box.Flush()
		p = b.post("/"+openSlug()+"/idees/deposer", ideaForm("Une idée à retrouver dans mes données", "bethune", email))
		wantStatus(t, p, http.StatusSeeOther, "idea")
		voters, err := vote.VoterCount(ctx, s.db, c.ID)
		if err != nil {
			t.Fatal(err)
		}

		p = b.get("/compte")
		wantContains(t, p, "account page", `href="/compte/donnees"`, `href="/compte/donnees.json"`, `action="/compte/supprimer"`,
			`name="delete_confirm"`, "Supprimer mon compte")

		p = b.get("/compte/donnees")
		wantStatus(t, p, http.StatusOK, "data page")
		wantContains(t, p, "data page", "Mes données", email, "Une idée à retrouver dans mes données", c.Name, "Vous avez voté.",
			"Béthune", "3 février 1991")
		if p.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("data page Cache-Control %q", p.Header.Get("Cache-Control"))
		}
		for _, path := range []string{"/compte/donnees.json", "/compte/donnees?format=json"} {
			p = b.get(path)
			wantStatus(t, p, http.StatusOK, path)
			if got := p.Header.Get("Content-Disposition"); !strings.HasPrefix(got, `attachment; filename="budgetcitoyen-mes-donnees-`) {
				t.Errorf("%s: Content-Disposition %q", path, got)
			}
			if p.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(p.Header.Get("Content-Type"), "application/json") {
				t.Errorf("%s: headers %v", path, p.Header)
			}
			var x mydata.Export
			if err := json.Unmarshal([]byte(p.Body), &x); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if x.Account.Email != email || len(x.Ideas) != 1 || len(x.Votes) != 1 || !x.Votes[0].Voted ||
				x.Votes[0].Campaign.Slug != slug || x.Votes[0].BirthDate != "1991-02-03" {
				t.Errorf("%s: %+v", path, x)
			}
		}
		// Neither page tells what was voted.
		for _, path := range []string{"/compte/donnees", "/compte/donnees.json"} {
			body := b.get(path).Body
			for _, secret := range []string{receipt[1], strings.ReplaceAll(receipt[1], "-", ""), projects[0].Title} {
				if strings.Contains(body, secret) {
					t.Errorf("%s holds %q", path, secret)
				}
			}
			if strings.Contains(body, "⟦") {
				t.Errorf("%s: a message is missing", path)
			}
		}
		if p := s.browser().get("/compte/donnees.json"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/connexion") {
			t.Errorf("a visitor's export: %d %q", p.Status, p.Location)
		}

		// Not confirmed, or forged: nothing happens.
		p = b.post("/compte/supprimer", url.Values{})
		wantStatus(t, p, http.StatusUnprocessableEntity, "not confirmed")
		wantContains(t, p, "not confirmed", `id="f-delete_confirm-error"`, "Cochez la case")
		wantStatus(t, b.postRaw("/compte/supprimer", url.Values{"delete_confirm": {"1"}}), http.StatusForbidden, "no CSRF token")
		if _, err := account.ByEmail(ctx, s.db, email); err != nil {
			t.Fatalf("the account went without confirmation: %v", err)
		}

		p = b.post("/compte/supprimer", url.Values{"delete_confirm": {"1"}})
		if p.Status != http.StatusSeeOther || p.Location != "/" {
			t.Fatalf("delete: %d → %q\n%s", p.Status, p.Location, excerpt(p.Body))
		}
		wantContains(t, b.get("/"), "home after deletion", "Votre compte est supprimé")
		if p := b.get("/compte"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/connexion") {
			t.Errorf("still signed in after deletion: %d %q", p.Status, p.Location)
		}

		t.Run("no table but audit_log holds the address", func(t *testing.T) {
			var left []string
			for _, col := range dbtest.Holding(t, s.db, email) {
				if !strings.HasPrefix(col, "audit_log.") {
					left = append(left, col)
				}
			}
			if len(left) > 0 {
				t.Errorf("the address is still in %v", left)
			}
		})
		// The audit log names people by account id only (audit.ActorAccount): the entries
		// of the person's own changes hold no address either.
		t.Run("audit_log holds no address", func(t *testing.T) {
			if cols := dbtest.Holding(t, s.db, email); len(cols) > 0 {
				t.Errorf("the address is still in %v", cols)
			}
		})
		if rep, err := audit.Verify(ctx, s.db); err != nil || !rep.OK() {
			t.Errorf("audit verify after the deletion: %+v %v", rep, err)
		}
		if n, err := vote.VoterCount(ctx, s.db, c.ID); err != nil || n != voters {
			t.Errorf("voters %d → %d (%v)", voters, n, err)
		}

		// The old address finds no account: a code asked for it goes nowhere.
		if _, err := account.ByEmail(ctx, s.db, email); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("the old address still has an account: %v", err)
		}
		other := s.browserFrom(nextClient())
		other.get("/connexion/code")
		p = other.post("/connexion/code", url.Values{"email": {email}})
		wantStatus(t, p, http.StatusOK, "code for the old address")
		if sent := s.mails(email); len(sent) != 0 {
			t.Errorf("e-mails to the old address after the deletion: %d", len(sent))
		}
	})
}

// TestAccountDeleteOnlySelf: the deletion always concerns the account of the session; an id
// slipped into the form changes nothing, and a visitor deletes nothing. The deleted password
// account no longer signs in.
func TestAccountDeleteOnlySelf(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		citizen, carrier := demoAccount(t, access.Citizen), demoAccount(t, access.Carrier)
		target, err := account.ByEmail(ctx, s.db, carrier.Email)
		if err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(target.ID, 10)

		visitor := s.browser()
		if p := visitor.post("/compte/supprimer", url.Values{"delete_confirm": {"1"}, "id": {id}}); p.Status < 300 || p.Status == http.StatusSeeOther && p.Location == "/" {
			t.Errorf("a visitor's deletion: %d %q", p.Status, p.Location)
		}

		b := s.browser()
		b.signIn(citizen.Email, citizen.Password)
		p := b.post("/compte/supprimer?id="+id, url.Values{"delete_confirm": {"1"}, "id": {id}, "account": {id}, "email": {carrier.Email}})
		wantStatus(t, p, http.StatusSeeOther, "delete")

		if a, err := account.ByID(ctx, s.db, target.ID); err != nil || a.Email != carrier.Email || a.Disabled || len(a.Roles) == 0 {
			t.Errorf("the carrier's account changed: %+v %v", a, err)
		}
		if deleted, _ := account.ByEmail(ctx, s.db, citizen.Email); deleted != nil {
			t.Errorf("the citizen's account was not deleted: %+v", deleted)
		}
		s.browser().signIn(carrier.Email, carrier.Password)
		again := s.browserFrom(nextClient())
		again.get("/connexion")
		wantStatus(t, again.post("/connexion", url.Values{"email": {citizen.Email}, "password": {citizen.Password}}),
			http.StatusUnprocessableEntity, "old password")
	})
}

// TestAccountDeleteCarrier: a project carrier deletes their account, signed in on two
// computers. Both are signed out; their structures stay, with their dossiers, without them;
// no table but the audit log holds their address.
func TestAccountDeleteCarrier(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		carrier := demoAccount(t, access.Carrier)
		acc, err := account.ByEmail(ctx, s.db, carrier.Email)
		if err != nil {
			t.Fatal(err)
		}
		before, err := mydata.Collect(ctx, s.db, acc.ID, s.now)
		if err != nil {
			t.Fatal(err)
		}
		if len(before.Structures) == 0 || len(before.Dossiers) == 0 {
			t.Fatalf("the demo carrier has no structure or dossier: %+v", before)
		}
		b, elsewhere := s.browser(), s.browser()
		b.signIn(carrier.Email, carrier.Password)
		elsewhere.signIn(carrier.Email, carrier.Password)
		p := b.get("/compte/donnees")
		wantContains(t, p, "carrier's data", before.Structures[0].Name, before.Dossiers[0].Title)

		p = b.post("/compte/supprimer", url.Values{"delete_confirm": {"1"}})
		wantStatus(t, p, http.StatusSeeOther, "delete")
		for name, br := range map[string]*browser{"this computer": b, "the other computer": elsewhere} {
			if p := br.get("/compte"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/connexion") {
				t.Errorf("%s is still signed in: %d %q", name, p.Status, p.Location)
			}
		}
		var n int
		for _, st := range before.Structures {
			if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM structures WHERE id = $1", st.ID).Scan(&n); err != nil || n != 1 {
				t.Errorf("structure %d: %d rows (%v)", st.ID, n, err)
			}
		}
		for _, d := range before.Dossiers {
			if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM dossiers WHERE id = $1", d.ID).Scan(&n); err != nil || n != 1 {
				t.Errorf("dossier %d: %d rows (%v)", d.ID, n, err)
			}
		}
		if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM structure_members WHERE account_id = $1", acc.ID).Scan(&n); err != nil || n != 0 {
			t.Errorf("memberships left: %d (%v)", n, err)
		}
		t.Run("no table but audit_log holds the address", func(t *testing.T) {
			var left []string
			for _, col := range dbtest.Holding(t, s.db, carrier.Email) {
				if !strings.HasPrefix(col, "audit_log.") {
					left = append(left, col)
				}
			}
			if len(left) > 0 {
				t.Errorf("the address is still in %v", left)
			}
			if cols := dbtest.Holding(t, s.db, carrier.Name); len(cols) > 0 {
				t.Errorf("the name is still in %v", cols)
			}
		})
		if rep, err := audit.Verify(ctx, s.db); err != nil || !rep.OK() {
			t.Errorf("audit verify after the deletion: %+v %v", rep, err)
		}
	})
}
