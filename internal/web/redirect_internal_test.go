package web

import (
	"net/url"
	"strings"
	"testing"
)

// browserLocation resolves a Location header against base as a lenient browser does (the
// WHATWG URL parser): leading and trailing spaces and control characters trimmed, tabs and
// newlines dropped anywhere, a backslash read as a slash in an http(s) URL.
func browserLocation(t *testing.T, base *url.URL, loc string) (*url.URL, bool) {
	t.Helper()
	loc = strings.TrimFunc(loc, func(r rune) bool { return r <= ' ' })
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(loc)
	ref, err := url.Parse(loc)
	if err != nil {
		return nil, false
	}
	return base.ResolveReference(ref), true
}

// safeNextBypasses are destinations known to take browsers to another host, or to be read
// differently by browsers and by Go.
var safeNextBypasses = []string{
	"//evil.example", "///evil.example", "/\\evil.example", "/\\/evil.example", "\\\\evil.example",
	"/\t/evil.example", "/\t\\evil.example", "/%09/evil.example", "/%09%5Cevil.example",
	"/\n/evil.example", "/\r\n/evil.example", " //evil.example", "\t//evil.example",
	"https://evil.example", "https:evil.example", "http:/evil.example", "javascript:alert(1)",
	"/.//evil.example", "/./evil.example", "/../evil.example", "/%2e%2e//evil.example",
	"/%2F/evil.example", "/%2f%2fevil.example", "/a//evil.example", "/\u3000/evil.example",
	"/\uff0f/evil.example", "/\u2215evil.example", "/\u200b/evil.example", "/\x00/evil.example",
	"/\x7f/evil.example", "evil.example", "", "?/evil", "#//evil.example", "/@evil.example",
}

func TestSafeNextRefusesKnownBypasses(t *testing.T) {
	base, _ := url.Parse("https://budget.example.org/connexion")
	for _, next := range safeNextBypasses {
		got := safeNext(next)
		u, ok := browserLocation(t, base, got)
		if !ok || u.Host != base.Host {
			t.Errorf("safeNext(%q) = %q: a browser goes to %v", next, got, u)
		}
		// Every one of these is either refused or harmless as a path of this site; the
		// ones that parse differently in browsers must be refused outright.
		if got != "/espace" && next != "/@evil.example" {
			t.Errorf("safeNext(%q) = %q, want the person's space", next, got)
		}
	}
	for _, next := range []string{"/", "/compte", "/pas-de-calais-2018", "/pas-de-calais-2018/idees?page=2",
		"/pas-de-calais-2018/projets/3#vote", "/a/b/", "/%C3%A9t%C3%A9"} {
		if got := safeNext(next); got != next {
			t.Errorf("safeNext(%q) = %q, want it kept", next, got)
		}
	}
}

// FuzzSafeNext checks that whatever the destination asked, the one kept is a path of this
// site for a browser as for Go: one leading slash, no control character, space or
// backslash, no scheme or host, and the same host once resolved by a lenient browser.
func FuzzSafeNext(f *testing.F) {
	for _, s := range safeNextBypasses {
		f.Add(s)
	}
	for _, s := range []string{"/", "/compte", "/x?suite=//evil.example", "/x#\\evil"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://budget.example.org/connexion")
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got == "/espace" {
			return
		}
		if got != next {
			t.Fatalf("safeNext(%q) = %q: neither kept nor the default", next, got)
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") {
			t.Fatalf("safeNext(%q) kept a destination without a single leading slash", next)
		}
		for _, r := range got {
			if r <= ' ' || r >= 0x7f || r == '\\' {
				t.Fatalf("safeNext(%q) kept a control character, space, backslash or non-ASCII rune %q", next, r)
			}
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
			t.Fatalf("safeNext(%q) kept %q, which Go parses as %#v (%v)", next, got, u, err)
		}
		if b, ok := browserLocation(t, base, got); !ok || b.Host != base.Host || b.Scheme != base.Scheme {
			t.Fatalf("safeNext(%q) kept %q, which a browser resolves to %v", next, got, b)
		}
	})
}
