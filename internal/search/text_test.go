package search

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestTokens(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"épicerie", []string{"epicer"}},
		{"epicerie", []string{"epicer"}},
		{"Épiceries", []string{"epicer"}},
		{"ÉPICERIES", []string{"epicer"}},
		{"L'Épicerie du cœur à Arras", []string{"epicer", "coeur", "arra"}},
		{"jardins partagés", []string{"jardin", "partag"}},
		{"jardin partagé", []string{"jardin", "partag"}},
		{"Une garçonnière", []string{"garconnier"}},
		{"Ça, c'est l'été !", []string{"ca"}},
		{"le la les des", nil},
		{"!!! … « » — ?", nil},
		{"", nil},
		{"2018-2019", []string{"2018", "2019"}},
		{"vergers", []string{"verg"}},
		{"verger", []string{"verg"}},
		{"vélos", []string{"velo"}},
		{"vélo", []string{"velo"}},
		{"jeux", []string{"jeu"}},
		{"jeu", []string{"jeu"}},
	} {
		if got := Tokens(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Tokens(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	if got := Normalize("Une épicerie", "", "solidaire à Lens"); got != "epicer solidair len" {
		t.Errorf("Normalize = %q", got)
	}
}

func TestParseQuery(t *testing.T) {
	for _, tc := range []struct {
		in    string
		terms []string
	}{
		{"  épiceries  ", []string{"epicer"}},
		{"épicerie EPICERIE épiceries solidaires", []string{"epicer", "solidair"}},
		{"de la", nil},
		{`"*" OR NEAR(`, []string{"or", "near"}},
	} {
		q := ParseQuery(tc.in)
		if !slices.Equal(q.Terms, tc.terms) {
			t.Errorf("ParseQuery(%q).Terms = %q, want %q", tc.in, q.Terms, tc.terms)
		}
		if q.Empty() != (len(tc.terms) == 0) {
			t.Errorf("ParseQuery(%q).Empty() = %v", tc.in, q.Empty())
		}
	}
	if long := ParseQuery(strings.Repeat("é", 300)); len(long.Text) > maxQueryBytes || len(long.Terms) != 1 {
		t.Errorf("a long query keeps %d bytes and %d terms", len(long.Text), len(long.Terms))
	}
	many := ParseQuery("a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14")
	if len(many.Terms) != MaxTerms {
		t.Errorf("%d terms kept, want %d", len(many.Terms), MaxTerms)
	}
}

// FuzzParseQuery checks that any input gives terms the index can match safely: non-empty
// runs of lowercase letters and digits, distinct, at most MaxTerms, each quoted once in the
// FTS5 expression.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"épicerie", "L'Épiceries du cœur", `"a" OR b*`, "\xff\xfe", "ﬁ ǅ İ", "de la", "NEAR(x y)", strings.Repeat("é", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := ParseQuery(s)
		if len(q.Terms) > MaxTerms {
			t.Fatalf("%d terms", len(q.Terms))
		}
		seen := map[string]bool{}
		for _, term := range q.Terms {
			if term == "" || seen[term] {
				t.Fatalf("term %q of %q: empty or repeated", term, s)
			}
			seen[term] = true
			for _, r := range term {
				if !isWordRune(r) || unicode.IsUpper(r) || unicode.Is(unicode.Mn, r) {
					t.Fatalf("term %q of %q holds %q", term, s, r)
				}
			}
		}
		if m := ftsMatch(q); strings.Count(m, `"`) != 2*len(q.Terms) {
			t.Fatalf("FTS5 expression %q of %q", m, s)
		}
	})
}
