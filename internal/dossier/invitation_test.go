package dossier_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/mail"
)

var invitationLink = regexp.MustCompile(`/compte/invitation\?jeton=([A-Za-z0-9_-]+)`)

// invitationSecret is the secret of the last invitation link e-mailed to addr.
func invitationSecret(t *testing.T, d *db.DB, addr string) string {
	t.Helper()
	msgs, err := mail.Sent(context.Background(), d, addr)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if sub := invitationLink.FindStringSubmatch(m.Body); sub != nil {
			return sub[1]
		}
	}
	t.Fatalf("no invitation e-mailed to %s (%d e-mails)", addr, len(msgs))
	return ""
}

func TestStructureInvitations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		st := f.structure(f.nadia, "Les Jardins <b>urgent</b>", dossier.FormAssociation)
		invite := func(env dossier.Env, email string) {
			t.Helper()
			if err := dossier.InviteStructureMember(f.ctx, env, change.By(f.nadia), dossier.InviteInput{StructureID: st.ID, Email: email}); err != nil {
				t.Fatalf("invite %s: %v", email, err)
			}
		}

		// The same is done for an address with an account and one without.
		invite(f.env, "lucas@exemple.fr")
		invite(f.env, "inconnu@exemple.fr")
		for _, addr := range []string{"lucas@exemple.fr", "inconnu@exemple.fr"} {
			msgs, _ := mail.Sent(f.ctx, d, addr)
			if len(msgs) != 1 {
				t.Fatalf("%s got %d e-mails", addr, len(msgs))
			}
			if strings.Contains(msgs[0].Subject, "Jardins") || strings.Contains(msgs[0].Subject, "nadia") {
				t.Errorf("the subject holds typed text: %q", msgs[0].Subject)
			}
			if strings.Contains(msgs[0].Body, "Jardins") || !strings.Contains(msgs[0].Body, dossier.InvitationPath+"?jeton=") {
				t.Errorf("the body holds typed text (it may reach an address not confirmed) or no link:\n%s", msgs[0].Body)
			}
		}
		var auditHasAddress int
		if err := d.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'structure.invite' AND (after_json LIKE '%lucas%' OR after_json LIKE '%inconnu%')").Scan(&auditHasAddress); err != nil {
			t.Fatal(err)
		}
		if auditHasAddress != 0 {
			t.Error("the audit log holds the invited address")
		}
		pending, err := dossier.PendingInvitations(f.ctx, d, st.ID, now)
		if err != nil || len(pending) != 2 {
			t.Fatalf("pending invitations: %v %+v", err, pending)
		}
		if ok, _ := dossier.IsMember(f.ctx, d, st.ID, f.citizen.ID()); ok || f.actor(f.citizen.ID()).HasRole(access.Carrier, nil) {
			t.Fatal("invited, lucas is already a member or a carrier")
		}

		secret := invitationSecret(t, d, "lucas@exemple.fr")
		accept := func(env dossier.Env, who access.Actor, secret string) error {
			_, err := dossier.AcceptStructureInvitation(f.ctx, env, change.By(who), dossier.AcceptInvitationInput{Secret: secret})
			return err
		}
		// Another account cannot use lucas's link; nor can lucas use one sent to another address.
		if err := accept(f.env, f.paul, secret); !apperr.IsKind(err, apperr.Forbidden) {
			t.Errorf("paul accepts lucas's invitation: %v", err)
		}
		if err := accept(f.env, f.citizen, invitationSecret(t, d, "inconnu@exemple.fr")); !apperr.IsKind(err, apperr.Forbidden) {
			t.Errorf("lucas accepts another address's invitation: %v", err)
		}
		// Past its 14 days, the link no longer works.
		if err := accept(f.at(now.Add(dossier.InvitationTTL+time.Minute)), f.citizen, secret); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("expired invitation accepted: %v", err)
		}
		if err := accept(f.env, f.citizen, secret); err != nil {
			t.Fatalf("lucas accepts: %v", err)
		}
		if ok, _ := dossier.IsMember(f.ctx, d, st.ID, f.citizen.ID()); !ok || !f.actor(f.citizen.ID()).HasRole(access.Carrier, nil) {
			t.Fatal("accepted, lucas is not a member and a carrier")
		}
		if a := lastAction(t, d); a != "structure.invitation_accept" {
			t.Errorf("last action %q", a)
		}
		if err := accept(f.env, f.citizen, secret); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("an invitation accepted twice: %v", err)
		}

		// A withdrawn invitation's link no longer works; only a member withdraws.
		pending, _ = dossier.PendingInvitations(f.ctx, d, st.ID, now)
		if len(pending) != 1 || pending[0].Email != "inconnu@exemple.fr" {
			t.Fatalf("pending after acceptance: %+v", pending)
		}
		in := dossier.WithdrawInvitationInput{StructureID: st.ID, InvitationID: pending[0].ID}
		if err := dossier.WithdrawStructureInvitation(f.ctx, f.env, change.By(f.paul), in); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("paul withdraws nadia's invitation: %v", err)
		}
		if err := dossier.WithdrawStructureInvitation(f.ctx, f.env, change.By(f.nadia), in); err != nil {
			t.Fatal(err)
		}
		if a := lastAction(t, d); a != "structure.invitation_withdraw" {
			t.Errorf("last action %q", a)
		}
		unknown := f.person("inconnu@exemple.fr", access.Citizen)
		if err := accept(f.env, unknown, invitationSecret(t, d, "inconnu@exemple.fr")); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("a withdrawn invitation accepted: %v", err)
		}

		// A new invitation to the same address replaces the pending one.
		invite(f.env, "claire@exemple.fr")
		first := invitationSecret(t, d, "claire@exemple.fr")
		invite(f.env, "Claire@Exemple.fr")
		second := invitationSecret(t, d, "claire@exemple.fr")
		claire := f.person("claire@exemple.fr", access.Citizen)
		if first == second {
			t.Fatal("the second invitation has the first one's link")
		}
		if err := accept(f.env, claire, first); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("a replaced invitation accepted: %v", err)
		}
		if err := accept(f.env, claire, second); err != nil {
			t.Errorf("the new invitation: %v", err)
		}
	})
}
