// Package mydata gathers what the platform holds about a person, for their rights under the
// RGPD: the right of access (Collect: a readable page and a JSON file of the same data) and
// the right to erasure (Erase: the account is anonymised, what only served the person is
// deleted, what the campaigns' record needs is kept without naming them).
//
// It owns no table and no SQL: each domain package reads and erases its own data (account,
// idea, workshop, dossier, vote, mail); this package only assembles them, so it sits above
// them all and nothing but the web package imports it.
package mydata

import (
	"context"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/idea"
	"budgetcitoyen/internal/subscription"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/workshop"
)

// Export is everything the platform holds about one account, as it is downloaded in JSON.
// The vote part says in which campaigns the person registered and whether they voted, never
// what: the ballot box holds no link to anyone and the receipt is never stored with them.
type Export struct {
	GeneratedAt time.Time      `json:"generated_at"`
	Account     Account        `json:"account"`
	Ideas       []Idea         `json:"ideas"`
	Workshops   []Registration `json:"workshop_registrations"`
	Structures  []Structure    `json:"structures"`
	Dossiers    []Dossier      `json:"dossiers"`
	Votes       []Vote         `json:"votes"`
	// Subscriptions are the subscriptions by e-mail of the account's address (package
	// subscription: anyone may subscribe an address, with or without an account).
	Subscriptions []Subscription `json:"subscriptions"`
}

// Subscription is a subscription by e-mail of the person's address: what it follows, and
// whether its owner confirmed it.
type Subscription struct {
	Campaign    Campaign   `json:"campaign"`
	Kind        string     `json:"kind"`
	TargetID    int64      `json:"target_id"`
	Title       string     `json:"title"`
	CreatedAt   time.Time  `json:"created_at"`
	ConfirmedAt *time.Time `json:"confirmed_at"`
	// A campaign's news: the news chosen, the commune given (INSEE code), and the consent
	// (the wording shown, the date of the confirmation).
	News        []string   `json:"news,omitempty"`
	Commune     string     `json:"commune,omitempty"`
	ConsentText string     `json:"consent_text,omitempty"`
	ConsentAt   *time.Time `json:"consent_at,omitempty"`
}

// Campaign names the campaign an item belongs to.
type Campaign struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// Account is the account itself.
type Account struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"`
	DisplayName string     `json:"display_name"`
	Lang        string     `json:"language"`
	CreatedAt   time.Time  `json:"created_at"`
	VerifiedAt  *time.Time `json:"email_verified_at"`
	HasPassword bool       `json:"has_password"`
	Roles       []Role     `json:"roles"`
}

// Role is one role the account holds, site-wide (no campaign) or in one campaign.
type Role struct {
	Role     access.Role `json:"role"`
	Campaign *Campaign   `json:"campaign,omitempty"`
}

// Idea is an idea the person deposited.
type Idea struct {
	ID           int64      `json:"id"`
	Campaign     Campaign   `json:"campaign"`
	Title        string     `json:"title"`
	Description  string     `json:"description"`
	Theme        idea.Theme `json:"theme"`
	Commune      string     `json:"commune"`
	Carrier      string     `json:"carrier"`
	Structure    string     `json:"structure"`
	CreatedAt    time.Time  `json:"created_at"`
	HiddenAt     *time.Time `json:"hidden_at,omitempty"`
	HiddenReason string     `json:"hidden_reason,omitempty"`
}

// Registration is a registration to a comptoir session.
type Registration struct {
	Campaign     Campaign   `json:"campaign"`
	SessionID    int64      `json:"session_id"`
	Title        string     `json:"session_title"`
	StartsAt     time.Time  `json:"starts_at"`
	EndsAt       time.Time  `json:"ends_at"`
	Cancelled    bool       `json:"session_cancelled"`
	Status       string     `json:"status"`
	WaitPosition int        `json:"waiting_position,omitempty"`
	Attendance   string     `json:"attendance"`
	RegisteredAt time.Time  `json:"registered_at"`
	RemindedAt   *time.Time `json:"reminded_at,omitempty"`
}

