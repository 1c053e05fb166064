package identity

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
)

const okSVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Logo &amp; co</title><rect width="10" height="10" fill="#fff"/></svg>`

func TestSanitizeSVG(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		refused bool
		want    []string // substrings of the output
		absent  []string // never in the output
	}{
		{name: "plain shapes", in: okSVG, want: []string{`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">`, `<title>Logo &amp; co</title>`, `<rect width="10" height="10" fill="#fff"></rect>`}},
		{name: "script", in: `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, refused: true},
		{name: "script in another namespace", in: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(1)</h:script></svg>`, refused: true},
		{name: "onload", in: `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`, refused: true},
		{name: "onclick upper case", in: `<svg xmlns="http://www.w3.org/2000/svg"><rect ONCLICK="alert(1)"/></svg>`, refused: true},
		{name: "javascript href on a", in: `<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>`, refused: true},
		{name: "javascript xlink on use", in: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="javascript:alert(1)"/></svg>`, refused: true},
		{name: "external use", in: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="http://evil.example/x.svg#a"/></svg>`, refused: true},
		{name: "external use, svg2 href", in: `<svg xmlns="http://www.w3.org/2000/svg"><use href="//evil.example/x.svg#a"/></svg>`, refused: true},
		{name: "local use kept", in: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><defs><circle id="c" r="2"/></defs><use xlink:href="#c" x="3"/></svg>`,
			want: []string{`<use href="#c" x="3"></use>`}},
		{name: "foreignObject", in: `<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>`, refused: true},
		{name: "image", in: `<svg xmlns="http://www.w3.org/2000/svg"><image href="http://evil.example/a.png"/></svg>`, refused: true},
		{name: "style element", in: `<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://evil.example/a.css);</style></svg>`, refused: true},
		{name: "animate rewriting href", in: `<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" to="javascript:alert(1)"/></svg>`, refused: true},
		{name: "doctype", in: `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>`, refused: true},
		{name: "billion laughs", in: `<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>`, refused: true},
		{name: "undeclared entity", in: `<svg xmlns="http://www.w3.org/2000/svg"><text>&nbsp;</text></svg>`, refused: true},
		{name: "external url in fill", in: `<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(http://evil.example/#g)"/></svg>`, refused: true},
		{name: "local url in fill kept", in: `<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(#g)"/></svg>`, want: []string{`fill="url(#g)"`}},
		{name: "style attribute becomes attributes", in: `<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:#123456; stroke-width: 2; behavior: x"/></svg>`,
			want: []string{`<rect fill="#123456" stroke-width="2"></rect>`}, absent: []string{"style", "behavior"}},
		{name: "style attribute with external url", in: `<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://evil.example/a)"/></svg>`, refused: true},
		{name: "css escape", in: `<svg xmlns="http://www.w3.org/2000/svg"><rect fill="\75rl(x)"/></svg>`, refused: true},
		{name: "not svg root", in: `<html xmlns="http://www.w3.org/1999/xhtml"></html>`, refused: true},
		{name: "no namespace", in: `<svg><rect/></svg>`, refused: true},
		{name: "two roots", in: `<svg xmlns="http://www.w3.org/2000/svg"/><svg xmlns="http://www.w3.org/2000/svg"/>`, refused: true},
		{name: "empty", in: ``, refused: true},
		{name: "not xml", in: `PNG`, refused: true},
		{name: "processing instruction", in: `<?xml-stylesheet href="http://evil.example/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>`, refused: true},
		{name: "inkscape bookkeeping dropped", in: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" inkscape:version="1.2"><sodipodi:namedview id="n" pagecolor="#fff"/><metadata><x/></metadata><g inkscape:label="Calque"><path d="M0 0h1"/></g></svg>`,
			want: []string{`<g><path d="M0 0h1"></path></g>`}, absent: []string{"inkscape", "namedview", "metadata"}},
		{name: "unknown attribute dropped", in: `<svg xmlns="http://www.w3.org/2000/svg" data-x="1" class="a"><rect/></svg>`, absent: []string{"data-x", "class"}},
		{name: "text with markup characters", in: `<svg xmlns="http://www.w3.org/2000/svg"><text>&lt;script&gt;</text></svg>`, want: []string{`<text>&lt;script&gt;</text>`}},
		{name: "huge file", in: `<svg xmlns="http://www.w3.org/2000/svg"><desc>` + strings.Repeat("a", MaxLogoBytes) + `</desc></svg>`, refused: true},
		{name: "too many elements", in: `<svg xmlns="http://www.w3.org/2000/svg">` + strings.Repeat(`<g/>`, maxNodes) + `</svg>`, refused: true},
		{name: "too deep", in: `<svg xmlns="http://www.w3.org/2000/svg">` + strings.Repeat(`<g>`, maxDepth) + strings.Repeat(`</g>`, maxDepth) + `</svg>`, refused: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := SanitizeSVG([]byte(tc.in))
			if tc.refused {
				var se *SVGError
				if !errors.As(err, &se) {
					t.Fatalf("accepted (%v): %s", err, out)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			for _, w := range tc.want {
				if !bytes.Contains(out, []byte(w)) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, a := range tc.absent {
				if bytes.Contains(out, []byte(a)) {
					t.Errorf("output holds %q:\n%s", a, out)
				}
			}
			again, err := SanitizeSVG(out)
			if err != nil || !bytes.Equal(again, out) {
				t.Errorf("sanitising the output again gives %v:\n%s\nwant\n%s", err, again, out)
			}
		})
	}
}

// FuzzSanitizeSVG: whatever the input, an accepted SVG is stable (sanitising it again
// gives it back) and holds nothing that runs or fetches.
func FuzzSanitizeSVG(f *testing.F) {
	for _, s := range []string{okSVG,
		`<svg xmlns="http://www.w3.org/2000/svg" onload="x"/>`,
		`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="#a"/></svg>`,
		`<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(#a);stroke:red"/></svg>`,
		`<!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg"/>`,
		`<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := SanitizeSVG(in)
		if err != nil {
			return
		}
		again, err := SanitizeSVG(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("unstable: %v\n%q\n%q", err, out, again)
		}
		if bytes.Contains(out, []byte("<!")) || bytes.Contains(out, []byte("<?")) {
			t.Fatalf("declaration kept: %q", out)
		}
		dec := xml.NewDecoder(bytes.NewReader(out))
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			se, ok := tok.(xml.StartElement)
			if !ok {
				continue
			}
			if !svgElements[se.Name.Local] || se.Name.Space != svgNS {
				t.Fatalf("element %v kept: %q", se.Name, out)
			}
			for _, a := range se.Attr {
				v := strings.ToLower(a.Value)
				switch {
				case strings.HasPrefix(strings.ToLower(a.Name.Local), "on"):
					t.Fatalf("event attribute kept: %q", out)
				case a.Name.Local == "href" && !strings.HasPrefix(a.Value, "#"):
					t.Fatalf("external href kept: %q", out)
				case strings.Contains(v, "javascript:") || (strings.Contains(v, "url(") && !strings.Contains(v, "url(#")):
					t.Fatalf("value %q kept: %q", a.Value, out)
				}
			}
		}
	})
}

// BenchmarkSanitizeSVG: a logo near the size limit (about 250 KB of paths).
func BenchmarkSanitizeSVG(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">`)
	for sb.Len() < MaxLogoBytes-200 {
		sb.WriteString(`<path d="M1 2 L3 4 C5 6 7 8 9 10 Z" fill="#123456" stroke="#000"/>`)
	}
	sb.WriteString(`</svg>`)
	in := []byte(sb.String())
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := SanitizeSVG(in); err != nil {
			b.Fatal(err)
		}
	}
}
