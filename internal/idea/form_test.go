package idea_test

import (
	"net/url"
	"strings"
	"sync"
	"testing"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/idea"
	"budgetcitoyen/internal/territory"
)

var (
	terrOnce sync.Once
	terr     *territory.Data
	terrErr  error
)

func data(t testing.TB) *territory.Data {
	t.Helper()
	terrOnce.Do(func() { terr, terrErr = territory.Load() })
	if terrErr != nil {
		t.Fatal(terrErr)
	}
	return terr
}

func validForm() url.Values {
	return url.Values{
		"title":       {"Une épicerie solidaire à Béthune"},
		"description": {"Un lieu où chacun achète selon ses moyens.\r\nGéré par les habitants."},
		"theme":       {"alimentation"},
		"commune_q":   {"bethune"},
		"carrier":     {"association"},
		"structure":   {"Les Paniers du Béthunois"},
		"email":       {" Marie@Exemple.FR "},
	}
}

func TestParseDeposit(t *testing.T) {
	tests := []struct {
		name   string
		change func(v url.Values)
		fields []string // fields with an error
	}{
		{"valid", func(url.Values) {}, nil},
		{"empty title", func(v url.Values) { v.Set("title", "  \t ") }, []string{"title"}},
		{"title of 120 characters", func(v url.Values) { v.Set("title", strings.Repeat("é", 120)) }, nil},
		{"title of 121 characters", func(v url.Values) { v.Set("title", strings.Repeat("é", 121)) }, []string{"title"}},
		{"empty description", func(v url.Values) { v.Del("description") }, []string{"description"}},
		{"description of 2000 characters", func(v url.Values) { v.Set("description", strings.Repeat("à", 2000)) }, nil},
		{"description of 2001 characters", func(v url.Values) { v.Set("description", strings.Repeat("à", 2001)) }, []string{"description"}},
		{"unknown theme", func(v url.Values) { v.Set("theme", "astrologie") }, []string{"theme"}},
		{"no theme", func(v url.Values) { v.Del("theme") }, []string{"theme"}},
		{"unknown carrier", func(v url.Values) { v.Set("carrier", "entreprise") }, []string{"carrier"}},
		{"long structure", func(v url.Values) { v.Set("structure", strings.Repeat("x", 121)) }, []string{"structure"}},
		{"no structure", func(v url.Values) { v.Del("structure") }, nil},
		{"everything wrong", func(v url.Values) { v.Del("title"); v.Del("description"); v.Del("theme"); v.Del("carrier") },
			[]string{"carrier", "description", "theme", "title"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := validForm()
			tt.change(v)
			_, fe := idea.ParseDeposit(v)
			var got []string
			for _, f := range []string{"carrier", "description", "structure", "theme", "title"} {
				if fe.Has(f) {
					got = append(got, f)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("fields with errors %v, want %v (%v)", got, tt.fields, fe)
			}
		})
	}
}

func TestParseDepositCleansInput(t *testing.T) {
	v := validForm()
	v.Set("title", "  Un   jardin\npartagé\x00 ")
	v.Set("description", "Ligne 1  \r\n\r\n\r\n\r\nLigne 2\x07\n")
	d, fe := idea.ParseDeposit(v)
	if len(fe) != 0 {
		t.Fatal(fe)
	}
	if d.Title != "Un jardin partagé" {
		t.Errorf("title %q", d.Title)
	}
	if d.Description != "Ligne 1\n\nLigne 2" {
		t.Errorf("description %q", d.Description)
	}
	if d.Email != "marie@exemple.fr" {
		t.Errorf("email %q", d.Email)
	}
	for _, bad := range []string{"", "pas une adresse", "a@b"} {
		fe := apperr.FieldErrors{}
		idea.Deposit{Email: bad}.CheckEmail(fe)
		if !fe.Has("email") {
			t.Errorf("e-mail %q accepted", bad)
		}
	}
}

func TestParseReason(t *testing.T) {
	if _, fe := idea.ParseReason("   "); !fe.Has("reason") {
		t.Error("empty reason accepted")
	}
	if _, fe := idea.ParseReason(strings.Repeat("a", idea.MaxReasonLen+1)); !fe.Has("reason") {
		t.Error("over-long reason accepted")
	}
	if r, fe := idea.ParseReason(" Propos injurieux. "); len(fe) != 0 || r != "Propos injurieux." {
		t.Errorf("reason %q, %v", r, fe)
	}
}

func TestResolveCommune(t *testing.T) {
	d := data(t)
	tests := []struct {
		name, text, code string
		want             string // INSEE code taken
		choices          bool
		err              string
	}{
		{"name without accent", "bethune", "", "62119", false, ""},
		{"name with accent and case", "BÉTHUNE", "", "62119", false, ""},
		{"postcode of one commune", "62100", "", "62193", false, ""},
		{"INSEE code that is no postcode", "62041", "", "62041", false, ""},
		{"postcode of several communes", "62130", "", "", true, ""},
		{"choice kept while the text matches", "62130", "62767", "62767", false, ""},
		{"choice ignored when the text changed", "arras", "62767", "62041", false, ""},
		{"choice alone", "", "62767", "62767", false, ""},
		{"choice outside the département", "", "75056", "", false, "idea.error.commune_required"},
		{"nothing typed", "  ", "", "", false, "idea.error.commune_required"},
		{"unknown", "Xyzzyville", "", "", false, "idea.error.commune_unknown"},
		{"outside by name", "Paris", "", "", false, "idea.error.commune_outside"},
		{"outside by postcode", "75001", "", "", false, "idea.error.commune_outside"},
		{"unknown postcode", "00000", "", "", false, "idea.error.commune_unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, choices, errKey := idea.ResolveCommune(d, "62", tt.text, tt.code)
			if c.Code != tt.want || (len(choices) > 1) != tt.choices || errKey != tt.err {
				t.Errorf("got %q, %d choices, error %q; want %q, choices %v, error %q",
					c.Code, len(choices), errKey, tt.want, tt.choices, tt.err)
			}
			for _, ch := range choices {
				if ch.Departement != "62" {
					t.Errorf("choice %s outside 62", ch.Code)
				}
			}
		})
	}
}

func FuzzParseDeposit(f *testing.F) {
	d := data(f)
	f.Add("title=Un+jardin&description=x&theme=culture&commune_q=bethune&carrier=collectif&email=a%40b.fr")
	f.Add("commune_q=62130&commune=62767")
	f.Add("commune_q=%C3%A9%C3%A9%C3%A9&title=%00%ff&description=%0d%0d")
	f.Add("commune_q=2A004&commune=2B033")
	f.Add("")
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		dep, fe := idea.ParseDeposit(v)
		dep.CheckEmail(fe)
		if !fe.Has("title") && (dep.Title == "" || len([]rune(dep.Title)) > idea.MaxTitleLen) {
			t.Errorf("title %q accepted", dep.Title)
		}
		if !fe.Has("description") && dep.Description == "" {
			t.Error("empty description accepted")
		}
		c, _, errKey := idea.ResolveCommune(d, "62", dep.CommuneText, dep.CommuneCode)
		if errKey == "" && c.Code != "" && c.Departement != "62" {
			t.Errorf("commune %s outside 62 taken", c.Code)
		}
	})
}
