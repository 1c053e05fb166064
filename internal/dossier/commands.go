package dossier

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/territory"
	"budgetcitoyen/internal/workshop"
)

// The commands of the dossiers: a carrier creates a dossier, saves its steps, uploads and
// removes its documents and submits it; a carrier creates and edits their structures; an
// agent extends a dossier's deadline and edits the categories' questions. Each is one change
// (change.Do): the checks of who acts and of the dossier's state, the change through the
// store functions, the audit entry and the e-mails commit together.

// Env is what the dossier commands need: the change environment, the writer of the e-mails,
// where the documents' bytes are kept and the communes (a structure's département).
type Env struct {
	Change    change.Env
	Mail      Mailer
	Blobs     Blobs
	Territory *territory.Data
}

func entityID(id int64) string { return strconv.FormatInt(id, 10) }

// Support is the support the category's rule gives a budget: the one place a dossier's
// support is computed (at every save, and for a budget being prepared).
func Support(cat campaign.Category, b Budget) int64 { return cat.Rule.Support(b.TotalExpenses()) }

// departement is the département of a commune ("" if unknown).
func (env Env) departement(code string) string {
	if env.Territory == nil {
		return ""
	}
	if c, ok := env.Territory.Commune(code); ok {
		return c.Departement
	}
	return ""
}

// during is the campaign of a carrier's change: a person acts while phases are open, the
// platform (the demo, an import) at any time.
func during(who change.Who, c *campaign.Campaign, phases ...campaign.Phase) change.Campaign {
	if who.IsSystem() || len(phases) == 0 {
		return c
	}
	return c.During(phases...)
}

// checkMember refuses a person who does not act for the structure (the platform acts for
// every structure): the dossier or structure is then said not to exist.
func checkMember(ctx context.Context, q db.Querier, who change.Who, structureID int64, notFoundKey string) error {
	if who.IsSystem() {
		return nil
	}
	ok, err := IsMember(ctx, q, structureID, who.Actor.ID())
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.NotFound, notFoundKey)
	}
	return nil
}

// editable reads the dossier for a change of its content and checks it may be changed now:
// of the campaign, acted for by the person, a draft, before the deadline or within the
// dossier's extension. Outside a change, it tells early what the change would refuse.
func editable(ctx context.Context, q db.Querier, who change.Who, c *campaign.Campaign, id int64, now time.Time) (*Dossier, error) {
	d, err := ByID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if d.CampaignID != c.ID {
		return nil, apperr.New(apperr.NotFound, "dossier.not_found")
	}
	if err := checkMember(ctx, q, who, d.StructureID, "dossier.not_found"); err != nil {
		return nil, err
	}
	if !d.State.Editable() {
		return nil, apperr.New(apperr.Conflict, "dossier.not_editable")
	}
	if !EditOpen(c, d, now) {
		return nil, apperr.New(apperr.Conflict, "dossier.deadline_passed", deadline(c))
	}
	return d, nil
}

// CanEdit reports whether the person may change the dossier now: what the commands that
// change a draft check (the pages show their forms on it).
func CanEdit(ctx context.Context, q db.Querier, actor access.Actor, c *campaign.Campaign, d *Dossier, now time.Time) bool {
	if !access.Allowed(actor, access.PermFileDossier, &c.ID) || d.CampaignID != c.ID || !d.State.Editable() || !EditOpen(c, d, now) {
		return false
	}
	ok, err := IsMember(ctx, q, d.StructureID, actor.ID())
	return err == nil && ok
}

// deadline is the end of the campaign's dossier phase, written in French (the message of a
// refusal past it).
func deadline(c *campaign.Campaign) string {
	if w, ok := c.Window(campaign.PhaseDossiers); ok {
		return i18n.DateTime(i18n.FR, w.End.In(c.Location()))
	}
	return ""
}

