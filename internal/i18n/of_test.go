package i18n

import (
	"strings"
	"testing"
)

func TestOf(t *testing.T) {
	tests := []struct {
		lang       Lang
		name, want string
	}{
		{FR, "Arras", "d'Arras"},
		{FR, "Hénin-Beaumont", "d'Hénin-Beaumont"}, // mute h
		{FR, "Hesdin", "de Hesdin"},                // aspirated h
		{FR, "Lens", "de Lens"},
		{FR, "Étaples", "d'Étaples"},
		{FR, "Le Portel", "du Portel"},
		{FR, "Les Attaques", "des Attaques"},
		{FR, "La Couture", "de La Couture"},
		{FR, "Outreau", "d'Outreau"},
		{FR, "Ytres", "d'Ytres"},
		{FR, "Saint-Omer", "de Saint-Omer"},
		{FR, "Lestrem", "de Lestrem"}, // "Les" only as a word
		{FR, " Arras ", "d'Arras"},
		{EN, "Arras", "of Arras"},
		{EN, "Le Portel", "of Le Portel"},
	}
	for _, tt := range tests {
		if got := Of(tt.lang, tt.name); got != tt.want {
			t.Errorf("Of(%s, %q) = %q, want %q", tt.lang, tt.name, got, tt.want)
		}
	}
}

func TestN(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang Lang
		n    int64
		want string
	}{
		{FR, 1, "1 place libre sur 12"},
		{FR, 0, "0 place libre sur 12"},
		{FR, 2, "2 places libres sur 12"},
		{EN, 1, "1 of 12 seats free"},
		{EN, 0, "0 of 12 seats free"},
	}
	for _, tt := range tests {
		if got := c.N(tt.lang, "workshop.seats.left", tt.n, tt.n, 12); got != tt.want {
			t.Errorf("N(%s, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

// TestOneWordForEmail: « e-mail » across the French interface, never « courriel » nor
// « adresse électronique ».
func TestOneWordForEmail(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for key, msg := range c.msgs[FR] {
		low := strings.ToLower(msg)
		for _, w := range []string{"courriel", "adresse électronique", "adresses électroniques", " mail ", " email"} {
			if strings.Contains(low, w) {
				t.Errorf("%s: %q says %q", key, msg, w)
			}
		}
	}
}

// TestGuillemetsHoldTheirSpaces: in French, the space inside « and » is a no-break space, so
// that a line never starts with » or ends with « (as it did on a phone, after a campaign's
// name).
func TestGuillemetsHoldTheirSpaces(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for key, msg := range c.msgs[FR] {
		if strings.Contains(msg, "« ") || strings.Contains(msg, " »") {
			t.Errorf("%s: %q has a breaking space inside its guillemets", key, msg)
		}
	}
}
