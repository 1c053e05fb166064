package i18n

import (
	"testing"
	"time"
)

func TestCatalogsAreComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for lang, keys := range c.Missing() {
		if len(keys) > 0 {
			t.Errorf("%s catalog lacks %d keys: %v", lang, len(keys), keys)
		}
	}
	if got := c.T(FR, "error.internal", "abc"); got == "⟦error.internal⟧" {
		t.Errorf("T did not find error.internal")
	}
	if got := c.T(EN, "no.such.key"); got != "⟦no.such.key⟧" {
		t.Errorf("missing key shows %q", got)
	}
}

func TestFormats(t *testing.T) {
	sep, nb := "\u202f", "\u00a0"
	tests := []struct {
		name, got, want string
	}{
		{"money fr", Money(FR, 35215100), "352" + sep + "151" + nb + "€"},
		{"money fr cents", Money(FR, 1250050), "12" + sep + "500,50" + nb + "€"},
		{"money fr small", Money(FR, 450000), "4" + sep + "500" + nb + "€"},
		{"money fr zero", Money(FR, 0), "0" + nb + "€"},
		{"money fr negative", Money(FR, -5), "-0,05" + nb + "€"},
		{"money en", Money(EN, 35215100), "€352,151"},
		{"money en cents", Money(EN, 1250050), "€12,500.50"},
		{"int fr", Int(FR, 1500000), "1" + sep + "500" + sep + "000"},
		{"int small", Int(FR, 999), "999"},
		{"percent fr", Percent(FR, 1000), "10" + nb + "%"},
		{"percent fr decimal", Percent(FR, 1250), "12,5" + nb + "%"},
		{"percent en", Percent(EN, 2000), "20%"},
		{"date fr", Date(FR, time.Date(2018, 9, 5, 0, 0, 0, 0, time.UTC)), "5 septembre 2018"},
		{"date fr first", Date(FR, time.Date(2018, 3, 1, 0, 0, 0, 0, time.UTC)), "1er mars 2018"},
		{"date en", Date(EN, time.Date(2018, 9, 5, 0, 0, 0, 0, time.UTC)), "5 September 2018"},
		{"long date fr", LongDate(FR, time.Date(2018, 9, 5, 0, 0, 0, 0, time.UTC)), "mercredi 5 septembre 2018"},
		{"time fr", Time(FR, time.Date(2018, 9, 5, 14, 30, 0, 0, time.UTC)), "14" + nb + "h" + nb + "30"},
		{"time fr hour", Time(FR, time.Date(2018, 9, 5, 9, 0, 0, 0, time.UTC)), "9" + nb + "h"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Lang{"fr": FR, "en-GB": EN, "FR_fr": FR, " en ": EN} {
		if got, ok := Parse(in); !ok || got != want {
			t.Errorf("Parse(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := Parse("de"); ok {
		t.Error("Parse accepted de")
	}
}
