package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/web"
)

// clients numbers the client addresses handed out by nextClient.
var clients atomic.Uint32

// nextClient is a local address not used yet by the tests of the package (127.1.0.1,
// 127.1.0.2, …): tests that need many accounts or e-mails come from many clients, as people
// do, rather than past the limits of one.
func nextClient() string {
	n := clients.Add(1)
	return fmt.Sprintf("127.%d.%d.%d", 1+n/(254*256)%254, n/254%256, 1+n%254)
}

// outboxTo counts the e-mails queued for addr.
func (s *site) outboxTo(addr string) int {
	s.t.Helper()
	var n int
	if err := s.db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM outbox WHERE to_addr = $1", addr).Scan(&n); err != nil {
		s.t.Fatal(err)
	}
	return n
}

// count runs a COUNT query.
func (s *site) count(query string, args ...any) int {
	s.t.Helper()
	var n int
	if err := s.db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		s.t.Fatal(err)
	}
	return n
}

// secondServer is another server process on the same database (as after a restart, or
// behind a load balancer): the limits are in the database, not in memory.
func (s *site) secondServer() *site {
	s.t.Helper()
	other := *s
	srv, err := web.New(web.Config{DB: s.db, Logger: slog.New(slog.NewTextHandler(s.logs, nil)),
		Now: func() time.Time { return s.now }, BaseURL: "http://example.test", Territory: territoryData(s.t),
		DataDir: s.t.TempDir(), Passwords: testPasswords, Box: s.box})
	if err != nil {
		s.t.Fatal(err)
	}
	other.srv = httptest.NewServer(srv)
	s.t.Cleanup(other.srv.Close)
	return &other
}

// Anonymous deposits naming a third party's address: the address gets the link that
// confirms it and nothing else, at most mail.MaxPerAddress times an hour; past that the
// deposit is refused with a 429 that keeps the form. Another server on the same database
// refuses too, and an hour later the address may be written to again.
func TestMailFloodIdeaDeposits(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		slug := openSlug()
		victim := "victime@exemple.fr"
		ideas := s.ideaCount()
		deposited := 0
		for i := range 31 {
			srv := s
			if i >= 20 {
				srv = s.secondServer()
			}
			b := srv.browser()
			b.get("/" + slug + "/idees/deposer")
			title := fmt.Sprintf("Achetez des montres n°%d sur montres.example", i)
			p := b.post("/"+slug+"/idees/deposer", ideaForm(title, "bethune", victim))
			if i < mail.MaxPerAddress {
				wantStatus(t, p, http.StatusSeeOther, fmt.Sprintf("deposit %d", i))
				deposited++
				continue
			}
			wantStatus(t, p, http.StatusTooManyRequests, fmt.Sprintf("deposit %d", i))
			if i == mail.MaxPerAddress || i == 30 {
				// The form comes back as typed, with the reason at its top.
				wantContains(t, p, "refused deposit", "Trop d&#39;e-mails ont été demandés pour cette adresse",
					`value="`+title+`"`, `value="`+victim+`"`, "Les Paniers solidaires")
			}
		}
		if n := s.outboxTo(victim); n != mail.MaxPerAddress {
			t.Errorf("%d e-mails to the victim, want %d", n, mail.MaxPerAddress)
		}
		if got := s.ideaCount(); got != ideas+deposited {
			t.Errorf("%d ideas, want %d: a refused deposit saved its idea", got, ideas+deposited)
		}
		for _, m := range s.mails(victim) {
			if m.Subject != "Confirmez votre adresse e-mail — Budget citoyen" || strings.Contains(m.Body, "montres") {
				t.Errorf("e-mail to an address not confirmed: %q\n%s", m.Subject, m.Body)
			}
		}

		// An hour later, the address may be written to again.
		s.now = s.now.Add(time.Hour + time.Minute)
		b := s.browser()
		b.get("/" + slug + "/idees/deposer")
		wantStatus(t, b.post("/"+slug+"/idees/deposer", ideaForm("Un jardin partagé", "bethune", victim)),
			http.StatusSeeOther, "deposit an hour later")
		if n := s.outboxTo(victim); n != mail.MaxPerAddress+1 {
			t.Errorf("%d e-mails to the victim an hour later, want %d", n, mail.MaxPerAddress+1)
		}
	})
}

// Twelve reset requests for one address: five e-mails, then 429 with the address kept; an
// address without an account is refused the same way, so the limit tells nothing of who has
// one.
func TestMailFloodPasswordResets(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		citizen := demoAccount(t, access.Citizen).Email
		for _, addr := range []string{citizen, "personne.inconnue@exemple.fr"} {
			before := s.outboxTo(addr)
			for i := range 12 {
				b := s.browser()
				b.get("/mot-de-passe-oublie")
				p := b.post("/mot-de-passe-oublie", url.Values{"email": {addr}})
				if i < mail.MaxPerAddress {
					wantStatus(t, p, http.StatusSeeOther, fmt.Sprintf("%s: reset %d", addr, i))
					continue
				}
				wantStatus(t, p, http.StatusTooManyRequests, fmt.Sprintf("%s: reset %d", addr, i))
				wantContains(t, p, "refused reset", "Trop d&#39;e-mails ont été demandés pour cette adresse", `value="`+addr+`"`)
			}
			want := before + mail.MaxPerAddress
			if addr != citizen {
				want = 0
			}
			if n := s.outboxTo(addr); n != want {
				t.Errorf("%s: %d e-mails, want %d", addr, n, want)
			}
		}
	})
}

