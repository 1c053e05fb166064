// Package search is the full-text search over ideas, projects (dossiers) and comptoir
// sessions. The text is normalised in Go, the same way for what is indexed and for what is
// asked: lowercased, accents folded (é→e, œ→oe, ç→c), split into words, French stop words
// dropped, each word stemmed by the Snowball French stemmer, so that « épicerie »,
// « epicerie » and « Épiceries » give one word. The databases then only match words:
// SQLite's FTS5 and PostgreSQL's tsvector (configuration simple) index that text the same
// way, which neither could do alone (FTS5 has no French stemmer, PostgreSQL's french
// configuration keeps the accents).
package search

import (
	"strings"
	"unicode"

	"github.com/kljensen/snowball/french"
	"golang.org/x/text/unicode/norm"
)

// MaxTerms is the most words a query keeps; the rest is ignored.
const MaxTerms = 12

// maxQueryBytes caps what a query reads of its text.
const maxQueryBytes = 400

// Tokens returns the normalised words of text, in order, duplicates kept.
func Tokens(text string) []string {
	var out []string
	for _, w := range words(fold(text)) {
		if stopWords[w] {
			continue
		}
		out = append(out, french.Stem(singular(w), true))
	}
	return out
}

// singular takes the plural's s or x off a word before stemming: the Snowball stemmer
// leaves some plurals apart from their singular (« vergers » verger, « verger » verg;
// « velos » velos, « velo » velo). A word that only looks plural loses its letter whether
// asked or indexed, which keeps the two the same.
func singular(w string) string {
	if len(w) > 3 && (w[len(w)-1] == 'x' || w[len(w)-1] == 's' && w[len(w)-2] != 's') {
		return w[:len(w)-1]
	}
	return w
}

// Normalize is the text as it is indexed: its tokens separated by spaces.
func Normalize(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		for _, t := range Tokens(p) {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t)
		}
	}
	return b.String()
}

// Query is a parsed search: the words every result must hold (all of them, in any order).
type Query struct {
	Text  string   // what was typed, trimmed
	Terms []string // normalised, distinct, at most MaxTerms
}

// ParseQuery reads what a visitor typed. A query of stop words or punctuation only has no
// terms: it is no search (Empty), not an error.
func ParseQuery(s string) Query {
	s = strings.TrimSpace(s)
	if len(s) > maxQueryBytes {
		s = strings.ToValidUTF8(s[:maxQueryBytes], "")
	}
	q := Query{Text: s}
	seen := map[string]bool{}
	for _, t := range Tokens(s) {
		if seen[t] {
			continue
		}
		seen[t] = true
		q.Terms = append(q.Terms, t)
		if len(q.Terms) == MaxTerms {
			break
		}
	}
	return q
}

// Empty reports whether the query selects nothing in particular (no terms).
func (q Query) Empty() bool { return len(q.Terms) == 0 }

// fold lowercases s and takes the accents off its letters; œ and æ become two letters.
func fold(s string) string {
	s = strings.ToValidUTF8(s, " ")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
		case r == 'ß':
			b.WriteString("ss")
		case r == 'ø' || r == 'Ø':
			b.WriteByte('o')
		case r == 'ł' || r == 'Ł':
			b.WriteByte('l')
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// words splits s into runs of letters and digits: apostrophes, hyphens and punctuation
// separate words (« l'épicerie » gives « l » and « epicerie »).
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) })
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// stopWords are the Snowball French stop words, folded like the text (à gives a, été ete).
var stopWords = func() map[string]bool {
	list := `au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me
	même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son sur ta te
	tes toi ton tu un une vos votre vous c d j l à m n s t y été étée étées étés étant étante
	étants étantes suis es est sommes êtes sont serai seras sera serons serez seront serais
	serait serions seriez seraient étais était étions étiez étaient fus fut fûmes fûtes furent
	sois soit soyons soyez soient fusse fusses fût fussions fussiez fussent ayant ayante
	ayantes ayants eu eue eues eus ai as avons avez ont aurai auras aura aurons aurez auront
	aurais aurait aurions auriez auraient avais avait avions aviez avaient eut eûmes eûtes
	eurent aie aies ait ayons ayez aient eusse eusses eût eussions eussiez eussent a les`
	m := map[string]bool{}
	for _, w := range strings.Fields(list) {
		m[fold(w)] = true
	}
	return m
}()
