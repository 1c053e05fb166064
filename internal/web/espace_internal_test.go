package web

import "testing"

// Each missing item of a draft sends its carrier to the step of the form where it is filled.
func TestMissingStep(t *testing.T) {
	for _, tt := range []struct{ key, step string }{
		{"dossier.missing.structure", "projet"},
		{"dossier.missing.structure_territory", "projet"},
		{"dossier.missing.esus_expired", "projet"},
		{"dossier.form_refused.sas", "projet"},
		{"dossier.missing.title", "presentation"},
		{"dossier.missing.title_long", "presentation"},
		{"dossier.missing.summary", "presentation"},
		{"dossier.missing.description_long", "presentation"},
		{"dossier.missing.answer", "presentation"},
		{"dossier.missing.communes", "presentation"},
		{"dossier.missing.timeline", "presentation"},
		{"dossier.missing.expenses", "budget"},
		{"dossier.missing.amounts", "budget"},
		{"dossier.missing.unbalanced", "budget"},
		{"dossier.missing.document", "documents"},
	} {
		if got := missingStep(tt.key); got != tt.step {
			t.Errorf("missingStep(%q) = %q, want %q", tt.key, got, tt.step)
		}
	}
}
