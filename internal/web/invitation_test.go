package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/mail"
)

var invitationLinkRe = regexp.MustCompile(`http://example\.test(/compte/invitation\?jeton=([A-Za-z0-9_-]+))`)

// invitationLink is the path of the last invitation link e-mailed to addr, and its secret.
func (s *site) invitationLink(addr string) (path, secret string) {
	s.t.Helper()
	msgs, err := mail.Sent(context.Background(), s.db, addr)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, m := range msgs {
		if sub := invitationLinkRe.FindStringSubmatch(m.Body); sub != nil {
			return sub[1], sub[2]
		}
	}
	s.t.Fatalf("no invitation e-mailed to %s (%d e-mails)", addr, len(msgs))
	return "", ""
}

func (s *site) structureOfAccount(email string) int64 {
	s.t.Helper()
	var id int64
	err := s.db.QueryRowContext(context.Background(), `SELECT m.structure_id FROM structure_members m
		JOIN accounts a ON a.id = m.account_id WHERE a.email = $1 ORDER BY m.structure_id LIMIT 1`, email).Scan(&id)
	if err != nil {
		s.t.Fatal(err)
	}
	return id
}

func (s *site) isMember(structureID int64, email string) bool {
	s.t.Helper()
	var n int
	err := s.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM structure_members m
		JOIN accounts a ON a.id = m.account_id WHERE m.structure_id = $1 AND a.email = $2`, structureID, email).Scan(&n)
	if err != nil {
		s.t.Fatal(err)
	}
	return n > 0
}

// A structure's member invites by e-mail; the answer does not tell whether the address has
// an account; the invited person becomes a member only by accepting, signed in with the
// invited address.
func TestStructureInvitationsThroughTheSite(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		carrier := demoAccount(t, access.Carrier)
		citizen := demoAccount(t, access.Citizen)
		agent := demoAccount(t, access.Agent)
		stID := s.structureOfAccount(carrier.Email)
		structurePath := "/compte/structures/" + strconv.FormatInt(stID, 10)

		b := s.browser()
		b.signIn(carrier.Email, carrier.Password)
		// The same answer for an address with an account and one without.
		var answers []page
		for _, addr := range []string{citizen.Email, "personne.inconnue@exemple.fr"} {
			p := b.post(structurePath+"/membres", url.Values{"email": {addr}})
			answers = append(answers, p)
		}
		if answers[0].Status != http.StatusSeeOther || answers[1].Status != answers[0].Status || answers[1].Location != answers[0].Location {
			t.Fatalf("invitations: %d → %q and %d → %q", answers[0].Status, answers[0].Location, answers[1].Status, answers[1].Location)
		}
		p := b.get(structurePath)
		wantContains(t, p, "structure page", "Invitation envoyée", "Invitations en attente", citizen.Email, "personne.inconnue@exemple.fr")
		wantStatus(t, b.post(structurePath+"/membres", url.Values{"email": {"pas-une-adresse"}}), http.StatusUnprocessableEntity, "malformed address")
		if s.isMember(stID, citizen.Email) {
			t.Fatal("the citizen became a member without accepting")
		}
		for _, addr := range []string{citizen.Email, "personne.inconnue@exemple.fr"} {
			msgs, _ := mail.Sent(context.Background(), s.db, addr)
			if len(msgs) == 0 || msgs[0].Subject != "Invitation à agir pour une structure — Budget citoyen" {
				t.Errorf("e-mail to %s: %+v", addr, msgs)
			}
		}

		link, secret := s.invitationLink(citizen.Email)
		// A visitor is asked to sign in with the invited address, and comes back.
		v := s.browser()
		p = v.get(link)
		wantStatus(t, p, http.StatusOK, "invitation page for a visitor")
		wantContains(t, p, "invitation page for a visitor", "connectez-vous avec l&#39;adresse e-mail", `/connexion?suite=`)
		// Another account cannot accept it.
		o := s.browser()
		o.signIn(agent.Email, agent.Password)
		o.get(link)
		wantStatus(t, o.post("/compte/invitation", url.Values{"jeton": {secret}}), http.StatusForbidden, "acceptance by another account")
		if s.isMember(stID, agent.Email) {
			t.Fatal("another account became a member")
		}
		// The invited person accepts.
		v.signIn(citizen.Email, citizen.Password)
		p = v.get(link)
		wantContains(t, p, "invitation page signed in", "Accepter l&#39;invitation")
		p = v.post("/compte/invitation", url.Values{"jeton": {secret}})
		if p.Status != http.StatusSeeOther || p.Location != structurePath {
			t.Fatalf("acceptance: %d → %q\n%s", p.Status, p.Location, excerpt(p.Body))
		}
		if !s.isMember(stID, citizen.Email) {
			t.Fatal("accepted, the citizen is not a member")
		}
		wantStatus(t, v.get(structurePath), http.StatusOK, "the structure's page for its new member")
		wantStatus(t, v.post("/compte/invitation", url.Values{"jeton": {secret}}), http.StatusConflict, "accepted twice")

		// A withdrawn invitation's link no longer works.
		pending, err := dossier.PendingInvitations(context.Background(), s.db, stID, s.now)
		if err != nil || len(pending) != 1 {
			t.Fatalf("pending: %v %+v", err, pending)
		}
		wantStatus(t, o.post(structurePath+"/invitations/"+strconv.FormatInt(pending[0].ID, 10)+"/retirer", nil), http.StatusNotFound, "withdrawal by a non-member")
		p = b.post(structurePath+"/invitations/"+strconv.FormatInt(pending[0].ID, 10)+"/retirer", nil)
		if p.Status != http.StatusSeeOther {
			t.Fatalf("withdrawal: %d", p.Status)
		}
		unknownLink, _ := s.invitationLink("personne.inconnue@exemple.fr")
		p = s.browser().get(unknownLink)
		wantStatus(t, p, http.StatusNotFound, "withdrawn invitation")
		if !strings.Contains(p.Body, "plus valable") {
			t.Errorf("withdrawn invitation page:\n%s", excerpt(p.Body))
		}
	})
}
