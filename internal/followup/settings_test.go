package followup

import (
	"reflect"
	"testing"
)

func TestParseSettings(t *testing.T) {
	ok := DefaultSettings().Input()
	s, fe := ParseSettings(ok)
	if len(fe) != 0 || !reflect.DeepEqual(s, DefaultSettings()) {
		t.Fatalf("the defaults do not round-trip: %+v %v", s, fe)
	}
	for _, tc := range []struct {
		name, field string
		edit        func(*SettingsInput)
	}{
		{"no step", "steps", func(in *SettingsInput) { in.Steps = " \n \n" }},
		{"label too long", "indicators", func(in *SettingsInput) { in.Indicators = string(make([]rune, 81)) + "x" }},
		{"photos not a number", "max_photos", func(in *SettingsInput) { in.MaxPhotos = "quatre" }},
		{"advance above 100", "advance_percent", func(in *SettingsInput) { in.AdvancePercent = "101" }},
		{"months negative", "stale_months", func(in *SettingsInput) { in.StaleMonths = "-1" }},
		{"bad date", "report_due_on", func(in *SettingsInput) { in.ReportDueOn = "31/12/2027" }},
	} {
		in := ok
		tc.edit(&in)
		if _, fe := ParseSettings(in); fe[tc.field].Key == "" {
			t.Errorf("%s: no error on %s (%v)", tc.name, tc.field, fe)
		}
	}
	in := ok
	in.Steps = "  Convention   signée \n\nFin\n"
	in.ReportDueOn = "2027-12-31"
	s, fe = ParseSettings(in)
	if len(fe) != 0 || !reflect.DeepEqual(s.Steps, []string{"Convention signée", "Fin"}) || s.ReportDueOn.String() != "2027-12-31" {
		t.Errorf("got %+v %v", s, fe)
	}
	if s.StepLabel(2) != "Fin" || s.StepLabel(3) != "" || s.StepLabel(0) != "" {
		t.Errorf("StepLabel wrong")
	}
}