// checkProject checks the structure and the category a dossier is filed by and in: a
// structure the person acts for, of the social and solidarity economy, and a category of the
// campaign. The errors are on the fields "structure" and "category".
func checkProject(ctx context.Context, q db.Querier, who change.Who, c *campaign.Campaign, structureID, categoryID int64) error {
	fe := apperr.FieldErrors{}
	if structureID == 0 {
		fe.Add("structure", "dossier.new.structure_required")
	} else if err := checkMember(ctx, q, who, structureID, "dossier.structure.not_found"); err != nil {
		if !apperr.IsKind(err, apperr.NotFound) {
			return err
		}
		fe.Add("structure", "dossier.new.structure_required")
	} else if st, err := StructureByID(ctx, q, structureID); err != nil {
		if !apperr.IsKind(err, apperr.NotFound) {
			return err
		}
		fe.Add("structure", "dossier.new.structure_required")
	} else if !st.LegalForm.ESS() {
		fe.Add("structure", st.LegalForm.RefusalKey())
	}
	if _, ok := c.Category(categoryID); !ok {
		fe.Add("category", "dossier.new.category_required")
	}
	return fe.Err()
}

// ErrComptoir refuses a new dossier when the campaign requires a comptoir the person has not
// attended.
var ErrComptoir = apperr.New(apperr.Forbidden, "dossier.comptoir.required")

// CreateInput is the first step of a new dossier: the structure that files it and its
// category.
type CreateInput struct {
	Campaign    *campaign.Campaign
	StructureID int64
	CategoryID  int64
}

// Create starts a draft, during the dossier phase, for a structure the person acts for (a
// carrier who attended a comptoir when the campaign requires one: ErrComptoir otherwise).
// Invalid input is a field error on "structure" or "category"; nothing is saved then.
func Create(ctx context.Context, env Env, who change.Who, in CreateInput) (*Dossier, error) {
	c := in.Campaign
	d := &Dossier{CampaignID: c.ID, StructureID: in.StructureID, CategoryID: in.CategoryID}
	if !who.IsSystem() {
		d.CreatedBy = who.Actor.ID()
	}
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermFileDossier, Campaign: during(who, c, campaign.PhaseDossiers),
		Action: "dossier.create", EntityKind: "dossier",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			if c.ComptoirRequired && !who.IsSystem() {
				ok, err := workshop.Attended(ctx, tx, c.ID, who.Actor.ID())
				if err != nil {
					return change.Outcome{}, err
				}
				if !ok {
					return change.Outcome{}, ErrComptoir
				}
			}
			if err := checkProject(ctx, tx, who, c, in.StructureID, in.CategoryID); err != nil {
				return change.Outcome{}, err
			}
			if err := Insert(ctx, tx, d, env.Change.Now()); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: entityID(d.ID),
				After: map[string]any{"structure": in.StructureID, "category": in.CategoryID, "state": d.State}}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// The steps of the dossier's form that SaveStep saves (the documents have their commands).
const (
	StepProject      = "projet"
	StepPresentation = "presentation"
	StepBudget       = "budget"
)

// Presentation is what the presentation step holds, as typed.
type Presentation struct {
	Title, Summary, Description, Timeline string
	Communes                              []string          // INSEE codes, as resolved from what was typed
	Answers                               map[string]string // QuestionKey(id) → answer; other keys are ignored
}

// SaveInput is one step of the form: Step names it and the matching field holds it.
type SaveInput struct {
	Campaign  *campaign.Campaign
	DossierID int64
	Step      string

	StructureID, CategoryID int64        // StepProject
	Presentation            Presentation // StepPresentation
	Budget                  Budget       // StepBudget
}

// Saved is a saved dossier, with what is flagged in what was saved: a draft is saved as typed
// (texts over their limit, amounts that cannot be read are kept), so nothing typed is lost,
// and only the submission is blocked.
type Saved struct {
	Dossier *Dossier
	Flags   apperr.FieldErrors
}

