package dossier

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	_ "image/png" // the stored photo may be a PNG
	"slices"
	"strings"
	"unicode/utf8"
)

// The photo of a dossier is shown on the public pages (catalogue, ballot, project page,
// results) once the project is on the ballot, in the widths of PhotoWidths: each is made from
// the stored photo (already stripped of its metadata at the upload) and encoded again as a
// JPEG, which keeps nothing but pixels. A photo narrower than a width is never enlarged.
var PhotoWidths = []int{320, 640, 1280}

// PhotoQuality is the JPEG quality of the widths shown on pages. A width the catalogue's
// cards may load (up to ThumbMaxWidth) must weigh under ThumbMaxBytes: a busy photo is
// encoded again at lower qualities (down to 40) until it does.
const (
	PhotoQuality  = 72
	ThumbMaxWidth = 640
	ThumbMaxBytes = 40 << 10
)

// thumbQualities are the qualities tried, in order, for a width up to ThumbMaxWidth.
var thumbQualities = []int{PhotoQuality, 64, 56, 48, 40}

// MaxAlt is the longest alternative text of a photo, in characters.
const MaxAlt = 250

// ValidPhotoWidth reports whether w is one of PhotoWidths.
func ValidPhotoWidth(w int) bool { return slices.Contains(PhotoWidths, w) }

// PhotoSize returns the size of the photo of w0 × h0 pixels at width w: its own size when
// it is narrower, the height keeping the proportions.
func PhotoSize(w0, h0, w int) (int, int) {
	if w0 <= 0 || h0 <= 0 {
		return w, w * 2 / 3
	}
	if w >= w0 {
		return w0, h0
	}
	return w, max(1, (h0*w+w0/2)/w0)
}

// CleanAlt trims the alternative text and folds its white-space to single spaces.
func CleanAlt(s string) string { return strings.Join(strings.Fields(s), " ") }

// checkAlt is the refusal of a photo's alternative text, a field error on "alt", or nil.
func checkAlt(alt string) error {
	switch {
	case alt == "":
		return altError("photos.alt.required")
	case utf8.RuneCountInString(alt) > MaxAlt:
		return altError("photos.alt.too_long", MaxAlt)
	}
	return nil
}

// PhotoVariant decodes a stored photo (JPEG or PNG) and returns it at width w as a JPEG of
// PhotoQuality (lower for a busy thumbnail: see ThumbMaxBytes), transparent areas on
// white, and its size. It waits for one of the
// MaxImageWork decoding slots, or for ctx's end; the header is checked first.
func PhotoVariant(ctx context.Context, data []byte, w int) (out []byte, width, height int, err error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, 0, 0, ErrBadImage
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return nil, 0, 0, &PixelsError{Width: cfg.Width, Height: cfg.Height}
	}
	select {
	case imageSlots <- struct{}{}:
		defer func() { <-imageSlots }()
	case <-ctx.Done():
		return nil, 0, 0, ctx.Err()
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, 0, 0, ErrBadImage
	}
	b := img.Bounds()
	width, height = PhotoSize(b.Dx(), b.Dy(), w)
	var small image.Image = img
	if width != b.Dx() || height != b.Dy() {
		small = resample(img, width, height)
	}
	flat := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(flat, flat.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(flat, flat.Bounds(), small, small.Bounds().Min, draw.Over)
	var buf bytes.Buffer
	for _, q := range thumbQualities {
		buf.Reset()
		if err := jpeg.Encode(&buf, flat, &jpeg.Options{Quality: q}); err != nil {
			return nil, 0, 0, fmt.Errorf("encode photo: %w", err)
		}
		if w > ThumbMaxWidth || buf.Len() < ThumbMaxBytes {
			break
		}
	}
	return buf.Bytes(), width, height, nil
}
