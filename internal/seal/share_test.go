package seal

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// compact drops the grouping dashes of an encoded share.
func compact(s string) string { return strings.ReplaceAll(s, "-", "") }

func TestShareEncoding(t *testing.T) {
	_, shares := ceremony(t, 20, 2, 3)
	s := shares[2]
	enc := s.String()
	if len(compact(enc)) != shareLen || !strings.HasPrefix(enc, "BC1-"+strings.ToUpper(s.BoxID)+"-03-") {
		t.Fatalf("encoding %q", enc)
	}
	for _, c := range []struct{ name, text string }{
		{"as printed", enc},
		{"lower case", strings.ToLower(enc)},
		{"no dashes", compact(enc)},
		{"spaces", strings.ReplaceAll(enc, "-", " ")},
		{"lines", "  " + strings.ReplaceAll(enc, "-", "\n") + "\n"},
		{"other grouping", strings.Join(splitEvery(compact(enc), 5), " - ")},
	} {
		got, err := ParseShare(c.text)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got.BoxID != s.BoxID || got.Index != s.Index || !bytes.Equal(got.Value, s.Value) {
			t.Errorf("%s: %+v, want %+v", c.name, got, s)
		}
	}

	// Crockford's look-alikes read as digits.
	alias := strings.NewReplacer("1", "l", "0", "O").Replace(compact(enc)[3:])
	if got, err := ParseShare("BC1" + alias); err != nil || got.String() != enc {
		t.Errorf("look-alikes: %v", err)
	}

	for _, bad := range []Share{
		{BoxID: "short", Index: 1, Value: make([]byte, 32)},
		{BoxID: "zzzzzzzzzzzzzzzz", Index: 1, Value: make([]byte, 32)},
		{BoxID: s.BoxID, Index: 0, Value: s.Value},
		{BoxID: s.BoxID, Index: 51, Value: s.Value},
		{BoxID: s.BoxID, Index: 1, Value: s.Value[:31]},
	} {
		if _, err := ParseShare(bad.String()); !errors.Is(err, ErrMistyped) {
			t.Errorf("%+v encodes as %q, which reads: %v", bad, bad.String(), err)
		}
	}
}

func splitEvery(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

// TestShareMistyped tries every single changed character, every swap of two
// neighbours, every missing character and every doubled character of some
// shares: all are caught.
func TestShareMistyped(t *testing.T) {
	_, shares := ceremony(t, 21, 3, 5)
	for _, s := range shares {
		good := compact(s.String())
		var tries, caught int
		try := func(what, text string) {
			tries++
			if _, err := ParseShare(text); errors.Is(err, ErrMistyped) {
				caught++
			} else {
				t.Errorf("share %d, %s: %q reads (%v)", s.Index, what, text, err)
			}
		}
		for i := range len(good) {
			for _, r := range crockford {
				if byte(r) != good[i] {
					try("changed", good[:i]+string(r)+good[i+1:])
				}
			}
			for _, r := range "UI*#" {
				if r != 'I' || good[i] != '1' {
					try("foreign", good[:i]+string(r)+good[i+1:])
				}
			}
			try("missing", good[:i]+good[i+1:])
			try("doubled", good[:i+1]+good[i:])
			if i+1 < len(good) && good[i] != good[i+1] {
				try("swapped", good[:i]+good[i+1:i+2]+good[i:i+1]+good[i+2:])
			}
		}
		if tries < 2000 || caught != tries {
			t.Errorf("share %d: %d of %d caught", s.Index, caught, tries)
		}
	}
	for _, text := range []string{"", "BC1", "BC1-INVALID", strings.Repeat("0", shareLen), "é" + compact(shares[0].String())} {
		if _, err := ParseShare(text); !errors.Is(err, ErrMistyped) {
			t.Errorf("%q: %v", text, err)
		}
	}
}

func FuzzParseShare(f *testing.F) {
	_, shares, err := Ceremony(testRand(22), 2, 3)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range shares {
		f.Add(s)
		f.Add(strings.ToLower(s))
		f.Add(s[:len(s)-1])
	}
	f.Add("")
	f.Add("BC1-INVALID")
	f.Add(strings.Repeat("-", 200))
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParseShare(text)
		if err != nil {
			if !errors.Is(err, ErrMistyped) {
				t.Fatalf("%q: %v is not ErrMistyped", text, err)
			}
			return
		}
		if s.Index < 1 || s.Index > MaxTrustees || len(s.Value) != 32 || len(s.BoxID) != 16 {
			t.Fatalf("%q reads as %+v", text, s)
		}
		again, err := ParseShare(s.String())
		if err != nil || again.BoxID != s.BoxID || again.Index != s.Index || !bytes.Equal(again.Value, s.Value) {
			t.Fatalf("%q: %+v does not round trip: %+v, %v", text, s, again, err)
		}
	})
}
