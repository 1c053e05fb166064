package web

import "strings"

// minifyCSS returns the style sheet as it is served: without its comments (the components'
// documentation at its top) and without the whitespace that layout needs not, so that
// every page stays within its weight budget (HTML + CSS under 60 KB). Strings ("…", '…')
// are copied as they are; whitespace is kept, as one space, wherever it may separate two
// tokens (a descendant combinator, the parts of a value), and dropped only next to
// braces, semicolons and commas and after a colon, where CSS never needs it. The semicolon
// after a block's last declaration, which CSS does not need either, is dropped too.
func minifyCSS(src string) string {
	b := make([]byte, 0, len(src))
	space := false // whitespace seen since the last byte written
	drop := func(c byte) bool { return c == '{' || c == '}' || c == ';' || c == ',' }
	last := func() byte {
		if len(b) == 0 {
			return '{'
		}
		return b[len(b)-1]
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return string(b)
			}
			i += end + 3
			space = true
		case c == '"' || c == '\'':
			if space && !drop(last()) && last() != ':' {
				b = append(b, ' ')
			}
			space = false
			j := i + 1
			for j < len(src) && src[j] != c {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) {
				j = len(src) - 1
			}
			b = append(b, src[i:j+1]...)
			i = j
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			space = true
		default:
			// After a colon (a declaration's, a pseudo-class's, a media feature's) whitespace
			// never separates anything.
			if space && !drop(c) && !drop(last()) && last() != ':' {
				b = append(b, ' ')
			}
			space = false
			if c == '}' && last() == ';' {
				b = b[:len(b)-1]
			}
			b = append(b, c)
		}
	}
	return string(b)
}
