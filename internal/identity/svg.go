package identity

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// MaxLogoBytes bounds an uploaded logo, PNG or SVG: a logo is a few kilobytes.
const MaxLogoBytes = 256 << 10

const (
	svgNS   = "http://www.w3.org/2000/svg"
	xlinkNS = "http://www.w3.org/1999/xlink"
	// maxDepth and maxNodes bound the tree a sanitised SVG may have.
	maxDepth = 32
	maxNodes = 5000
)

// SVGError is why an SVG is refused; Reason is a short English phrase for logs and tests,
// the user sees the catalog message identity.invalid.svg with it.
type SVGError struct{ Reason string }

func (e *SVGError) Error() string { return "svg refused: " + e.Reason }

func refuse(format string, args ...any) error {
	return &SVGError{Reason: fmt.Sprintf(format, args...)}
}

// svgElements are the elements kept: shapes, text, groups, gradients and local reuse.
// Anything that runs code (script), embeds another document (foreignObject, iframe),
// animates (which can rewrite an href) or fetches (image, feImage, style's @import) is
// absent, and so refused.
var svgElements = map[string]bool{
	"svg": true, "g": true, "defs": true, "symbol": true, "use": true, "title": true, "desc": true,
	"path": true, "rect": true, "circle": true, "ellipse": true, "line": true, "polyline": true, "polygon": true,
	"text": true, "tspan": true,
	"linearGradient": true, "radialGradient": true, "stop": true, "clipPath": true, "mask": true,
}

// dropped are elements an editor writes that mean nothing to the picture (Inkscape's and
// Illustrator's bookkeeping, RDF metadata): left out with their content, not refused.
var dropped = map[string]bool{"metadata": true, "namedview": true, "RDF": true}

// editorSpaces are namespaces whose elements and attributes are editor bookkeeping.
var editorSpaces = []string{"inkscape", "sodipodi", "adobe.com", "purl.org/dc", "w3.org/1999/02/22-rdf", "creativecommons"}

// svgAttrs are the attributes kept (presentation and geometry). Event handlers (on*) are
// refused, href is kept on <use> only and only when it points inside the document.
var svgAttrs = map[string]bool{
	"id": true, "viewBox": true, "width": true, "height": true, "preserveAspectRatio": true, "version": true,
	"x": true, "y": true, "x1": true, "y1": true, "x2": true, "y2": true, "cx": true, "cy": true, "r": true,
	"rx": true, "ry": true, "fx": true, "fy": true, "d": true, "points": true, "pathLength": true,
	"transform": true, "fill": true, "fill-opacity": true, "fill-rule": true, "stroke": true, "stroke-width": true,
	"stroke-opacity": true, "stroke-linecap": true, "stroke-linejoin": true, "stroke-miterlimit": true,
	"stroke-dasharray": true, "stroke-dashoffset": true, "opacity": true, "clip-path": true, "clip-rule": true,
	"mask": true, "color": true, "display": true, "visibility": true,
	"font-family": true, "font-size": true, "font-weight": true, "font-style": true, "letter-spacing": true,
	"text-anchor": true, "dominant-baseline": true, "dx": true, "dy": true, "textLength": true,
	"offset": true, "stop-color": true, "stop-opacity": true, "gradientUnits": true, "gradientTransform": true,
	"spreadMethod": true, "clipPathUnits": true, "maskUnits": true, "maskContentUnits": true,
	"role": true, "aria-label": true, "aria-hidden": true, "focusable": true,
}

// textElements may hold text.
var textElements = map[string]bool{"text": true, "tspan": true, "title": true, "desc": true}

// localURL is the only url() a value may hold: a reference to an element of the document.
var localURL = regexp.MustCompile(`^url\(\s*["']?#[A-Za-z_][\w.:-]*["']?\s*\)$`)

