package web

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

func TestParseTrustedProxies(t *testing.T) {
	tests := []struct {
		in      string
		want    string // the prefixes, joined by spaces
		wantErr bool
	}{
		{in: "", want: ""},
		{in: " , ", want: ""},
		{in: "127.0.0.1/32", want: "127.0.0.1/32"},
		{in: "10.1.2.3/8, fd00::/8", want: "10.0.0.0/8 fd00::/8"},
		{in: "192.0.2.7", want: "192.0.2.7/32"},
		{in: "::1", want: "::1/128"},
		{in: "::ffff:10.0.0.0/104", want: "10.0.0.0/8"},
		{in: "10.0.0.0/33", wantErr: true},
		{in: "proxy.example", wantErr: true},
		{in: "fe80::1%eth0", wantErr: true},
		{in: "10.0.0.0/8,nonsense", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseTrustedProxies(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseTrustedProxies(%q): error %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		var s []string
		for _, p := range got {
			s = append(s, p.String())
		}
		if !tt.wantErr && strings.Join(s, " ") != tt.want {
			t.Errorf("ParseTrustedProxies(%q) = %v, want %s", tt.in, s, tt.want)
		}
	}
}

func TestClientAddrOf(t *testing.T) {
	proxies, err := ParseTrustedProxies("127.0.0.1/32, 10.0.0.0/8, fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	type hdr = map[string][]string
	tests := []struct {
		name    string
		remote  string
		header  hdr
		proxies []netip.Prefix
		want    string
	}{
		{"no proxy configured: the headers are ignored", "127.0.0.1:5000", hdr{"X-Forwarded-For": {"198.51.100.1"}}, nil, "127.0.0.1"},
		{"untrusted peer: its headers are ignored", "203.0.113.9:5000", hdr{"X-Forwarded-For": {"198.51.100.1"}}, proxies, "203.0.113.9"},
		{"trusted peer without header", "127.0.0.1:5000", nil, proxies, "127.0.0.1"},
		{"one proxy", "127.0.0.1:5000", hdr{"X-Forwarded-For": {"198.51.100.1"}}, proxies, "198.51.100.1"},
		{"client's forged entries on the left are ignored", "127.0.0.1:5000",
			hdr{"X-Forwarded-For": {"1.2.3.4, 10.9.9.9, 198.51.100.1"}}, proxies, "198.51.100.1"},
		{"two proxies of ours", "127.0.0.1:5000",
			hdr{"X-Forwarded-For": {"6.6.6.6, 198.51.100.1, 10.0.0.2"}}, proxies, "198.51.100.1"},
		{"several header lines, in order", "127.0.0.1:5000",
			hdr{"X-Forwarded-For": {"6.6.6.6, 198.51.100.1", "10.0.0.2"}}, proxies, "198.51.100.1"},
		{"ports and brackets", "[fd00::1]:443", hdr{"X-Forwarded-For": {"[2001:db8::7]:4711"}}, proxies, "2001:db8::7"},
		{"bare IPv6", "127.0.0.1:1", hdr{"X-Forwarded-For": {"2001:db8::7"}}, proxies, "2001:db8::7"},
		{"IPv4 with port", "127.0.0.1:1", hdr{"X-Forwarded-For": {"198.51.100.1:999"}}, proxies, "198.51.100.1"},
		{"mapped addresses read as IPv4", "[::ffff:127.0.0.1]:1", hdr{"X-Forwarded-For": {"::ffff:198.51.100.1"}}, proxies, "198.51.100.1"},
		{"garbage stops at the last trusted", "127.0.0.1:1", hdr{"X-Forwarded-For": {"198.51.100.1, garbage, 10.0.0.3"}}, proxies, "10.0.0.3"},
		{"empty header", "127.0.0.1:1", hdr{"X-Forwarded-For": {""}}, proxies, "127.0.0.1"},
		{"all trusted: the left-most", "127.0.0.1:1", hdr{"X-Forwarded-For": {"10.0.0.1, 10.0.0.2"}}, proxies, "10.0.0.1"},
		{"Forwarded", "127.0.0.1:1", hdr{"Forwarded": {`for=192.0.2.60;proto=http;by=203.0.113.43`}}, proxies, "192.0.2.60"},
		{"Forwarded, IPv6 quoted with port, several elements", "127.0.0.1:1",
			hdr{"Forwarded": {`for=6.6.6.6, For="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.5`}}, proxies, "2001:db8:cafe::17"},
		{"Forwarded, quoted escapes", "127.0.0.1:1", hdr{"Forwarded": {`for="19\2.0.2.60"`}}, proxies, "192.0.2.60"},
		{"Forwarded, unknown stops the walk", "127.0.0.1:1", hdr{"Forwarded": {`for=192.0.2.60, for=unknown`}}, proxies, "127.0.0.1"},
		{"Forwarded, element without for", "127.0.0.1:1", hdr{"Forwarded": {`for=192.0.2.60, proto=https`}}, proxies, "127.0.0.1"},
		{"Forwarded, unterminated quote", "127.0.0.1:1", hdr{"Forwarded": {`for="192.0.2.60`}}, proxies, "127.0.0.1"},
		{"X-Forwarded-For wins over Forwarded", "127.0.0.1:1",
			hdr{"X-Forwarded-For": {"198.51.100.1"}, "Forwarded": {"for=192.0.2.60"}}, proxies, "198.51.100.1"},
		{"peer that is not an address", "pipe", hdr{"X-Forwarded-For": {"198.51.100.1"}}, proxies, "pipe"},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, vs := range tt.header {
			for _, v := range vs {
				h.Add(k, v)
			}
		}
		if got := clientAddrOf(tt.remote, h, tt.proxies); got != tt.want {
			t.Errorf("%s: clientAddrOf(%q, %v) = %q, want %q", tt.name, tt.remote, tt.header, got, tt.want)
		}
	}
}

// FuzzClientAddr: whatever the headers, the answer is the peer when it is not trusted, and
// otherwise an address, either the peer or one written in the headers; the parser never
// panics.
func FuzzClientAddr(f *testing.F) {
	for _, s := range []struct{ xff, fwd string }{
		{"198.51.100.1", ""},
		{"1.2.3.4, 10.0.0.2", ""},
		{"[2001:db8::1]:80, garbage", ""},
		{"", `for=192.0.2.60;proto=http;by=203.0.113.43`},
		{"", `for="[2001:db8:cafe::17]:4711", for=10.0.0.1`},
		{"", `for="\"\\`},
		{"", `;;,,=;for=;for="a"x`},
		{"", `FOR = 1.2.3.4`},
	} {
		f.Add("127.0.0.1:1234", s.xff, s.fwd)
		f.Add("203.0.113.5:1", s.xff, s.fwd)
	}
	proxies, _ := ParseTrustedProxies("127.0.0.0/8,10.0.0.0/8,fd00::/8")
	f.Fuzz(func(t *testing.T, remote, xff, fwd string) {
		h := http.Header{}
		if xff != "" {
			h.Set("X-Forwarded-For", xff)
		}
		if fwd != "" {
			h.Set("Forwarded", fwd)
		}
		got := clientAddrOf(remote, h, proxies)
		plain := clientAddrOf(remote, nil, nil)
		peer, err := netip.ParseAddr(plain)
		if err != nil || !trusted(peer, proxies) {
			if got != plain {
				t.Fatalf("untrusted peer %q: got %q", remote, got)
			}
			return
		}
		a, err := netip.ParseAddr(got)
		if err != nil {
			t.Fatalf("trusted peer %q: %q is not an address", remote, got)
		}
		if a != peer.Unmap().WithZone("") && !strings.Contains(xff+fwd, strings.TrimPrefix(a.String(), "::ffff:")) {
			// Quoted strings may escape characters, so compare loosely: the digits must be
			// there at least once, unescaped or not.
			if !strings.Contains(strings.ReplaceAll(fwd, `\`, ""), a.String()) && !looselyIn(a, xff+fwd) {
				t.Fatalf("%q is neither the peer nor in the headers %q / %q", got, xff, fwd)
			}
		}
		for _, line := range []string{xff, fwd} {
			_ = forwardedFor(line)
		}
	})
}

// looselyIn tells whether a is one of the addresses that can be read from any stretch of s.
func looselyIn(a netip.Addr, s string) bool {
	if len(s) > 300 {
		return true // too long to search every stretch
	}
	for i := range len(s) {
		for j := i + 1; j <= len(s); j++ {
			if b, ok := parseNode(strings.ReplaceAll(s[i:j], `\`, "")); ok && b == a {
				return true
			}
		}
	}
	return false
}
