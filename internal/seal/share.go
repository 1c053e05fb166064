package seal

import (
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"
)

// Share is one trustee's share of a box's private key.
type Share struct {
	BoxID string // Box.ID of the box it belongs to
	Index int    // 1..n
	Value []byte // the P-256 scalar, 32 bytes big-endian
}

// An encoded share reads, for example:
//
//	BC1-3f9a0c1d2e4b5a69-03-7QK2-M9ZD-...-W4HT-5R
//
// that is the version prefix "BC1", the box's ID (16 hex digits), the index
// (2 decimal digits), the value (32 bytes in Crockford's base32, 52
// characters, in groups of 4) and a check of 2 characters. Case, spaces and
// dashes are ignored when reading; I and L read as 1 and O as 0, as
// Crockford's base32 says.
//
// The check is the whole text before it (prefix included), read as a number
// in base 32, modulo the prime 1021, written in 2 base-32 characters. It
// catches every single changed character (the text changes by d·32^j with
// 0 < |d| < 32, never a multiple of 1021), every swap of two neighbours (a
// change of (a−b)·31·32^j) and, with the fixed length, every missing or extra
// character.
const (
	sharePrefix  = "BC1"
	idLen        = 16
	indexLen     = 2
	valueLen     = 52 // ceil(32*8/5)
	checkLen     = 2
	checkModulus = 1021
	bodyLen      = len(sharePrefix) + idLen + indexLen + valueLen
	shareLen     = bodyLen + checkLen
	groupLen     = 4
)

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

var b32 = base32.NewEncoding(crockford).WithPadding(base32.NoPadding)

// crockValue gives the value of a (normalised) character, or -1.
var crockValue = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i := range len(crockford) {
		v[crockford[i]] = int8(i)
	}
	return v
}()

// checksum computes the 2-character check of a normalised body.
func checksum(body string) string {
	v := 0
	for i := range len(body) {
		v = (v*32 + int(crockValue[body[i]])) % checkModulus
	}
	return string([]byte{crockford[v/32], crockford[v%32]})
}

// String encodes the share for a trustee, grouped for reading. A share that
// cannot be encoded (a box ID that is not 16 hex digits, an index outside
// 1..MaxTrustees, a value that is not 32 bytes) gives "BC1-INVALID", which
// ParseShare refuses.
func (s Share) String() string {
	id := strings.ToUpper(s.BoxID)
	if len(id) != idLen || s.Index < 1 || s.Index > MaxTrustees || len(s.Value) != scalarLen {
		return sharePrefix + "-INVALID"
	}
	if _, err := hex.DecodeString(id); err != nil {
		return sharePrefix + "-INVALID"
	}
	val := b32.EncodeToString(s.Value)
	idx := fmt.Sprintf("%02d", s.Index)
	check := checksum(sharePrefix + id + idx + val)

	var b strings.Builder
	b.Grow(shareLen + 20)
	b.WriteString(sharePrefix)
	b.WriteByte('-')
	b.WriteString(id)
	b.WriteByte('-')
	b.WriteString(idx)
	for i := 0; i < len(val); i += groupLen {
		b.WriteByte('-')
		b.WriteString(val[i:min(i+groupLen, len(val))])
	}
	b.WriteByte('-')
	b.WriteString(check)
	return b.String()
}

// normalise upper-cases s, drops spaces and dashes, and reads I and L as 1
// and O as 0. It returns false on a character outside Crockford's alphabet.
func normalise(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '-' || unicode.IsSpace(r):
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		switch r {
		case 'I', 'L':
			r = '1'
		case 'O':
			r = '0'
		}
		if r >= 128 || crockValue[r] < 0 {
			return "", false
		}
		b.WriteRune(r)
	}
	return b.String(), true
}

// ParseShare decodes an encoded share (see Share.String). Any text that does
// not read back exactly — a changed, swapped, missing or extra character —
// gives an error wrapping ErrMistyped.
func ParseShare(s string) (Share, error) {
	t, ok := normalise(s)
	if !ok {
		return Share{}, fmt.Errorf("%w: a character is not allowed", ErrMistyped)
	}
	if len(t) != shareLen {
		return Share{}, fmt.Errorf("%w: %d characters instead of %d", ErrMistyped, len(t), shareLen)
	}
	body, check := t[:bodyLen], t[bodyLen:]
	if checksum(body) != check {
		return Share{}, fmt.Errorf("%w: the check does not match", ErrMistyped)
	}
	if !strings.HasPrefix(body, sharePrefix) {
		return Share{}, fmt.Errorf("%w: not a share of a ballot box", ErrMistyped)
	}
	rest := body[len(sharePrefix):]
	id, idx, val := rest[:idLen], rest[idLen:idLen+indexLen], rest[idLen+indexLen:]

	if _, err := hex.DecodeString(id); err != nil {
		return Share{}, fmt.Errorf("%w: box ID", ErrMistyped)
	}
	if idx[0] < '0' || idx[0] > '9' || idx[1] < '0' || idx[1] > '9' {
		return Share{}, fmt.Errorf("%w: share number", ErrMistyped)
	}
	index := int(idx[0]-'0')*10 + int(idx[1]-'0')
	if index < 1 || index > MaxTrustees {
		return Share{}, fmt.Errorf("%w: share number %d", ErrMistyped, index)
	}
	v, err := b32.DecodeString(val)
	if err != nil || len(v) != scalarLen || b32.EncodeToString(v) != val {
		clear(v)
		return Share{}, fmt.Errorf("%w: value", ErrMistyped)
	}
	return Share{BoxID: strings.ToLower(id), Index: index, Value: v}, nil
}