// SaveStep saves one step of a draft the person may edit (see Submit for when), and
// recomputes the support from the category's rule. The project step refuses a structure or
// category the dossier cannot be filed by or in (field errors, nothing saved); the other steps
// save what was typed and flag what is wrong.
func SaveStep(ctx context.Context, env Env, who change.Who, in SaveInput) (Saved, error) {
	c := in.Campaign
	var out Saved
	switch in.Step {
	case StepProject, StepPresentation, StepBudget:
	default:
		return out, apperr.New(apperr.NotFound, "error.not_found")
	}
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermFileDossier, Campaign: c, Action: "dossier.save." + in.Step, EntityKind: "dossier",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			now := env.Change.Now()
			d, err := editable(ctx, tx, who, c, in.DossierID, now)
			if err != nil {
				return change.Outcome{}, err
			}
			before := auditSummary(d)
			flags := apperr.FieldErrors{}
			switch in.Step {
			case StepProject:
				if err := checkProject(ctx, tx, who, c, in.StructureID, in.CategoryID); err != nil {
					return change.Outcome{}, err
				}
				d.StructureID, d.CategoryID = in.StructureID, in.CategoryID
			case StepPresentation:
				qs, err := Questions(ctx, tx, d.CategoryID)
				if err != nil {
					return change.Outcome{}, err
				}
				flags = presentation(d, in.Presentation, qs[d.CategoryID])
			case StepBudget:
				d.Budget = in.Budget
			}
			if err := save(ctx, tx, c, d, now); err != nil {
				return change.Outcome{}, err
			}
			out = Saved{Dossier: d, Flags: flags}
			return change.Outcome{EntityID: entityID(d.ID), Before: before, After: auditSummary(d)}, nil
		},
	})
	if err != nil {
		return Saved{}, err
	}
	return out, nil
}

// save writes the dossier's content with its support, recomputed from the category's rule.
func save(ctx context.Context, tx *db.Tx, c *campaign.Campaign, d *Dossier, now time.Time) error {
	cat, ok := c.Category(d.CategoryID)
	if !ok {
		return apperr.New(apperr.Invalid, "dossier.new.category_required")
	}
	d.SupportCents = Support(cat, d.Budget)
	return Save(ctx, tx, d, now)
}

// presentation puts the step's texts in the dossier, each clipped to what is stored, and
// flags those over their limit.
func presentation(d *Dossier, p Presentation, qs []Question) apperr.FieldErrors {
	fe := apperr.FieldErrors{}
	text := func(field, s string, max int) string {
		s = clip(s)
		if n := utf8.RuneCountInString(s); n > max {
			fe.Add(field, "dossier.text.too_long_count", max, n)
		}
		return s
	}
	d.Title = text("title", p.Title, MaxTitle)
	d.Summary = text("summary", p.Summary, MaxSummary)
	d.Description = text("description", p.Description, MaxDescription)
	d.Timeline = text("timeline", p.Timeline, MaxTimeline)
	d.Communes = p.Communes
	if len(d.Communes) > MaxCommunes {
		fe.Add("communes", "dossier.communes.too_many", MaxCommunes)
		d.Communes = d.Communes[:MaxCommunes]
	}
	if d.Answers == nil {
		d.Answers = map[string]string{}
	}
	for _, q := range qs {
		k := QuestionKey(q.ID)
		d.Answers[k] = text("q"+k, p.Answers[k], MaxAnswer)
	}
	return fe
}

// clip keeps a text as typed, up to the stored maximum.
func clip(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if utf8.RuneCountInString(s) > MaxStoredText {
		s = string([]rune(s)[:MaxStoredText])
	}
	return strings.TrimSpace(s)
}

// auditSummary is what the audit log keeps of a dossier's save.
func auditSummary(d *Dossier) map[string]any {
	return map[string]any{"state": d.State, "structure": d.StructureID, "category": d.CategoryID, "title": d.Title,
		"total_cost_cents": d.TotalCostCents(), "support_cents": d.SupportCents, "communes": d.Communes}
}
