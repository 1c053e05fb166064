package web

import (
	"strings"
	"testing"
)

func TestMinifyCSS(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a { color: red; }", "a{color:red}"},
		{"a { color: red; margin: 0 ; }\nb{}", "a{color:red;margin:0}b{}"},
		{`.s::after { content: ";" }`, `.s::after{content:";"}`},
		{"/* doc */\n.x  .y {\n  margin: 0 auto;\n}\n", ".x .y{margin:0 auto}"},
		{"main :is(h1, h2) > p{}", "main :is(h1,h2) > p{}"},
		{`.q::before { content: "  /* kept */  "; }`, `.q::before{content:"  /* kept */  "}`},
		{`.e::before { content: 'it\'s' }`, `.e::before{content:'it\'s'}`},
		{"@media (max-width: 40rem) {\n  .a { b: c }\n}", "@media (max-width:40rem){.a{b:c}}"},
		{"a:hover .b, main :is(p) { x: y }", "a:hover .b,main :is(p){x:y}"},
		{"a{b:c} /* unterminated", "a{b:c}"},
		{"font-family: ui-monospace, \"DejaVu Sans Mono\", monospace", `font-family:ui-monospace,"DejaVu Sans Mono",monospace`},
	} {
		if got := minifyCSS(tc.in); got != tc.want {
			t.Errorf("minifyCSS(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The served style sheet keeps every rule of the written one: the same selectors, in the
// same order, and is a good deal smaller.
func TestServedStyleSheetKeepsItsRules(t *testing.T) {
	src, err := staticFiles.ReadFile("ui/static/site.css")
	if err != nil {
		t.Fatal(err)
	}
	min := minifyCSS(string(src))
	if strings.Count(min, "{") != strings.Count(string(src), "{")-strings.Count(commentsOf(string(src)), "{") {
		t.Errorf("the braces of the rules differ after minifying")
	}
	if len(min) > len(src)*85/100 {
		t.Errorf("served %d bytes of %d: under 15 %% saved", len(min), len(src))
	}
	t.Logf("site.css: %d bytes written, %d served", len(src), len(min))
}

func commentsOf(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "/*")
		if i < 0 {
			return b.String()
		}
		j := strings.Index(s[i+2:], "*/")
		if j < 0 {
			return b.String()
		}
		b.WriteString(s[i : i+2+j+2])
		s = s[i+2+j+2:]
	}
}