// Thirty vote-code requests from one client for thirty addresses: at most
// mail.MaxAccountsPerClient accounts and e-mails, then 429 with the address kept; another
// client still gets its code.
func TestMailFloodVoteCodes(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		_, slug := votingCampaign(t, s)
		accounts := s.count("SELECT COUNT(*) FROM accounts")
		mails := s.count("SELECT COUNT(*) FROM outbox")
		b := s.browser()
		b.get("/" + slug + "/vote")
		refused := 0
		for i := range 30 {
			addr := fmt.Sprintf("votant%02d@exemple.fr", i)
			p := b.post("/"+slug+"/vote/courriel", url.Values{"email": {addr}})
			if i < mail.MaxAccountsPerClient {
				wantStatus(t, p, http.StatusOK, fmt.Sprintf("code %d", i))
				continue
			}
			refused++
			wantStatus(t, p, http.StatusTooManyRequests, fmt.Sprintf("code %d", i))
			wantContains(t, p, "refused code", "Trop de comptes ont été créés depuis votre connexion", `value="`+addr+`"`)
		}
		if n := s.count("SELECT COUNT(*) FROM accounts") - accounts; n != mail.MaxAccountsPerClient {
			t.Errorf("%d accounts created, want %d", n, mail.MaxAccountsPerClient)
		}
		if n := s.count("SELECT COUNT(*) FROM outbox") - mails; n != mail.MaxSendsPerClient {
			t.Errorf("%d e-mails queued, want %d", n, mail.MaxSendsPerClient)
		}
		if refused != 10 {
			t.Errorf("%d refused", refused)
		}
		// Another client is not concerned.
		other := s.browserFrom("127.0.0.2")
		other.get("/" + slug + "/vote")
		wantStatus(t, other.post("/"+slug+"/vote/courriel", url.Values{"email": {"autre.votant@exemple.fr"}}),
			http.StatusOK, "code from another client")
		if n := s.outboxTo("autre.votant@exemple.fr"); n != 1 {
			t.Errorf("%d e-mails to the other client's address", n)
		}
	})
}

// Twenty-one e-mails asked by one client for existing accounts (sign-in codes, so no account
// is created): the twenty-first is refused.
func TestMailFloodSendsPerClient(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		for i := range mail.MaxSendsPerClient + 1 {
			if _, err := account.Create(ctx, s.db, fmt.Sprintf("inscrit%02d@exemple.fr", i), "Inscrit", s.now); err != nil {
				t.Fatal(err)
			}
		}
		mails := s.count("SELECT COUNT(*) FROM outbox")
		b := s.browser()
		b.get("/connexion/code")
		for i := range mail.MaxSendsPerClient + 1 {
			p := b.post("/connexion/code", url.Values{"email": {fmt.Sprintf("inscrit%02d@exemple.fr", i)}})
			if i < mail.MaxSendsPerClient {
				wantStatus(t, p, http.StatusOK, fmt.Sprintf("code %d", i))
				continue
			}
			wantStatus(t, p, http.StatusTooManyRequests, "the code too many")
			wantContains(t, p, "refused code", "Trop d&#39;envois d&#39;e-mails ont été demandés depuis votre connexion")
		}
		if n := s.count("SELECT COUNT(*) FROM outbox") - mails; n != mail.MaxSendsPerClient {
			t.Errorf("%d e-mails queued, want %d", n, mail.MaxSendsPerClient)
		}
	})
}

// No e-mail subject holds text typed on the site: an idea whose title is an attacker's
// string, deposited by a visitor and by a signed-in person (whose acknowledgement quotes it
// in its body), leaves it in no subject of the outbox.
func TestMailSubjectsHoldNoTypedText(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		slug := openSlug()
		attack := "GAGNEZ 1000 EUR sur arnaque.example"
		visitor := s.browser()
		visitor.get("/" + slug + "/idees/deposer")
		wantStatus(t, visitor.post("/"+slug+"/idees/deposer", ideaForm(attack, "bethune", "cible@exemple.fr")),
			http.StatusSeeOther, "visitor's deposit")

		citizen := demoAccount(t, access.Citizen)
		b := s.browser()
		b.signIn(citizen.Email, citizen.Password)
		b.get("/" + slug + "/idees/deposer")
		p := b.post("/"+slug+"/idees/deposer", ideaForm(attack, "bethune", ""))
		wantStatus(t, p, http.StatusSeeOther, "signed-in deposit")
		if ms := s.mails(citizen.Email); len(ms) == 0 || !strings.Contains(ms[0].Body, attack) {
			t.Fatalf("the signed-in author's acknowledgement: %+v", ms)
		}

		var subjects []string
		rows, err := s.db.QueryContext(context.Background(), "SELECT subject FROM outbox")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var subj string
			if err := rows.Scan(&subj); err != nil {
				t.Fatal(err)
			}
			subjects = append(subjects, subj)
		}
		if len(subjects) < 2 {
			t.Fatalf("%d e-mails", len(subjects))
		}
		for _, subj := range subjects {
			if strings.Contains(strings.ToLower(subj), "arnaque") || strings.Contains(subj, "GAGNEZ") {
				t.Errorf("subject %q holds typed text", subj)
			}
		}
	})
}
