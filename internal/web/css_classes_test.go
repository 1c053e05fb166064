package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// classesSetByCode are the class names that no template writes in a class attribute but
// that the style sheet styles anyway, each with the reason. Keep this list short: a class
// belongs in a template, written in full.
var classesSetByCode = map[string]string{
	// The component catalogue at the top of site.css documents these for the other pages
	// (issue 23): they are part of the design system even before a page uses them.
	"tertiary":    "component: tertiary button, offered to every page",
	"alert-info":  "component: alert variant, offered to every page",
	"alert-error": "component: alert variant, offered to every page",
}

var (
	// classAttr matches a class attribute of a template, in double or single quotes.
	classAttr = regexp.MustCompile(`\bclass=("([^"]*)"|'([^']*)')`)
	// controlAction is a template action that chooses between class names written in full
	// ({{if $err}} has-error{{end}}); any other action inside a class attribute would build
	// a class from pieces, which the check could not read.
	controlAction = regexp.MustCompile(`\{\{-?\s*(if\s[^}]*|else if\s[^}]*|else|end)\s*-?\}\}`)
	cssComment    = regexp.MustCompile(`(?s)/\*.*?\*/`)
	// cssClass is a class in a selector: a dot followed by a name that starts with a letter
	// (not a number such as .5rem, which only appears in declarations anyway).
	cssClass = regexp.MustCompile(`\.(-?[A-Za-z_][A-Za-z0-9_-]*)`)
)

// templateClasses reads the class names written in the templates under dir, and the class
// attributes that build a name from a template value.
func templateClasses(t *testing.T, dir string) (used map[string][]string, built []string) {
	t.Helper()
	used = map[string][]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		for _, m := range classAttr.FindAllStringSubmatch(string(b), -1) {
			v := m[2] + m[3]
			rest := controlAction.ReplaceAllString(v, " ")
			if strings.Contains(rest, "{{") {
				built = append(built, rel+": "+m[0])
				continue
			}
			for _, c := range strings.Fields(rest) {
				if !slices.Contains(used[c], rel) {
					used[c] = append(used[c], rel)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return used, built
}

// cssClasses reads the class names in the selectors of a style sheet.
func cssClasses(t *testing.T, path string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := cssComment.ReplaceAllString(string(b), "")
	classes := map[string]bool{}
	// A selector is what comes before a "{" back to the previous "}" or "{" or ";".
	for i := 0; i < len(src); i++ {
		if src[i] != '{' {
			continue
		}
		j := strings.LastIndexAny(src[:i], "{};")
		sel := src[j+1 : i]
		if strings.HasPrefix(strings.TrimSpace(sel), "@") {
			continue // @media, @supports: their rules are read in turn
		}
		// Attribute selectors may hold dots ([href$=".pdf"]): leave them out.
		sel = regexp.MustCompile(`\[[^\]]*\]`).ReplaceAllString(sel, "")
		for _, m := range cssClass.FindAllStringSubmatch(sel, -1) {
			classes[m[1]] = true
		}
	}
	return classes
}

// Every class a template writes has a rule in site.css, and every class site.css styles is
// written by a template (or listed in classesSetByCode with its reason): no unstyled hook,
// no dead rule. Classes are written in full: a class attribute may choose between names
// ({{if}} … {{else}} … {{end}}) but not build one from a value.
func TestTemplateClassesHaveStylesAndStylesHaveClasses(t *testing.T) {
	used, built := templateClasses(t, filepath.Join("ui", "templates"))
	styled := cssClasses(t, filepath.Join("ui", "static", "site.css"))
	if len(used) < 50 || len(styled) < 50 {
		t.Fatalf("read %d template classes and %d styled classes: the parsers miss them", len(used), len(styled))
	}
	for _, b := range built {
		t.Errorf("class built from a template value (write class names in full): %s", b)
	}
	var unstyled, unused []string
	for c, files := range used {
		if !styled[c] {
			unstyled = append(unstyled, c+" (in "+strings.Join(files, ", ")+")")
		}
	}
	for c := range styled {
		if _, ok := used[c]; !ok {
			if _, ok := classesSetByCode[c]; !ok {
				unused = append(unused, c)
			}
		}
	}
	for c := range classesSetByCode {
		if _, ok := used[c]; ok {
			t.Errorf("class %q is listed in classesSetByCode but a template writes it: remove it from the list", c)
		}
		if !styled[c] {
			t.Errorf("class %q is listed in classesSetByCode but site.css has no rule for it", c)
		}
	}
	slices.Sort(unstyled)
	slices.Sort(unused)
	for _, c := range unstyled {
		t.Errorf("class used in a template without a rule in site.css: %s", c)
	}
	for _, c := range unused {
		t.Errorf("class styled in site.css that no template uses: .%s", c)
	}
}

// The checks of the test above catch what they should.
func TestClassCheckParsers(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.html"), []byte(
		`<p class="one two{{if .X}} three{{else}} four{{end}}"><i class='five'></i><b class="tag-{{.State}}"></b>`), 0o600); err != nil {
		t.Fatal(err)
	}
	used, built := templateClasses(t, dir)
	var names []string
	for c := range used {
		names = append(names, c)
	}
	slices.Sort(names)
	if want := []string{"five", "four", "one", "three", "two"}; !slices.Equal(names, want) {
		t.Errorf("classes %v, want %v", names, want)
	}
	if len(built) != 1 || !strings.Contains(built[0], "tag-{{.State}}") {
		t.Errorf("built %v, want the tag-{{.State}} attribute", built)
	}
	css := filepath.Join(dir, "s.css")
	if err := os.WriteFile(css, []byte(`/* .gone { } */ :root { --x: .5rem; }
a.button.secondary:hover, .b > .c { margin: .5rem; } @media (max-width: 37.5rem) { .d[href$=".pdf"] { x: 1 } }`), 0o600); err != nil {
		t.Fatal(err)
	}
	styled := cssClasses(t, css)
	var got []string
	for c := range styled {
		got = append(got, c)
	}
	slices.Sort(got)
	if want := []string{"b", "button", "c", "d", "secondary"}; !slices.Equal(got, want) {
		t.Errorf("styled %v, want %v", got, want)
	}
}
