package identity

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

func TestContrastWithWhite(t *testing.T) {
	for _, tc := range []struct {
		color string
		want  float64 // to two decimals
		ok    bool
	}{
		{"#000000", 21, true},
		{"#ffffff", 1, false},
		{"#1b4f8a", 8.29, true},
		{"#767676", 4.54, true}, // the lightest grey that passes
		{"#777777", 4.48, false},
		{"#0b5394", 7.84, true},
		{"#ff0000", 3.998, false},
		{"#ffff00", 1.07, false},
		{"#e1000f", 4.99, true},
	} {
		got := ContrastWithWhite(tc.color)
		if math.Abs(got-tc.want) > 0.01 {
			t.Errorf("%s: contrast %.3f, want %.2f", tc.color, got, tc.want)
		}
		if (got >= MinContrast) != tc.ok {
			t.Errorf("%s: passes = %v, want %v", tc.color, !tc.ok, tc.ok)
		}
	}
	if got := FormatRatio(4.4999); got != "4,4:1" {
		t.Errorf("FormatRatio(4.4999) = %q: a ratio under the limit must not read as meeting it", got)
	}
}

func TestParseColor(t *testing.T) {
	for in, want := range map[string]string{"#0B5394": "#0b5394", " #abc ": "#aabbcc", "#0b5394 ": "#0b5394"} {
		if got, err := ParseColor(in); err != nil || got != want {
			t.Errorf("ParseColor(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0b5394", "#0b539", "#0b53944", "#ggg", "red", "#12345g", "#-12345"} {
		if got, err := ParseColor(in); err == nil {
			t.Errorf("ParseColor(%q) = %q, want an error", in, got)
		}
	}
}

func TestValidate(t *testing.T) {
	good := Identity{Name: "Département du Pas-de-Calais", Color: "#0b5394", Address: "Arras", Contact: "contact@example.org"}
	for _, tc := range []struct {
		name  string
		edit  func(*Identity)
		field string
		key   string
	}{
		{"good", func(*Identity) {}, "", ""},
		{"default colour", func(i *Identity) { i.Color = "" }, "", ""},
		{"no name", func(i *Identity) { i.Name = "" }, "name", "identity.invalid.required"},
		{"name too long", func(i *Identity) { i.Name = strings.Repeat("é", maxName+1) }, "name", "identity.invalid.too_long"},
		{"name at the limit", func(i *Identity) { i.Name = strings.Repeat("é", maxName) }, "", ""},
		{"address on two lines", func(i *Identity) { i.Address = "a\nb" }, "address", "identity.invalid.text"},
		{"contact too long", func(i *Identity) { i.Contact = strings.Repeat("a", maxContact+1) }, "contact", "identity.invalid.too_long"},
		{"colour not normalised", func(i *Identity) { i.Color = "#0B5394" }, "color", "identity.invalid.color"},
		{"colour too light", func(i *Identity) { i.Color = "#ffcc00" }, "color", "identity.invalid.contrast"},
		{"logo without type", func(i *Identity) { i.Logo = []byte("x") }, "logo", "identity.invalid.logo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := good
			tc.edit(&i)
			err := i.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			ae, ok := apperr.As(err)
			if !ok || ae.Kind != apperr.Invalid || len(ae.Fields) != 1 || ae.Fields[tc.field].Key != tc.key {
				t.Fatalf("want %s on %s, got %v", tc.key, tc.field, err)
			}
		})
	}
	// The contrast message says what was obtained and what is needed, the French way.
	ae, _ := apperr.As(Identity{Name: "x", Color: "#ff0000"}.Validate())
	if m := ae.Fields["color"]; len(m.Args) != 2 || m.Args[0] != "3,9:1" || m.Args[1] != "4,5:1" {
		t.Errorf("contrast message args %v", m.Args)
	}
}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.NRGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPrepareLogo(t *testing.T) {
	// A PNG with a text chunk (metadata) is encoded again without it.
	p := pngOf(t, 20, 10)
	chunk := []byte("\x00\x00\x00\x0dtEXtGPS\x0050.29N")
	chunk = append(chunk, 0, 0, 0, 0) // CRC, wrong: the decoder must not need it to drop it
	withMeta := append(append(append([]byte{}, p[:33]...), chunk...), p[33:]...)
	for name, in := range map[string][]byte{"plain": p, "with metadata": withMeta} {
		out, typ, err := PrepareLogo(in)
		if name == "with metadata" && err != nil {
			continue // a chunk with a bad CRC may be refused: then nothing is kept either
		}
		if err != nil || typ != PNG || bytes.Contains(out, []byte("GPS")) {
			t.Errorf("%s: %v, %s, GPS kept %v", name, err, typ, bytes.Contains(out, []byte("GPS")))
		}
	}
	out, typ, err := PrepareLogo([]byte(okSVG))
	if err != nil || typ != SVG || !bytes.HasPrefix(out, []byte("<svg")) {
		t.Errorf("svg: %v %s %s", err, typ, out)
	}
	for _, tc := range []struct {
		name string
		in   []byte
		key  string
	}{
		{"jpeg", []byte("\xff\xd8\xff\xe0JFIF"), "identity.invalid.logo_type"},
		{"broken png", []byte("\x89PNG\r\n\x1a\nbroken"), "identity.invalid.png"},
		{"png too wide", pngOf(t, maxLogoPixel+1, 1), "identity.invalid.png_pixels"},
		{"svg with script", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>`), "identity.invalid.svg"},
		{"too large", append([]byte("<svg"), make([]byte, MaxLogoBytes)...), "identity.invalid.logo_size"},
	} {
		_, _, err := PrepareLogo(tc.in)
		if ae, ok := apperr.As(err); !ok || ae.Fields["logo"].Key != tc.key {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.key)
		}
	}
}

func TestConfigureAndStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)
		env := change.Env{DB: d, Now: func() time.Time { return now }}
		if i, err := Of(ctx, d); err != nil || i.Name != "" || i.Logo != nil || i.ColorOrDefault() != DefaultColor {
			t.Fatalf("before any save: %+v, %v", i, err)
		}
		changed := 0
		d.Watch(Topic, func(int64) { changed++ })
		logo, typ, err := PrepareLogo([]byte(okSVG))
		if err != nil {
			t.Fatal(err)
		}
		want := Identity{Name: "Département du Pas-de-Calais", Color: "#0b5394", Address: "1 rue de l'Exemple, 62000 Arras",
			Contact: "contact@example.org", Logo: logo, LogoType: typ}
		// Only administrators may change it.
		citizen := access.ActorFor(&access.Account{ID: 5, Roles: []access.Grant{{Role: access.Citizen}}})
		if err := Configure(ctx, env, change.By(citizen), want); err == nil {
			t.Fatal("a citizen changed the identity")
		}
		admin := access.ActorFor(&access.Account{ID: 1, Roles: []access.Grant{{Role: access.Admin}}})
		if err := Configure(ctx, env, change.By(admin), Identity{Name: "x", Color: "#eeeeee"}); err == nil {
			t.Fatal("a colour too light was saved")
		}
		if err := Configure(ctx, env, change.By(admin), want); err != nil {
			t.Fatal(err)
		}
		got, err := Of(ctx, d)
		if err != nil || got.Name != want.Name || got.Color != want.Color || got.Address != want.Address ||
			got.Contact != want.Contact || !bytes.Equal(got.Logo, want.Logo) || got.LogoType != SVG {
			t.Fatalf("read back %+v, %v", got, err)
		}
		if changed != 1 {
			t.Errorf("watchers told %d times, want 1", changed)
		}
		// Removing the logo keeps the rest.
		want.Logo, want.LogoType = nil, ""
		if err := Configure(ctx, env, change.System("cli"), want); err != nil {
			t.Fatal(err)
		}
		if got, _ := Of(ctx, d); got.Logo != nil || got.LogoType != "" || got.Name != want.Name {
			t.Fatalf("after removing the logo: %+v", got)
		}
		// The audit log keeps the logo's hash, never its bytes.
		entries, err := audit.List(ctx, d, audit.Filter{})
		if err != nil || len(entries) != 2 {
			t.Fatalf("%d audit entries, %v", len(entries), err)
		}
		first := entries[len(entries)-1]
		if first.Action != "identity.settings" || !strings.Contains(first.After, Identity{Logo: logo}.LogoHash()) ||
			strings.Contains(first.After, "<svg") || strings.Contains(first.After, "rect") || strings.Contains(first.After, "@") {
			t.Errorf("audit entry %+v", first)
		}
	})
}
