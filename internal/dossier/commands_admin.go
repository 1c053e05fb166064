package dossier

import (
	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"context"
	"strings"
	"time"
)

// The agents' changes: a dossier's extension, the categories' questions.

// ExtendInput is a dossier's extension: until the end of that instant (nil: none).
type ExtendInput struct {
	Campaign  *campaign.Campaign
	DossierID int64
	Until     *time.Time
}

// Extend lets one dossier be completed and submitted after the deadline (an agent's change).
func Extend(ctx context.Context, env Env, who change.Who, in ExtendInput) error {
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermManageDossiers, Campaign: in.Campaign, Action: "dossier.extend", EntityKind: "dossier",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			d, err := ByID(ctx, tx, in.DossierID)
			if err != nil {
				return change.Outcome{}, err
			}
			if d.CampaignID != in.Campaign.ID {
				return change.Outcome{}, apperr.New(apperr.NotFound, "dossier.not_found")
			}
			if err := SetExtension(ctx, tx, d.ID, in.Until, env.Change.Now()); err != nil {
				return change.Outcome{}, err
			}
			return change.Outcome{EntityID: entityID(d.ID), Before: map[string]any{"extended_until": d.ExtendedUntil},
				After: map[string]any{"extended_until": in.Until}}, nil
		},
	})
	return err
}

// Limits of the categories' questions.
const (
	MaxQuestions      = 30
	MaxQuestionLength = 500 // characters
)

// QuestionsInput is the questions of each category as typed: one per line.
type QuestionsInput struct {
	Campaign *campaign.Campaign
	Texts    map[int64]string // category id → the lines
}

// EditQuestions replaces the specific questions of the campaign's categories (an agent's
// change): at most MaxQuestions a category, each cut to MaxQuestionLength characters.
func EditQuestions(ctx context.Context, env Env, who change.Who, in QuestionsInput) error {
	c := in.Campaign
	_, err := change.Do(ctx, env.Change, change.Request{
		Who: who, Permission: access.PermManageDossiers, Campaign: c, Action: "dossier.questions", EntityKind: "campaign",
		Apply: func(ctx context.Context, tx *db.Tx) (change.Outcome, error) {
			after := map[string][]string{}
			for _, cat := range c.Categories {
				lines := strings.Split(strings.ReplaceAll(in.Texts[cat.ID], "\r\n", "\n"), "\n")
				if len(lines) > MaxQuestions {
					lines = lines[:MaxQuestions]
				}
				for i := range lines {
					if len([]rune(lines[i])) > MaxQuestionLength {
						lines[i] = string([]rune(lines[i])[:MaxQuestionLength])
					}
				}
				if err := SetQuestions(ctx, tx, cat.ID, lines); err != nil {
					return change.Outcome{}, err
				}
				after[cat.Name] = lines
			}
			return change.Outcome{EntityID: entityID(c.ID), After: after}, nil
		},
	})
	return err
}
