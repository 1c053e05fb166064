package vote

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
)

// The commands of a voter's registration: the e-mail step of a visitor (Enter), the identity
// step of a signed-in person (Register) and the platform's registration of many people at
// once (RegisterAll, for the demo). Each is one change (change.Do): checks, writes and audit
// entry commit together, and a refusal writes nothing. The ballot itself goes through the
// Box, never through the audit log.

// Check names the rule that refused a registration.
type Check string

// The rules a registration goes through, in order.
const (
	CheckCensus      Check = "census"      // the person is not found, or not alone, in the census list
	CheckEligibility Check = "eligibility" // commune of the territory, age on the day of the vote
	CheckDuplicate   Check = "duplicate"   // the same person is registered by another account
)

// Refusal is a registration the rules refuse: Err says why, in words for the voter, and
// Check which rule refused it. apperr.As finds Err through it.
type Refusal struct {
	Check Check
	Err   *apperr.Error
}

func (r *Refusal) Error() string {
	return "vote: registration refused (" + string(r.Check) + "): " + r.Err.Error()
}
func (r *Refusal) Unwrap() error { return r.Err }

// errNothingToDo ends the transaction of a command that finds nothing to write.
var errNothingToDo = errors.New("vote: nothing to do")

// EnterInput is the e-mail step of a visitor: the address typed.
type EnterInput struct {
	Campaign *campaign.Campaign
	Email    string
}

// Enter starts the vote of a visitor (anyone may): while the vote is open, it returns the
// account of the address, and creates it when there is none, without password (it signs in
// with codes) and with the citizen role, audited as "account.create". The caller then sends
// the sign-in code (account.SendLoginCode). An address that is not one is a field error on
// "email"; a vote not open is an apperr Conflict "vote.closed", and a vote whose box is not
// sealed ErrUnsealed.
func Enter(ctx context.Context, env Env, who change.Who, in EnterInput) (*access.Account, error) {
	if key, ok := account.CheckEmail(in.Email); !ok {
		fe := apperr.FieldErrors{}
		fe.Add("email", key)
		return nil, fe.Err()
	}
	c := in.Campaign
	if !c.IsOpen(campaign.PhaseVote, env.Change.Now()) {
		return nil, apperr.New(apperr.Conflict, "vote.closed")
	}
	if sealed, err := env.boxReady(ctx, env.Change.DB, c.ID); err != nil || !sealed {
		if err == nil {
			err = ErrUnsealed
		}
		return nil, err
	}
	var a *access.Account
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermPublic, Action: "account.create", EntityKind: "account",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			var created bool
			var err error
			if a, created, err = voterAccount(ctx, tx, in.Email, env.Change.Now()); err != nil {
				return change.Outcome{}, err
			}
			if !created {
				return change.Outcome{}, errNothingToDo
			}
			return change.Outcome{EntityID: strconv.FormatInt(a.ID, 10), AccountsCreated: 1,
				After: map[string]any{"role": access.Citizen}}, nil
		},
	})
	switch {
	case errors.Is(err, errNothingToDo):
		return a, nil
	case apperr.IsKind(err, apperr.Invalid):
		// Created by a concurrent request meanwhile: use it.
		return account.ByEmail(ctx, env.Change.DB, in.Email)
	case err != nil:
		return nil, err
	}
	return a, nil
}

// voterAccount returns the account of the address, creating a password-less citizen account
// when there is none (created is then true). It tries to create first: a batch of new voters
// then costs no read of their accounts.
func voterAccount(ctx context.Context, tx *db.Tx, email string, now time.Time) (a *access.Account, created bool, err error) {
	name, _, _ := strings.Cut(strings.TrimSpace(email), "@")
	if len(name) > account.MaxDisplayNameLen || name == "" {
		name = "Votant"
	}
	a, err = account.Create(ctx, tx, email, name, now)
	if ae, ok := apperr.As(err); ok && ae.Fields["email"].Key == "account.email_taken" {
		a, err = account.ByEmail(ctx, tx, email)
		return a, false, err
	}
	if err != nil {
		return nil, false, err
	}
	if err := account.GrantRole(ctx, tx, a.ID, access.Citizen, nil, now); err != nil {
		return nil, false, err
	}
	a.Roles = []access.Grant{{Role: access.Citizen}}
	return a, true, nil
}

