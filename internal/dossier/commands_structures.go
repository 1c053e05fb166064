package dossier

import (
	"context"
	"strings"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
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

// MemberInput is an account to add to a structure, by its address.
type MemberInput struct {
	StructureID int64
	Email       string
}

// AddStructureMember lets another account act for a structure the person acts for: it must
// already exist (the person registers first; else a field error on "email"); it becomes a
// carrier.
func AddStructureMember(ctx context.Context, env Env, who change.Who, in MemberInput) error {
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermSignedIn, Action: "structure.add_member", EntityKind: "structure",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if err := checkMember(ctx, tx, who, in.StructureID, "dossier.structure.not_found"); err != nil {
				return change.Outcome{}, err
			}
			other, err := account.ByEmail(ctx, tx, strings.TrimSpace(in.Email))
			if err != nil {
				if !apperr.IsKind(err, apperr.NotFound) {
					return change.Outcome{}, err
				}
				fe := apperr.FieldErrors{}
				fe.Add("email", "dossier.structure.member_unknown")
				return change.Outcome{}, fe.Err()
			}
			now := env.Change.Now()
			if err := AddMember(ctx, tx, in.StructureID, other.ID, now); err != nil {
				return change.Outcome{}, err
			}
			if err := account.GrantRole(ctx, tx, other.ID, access.Carrier, nil, now); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: entityID(in.StructureID), After: map[string]any{"member": other.ID}}, nil
		},
	})
	return err
}
