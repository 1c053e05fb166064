package followup

import (
	"strconv"
	"strings"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
)

// Settings are a campaign's follow-up settings.
type Settings struct {
	// Steps are the labels of the steps of a project in progress, in order.
	Steps []string
	// Indicators are the labels of the final report's figures.
	Indicators []string
	// MaxPhotos is the most photos an update may carry.
	MaxPhotos int
	// AdvancePercent is the share of the grant paid as an advance when the agreement is
	// signed; the balance follows the final report.
	AdvancePercent int
	// ReportDueOn is the date the final reports are due (zero: none).
	ReportDueOn campaign.Date
	// StaleMonths is how long a project may go without a published update before its
	// carrier is reminded (0: never).
	StaleMonths int
}

// Limits of the settings.
const (
	MaxSteps       = 12
	MaxIndicators  = 12
	MaxLabel       = 80
	MaxPhotosLimit = 10
	MaxStaleMonths = 24
)

// DefaultSettings are a campaign's settings until an administrator changes them: the three
// steps and the indicators of the brief, four photos an update, an advance of half the
// grant, a reminder after three months without news.
func DefaultSettings() Settings {
	return Settings{
		Steps:          []string{"Convention signée", "Travaux commencés", "Travaux terminés"},
		Indicators:     []string{"Personnes touchées", "Bénévoles mobilisés", "Emplois créés ou maintenus"},
		MaxPhotos:      4,
		AdvancePercent: 50,
		StaleMonths:    3,
	}
}

// StepLabel returns the label of step n (1-based), "" for 0 or a step the settings no
// longer have.
func (s Settings) StepLabel(n int) string {
	if n < 1 || n > len(s.Steps) {
		return ""
	}
	return s.Steps[n-1]
}

// SettingsInput is the settings form as typed.
type SettingsInput struct {
	Steps, Indicators                      string // one label per line
	MaxPhotos, AdvancePercent, StaleMonths string
	ReportDueOn                            string // YYYY-MM-DD or ""
}

// Input returns the form's values of s.
func (s Settings) Input() SettingsInput {
	in := SettingsInput{
		Steps:          strings.Join(s.Steps, "\n"),
		Indicators:     strings.Join(s.Indicators, "\n"),
		MaxPhotos:      strconv.Itoa(s.MaxPhotos),
		AdvancePercent: strconv.Itoa(s.AdvancePercent),
		StaleMonths:    strconv.Itoa(s.StaleMonths),
	}
	if !s.ReportDueOn.IsZero() {
		in.ReportDueOn = s.ReportDueOn.String()
	}
	return in
}

// labels splits a text into its non-empty lines, white-space folded.
func labels(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// ParseSettings validates the form: the errors are on the fields' names ("steps",
// "indicators", "max_photos", "advance_percent", "stale_months", "report_due_on").
func ParseSettings(in SettingsInput) (Settings, apperr.FieldErrors) {
	fe := apperr.FieldErrors{}
	s := Settings{Steps: labels(in.Steps), Indicators: labels(in.Indicators)}
	checkLabels(fe, "steps", s.Steps, MaxSteps)
	checkLabels(fe, "indicators", s.Indicators, MaxIndicators)
	s.MaxPhotos = intField(fe, "max_photos", in.MaxPhotos, 0, MaxPhotosLimit)
	s.AdvancePercent = intField(fe, "advance_percent", in.AdvancePercent, 0, 100)
	s.StaleMonths = intField(fe, "stale_months", in.StaleMonths, 0, MaxStaleMonths)
	if v := strings.TrimSpace(in.ReportDueOn); v != "" {
		d, err := campaign.ParseDate(v)
		if err != nil {
			fe.Add("report_due_on", "followup.settings.date_invalid")
		}
		s.ReportDueOn = d
	}
	return s, fe
}

func checkLabels(fe apperr.FieldErrors, field string, ls []string, most int) {
	if len(ls) == 0 {
		fe.Add(field, "followup.settings.labels_required")
		return
	}
	if len(ls) > most {
		fe.Add(field, "followup.settings.labels_too_many", most)
	}
	for _, l := range ls {
		if len([]rune(l)) > MaxLabel {
			fe.Add(field, "followup.settings.label_too_long", MaxLabel)
			return
		}
	}
}

func intField(fe apperr.FieldErrors, field, v string, lo, hi int) int {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < lo || n > hi {
		fe.Add(field, "followup.settings.number_range", lo, hi)
		return 0
	}
	return n
}
