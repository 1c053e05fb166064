// Package identity is the institution's identity as the site shows it: its name, its logo
// (a PNG, or an SVG rebuilt from an allow-list), its main colour (the header's background,
// under white text, so it must pass WCAG AA contrast) and the address and contact of the
// footer. An administrator sets it; the layout reads it on every page.
package identity

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image/png"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"budgetcitoyen/internal/apperr"
)

// DefaultColor is the header's colour while none was chosen (site.css's --brand).
const DefaultColor = "#1b4f8a"

// MinContrast is WCAG 2.1 AA's ratio for normal text (success criterion 1.4.3).
const MinContrast = 4.5

// Logo types.
const (
	PNG = "image/png"
	SVG = "image/svg+xml"
)

// Limits of the texts and of a PNG logo's pixels.
const (
	maxName      = 120
	maxAddress   = 300
	maxContact   = 200
	maxLogoPixel = 2048 // per side
)

// Identity is the site-wide identity. The zero value is "not configured": the site shows
// its own name only, on DefaultColor.
type Identity struct {
	Name     string // « Département du Pas-de-Calais »
	Color    string // "#rrggbb", "" for DefaultColor
	Address  string
	Contact  string
	Logo     []byte // sanitised: re-encoded PNG or rebuilt SVG; nil for none
	LogoType string // PNG or SVG; "" with no logo
}

// ColorOrDefault is the colour the header shows.
func (i Identity) ColorOrDefault() string {
	if i.Color == "" {
		return DefaultColor
	}
	return i.Color
}

// LogoHash is the hex SHA-256 of the logo's bytes ("" with none): the logo's address
// carries its first 16 digits and the audit log keeps it instead of the bytes.
func (i Identity) LogoHash() string {
	if len(i.Logo) == 0 {
		return ""
	}
	sum := sha256.Sum256(i.Logo)
	return hex.EncodeToString(sum[:])
}

// LogoVersion is the short hash put in the logo's address.
func (i Identity) LogoVersion() string { return shortHash(i.Logo) }

// CSS is the stylesheet generated from the identity: custom properties only, which the
// site's stylesheet uses (the header's background is var(--identity-color)).
func (i Identity) CSS() []byte {
	return []byte(":root{--identity-color:" + i.ColorOrDefault() + ";--identity-on-color:#fff}\n")
}

// CSSVersion is the short hash of CSS, put in its address.
func (i Identity) CSSVersion() string { return shortHash(i.CSS()) }

func shortHash(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// Audit is what the audit log keeps of an identity: the logo by its hash, never its bytes;
// the contact by its hash too, as it may hold an e-mail address (no address in the audit
// log: it cannot be erased from its chain).
type Audit struct {
	Name, Color, Address string
	ContactSHA256        string `json:",omitempty"`
	LogoType, LogoSHA256 string `json:",omitempty"`
}

// AuditView returns the audit form of the identity.
func (i Identity) AuditView() Audit {
	a := Audit{Name: i.Name, Color: i.Color, Address: i.Address, LogoType: i.LogoType, LogoSHA256: i.LogoHash()}
	if i.Contact != "" {
		sum := sha256.Sum256([]byte(i.Contact))
		a.ContactSHA256 = hex.EncodeToString(sum[:])
	}
	return a
}

// Validate checks the texts and the colour (the logo is checked by PrepareLogo).
func (i Identity) Validate() error {
	errs := apperr.FieldErrors{}
	text := func(field, v string, max int, required bool) {
		switch {
		case required && v == "":
			errs.Add(field, "identity.invalid.required")
		case !utf8.ValidString(v) || strings.ContainsAny(v, "\x00\r\n"):
			errs.Add(field, "identity.invalid.text")
		case utf8.RuneCountInString(v) > max:
			errs.Add(field, "identity.invalid.too_long", max)
		}
	}
	text("name", i.Name, maxName, true)
	text("address", i.Address, maxAddress, false)
	text("contact", i.Contact, maxContact, false)
	if i.Color != "" {
		if c, err := ParseColor(i.Color); err != nil || c != i.Color {
			errs.Add("color", "identity.invalid.color")
		} else if r := ContrastWithWhite(c); r < MinContrast {
			errs.Add("color", "identity.invalid.contrast", FormatRatio(r), FormatRatio(MinContrast))
		}
	}
	if (len(i.Logo) == 0) != (i.LogoType == "") || (i.LogoType != "" && i.LogoType != PNG && i.LogoType != SVG) {
		errs.Add("logo", "identity.invalid.logo")
	}
	return errs.Err()
}

// ParseColor reads "#rgb" or "#rrggbb" (any case, spaces around) and returns "#rrggbb" in
// lower case.
func ParseColor(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if !strings.HasPrefix(s, "#") {
		return "", fmt.Errorf("colour %q: not #rrggbb", s)
	}
	h := s[1:]
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) != 6 {
		return "", fmt.Errorf("colour %q: not #rrggbb", s)
	}
	if _, err := strconv.ParseUint(h, 16, 32); err != nil {
		return "", fmt.Errorf("colour %q: not #rrggbb", s)
	}
	return "#" + h, nil
}

// RelativeLuminance is WCAG 2.1's relative luminance of a "#rrggbb" colour.
func RelativeLuminance(c string) float64 {
	v, _ := strconv.ParseUint(strings.TrimPrefix(c, "#"), 16, 32)
	lin := func(b uint64) float64 {
		s := float64(b) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(v>>16&0xff) + 0.7152*lin(v>>8&0xff) + 0.0722*lin(v&0xff)
}

// ContrastWithWhite is the contrast ratio of white text on the colour, from 1 to 21.
func ContrastWithWhite(c string) float64 {
	return 1.05 / (RelativeLuminance(c) + 0.05)
}

// FormatRatio writes a ratio the French way, rounded down to one decimal so that a colour
// just under the limit never reads as meeting it: « 4,4:1 ».
func FormatRatio(r float64) string {
	return strings.Replace(strconv.FormatFloat(math.Floor(r*10)/10, 'f', 1, 64), ".", ",", 1) + ":1"
}

// PrepareLogo checks an uploaded logo and returns the bytes to keep and their type: a PNG
// is decoded within a pixel budget and encoded again (which drops its metadata chunks); an
// SVG is rebuilt by SanitizeSVG. Anything else is refused with a field error on "logo".
func PrepareLogo(data []byte) ([]byte, string, error) {
	fail := func(key string, args ...any) ([]byte, string, error) {
		return nil, "", apperr.FieldErrors{"logo": apperr.Msg(key, args...)}.Err()
	}
	if len(data) > MaxLogoBytes {
		return fail("identity.invalid.logo_size", MaxLogoBytes>>10)
	}
	if bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return fail("identity.invalid.png")
		}
		if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxLogoPixel || cfg.Height > maxLogoPixel {
			return fail("identity.invalid.png_pixels", maxLogoPixel)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			return fail("identity.invalid.png")
		}
		var out bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		if err := enc.Encode(&out, img); err != nil {
			return nil, "", fmt.Errorf("encode logo: %w", err)
		}
		return out.Bytes(), PNG, nil
	}
	head := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if bytes.HasPrefix(head, []byte("<")) {
		out, err := SanitizeSVG(data)
		if err != nil {
			return fail("identity.invalid.svg")
		}
		return out, SVG, nil
	}
	return fail("identity.invalid.logo_type")
}
