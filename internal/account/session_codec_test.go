package account

import (
	"maps"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestSessionCodecRoundTrip(t *testing.T) {
	deadline := time.Date(2026, 11, 27, 20, 0, 0, 123456789, time.UTC)
	for _, values := range []map[string]any{
		{},
		{"account_id": int64(42), "csrf": "abc", "seen": int64(1795000000)},
		{"flash": "Votre idée est déposée — merci !", "neg": int64(-7), "empty": ""},
	} {
		b, err := SessionCodec{}.Encode(deadline, values)
		if err != nil {
			t.Fatal(err)
		}
		d, got, err := SessionCodec{}.Decode(b)
		if err != nil {
			t.Fatalf("decode %v: %v", values, err)
		}
		if !d.Equal(deadline) || !maps.Equal(got, values) {
			t.Errorf("round trip of %v: got %v, %v", values, d, got)
		}
	}
}

func TestSessionCodecRefuses(t *testing.T) {
	if _, err := (SessionCodec{}).Encode(time.Now(), map[string]any{"x": 1.5}); err == nil {
		t.Error("a float64 value was encoded: it would not come back as it went")
	}
	good, _ := SessionCodec{}.Encode(time.Now(), map[string]any{"k": "v", "n": int64(1)})
	for name, b := range map[string][]byte{
		"truncated":    good[:len(good)-1],
		"trailing":     append(append([]byte{}, good...), 0),
		"bad type":     []byte(sessionMagic + "\x00\x01\x01kz"),
		"huge count":   []byte(sessionMagic + "\x00\xff\x01"),
		"long key":     []byte(sessionMagic + "\x00\x01\x7fk"),
		"magic only":   []byte(sessionMagic),
		"not a stream": []byte("garbage"),
	} {
		if _, _, err := (SessionCodec{}).Decode(b); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

// Sessions written by scs's gob codec (before this codec) still decode.
func TestSessionCodecReadsGob(t *testing.T) {
	deadline := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	values := map[string]any{"account_id": int64(9), "csrf": "tok"}
	b, err := scs.GobCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	d, got, err := SessionCodec{}.Decode(b)
	if err != nil || !d.Equal(deadline) || !maps.Equal(got, values) {
		t.Errorf("gob session: %v %v %v", d, got, err)
	}
}

func FuzzSessionCodecDecode(f *testing.F) {
	good, _ := SessionCodec{}.Encode(time.Unix(0, 5), map[string]any{"k": "v", "n": int64(1)})
	f.Add(good)
	f.Add([]byte(sessionMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, values, err := SessionCodec{}.Decode(b)
		if err != nil || len(b) < len(sessionMagic) || string(b[:4]) != sessionMagic {
			return
		}
		// What decodes encodes back to data that decodes to the same.
		again, err := SessionCodec{}.Encode(d, values)
		if err != nil {
			t.Fatal(err)
		}
		d2, values2, err := SessionCodec{}.Decode(again)
		if err != nil || !d2.Equal(d) || !maps.Equal(values, values2) {
			t.Fatalf("re-encoded session differs: %v %v %v", d2, values2, err)
		}
	})
}
