// Package i18n holds the user interface's message catalogs (French first, English second)
// and formats numbers, money, percentages and dates the way each language writes them.
//
// Catalogs are JSON files in messages/, one pair per area: NAME.fr.json and NAME.en.json,
// flat objects from a key to a text with fmt verbs (%s, %d, %v). A test checks that both
// languages have the same keys and that no key is defined twice.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Lang is a user-interface language.
type Lang string

// The supported languages; French is the default.
const (
	FR Lang = "fr"
	EN Lang = "en"
)

// Langs lists the supported languages, default first.
var Langs = []Lang{FR, EN}

// Parse returns the supported language named by s (e.g. "en", "en-GB", "fr-FR"), or false.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	for _, l := range Langs {
		if string(l) == s {
			return l, true
		}
	}
	return "", false
}

//go:embed messages/*.json
var messageFiles embed.FS

// Catalog is the set of messages of every language.
type Catalog struct {
	msgs map[Lang]map[string]string
}

// Load reads the embedded catalogs and checks them.
func Load() (*Catalog, error) {
	return load(messageFiles, "messages")
}

func load(fsys fs.FS, dir string) (*Catalog, error) {
	c := &Catalog{msgs: map[Lang]map[string]string{}}
	for _, l := range Langs {
		c.msgs[l] = map[string]string{}
	}
	files, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list catalogs: %w", err)
	}
	for _, f := range files {
		base := strings.TrimSuffix(path.Base(f), ".json")
		dot := strings.LastIndexByte(base, '.')
		if dot < 0 {
			return nil, fmt.Errorf("catalog %s: name must be AREA.LANG.json", f)
		}
		lang, ok := Parse(base[dot+1:])
		if !ok {
			return nil, fmt.Errorf("catalog %s: unknown language %q", f, base[dot+1:])
		}
		raw, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("read catalog %s: %w", f, err)
		}
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", f, err)
		}
		for k, v := range m {
			if _, dup := c.msgs[lang][k]; dup {
				return nil, fmt.Errorf("catalog %s: key %q is defined twice for %s", f, k, lang)
			}
			c.msgs[lang][k] = v
		}
	}
	return c, nil
}

// Missing lists, for each language, the keys that another language has and it lacks.
func (c *Catalog) Missing() map[Lang][]string {
	all := map[string]bool{}
	for _, m := range c.msgs {
		for k := range m {
			all[k] = true
		}
	}
	out := map[Lang][]string{}
	for l, m := range c.msgs {
		for k := range all {
			if _, ok := m[k]; !ok {
				out[l] = append(out[l], k)
			}
		}
		sort.Strings(out[l])
	}
	return out
}

// Has reports whether key exists in the default language.
func (c *Catalog) Has(key string) bool {
	_, ok := c.msgs[FR][key]
	return ok
}

// T returns the message key in lang, formatted with args. A key missing in lang falls back
// to French; a key missing everywhere shows as "⟦key⟧" so that it is seen, not hidden.
func (c *Catalog) T(lang Lang, key string, args ...any) string {
	s, ok := c.msgs[lang][key]
	if !ok {
		s, ok = c.msgs[FR][key]
	}
	if !ok {
		return "⟦" + key + "⟧"
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// N is T for a message about n things: the singular form, key + "_one", when n calls for
// it and the catalog has one ("1 place libre", not "1 places libres"). French takes the
// singular for 0 and 1, English for 1 only.
func (c *Catalog) N(lang Lang, key string, n int64, args ...any) string {
	one := n == 1 || (lang != EN && n == 0)
	if one && c.Has(key+"_one") {
		key += "_one"
	}
	return c.T(lang, key, args...)
}