// Identity is who a person says they are, as typed (or as the identity provider asserts it)
// and the method that proves it: MethodEmail (a declaration: names, birth date and commune),
// MethodCensus (names and birth date found in the census list, which gives the commune) or
// MethodOIDC (names and birth date from the provider, a declared commune; a birth date given
// as a year only, YYYY, is checked on the year).
type Identity struct {
	Method                                    string
	FamilyName, GivenName, BirthDate, Commune string
}

// RegisterInput is the identity step of a signed-in person in a campaign's vote.
type RegisterInput struct {
	Campaign *campaign.Campaign
	Identity
}

// Register records that the signed-in person (allowed to vote, at the identity step of an
// open vote) is the person of the identity, audited as "vote.register" with the method only.
// Refusals, which write nothing:
//   - the vote not open (Conflict "vote.closed"), its box not sealed (ErrUnsealed), already registered (Conflict
//     "vote.identity.registered") or voted (ErrAlreadyVoted);
//   - a method the campaign does not accept (Forbidden "vote.identity.method_off");
//   - invalid fields ("nom", "prenom", "naissance", "commune");
//   - a *Refusal: not in the census list, not eligible (a commune outside the territory, under
//     the minimum age on the day of the vote), or the same person registered by another
//     account (one person, one ballot).
func Register(ctx context.Context, env Env, who change.Who, in RegisterInput) (*Voter, error) {
	c := in.Campaign
	var v *Voter
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermVote, Campaign: c, Action: "vote.register", EntityKind: "voter",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			now := env.Change.Now()
			accountID := who.Actor.ID()
			sealed, err := env.boxReady(ctx, tx, c.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			step, err := StepOf(c, who.Actor, now, sealed, func() (Progress, error) { return ProgressOf(ctx, tx, c.ID, accountID) })
			if err != nil {
				return change.Outcome{}, err
			}
			if err := identityStep(step); err != nil {
				return change.Outcome{}, err
			}
			r, err := newRegistrar(ctx, tx, env, c, now)
			if err != nil {
				return change.Outcome{}, err
			}
			if v, err = r.register(ctx, tx, accountID, in.Identity); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: strconv.FormatInt(accountID, 10), After: map[string]any{"method": v.Method}}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// identityStep refuses a registration outside the identity step.
func identityStep(step Step) error {
	switch step {
	case StepIdentity:
		return nil
	case StepBefore, StepAfter:
		return apperr.New(apperr.Conflict, "vote.closed")
	case StepUnsealed:
		return ErrUnsealed
	case StepStart:
		return apperr.New(apperr.Unauthenticated, "error.unauthenticated")
	case StepNoRole:
		return apperr.New(apperr.Forbidden, "error.forbidden")
	case StepVoted:
		return ErrAlreadyVoted
	default:
		return apperr.New(apperr.Conflict, "vote.identity.registered")
	}
}

// VoterInput is one person the platform registers: the address of their account (found, or
// created without password) and who they are.
type VoterInput struct {
	Email string
	Identity
}

// RegisterAllInput is a batch of people to register in a campaign's vote.
type RegisterAllInput struct {
	Campaign *campaign.Campaign
	Voters   []VoterInput
}

// RegisterAll registers many people at once, in one transaction, through the same rules as
// Register, with one audit entry "vote.register_all" for the batch. Only the platform may
// (the demo's voters): a person is refused (Forbidden). Each person's account is the one of
// their address, created without password and with the citizen role when there is none; an
// account already registered, or not allowed to vote, is refused. The vote must have opened;
// once it is closed (a past edition), eligibility is checked on its last day. A refusal of
// any person refuses the whole batch, and nothing is written; the error names the person by
// position.
func RegisterAll(ctx context.Context, env Env, who change.Who, in RegisterAllInput) ([]*Voter, error) {
	if !who.IsSystem() {
		return nil, apperr.New(apperr.Forbidden, "error.forbidden")
	}
	c := in.Campaign
	w, ok := c.Window(campaign.PhaseVote)
	now := env.Change.Now()
	if !ok || now.Before(w.Start) {
		return nil, apperr.New(apperr.Conflict, "vote.closed")
	}
	at := now
	if !w.Contains(now) {
		at = w.End
	}
	voters := make([]*Voter, 0, len(in.Voters))
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Campaign: c, Action: "vote.register_all", EntityKind: "campaign",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			r, err := newRegistrar(ctx, tx, env, c, at)
			if err != nil {
				return change.Outcome{}, err
			}
			created := 0
			for i, vi := range in.Voters {
				v, isNew, err := r.registerAccount(ctx, tx, vi)
				if err != nil {
					return change.Outcome{}, fmt.Errorf("voter %d (%s): %w", i, vi.Email, err)
				}
				if isNew {
					created++
				}
				voters = append(voters, v)
			}
			return change.Outcome{EntityID: strconv.FormatInt(c.ID, 10),
				After: map[string]any{"voters": len(voters), "accounts_created": created}}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return voters, nil
}

// registerAccount registers one person of a batch under the account of their address.
func (r *registrar) registerAccount(ctx context.Context, tx *db.Tx, vi VoterInput) (*Voter, bool, error) {
	a, created, err := voterAccount(ctx, tx, vi.Email, r.at)
	if err != nil {
		return nil, false, err
	}
	if !created {
		if !access.Allowed(access.ActorFor(a), access.PermVote, &r.c.ID) {
			return nil, false, apperr.New(apperr.Forbidden, "error.forbidden")
		}
		if _, err := VoterOf(ctx, tx, r.c.ID, a.ID); err == nil {
			return nil, false, apperr.New(apperr.Conflict, "vote.identity.registered")
		} else if !apperr.IsKind(err, apperr.NotFound) {
			return nil, false, err
		}
	}
	v, err := r.register(ctx, tx, a.ID, vi.Identity)
	return v, created, err
}

// registrar holds what the registrations of one transaction share: the campaign, its
// settings, its eligibility rule, the key of the keyed hash and the moment eligibility is
// checked at.
type registrar struct {
	env      Env
	c        *campaign.Campaign
	settings Settings
	rule     Rule
	key      []byte
	at       time.Time
}

func newRegistrar(ctx context.Context, tx *db.Tx, env Env, c *campaign.Campaign, at time.Time) (*registrar, error) {
	settings, err := SettingsOf(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	key, err := HashKey(ctx, tx)
	if err != nil {
		return nil, err
	}
	return &registrar{env: env, c: c, settings: settings, key: key, at: at,
		rule: Rule{Territory: c.Territory, MinAge: c.MinVoterAge, Location: c.Location()}}, nil
}

// register is the rule of a registration: the method, the fields, the census list,
// eligibility, then one person per campaign by the keyed hash.
func (r *registrar) register(ctx context.Context, tx *db.Tx, accountID int64, id Identity) (*Voter, error) {
	var on bool
	switch id.Method {
	case MethodEmail:
		on = r.settings.EmailDeclaration
	case MethodCensus:
		on = r.settings.Census
	case MethodOIDC:
		on = r.settings.OIDC
	}
	if !on {
		return nil, apperr.New(apperr.Forbidden, "vote.identity.method_off")
	}
	census := id.Method == MethodCensus
	commune := id.Commune
	if census {
		commune = "00000" // the list says where the person lives
	}
	// Only an identity provider may give a year alone; a form must give the day.
	yearOnly := id.Method == MethodOIDC && YearOnly(id.BirthDate)
	birth := id.BirthDate
	if yearOnly {
		birth = PresumedDate(birth)
	}
	decl, fe := ParseDeclaration(id.FamilyName, id.GivenName, birth, commune)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if census {
		var err error
		decl.Commune, err = MatchCensus(ctx, tx, r.c.ID, decl.FamilyName, decl.GivenName, decl.BirthDate)
		if ae, ok := apperr.As(err); ok {
			return nil, &Refusal{Check: CheckCensus, Err: apperr.New(ae.Kind, ae.Message.Key, r.c.ContactEmail)}
		}
		if err != nil {
			return nil, err
		}
	}
	cm, known := r.env.Territory.Commune(decl.Commune)
	if refusal := r.rule.Check(Person{BirthDate: decl.BirthDate, YearOnly: yearOnly, CommuneKnown: known,
		CommuneDepartment: cm.Departement}, r.at); refusal != nil {
		return nil, &Refusal{Check: CheckEligibility, Err: refusal}
	}
	v := &Voter{CampaignID: r.c.ID, AccountID: accountID, PersonKey: PersonKey(r.key, r.c.ID, decl),
		Commune: decl.Commune, BirthDate: decl.BirthDate, Method: id.Method}
	if err := RegisterVoter(ctx, tx, v, r.c.ContactEmail); err != nil {
		if ae, ok := apperr.As(err); ok && ae.Kind == apperr.Conflict {
			return nil, &Refusal{Check: CheckDuplicate, Err: ae}
		}
		return nil, err
	}
	return v, nil
}
