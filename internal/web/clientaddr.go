package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// The client's address, for the throttling of sign-ins and other per-client limits. Behind a
// reverse proxy, RemoteAddr is the proxy's address, the same for every visitor: one attacker
// would then exhaust the limits of everyone. The proxy tells the client's address in
// X-Forwarded-For or Forwarded, but anyone can send those headers, so they are read only
// when the direct peer is a trusted proxy (Config.TrustedProxies), and then from the right:
// each trusted proxy appends the address it received the request from, so the right-most
// address that is not a trusted proxy is the first one no proxy of ours vouches for, the
// client. Everything to its left was written by the client itself and is ignored.

// ParseTrustedProxies parses a comma-separated list of CIDR prefixes ("10.0.0.0/8,
// ::1/128"); a bare address stands for itself alone. Spaces around items and empty items
// are ignored, so an empty string is an empty list.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		var p netip.Prefix
		if strings.Contains(item, "/") {
			var err error
			if p, err = netip.ParsePrefix(item); err != nil {
				return nil, fmt.Errorf("%q is not a CIDR prefix (10.0.0.0/8, fd00::/8)", item)
			}
		} else {
			a, err := netip.ParseAddr(item)
			if err != nil || a.Zone() != "" {
				return nil, fmt.Errorf("%q is not an address or CIDR prefix", item)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// trusted reports whether a is within one of the prefixes.
func trusted(a netip.Addr, prefixes []netip.Prefix) bool {
	a = a.Unmap().WithZone("")
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddrOf returns the client's address of a request received from remoteAddr (the
// connection's peer, "host:port") with the header h, given the trusted proxies. Without a
// trusted peer, it is the peer's host, whatever the headers say. With one, it is the
// right-most address of X-Forwarded-For (or, when the request has no X-Forwarded-For, of
// Forwarded's for= parameters) that is not a trusted proxy; when the walk meets an entry
// that is not an address ("unknown", an obfuscated name, garbage) or runs out of entries, it
// is the last trusted address met, that is, the left-most proxy of ours.
func clientAddrOf(remoteAddr string, h http.Header, proxies []netip.Prefix) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	if len(proxies) == 0 {
		return host
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !trusted(peer, proxies) {
		return host
	}
	last := peer.Unmap().WithZone("")
	hops := forwardedHops(h)
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseNode(hops[i])
		if !ok {
			break
		}
		if !trusted(a, proxies) {
			return a.String()
		}
		last = a
	}
	return last.String()
}

// forwardedHops returns the addresses a request went through, the nearest last: the entries
// of X-Forwarded-For (every line of it, in order), or when there is none the for= values of
// Forwarded (RFC 7239). An element of Forwarded without for= gives an empty entry, which
// stops the walk.
//
// The proxy must write the header read here: a proxy that appends only to Forwarded while
// passing on a client's X-Forwarded-For would let the client choose its address.
func forwardedHops(h http.Header) []string {
	if xff := h.Values("X-Forwarded-For"); len(xff) > 0 {
		var hops []string
		for _, line := range xff {
			for _, e := range strings.Split(line, ",") {
				hops = append(hops, strings.TrimSpace(e))
			}
		}
		return hops
	}
	var hops []string
	for _, line := range h.Values("Forwarded") {
		hops = append(hops, forwardedFor(line)...)
	}
	return hops
}

// forwardedFor returns the for= value of each element of one Forwarded header line, "" for
// an element without one. Values may be tokens or quoted strings with backslash escapes;
// parameter names are case-insensitive. A malformed line gives what could be read of it up
// to the fault, then an empty entry, so that the walk stops there.
func forwardedFor(line string) []string {
	var out []string
	i, n := 0, len(line)
	for {
		// One element: pairs separated by ';', up to ',' or the end.
		value, found := "", false
		for {
			for i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == ';') {
				i++
			}
			start := i
			for i < n && line[i] != '=' && line[i] != ';' && line[i] != ',' {
				i++
			}
			name := strings.TrimSpace(line[start:i])
			if i < n && line[i] == '=' {
				i++
				var v string
				var ok bool
				if v, i, ok = forwardedValue(line, i); !ok {
					return append(out, "")
				}
				if strings.EqualFold(name, "for") && !found {
					value, found = v, true
				}
			} else if name != "" {
				return append(out, "") // a name without a value
			}
			for i < n && (line[i] == ' ' || line[i] == '\t') {
				i++
			}
			if i >= n || line[i] == ',' {
				break
			}
			if line[i] != ';' {
				return append(out, "")
			}
		}
		out = append(out, value)
		if i >= n {
			return out
		}
		i++ // the ','
	}
}

// forwardedValue reads a token or quoted string at line[i:], returning it and the index after
// it.
func forwardedValue(line string, i int) (string, int, bool) {
	n := len(line)
	if i < n && line[i] == '"' {
		var b strings.Builder
		for i++; i < n; i++ {
			switch c := line[i]; c {
			case '\\':
				if i+1 >= n {
					return "", i, false
				}
				i++
				b.WriteByte(line[i])
			case '"':
				return b.String(), i + 1, true
			default:
				b.WriteByte(c)
			}
		}
		return "", i, false // unterminated
	}
	start := i
	for i < n && line[i] != ';' && line[i] != ',' && line[i] != ' ' && line[i] != '\t' && line[i] != '"' {
		i++
	}
	if i < n && line[i] == '"' {
		return "", i, false
	}
	return line[start:i], i, true
}

// parseNode reads an address as proxies write it: "192.0.2.1", "192.0.2.1:4711",
// "2001:db8::1", "[2001:db8::1]" or "[2001:db8::1]:4711". Anything else ("unknown",
// "_hidden", a name) is not an address. Zones are dropped; IPv4-mapped IPv6 addresses are
// read as IPv4.
func parseNode(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return netip.Addr{}, false
	}
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil && ap.Addr().Zone() == "" {
		return ap.Addr().Unmap(), true
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil && a.Is6() && a.Zone() == "" {
			return a.Unmap(), true
		}
	}
	return netip.Addr{}, false
}

type clientAddrKey struct{}

// withClientAddr finds the client's address once per request (clientAddrOf), for clientIP.
func (s *Server) withClientAddr(next http.Handler) http.Handler {
	if len(s.trustedProxies) == 0 {
		return next // clientIP reads RemoteAddr
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr := clientAddrOf(r.RemoteAddr, r.Header, s.trustedProxies)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientAddrKey{}, addr)))
	})
}

// clientIP is the client's address used for the per-client limits (sign-in throttling):
// the peer's address, or behind a trusted proxy the address it vouches for (withClientAddr).
func clientIP(r *http.Request) string {
	if a, ok := r.Context().Value(clientAddrKey{}).(string); ok {
		return a
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