// SanitizeSVG parses an SVG logo and rebuilds it from an allow-list of elements and
// attributes. It refuses what could run code or fetch anything (script, foreignObject,
// event attributes, a DOCTYPE or entity, an href or url() leaving the document) rather
// than quietly dropping it, so that an administrator sees why the file was not taken; the
// bookkeeping of drawing programs is left out. The result is a standalone SVG document.
func SanitizeSVG(in []byte) ([]byte, error) {
	if len(in) > MaxLogoBytes {
		return nil, refuse("larger than %d bytes", MaxLogoBytes)
	}
	dec := xml.NewDecoder(bytes.NewReader(in))
	dec.Strict = true // an entity other than the five of XML is an error
	var out bytes.Buffer
	var stack []string // names of the open kept elements
	skip := 0          // depth inside a dropped element
	nodes := 0
	root := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, refuse("not well-formed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, refuse("DOCTYPE or other declaration")
		case xml.ProcInst:
			if t.Target != "xml" {
				return nil, refuse("processing instruction %q", t.Target)
			}
		case xml.Comment:
		case xml.CharData:
			if skip > 0 {
				continue
			}
			if len(stack) > 0 && textElements[stack[len(stack)-1]] {
				xml.EscapeText(&out, t) //nolint:errcheck // writes to a buffer
			} else if len(bytes.TrimSpace(t)) > 0 {
				if len(stack) == 0 {
					return nil, refuse("text outside the svg element")
				}
				return nil, refuse("text inside <%s>", stack[len(stack)-1])
			}
		case xml.StartElement:
			if skip > 0 {
				skip++
				continue
			}
			name := t.Name.Local
			if t.Name.Space != svgNS && isEditor(t.Name.Space) || dropped[name] {
				skip = 1
				continue
			}
			if t.Name.Space != svgNS {
				return nil, refuse("element <%s> outside the SVG namespace", name)
			}
			if !svgElements[name] {
				return nil, refuse("element <%s> not allowed", name)
			}
			if len(stack) == 0 {
				if root || name != "svg" {
					return nil, refuse("the document must be one <svg> element")
				}
				root = true
			}
			if nodes++; nodes > maxNodes {
				return nil, refuse("more than %d elements", maxNodes)
			}
			if len(stack) >= maxDepth {
				return nil, refuse("nested deeper than %d", maxDepth)
			}
			attrs, err := keptAttrs(name, t.Attr)
			if err != nil {
				return nil, err
			}
			out.WriteByte('<')
			out.WriteString(name)
			if len(stack) == 0 {
				out.WriteString(` xmlns="` + svgNS + `"`)
			}
			for _, a := range attrs {
				out.WriteByte(' ')
				out.WriteString(a[0])
				out.WriteString(`="`)
				xml.EscapeText(&out, []byte(a[1])) //nolint:errcheck // writes to a buffer
				out.WriteByte('"')
			}
			out.WriteByte('>')
			stack = append(stack, name)
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			out.WriteString("</" + stack[len(stack)-1] + ">")
			stack = stack[:len(stack)-1]
		}
	}
	if !root {
		return nil, refuse("no <svg> element")
	}
	return out.Bytes(), nil
}

func isEditor(space string) bool {
	for _, s := range editorSpaces {
		if strings.Contains(space, s) {
			return true
		}
	}
	return false
}

// keptAttrs returns the attributes of an element that are kept, in their order, as
// name/value pairs; a style attribute is turned into the presentation attributes it sets.
func keptAttrs(elem string, in []xml.Attr) ([][2]string, error) {
	var out [][2]string
	seen := map[string]bool{}
	add := func(name, value string) error {
		if err := checkValue(name, value); err != nil {
			return err
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, [2]string{name, value})
		}
		return nil
	}
	for _, a := range in {
		name, space := a.Name.Local, a.Name.Space
		if strings.HasPrefix(strings.ToLower(name), "on") {
			return nil, refuse("event attribute %s", name)
		}
		switch {
		case space == "xmlns" || (space == "" && name == "xmlns"):
			continue // namespaces are declared again on output
		case name == "href" && (space == "" || space == xlinkNS):
			if elem != "use" {
				return nil, refuse("href on <%s>", elem)
			}
			if !localRef(a.Value) {
				return nil, refuse("reference %q outside the document", a.Value)
			}
			if err := add("href", strings.TrimSpace(a.Value)); err != nil {
				return nil, err
			}
		case space == xlinkNS:
			continue // xlink:title and the like
		case space != "":
			if isEditor(space) || space == "http://www.w3.org/XML/1998/namespace" {
				continue
			}
			return nil, refuse("attribute %s:%s", space, name)
		case name == "style":
			for _, decl := range strings.Split(a.Value, ";") {
				k, v, ok := strings.Cut(decl, ":")
				k, v = strings.TrimSpace(k), strings.TrimSpace(v)
				if !ok || !svgAttrs[k] || k == "id" {
					continue
				}
				if err := add(k, v); err != nil {
					return nil, err
				}
			}
		case svgAttrs[name]:
			if err := add(name, a.Value); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// localRef reports whether an href names an element of the same document.
func localRef(v string) bool {
	v = strings.TrimSpace(v)
	return len(v) > 1 && v[0] == '#' && !strings.ContainsAny(v, ` "'()<>\:`)
}

// checkValue refuses a value that could fetch or run something: a url() other than a local
// reference, a script scheme, CSS escapes or functions that load.
func checkValue(name, v string) error {
	low := strings.ToLower(v)
	if strings.Contains(low, "url(") {
		if !localURL.MatchString(strings.TrimSpace(v)) {
			return refuse("%s=%q refers outside the document", name, v)
		}
		return nil
	}
	for _, bad := range []string{"javascript:", "data:", "expression(", "@import", "\\", "<", "image(", "image-set("} {
		if strings.Contains(low, bad) {
			return refuse("%s=%q", name, v)
		}
	}
	return nil
}
