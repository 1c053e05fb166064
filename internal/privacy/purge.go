package privacy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/mydata"
	"budgetcitoyen/internal/subscription"
	"budgetcitoyen/internal/vote"
)

// Report counts what a purge erased, or would erase for a dry run, by kind.
type Report struct {
	Sessions           int64 `json:"sessions"`
	Tokens             int64 `json:"tokens"`
	SignInFailures     int64 `json:"sign_in_failures"`
	MailQuota          int64 `json:"mail_quota"`
	Outbox             int64 `json:"outbox"`
	Invitations        int64 `json:"invitation_addresses"`
	UnverifiedAccounts int64 `json:"unverified_accounts"`
	// Subscriptions is the number of subscriptions by e-mail never confirmed, erased.
	Subscriptions int64 `json:"unconfirmed_subscriptions"`
	// Voters is the number of voter register rows erased, by campaign slug; a campaign whose
	// register is due but empty is there with 0 (its census list and keyed hashes went).
	Voters map[string]int64 `json:"voters,omitempty"`
}

// Empty reports whether the purge had nothing to erase.
func (r Report) Empty() bool {
	return r.Sessions+r.Tokens+r.SignInFailures+r.MailQuota+r.Outbox+r.Invitations+r.UnverifiedAccounts+r.Subscriptions == 0 &&
		len(r.Voters) == 0
}

// errRollBack ends a purge's transaction without keeping anything: a dry run, or a purge
// with nothing to erase (which writes no audit entry).
var errRollBack = errors.New("privacy: roll back")

// Purge erases at now every piece of personal data whose retention has run out, in one
// transaction with one audit entry ("privacy.purge", by who, normally a system label) that
// records the counts. A dry run does the same work and rolls it back, so that its counts are
// exactly what a purge would erase.
//
// An account whose address was never confirmed is erased as its owner would erase it
// (mydata.EraseIn: anonymised in place, its ideas kept without a name); env.Workshop words
// the e-mail of whoever takes a comptoir seat it held.
func Purge(ctx context.Context, env mydata.Env, who change.Who, now time.Time, dryRun bool) (Report, error) {
	var rep Report
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermManageAccounts,
		Action: "privacy.purge", EntityKind: "site",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			var err error
			var mails []mail.Message
			if rep, mails, err = purge(ctx, env, tx, now); err != nil {
				return change.Outcome{}, err
			}
			if dryRun || rep.Empty() {
				return change.Outcome{}, errRollBack
			}
			return change.Outcome{EntityID: "purge", After: rep, Mails: mails}, nil
		},
	})
	if errors.Is(err, errRollBack) {
		err = nil
	}
	if err != nil {
		return Report{}, err
	}
	return rep, nil
}

func purge(ctx context.Context, env mydata.Env, tx *db.Tx, now time.Time) (Report, []mail.Message, error) {
	var rep Report
	d := env.Change.DB
	site, err := SiteOf(ctx, tx)
	if err != nil {
		return rep, nil, err
	}
	cut := site.CutoffsAt(now)
	steps := []struct {
		n   *int64
		run func() (int64, error)
	}{
		{&rep.Sessions, func() (int64, error) { return account.PurgeSessions(ctx, tx, d.Dialect, cut.Sessions) }},
		// A link expired a day ago still says "expired" rather than "unknown"; after that it goes.
		{&rep.Tokens, func() (int64, error) { return account.PurgeTokens(ctx, tx, now.Add(-24*time.Hour)) }},
		{&rep.SignInFailures, func() (int64, error) { return account.PurgeLoginFailures(ctx, tx, cut.Throttle) }},
		{&rep.MailQuota, func() (int64, error) { return mail.PurgeQuota(ctx, tx, cut.Throttle) }},
		{&rep.Outbox, func() (int64, error) { return mail.PurgeOutbox(ctx, tx, cut.Outbox, now) }},
		{&rep.Invitations, func() (int64, error) { return dossier.PurgeInvitationAddresses(ctx, tx, cut.Unverified) }},
		{&rep.Subscriptions, func() (int64, error) { return subscription.PurgeUnconfirmed(ctx, tx, cut.Unverified) }},
	}
	for _, s := range steps {
		if *s.n, err = s.run(); err != nil {
			return rep, nil, err
		}
	}
	// The voter registers first: an unconfirmed account still in one waits for its campaign's
	// period, and goes the night the register does.
	if rep.Voters, err = purgeVoters(ctx, tx, now); err != nil {
		return rep, nil, err
	}
	mails, err := purgeUnconfirmed(ctx, env, tx, cut.Unverified, now, &rep)
	return rep, mails, err
}