// Structure is a structure the person acts for.
type Structure struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	LegalForm   string    `json:"legal_form"`
	SIRET       string    `json:"siret"`
	RNA         string    `json:"rna"`
	Address     string    `json:"address"`
	Postcode    string    `json:"postcode"`
	Commune     string    `json:"commune"`
	CreatedByMe bool      `json:"created_by_me"`
	MemberSince time.Time `json:"member_since"`
}

// Dossier is a dossier of one of the person's structures, or one they created.
type Dossier struct {
	ID           int64             `json:"id"`
	Campaign     Campaign          `json:"campaign"`
	StructureID  int64             `json:"structure_id"`
	Structure    string            `json:"structure"`
	State        string            `json:"state"`
	Title        string            `json:"title"`
	Summary      string            `json:"summary"`
	Description  string            `json:"description"`
	Answers      map[string]string `json:"answers"`
	Communes     []string          `json:"communes"`
	Timeline     string            `json:"timeline"`
	CostCents    int64             `json:"total_cost_cents"`
	SupportCents int64             `json:"support_cents"`
	CreatedByMe  bool              `json:"created_by_me"`
	CreatedAt    time.Time         `json:"created_at"`
	SubmittedAt  *time.Time        `json:"submitted_at,omitempty"`
}

// Vote is the person's part in one campaign's vote: the identity they declared, as the
// voter register keeps it, and whether they voted.
type Vote struct {
	Campaign  Campaign `json:"campaign"`
	Method    string   `json:"identity_method"`
	Commune   string   `json:"commune"`
	BirthDate string   `json:"birth_date"`
	Voted     bool     `json:"voted"`
}

