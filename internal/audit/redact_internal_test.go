package audit

import (
	"encoding/json"
	"testing"
)

func TestRedactJSON(t *testing.T) {
	cases := []struct {
		name, in, kept, want string
	}{
		{"no address: kept byte for byte", `{"b":1.0,"a":"x"}`, "", `{"b":1.0,"a":"x"}`},
		{"value", `{"email":"marie@exemple.fr"}`, "", `{"email":"[redacted]"}`},
		{"inside a text", `{"note":"écrire à Marie.Dupont+pb@Exemple.FR, merci"}`, "", `{"note":"écrire à [redacted], merci"}`},
		{"accented address", `{"x":"josé@société.fr"}`, "", `{"x":"[redacted]"}`},
		{"key", `{"a@b.fr":{"c":[1,"d@e.org",null,false]}}`, "", `{"[redacted]":{"c":[1,"[redacted]",null,false]}}`},
		{"kept field", `{"ContactEmail":"budget@mairie.fr","Name":"x@y.fr"}`, "ContactEmail", `{"ContactEmail":"budget@mairie.fr","Name":"[redacted]"}`},
		{"kept field only where it is kept", `{"ContactEmail":"budget@mairie.fr"}`, "", `{"ContactEmail":"[redacted]"}`},
		{"kept name in an array", `{"ContactEmail":["a@b.fr"]}`, "ContactEmail", `{"ContactEmail":["a@b.fr"]}`},
		{"escapes as json.Marshal", `{"t":"\u003cx@y.fr\u003e \u0026"}`, "", `{"t":"\u003c[redacted]\u003e \u0026"}`},
		{"top-level string", `"x@y.fr"`, "", `"[redacted]"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := redactJSON(tc.in, tc.kept)
			if err != nil || got != tc.want {
				t.Errorf("redactJSON(%s) = %s, %v; want %s", tc.in, got, err, tc.want)
			}
		})
	}
	if _, err := redactJSON(`{"a":"x@y.fr"} trailing`, ""); err == nil {
		t.Error("text after the value accepted")
	}
	if _, err := redactJSON(`{"a":"x@y.fr"`, ""); err == nil {
		t.Error("truncated JSON accepted")
	}
	// Not JSON: the addresses go all the same.
	if got := redactState(`{"a":"x@y.fr", "contact": "budget@mairie.fr"`, "contact"); got != `{"a":"[redacted]", "contact": "[redacted]"` {
		t.Errorf("redactState of a text not JSON = %s", got)
	}
}

// FuzzRedactJSON: whatever JSON an entry holds, the rewrite is valid JSON holding no address.
func FuzzRedactJSON(f *testing.F) {
	for _, s := range []string{`{"email":"a@b.fr"}`, `["x",1,{"a@b.cd":null}]`, `"é@é.fr"`, `{"ContactEmail":"c@d.fr"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if !json.Valid([]byte(in)) {
			return
		}
		out, err := redactJSON(in, "")
		if err != nil {
			t.Fatalf("redactJSON(%q): %v", in, err)
		}
		if !json.Valid([]byte(out)) {
			t.Fatalf("redactJSON(%q) = %q, not JSON", in, out)
		}
		var v any
		_ = json.Unmarshal([]byte(out), &v)
		var walk func(any)
		walk = func(v any) {
			switch v := v.(type) {
			case string:
				if address.MatchString(v) {
					t.Fatalf("redactJSON(%q) = %q keeps %q", in, out, v)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			case map[string]any:
				for k, x := range v {
					walk(k)
					walk(x)
				}
			}
		}
		walk(v)
	})
}
