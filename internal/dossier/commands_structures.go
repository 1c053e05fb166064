package dossier

import (
	"context"
	"strings"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
)

// StructureInput is a structure as read from its form (ParseStructure, with the commune
// resolved). For the platform only, Member is the account made its first member (0: none).
type StructureInput struct {
	Structure Structure
	Member    int64
}

// checkStructure checks the fields the form cannot leave wrong: a name, a legal form, a
// commune (the form resolves and checks what was typed).
func checkStructure(s *Structure) error {
	fe := apperr.FieldErrors{}
	if strings.TrimSpace(s.Name) == "" {
		fe.Add(FieldName, "dossier.structure.name_required")
	}
	if _, ok := ParseLegalForm(string(s.LegalForm)); !ok {
		fe.Add(FieldLegalForm, "dossier.structure.form_required")
	}
	if s.Commune == "" {
		fe.Add(FieldCommune, "dossier.structure.commune_unknown")
	}
	return fe.Err()
}

// CreateStructure saves a new structure and makes the person its member and a carrier.
func CreateStructure(ctx context.Context, env Env, who change.Who, in StructureInput) (*Structure, error) {
	st := in.Structure
	member := in.Member
	if !who.IsSystem() {
		member = who.Actor.ID()
	}
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermSignedIn, Action: "structure.create", EntityKind: "structure",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if err := checkStructure(&st); err != nil {
				return change.Outcome{}, err
			}
			now := env.Change.Now()
			if err := InsertStructure(ctx, tx, &st, member, now); err != nil {
				return change.Outcome{}, err
			}
			if member != 0 {
				if err := account.GrantRole(ctx, tx, member, access.Carrier, nil, now); err != nil {
					return change.Outcome{}, err
				}
			}
			return change.Outcome{EntityID: entityID(st.ID), After: st}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// EditStructureInput is a structure's new fields (its id in Structure.ID).
type EditStructureInput struct {
	Structure Structure
}

// EditStructure saves a structure the person acts for.
func EditStructure(ctx context.Context, env Env, who change.Who, in EditStructureInput) (*Structure, error) {
	st := in.Structure
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermSignedIn, Action: "structure.update", EntityKind: "structure",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if err := checkMember(ctx, tx, who, st.ID, "dossier.structure.not_found"); err != nil {
				return change.Outcome{}, err
			}
			before, err := StructureByID(ctx, tx, st.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			if err := checkStructure(&st); err != nil {
				return change.Outcome{}, err
			}
			st.CreatedBy, st.CreatedAt = before.CreatedBy, before.CreatedAt
			if err := UpdateStructure(ctx, tx, &st, env.Change.Now()); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: entityID(st.ID), Before: before, After: st}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// InvitationTTL is how long an invitation to act for a structure can be accepted.
const InvitationTTL = 14 * 24 * time.Hour

// maxPendingInvitations bounds the invitations of one structure waiting for an answer.
const maxPendingInvitations = 20

// InviteInput is an address invited to act for a structure. Lang is the language of the
// e-mail (the inviter's: nothing tells the invited person's).
type InviteInput struct {
	StructureID int64
	Email       string
	Lang        i18n.Lang
}

// InviteStructureMember invites an address to act for a structure the person acts for: the
// address gets an e-mail with a link, and its owner becomes a member (and a carrier) only
// by accepting it (AcceptStructureInvitation), signed in with that address. Whether an
// account uses the address changes nothing, neither in the answer nor in what is done, so
// the form tells nobody who has an account. A new invitation to the same address replaces
// the pending one. The audit entry holds the invitation's id, not the address.
func InviteStructureMember(ctx context.Context, env Env, who change.Who, in InviteInput) error {
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermSignedIn, Action: "structure.invite", EntityKind: "structure",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if err := checkMember(ctx, tx, who, in.StructureID, "dossier.structure.not_found"); err != nil {
				return change.Outcome{}, err
			}
			fe := apperr.FieldErrors{}
			if key, ok := account.CheckEmail(in.Email); !ok {
				fe.Add("email", key)
				return change.Outcome{}, fe.Err()
			}
			email := account.NormalizeEmail(in.Email)
			members, err := Members(ctx, tx, in.StructureID)
			if err != nil {
				return change.Outcome{}, err
			}
			for _, m := range members {
				if account.NormalizeEmail(m.Email) == email {
					// The inviter sees the members' addresses on the page already.
					fe.Add("email", "dossier.invitation.already_member")
					return change.Outcome{}, fe.Err()
				}
			}
			now := env.Change.Now()
			if _, err := WithdrawPendingInvitations(ctx, tx, in.StructureID, email, now); err != nil {
				return change.Outcome{}, err
			}
			pending, err := PendingInvitations(ctx, tx, in.StructureID, now)
			if err != nil {
				return change.Outcome{}, err
			}
			if len(pending) >= maxPendingInvitations {
				fe.Add("email", "dossier.invitation.too_many", maxPendingInvitations)
				return change.Outcome{}, fe.Err()
			}
			if _, err := StructureByID(ctx, tx, in.StructureID); err != nil {
				return change.Outcome{}, err
			}
			inv := Invitation{StructureID: in.StructureID, Email: email, CreatedAt: now, ExpiresAt: now.Add(InvitationTTL)}
			if !who.IsSystem() {
				inv.InvitedBy = who.Actor.ID()
			}
			secret, err := InsertInvitation(ctx, tx, &inv)
			if err != nil {
				return change.Outcome{}, err
			}
			msg := env.Mail.Invitation(in.Lang, email, secret, inv.ExpiresAt)
			return change.Outcome{EntityID: entityID(in.StructureID),
				After: map[string]any{"invitation": inv.ID, "expires_at": inv.ExpiresAt}, Mails: []mail.Message{msg}}, nil
		},
	})
	return err
}

