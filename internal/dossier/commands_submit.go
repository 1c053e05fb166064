package dossier

import (
	"context"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
)

// Mailer writes the e-mails of the dossiers in each recipient's language.
type Mailer struct {
	Cat     *i18n.Catalog
	BaseURL string // the site's public address, for links
}

// Path is the address of a dossier's page (its review and submission page).
func Path(c *campaign.Campaign, id int64) string {
	return "/" + c.Slug + "/dossiers/" + strconv.FormatInt(id, 10)
}

// InvitationPath is the page of an invitation's link, where it is accepted.
const InvitationPath = "/compte/invitation"

// Invitation is the e-mail of an invitation to act for a structure. It goes to an address
// that may not be confirmed yet, and proves it as a sign-in code does (the link works only
// for the account of that address): so it holds no text typed by anyone, not even the
// structure's name, which the invitation's page shows.
func (m Mailer) Invitation(lang i18n.Lang, to string, secret string, expires time.Time) mail.Message {
	if lang == "" {
		lang = i18n.FR
	}
	link := strings.TrimRight(m.BaseURL, "/") + InvitationPath + "?jeton=" + secret
	return mail.Message{To: to,
		Subject: m.Cat.T(lang, "mail.structure_invitation.subject"),
		Body: m.Cat.T(lang, "mail.structure_invitation.body", link,
			i18n.DateTime(lang, expires.In(PlatformLocation()))),
		Proof: true,
	}
}

// PlatformLocation is the time zone of what belongs to no campaign (the default one).
func PlatformLocation() *time.Location {
	if loc, err := time.LoadLocation(campaign.DefaultTimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// Submitted is the acknowledgement of a submission, to a member of the structure.
func (m Mailer) Submitted(to Member, c *campaign.Campaign, cat campaign.Category, d *Dossier, st *Structure) mail.Message {
	lang, ok := i18n.Parse(to.Lang)
	if !ok {
		lang = i18n.FR
	}
	link := strings.TrimRight(m.BaseURL, "/") + Path(c, d.ID)
	comp := campaign.DescribeComputation(lang, cat.Rule.Compute(d.TotalCostCents()))
	return mail.Message{To: to.Email,
		Subject: m.Cat.T(lang, "mail.dossier.submitted.subject", d.ID),
		Body: m.Cat.T(lang, "mail.dossier.submitted.body", d.ID, d.Title, st.Name, c.Name,
			i18n.DateTime(lang, d.SubmittedAt.In(c.Location())), cat.Name, i18n.Money(lang, d.SupportCents), comp,
			link+"/recepisse.pdf", link)}
}

// SubmitInput is a dossier to submit. Lang is the language of the list of what is missing.
type SubmitInput struct {
	Campaign  *campaign.Campaign
	DossierID int64
	Lang      i18n.Lang
	// OnPaper (the platform only: an import of a past edition, the demo) records a dossier
	// whose documents were handed in on paper: the documents are not required, the rest of
	// the completeness check applies.
	OnPaper bool
}

// SubmitResult is the result of Submit: the dossier submitted, or what is missing (then the
// error is an Invalid "dossier.incomplete" and nothing is written).
type SubmitResult struct {
	Dossier *Dossier
	Missing []apperr.Message
}

// Submit sends a complete draft (draft → submitted, the carrier's line of the state machine):
// by a member of its structure, before the deadline or within the dossier's extension. It
// queues the acknowledgement to every member of the structure, each in their language.
func Submit(ctx context.Context, env Env, who change.Who, in SubmitInput) (SubmitResult, error) {
	c := in.Campaign
	var res SubmitResult
	if in.OnPaper && !who.IsSystem() {
		return res, apperr.New(apperr.Forbidden, "error.forbidden")
	}
	t, _ := TransitionTo(StateSubmitted)
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: t.Perm, Campaign: during(who, c, t.Phases...), Action: t.AuditAction(), EntityKind: "dossier",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			now := env.Change.Now()
			d, err := editable(ctx, tx, who, c, in.DossierID, now)
			if err != nil {
				return change.Outcome{}, err
			}
			if _, err := Check(d.State, StateSubmitted, ""); err != nil {
				return change.Outcome{}, err
			}
			cat, _ := c.Category(d.CategoryID)
			st, err := StructureByID(ctx, tx, d.StructureID)
			if err != nil {
				return change.Outcome{}, err
			}
			qs, err := Questions(ctx, tx, d.CategoryID)
			if err != nil {
				return change.Outcome{}, err
			}
			docs, err := Documents(ctx, tx, d.ID)
			if err != nil {
				return change.Outcome{}, err
			}
			f := Filing{Dossier: d, Category: cat, Questions: qs[d.CategoryID], Documents: docs, Structure: st,
				Territory: c.Territory, StructureDepartement: env.departement(st.Commune), Now: now}
			if in.OnPaper {
				f.Documents = nil
				for _, k := range DocKinds() {
					f.Documents = append(f.Documents, Document{Kind: k})
				}
			}
			if res.Missing = Missing(f, in.Lang); len(res.Missing) > 0 {
				return change.Outcome{}, apperr.New(apperr.Invalid, "dossier.incomplete")
			}
			if err := MarkSubmitted(ctx, tx, d.ID, now); err != nil {
				return change.Outcome{}, err
			}
			now = utc(now)
			d.State, d.SubmittedAt = StateSubmitted, &now
			members, err := Members(ctx, tx, d.StructureID)
			if err != nil {
				return change.Outcome{}, err
			}
			var mails []mail.Message
			for _, m := range members {
				mails = append(mails, env.Mail.Submitted(m, c, cat, d, st))
			}
			res.Dossier = d
			return change.Outcome{EntityID: entityID(d.ID), Before: map[string]any{"state": StateDraft},
				After: map[string]any{"state": d.State, "support_cents": d.SupportCents, "total_cost_cents": d.TotalCostCents()},
				Mails: mails}, nil
		},
	})
	if err != nil {
		res.Dossier = nil
		return res, err
	}
	return res, nil
}