// Collect reads everything the platform holds about the account, from each domain's store.
func Collect(ctx context.Context, q db.Querier, accountID int64, now time.Time) (*Export, error) {
	a, err := account.ByID(ctx, q, accountID)
	if err != nil {
		return nil, err
	}
	campaigns := campaignNames{q: q, known: map[int64]Campaign{}}
	x := &Export{GeneratedAt: now.UTC(), Account: Account{ID: a.ID, Email: a.Email, DisplayName: a.DisplayName,
		Lang: a.Lang, CreatedAt: a.CreatedAt, VerifiedAt: a.EmailVerifiedAt, HasPassword: a.HasPassword, Roles: []Role{}},
		Ideas: []Idea{}, Workshops: []Registration{}, Structures: []Structure{}, Dossiers: []Dossier{}, Votes: []Vote{},
		Subscriptions: []Subscription{}}
	for _, g := range a.Roles {
		r := Role{Role: g.Role}
		if g.CampaignID != nil {
			c, err := campaigns.of(ctx, *g.CampaignID)
			if err != nil {
				return nil, err
			}
			r.Campaign = &c
		}
		x.Account.Roles = append(x.Account.Roles, r)
	}

	ideas, err := idea.ByAuthor(ctx, q, accountID)
	if err != nil {
		return nil, err
	}
	for _, i := range ideas {
		c, err := campaigns.of(ctx, i.CampaignID)
		if err != nil {
			return nil, err
		}
		x.Ideas = append(x.Ideas, Idea{ID: i.ID, Campaign: c, Title: i.Title, Description: i.Description, Theme: i.Theme,
			Commune: i.Commune, Carrier: string(i.Carrier), Structure: i.Structure, CreatedAt: i.CreatedAt,
			HiddenAt: i.HiddenAt, HiddenReason: i.HiddenReason})
	}

	regs, err := workshop.AllForAccount(ctx, q, accountID)
	if err != nil {
		return nil, err
	}
	for _, r := range regs {
		c, err := campaigns.of(ctx, r.Session.CampaignID)
		if err != nil {
			return nil, err
		}
		x.Workshops = append(x.Workshops, Registration{Campaign: c, SessionID: r.Session.ID, Title: r.Session.Title,
			StartsAt: r.Session.StartsAt, EndsAt: r.Session.EndsAt, Cancelled: r.Session.CancelledAt != nil,
			Status: string(r.Status), WaitPosition: r.Position, Attendance: string(r.Attendance),
			RegisteredAt: r.CreatedAt, RemindedAt: r.RemindedAt})
	}

	members, err := dossier.MembershipsOf(ctx, q, accountID)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		x.Structures = append(x.Structures, Structure{ID: m.ID, Name: m.Name, LegalForm: string(m.LegalForm),
			SIRET: m.SIRET, RNA: m.RNA, Address: m.Address, Postcode: m.Postcode, Commune: m.Commune,
			CreatedByMe: m.CreatedBy == accountID, MemberSince: m.AddedAt})
	}

	dossiers, err := dossier.DossiersOf(ctx, q, accountID)
	if err != nil {
		return nil, err
	}
	for _, d := range dossiers {
		c, err := campaigns.of(ctx, d.CampaignID)
		if err != nil {
			return nil, err
		}
		communes := d.Communes
		if communes == nil {
			communes = []string{}
		}
		x.Dossiers = append(x.Dossiers, Dossier{ID: d.ID, Campaign: c, StructureID: d.StructureID, Structure: d.StructureName,
			State: string(d.State), Title: d.Title, Summary: d.Summary, Description: d.Description, Answers: d.Answers,
			Communes: communes, Timeline: d.Timeline, CostCents: d.Budget.TotalExpenses(), SupportCents: d.SupportCents,
			CreatedByMe: d.CreatedBy == accountID, CreatedAt: d.CreatedAt, SubmittedAt: d.SubmittedAt})
	}

	votes, err := vote.ParticipationsOf(ctx, q, accountID)
	if err != nil {
		return nil, err
	}
	for _, v := range votes {
		c, err := campaigns.of(ctx, v.CampaignID)
		if err != nil {
			return nil, err
		}
		x.Votes = append(x.Votes, Vote{Campaign: c, Method: v.Method, Commune: v.Commune,
			BirthDate: v.BirthDate.String(), Voted: v.Voted})
	}

	subs, err := subscription.ByEmail(ctx, q, a.Email)
	if err != nil {
		return nil, err
	}
	for _, sub := range subs {
		c, err := campaigns.of(ctx, sub.CampaignID)
		if err != nil {
			return nil, err
		}
		xs := Subscription{Campaign: c, Kind: string(sub.Kind), TargetID: sub.TargetID, CreatedAt: sub.CreatedAt,
			ConfirmedAt: sub.ConfirmedAt}
		if sub.Kind == subscription.KindProject {
			if d, err := dossier.ByID(ctx, q, sub.TargetID); err == nil {
				xs.Title = d.Title
			}
		}
		if sub.Kind == subscription.KindCampaign {
			xs.Title, xs.Commune, xs.ConsentText, xs.ConsentAt = c.Name, sub.Commune, sub.ConsentText, sub.ConsentAt
			for _, n := range sub.News {
				xs.News = append(xs.News, string(n))
			}
		}
		x.Subscriptions = append(x.Subscriptions, xs)
	}
	return x, nil
}

// campaignNames reads each campaign's name once.
type campaignNames struct {
	q     db.Querier
	known map[int64]Campaign
}

func (n campaignNames) of(ctx context.Context, id int64) (Campaign, error) {
	if c, ok := n.known[id]; ok {
		return c, nil
	}
	c, err := campaign.ByID(ctx, n.q, id)
	if err != nil {
		return Campaign{}, err
	}
	n.known[id] = Campaign{ID: c.ID, Slug: c.Slug, Name: c.Name}
	return n.known[id], nil
}