// AcceptInvitationInput is the secret of an invitation's link.
type AcceptInvitationInput struct {
	Secret string
}

// AcceptStructureInvitation makes the signed-in person a member of the structure of a
// pending invitation sent to their own address, and a carrier. An unknown, expired,
// withdrawn or already accepted invitation is refused, and so is one sent to another
// address than the account's (the person must sign in with the invited address, or
// register with it).
func AcceptStructureInvitation(ctx context.Context, env Env, who change.Who, in AcceptInvitationInput) (*Structure, error) {
	var st *Structure
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermSignedIn, Action: "structure.invitation_accept", EntityKind: "structure",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if who.IsSystem() {
				return change.Outcome{}, apperr.New(apperr.Forbidden, "error.forbidden")
			}
			inv, err := InvitationBySecret(ctx, tx, in.Secret)
			if err != nil {
				return change.Outcome{}, err
			}
			now := env.Change.Now()
			if !inv.Pending(now) {
				return change.Outcome{}, apperr.New(apperr.Conflict, "dossier.invitation.ended")
			}
			me, err := account.ByID(ctx, tx, who.Actor.ID())
			if err != nil {
				return change.Outcome{}, err
			}
			if account.NormalizeEmail(me.Email) != inv.Email {
				return change.Outcome{}, apperr.New(apperr.Forbidden, "dossier.invitation.other_address")
			}
			ok, err := MarkInvitationAccepted(ctx, tx, inv.ID, me.ID, now)
			if err != nil {
				return change.Outcome{}, err
			}
			if !ok {
				return change.Outcome{}, apperr.New(apperr.Conflict, "dossier.invitation.ended")
			}
			if err := AddMember(ctx, tx, inv.StructureID, me.ID, now); err != nil {
				return change.Outcome{}, err
			}
			if err := account.GrantRole(ctx, tx, me.ID, access.Carrier, nil, now); err != nil {
				return change.Outcome{}, err
			}
			if st, err = StructureByID(ctx, tx, inv.StructureID); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: entityID(inv.StructureID),
				After: map[string]any{"invitation": inv.ID, "member": me.ID}}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// WithdrawInvitationInput is a pending invitation of a structure to withdraw.
type WithdrawInvitationInput struct {
	StructureID  int64
	InvitationID int64
}

// WithdrawStructureInvitation ends a pending invitation of a structure the person acts for:
// its link no longer works.
func WithdrawStructureInvitation(ctx context.Context, env Env, who change.Who, in WithdrawInvitationInput) error {
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermSignedIn, Action: "structure.invitation_withdraw", EntityKind: "structure",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if err := checkMember(ctx, tx, who, in.StructureID, "dossier.structure.not_found"); err != nil {
				return change.Outcome{}, err
			}
			inv, err := InvitationByID(ctx, tx, in.StructureID, in.InvitationID)
			if err != nil {
				return change.Outcome{}, err
			}
			now := env.Change.Now()
			if !inv.Pending(now) {
				return change.Outcome{}, apperr.New(apperr.Conflict, "dossier.invitation.ended")
			}
			if err := WithdrawInvitation(ctx, tx, inv.ID, now); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: entityID(in.StructureID), After: map[string]any{"invitation_withdrawn": inv.ID}}, nil
		},
	})
	return err
}
