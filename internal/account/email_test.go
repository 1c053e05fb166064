package account

import "testing"

func TestCheckEmail(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" = valid
	}{
		{"jean@exemple.fr", ""},
		{"  Jean.Dupont@Exemple.FR ", ""},
		{"jean+budget@mairie.arras.fr", ""},
		{"o'neil@exemple.fr", ""},
		{"", "account.email_required"},
		{"   ", "account.email_required"},
		{"jean", "account.email_invalid"},
		{"jean@", "account.email_invalid"},
		{"@exemple.fr", "account.email_invalid"},
		{"jean@localhost", "account.email_invalid"},
		{"jean@exemple..fr", "account.email_invalid"},
		{"jean@exemple.fr.", "account.email_invalid"},
		{"jean@-exemple.fr", "account.email_invalid"},
		{"Jean Dupont <jean@exemple.fr>", "account.email_invalid"},
		{"<jean@exemple.fr>", "account.email_invalid"},
		{"jean@exemple.fr, marie@exemple.fr", "account.email_invalid"},
		{"jean@exemple.fr (Jean)", "account.email_invalid"},
		{`"jean dupont"@exemple.fr`, "account.email_invalid"},
		{"jean dupont@exemple.fr", "account.email_invalid"},
		{"jean@[192.168.0.1]", "account.email_invalid"},
		{"jean@@exemple.fr", "account.email_invalid"},
		{"jean@exemple.fr\n", ""}, // trimmed
		{"jean\n@exemple.fr", "account.email_invalid"},
		{string(make([]byte, 300)) + "@exemple.fr", "account.email_invalid"},
	}
	for _, tt := range tests {
		key, ok := CheckEmail(tt.in)
		if ok != (tt.want == "") || key != tt.want {
			t.Errorf("CheckEmail(%q) = %q, %v; want %q", tt.in, key, ok, tt.want)
		}
	}
	if got := NormalizeEmail("  Jean@Exemple.FR\t"); got != "jean@exemple.fr" {
		t.Errorf("NormalizeEmail = %q", got)
	}
}

func FuzzCheckEmail(f *testing.F) {
	for _, s := range []string{"jean@exemple.fr", "a <b@c.d>", `"x"@y.z`, "@", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, ok := CheckEmail(s); ok {
			if n := NormalizeEmail(s); len(n) > MaxEmailLen {
				t.Fatalf("accepted %d-byte address", len(n))
			}
		}
	})
}
