package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
)

// structureInvite invites an address to act for the structure (dossier.InviteStructureMember).
// The answer is the same whether an account uses the address or not.
func (s *Server) structureInvite(w http.ResponseWriter, r *http.Request) error {
	st, err := s.structureOf(r)
	if err != nil {
		return err
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	err = dossier.InviteStructureMember(r.Context(), s.dossierEnv(), change.By(actorOf(r)),
		dossier.InviteInput{StructureID: st.ID, Email: email, Lang: langOf(r)})
	if fe, ok := fieldErrors(err); ok {
		v := dossier.StructureValues(st)
		v.Set(dossier.FieldCommune, s.communeLabel(st.Commune))
		v.Set("email", email)
		return s.structureFormInvalid(w, r, st, v, fe)
	}
	if err != nil {
		return err
	}
	s.flash(r, "dossier.invitation.sent")
	http.Redirect(w, r, "/compte/structures/"+strconv.FormatInt(st.ID, 10), http.StatusSeeOther)
	return nil
}

// structureInvitationWithdraw withdraws a pending invitation of the structure.
func (s *Server) structureInvitationWithdraw(w http.ResponseWriter, r *http.Request) error {
	st, err := s.structureOf(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "inv")
	if err != nil {
		return err
	}
	if err := dossier.WithdrawStructureInvitation(r.Context(), s.dossierEnv(), change.By(actorOf(r)),
		dossier.WithdrawInvitationInput{StructureID: st.ID, InvitationID: id}); err != nil {
		return err
	}
	s.flash(r, "dossier.invitation.withdrawn")
	http.Redirect(w, r, "/compte/structures/"+strconv.FormatInt(st.ID, 10), http.StatusSeeOther)
	return nil
}

type invitationPage struct {
	Base
	Structure string // the structure's name
	Secret    string
	Expires   string
	Here      string // this page's address, to come back after signing in
}

// invitationShow is the page of an invitation's link: to a visitor, how to sign in or
// register with the invited address; to a signed-in person, the button that accepts.
func (s *Server) invitationShow(w http.ResponseWriter, r *http.Request) error {
	secret := r.URL.Query().Get("jeton")
	inv, err := dossier.InvitationBySecret(r.Context(), s.db, secret)
	if err != nil {
		return err
	}
	if !inv.Pending(s.now()) {
		return apperr.New(apperr.NotFound, "dossier.invitation.ended")
	}
	st, err := dossier.StructureByID(r.Context(), s.db, inv.StructureID)
	if err != nil {
		return err
	}
	p := invitationPage{Base: s.base(r, "dossier.invitation.title"), Structure: st.Name, Secret: secret,
		Expires: i18n.DateTime(langOf(r), inv.ExpiresAt.In(dossier.PlatformLocation())), Here: dossier.InvitationPath + "?jeton=" + url.QueryEscape(secret)}
	return s.render(w, r, http.StatusOK, "structure_invitation", p)
}

// invitationAccept accepts the invitation for the signed-in person.
func (s *Server) invitationAccept(w http.ResponseWriter, r *http.Request) error {
	st, err := dossier.AcceptStructureInvitation(r.Context(), s.dossierEnv(), change.By(actorOf(r)),
		dossier.AcceptInvitationInput{Secret: r.PostFormValue("jeton")})
	if err != nil {
		return err
	}
	s.flash(r, "dossier.invitation.accepted")
	http.Redirect(w, r, "/compte/structures/"+strconv.FormatInt(st.ID, 10), http.StatusSeeOther)
	return nil
}
