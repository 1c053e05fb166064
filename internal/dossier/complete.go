package dossier

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/i18n"
)

// Filing is everything the completeness check looks at.
type Filing struct {
	Dossier   *Dossier
	Category  campaign.Category
	Questions []Question
	Documents []Document
	Structure *Structure
	// Territory is the campaign's département; StructureDepartement the département of the
	// structure's commune (resolved by the caller, which has the territory data).
	Territory            string
	StructureDepartement string
	Now                  time.Time
}

// Missing lists, in the order of the form's steps, what prevents submitting the dossier; an
// empty list means it is complete. Each message is an i18n key with its arguments.
func Missing(f Filing, lang i18n.Lang) []apperr.Message {
	var out []apperr.Message
	add := func(key string, args ...any) { out = append(out, apperr.Msg(key, args...)) }
	d := f.Dossier

	// Structure.
	if s := f.Structure; s == nil {
		add("dossier.missing.structure")
	} else {
		if !s.LegalForm.ESS() {
			add(s.LegalForm.RefusalKey())
		}
		if f.Territory != "" && f.StructureDepartement != f.Territory {
			add("dossier.missing.structure_territory", f.Territory)
		}
		if s.ESUSExpired(f.Now) {
			add("dossier.missing.esus_expired")
		}
	}

	// Presentation.
	text := func(v string, max int, emptyKey, longKey string) {
		switch n := utf8.RuneCountInString(strings.TrimSpace(v)); {
		case n == 0:
			add(emptyKey)
		case n > max:
			add(longKey, max, n)
		}
	}
	text(d.Title, MaxTitle, "dossier.missing.title", "dossier.missing.title_long")
	text(d.Summary, MaxSummary, "dossier.missing.summary", "dossier.missing.summary_long")
	text(d.Description, MaxDescription, "dossier.missing.description", "dossier.missing.description_long")
	for _, q := range f.Questions {
		a := d.Answers[questionKey(q.ID)]
		switch n := utf8.RuneCountInString(strings.TrimSpace(a)); {
		case n == 0:
			add("dossier.missing.answer", q.Text)
		case n > MaxAnswer:
			add("dossier.missing.answer_long", q.Text, MaxAnswer)
		}
	}
	if len(d.Communes) == 0 {
		add("dossier.missing.communes")
	}
	text(d.Timeline, MaxTimeline, "dossier.missing.timeline", "dossier.missing.timeline_long")

	// Budget.
	switch {
	case len(d.Budget.Expenses) == 0:
		add("dossier.missing.expenses")
	case !d.Budget.AllValid():
		add("dossier.missing.amounts")
	default:
		bal := BalanceOf(d.Budget, f.Category.Rule)
		if bal.ExpensesCents == 0 {
			add("dossier.missing.expenses")
		} else if !bal.Balanced() {
			add("dossier.missing.unbalanced", i18n.Money(lang, bal.ExpensesCents), i18n.Money(lang, bal.TotalFundingCents()), i18n.Money(lang, bal.SupportCents), i18n.Money(lang, abs(bal.GapCents)))
		}
	}

	// Documents.
	have := map[DocKind]bool{}
	for _, doc := range f.Documents {
		have[doc.Kind] = true
	}
	for _, k := range DocKinds() {
		if !have[k] {
			add("dossier.missing.document", T(lang, k.MessageKey()))
		}
	}
	return out
}

// QuestionKey is the key of a question's answer in Dossier.Answers.
func questionKey(id int64) string { return strconv.FormatInt(id, 10) }

// QuestionKey is exported for the form.
func QuestionKey(id int64) string { return questionKey(id) }

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