// purgeUnconfirmed erases the accounts created before before whose address was never
// confirmed. Left for a later night: an account in a voter register kept yet (its campaign's
// period rules), a trustee of a box still sealed (the count needs their share).
func purgeUnconfirmed(ctx context.Context, env mydata.Env, tx *db.Tx, before, now time.Time, rep *Report) ([]mail.Message, error) {
	ids, err := account.UnconfirmedBefore(ctx, tx, before)
	if err != nil {
		return nil, err
	}
	voters, err := vote.AccountsInRegister(ctx, tx)
	if err != nil {
		return nil, err
	}
	var mails []mail.Message
	for _, id := range ids {
		if voters[id] {
			continue
		}
		_, m, err := mydata.EraseIn(ctx, env, tx, id, now)
		if apperr.IsKind(err, apperr.Conflict) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("erase unconfirmed account %d: %w", id, err)
		}
		rep.UnverifiedAccounts++
		mails = append(mails, m...)
	}
	return mails, nil
}

// purgeVoters erases the voter register identities of every campaign whose vote closed
// long enough ago, once per campaign.
func purgeVoters(ctx context.Context, tx *db.Tx, now time.Time) (map[string]int64, error) {
	list, err := campaign.List(ctx, tx)
	if err != nil {
		return nil, err
	}
	var out map[string]int64
	for _, c := range list {
		w, ok := c.Window(campaign.PhaseVote)
		if !ok {
			continue
		}
		rules, err := CampaignOf(ctx, tx, c.ID)
		if err != nil {
			return nil, err
		}
		if !rules.VotersDue(w.End, now) {
			continue
		}
		done, err := votersPurged(ctx, tx, c.ID)
		if err != nil {
			return nil, err
		}
		if done {
			continue
		}
		n, err := vote.PurgeVoterRegister(ctx, tx, c.ID)
		if err != nil {
			return nil, err
		}
		if err := markVotersPurged(ctx, tx, c.ID, rules, now); err != nil {
			return nil, err
		}
		if out == nil {
			out = map[string]int64{}
		}
		out[c.Slug] = n
	}
	return out, nil
}

// ConfigureSite saves the site-wide settings (administrators). Invalid durations are an
// apperr Invalid with a message per field, checked once the permission is; nothing is
// saved then.
func ConfigureSite(ctx context.Context, env change.Env, who change.Who, s Site) error {
	_, err := change.Do(ctx, env, change.Request{
		Who: who, Permission: access.PermManageAccounts,
		Action: "privacy.settings", EntityKind: "site",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if err := s.Validate(); err != nil {
				return change.Outcome{}, err
			}
			before, err := SiteOf(ctx, tx)
			if err != nil {
				return change.Outcome{}, err
			}
			if err := SaveSite(ctx, tx, s, env.Now()); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: "privacy", Before: before, After: s}, nil
		},
	})
	return err
}

// ConfigureCampaign saves a campaign's durations (its agents).
func ConfigureCampaign(ctx context.Context, env change.Env, who change.Who, c *campaign.Campaign, r Campaign) error {
	_, err := change.Do(ctx, env, change.Request{
		Who: who, Permission: access.PermManageCampaigns, Campaign: c,
		Action: "privacy.campaign", EntityKind: "campaign",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if err := r.Validate(); err != nil {
				return change.Outcome{}, err
			}
			before, err := CampaignOf(ctx, tx, c.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			if err := SaveCampaign(ctx, tx, c.ID, r, env.Now()); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: strconv.FormatInt(c.ID, 10), Before: before, After: r}, nil
		},
	})
	return err
}
