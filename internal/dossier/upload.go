package dossier

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The content types a document may have.
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
)

// Errors of the upload checks; the web layer turns them into messages.
var (
	ErrUnknownType = errors.New("file type not accepted")
	ErrExecutable  = errors.New("file is a program")
	ErrActivePDF   = errors.New("PDF with active content")
	ErrBadImage    = errors.New("image cannot be read")
	ErrTooManyPix  = errors.New("image has too many pixels")
	ErrEmptyFile   = errors.New("empty file")
)

// SniffLen is how many leading bytes DetectType needs.
const SniffLen = 512

// DetectType returns the content type of a file from its first bytes, never from its name:
// PDF, JPEG or PNG. Programs (Windows, Linux, macOS executables, scripts) are reported as
// such so that the user is told why a "PDF" was refused.
func DetectType(head []byte) (string, error) {
	switch {
	case len(head) == 0:
		return "", ErrEmptyFile
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return TypePDF, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return TypeJPEG, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG, nil
	case bytes.HasPrefix(head, []byte("MZ")), // Windows PE
		bytes.HasPrefix(head, []byte("\x7fELF")),              // Linux
		bytes.HasPrefix(head, []byte{0xCF, 0xFA, 0xED, 0xFE}), // Mach-O 64
		bytes.HasPrefix(head, []byte{0xCE, 0xFA, 0xED, 0xFE}), // Mach-O 32
		bytes.HasPrefix(head, []byte{0xCA, 0xFE, 0xBA, 0xBE}), // Mach-O universal, Java class
		bytes.HasPrefix(head, []byte("#!")):                   // script
		return "", ErrExecutable
	}
	return "", ErrUnknownType
}

// pdfActive are the PDF names that launch programs or run scripts when the file is opened,
// or carry files: a name is active when it is one of these, or starts with one of those of
// pdfActivePrefix (EmbeddedFiles, JavaScriptFoo).
var (
	pdfActive       = []string{"JS", "JavaScript", "Launch", "EmbeddedFile"}
	pdfActivePrefix = []string{"JavaScript", "Launch", "EmbeddedFile"}
)

// CheckPDF refuses a PDF that carries scripts, launch actions or embedded files (a
// budget or statutes need none of them). Every name of the file is read as a reader reads
// it, its #xx escapes decoded (/J#61vaScript is /JavaScript, /J#53 is /JS), wherever it
// stands. Names inside compressed object streams are not seen: this is a guard against the
// obvious, the reader's own protections do the rest.
func CheckPDF(data []byte) error {
	for i := 0; i < len(data); i++ {
		if data[i] != '/' {
			continue
		}
		name, end := pdfName(data, i+1)
		if pdfActiveName(name) {
			return ErrActivePDF
		}
		i = end - 1
	}
	return nil
}

// pdfActiveName reports whether a decoded name is one CheckPDF refuses.
func pdfActiveName(name []byte) bool {
	for _, n := range pdfActive {
		if string(name) == n {
			return true
		}
	}
	for _, n := range pdfActivePrefix {
		if bytes.HasPrefix(name, []byte(n)) {
			return true
		}
	}
	return false
}

// pdfName reads the name that starts at data[start] (just after its '/'), up to the next
// white-space or delimiter, and returns it with each #xx (two hexadecimal digits) decoded,
// and the index where it ends. A '#' not followed by two hexadecimal digits is kept as it is.
func pdfName(data []byte, start int) (name []byte, end int) {
	end = start
	for end < len(data) && !pdfDelimiter(data[end]) {
		end++
	}
	raw := data[start:end]
	if bytes.IndexByte(raw, '#') < 0 {
		return raw, end
	}
	name = make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if raw[i] == '#' && i+2 < len(raw) && isHex(raw[i+1]) && isHex(raw[i+2]) {
			name = append(name, unhex(raw[i+1])<<4|unhex(raw[i+2]))
			i += 2
			continue
		}
		name = append(name, raw[i])
	}
	return name, end
}

// pdfDelimiter reports whether c ends a name: white-space or a delimiter of PDF's syntax.
func pdfDelimiter(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ', '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// Image limits: a decoded image is held in memory (4 bytes a pixel for a photo), so its
// pixel count is read from the header and checked before decoding (a small file can claim a
// huge image: a 7000 × 7000 PNG of one colour weighs a few hundred kilobytes); what is kept is
// scaled down to MaxImageSide. At most MaxImageWork images are decoded at once, whoever sends
// them: 40 million pixels take 160 MB decoded, so two at a time bound the memory.
const (
	MaxImagePixels = 40_000_000
	MaxImageSide   = 2400
	MaxImageWork   = 2
)

// PixelsError is the refusal of an image over MaxImagePixels, with its size as its header
// gives it. It is ErrTooManyPix.
type PixelsError struct{ Width, Height int }

func (e *PixelsError) Error() string {
	return fmt.Sprintf("image has too many pixels (%d × %d)", e.Width, e.Height)
}

// Is makes a PixelsError match ErrTooManyPix.
func (e *PixelsError) Is(target error) bool { return target == ErrTooManyPix }

// imageSlots is the semaphore of the images being decoded.
var imageSlots = make(chan struct{}, MaxImageWork)

// CheckImage reads the image's header only: its format must be the detected type and its
// size within MaxImagePixels. It never decodes the pixels.
func CheckImage(data []byte, contentType string) (image.Config, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return cfg, ErrBadImage
	}
	if (format == "jpeg") != (contentType == TypeJPEG) || (format == "png") != (contentType == TypePNG) {
		return cfg, ErrBadImage
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return cfg, ErrBadImage
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return cfg, &PixelsError{Width: cfg.Width, Height: cfg.Height}
	}
	return cfg, nil
}

// Reencode decodes an image and encodes it again in the same format, scaled down to
// MaxImageSide: this drops EXIF (location, camera), comments and any data hidden after the
// image, and proves that the file is an image. The header is checked first (CheckImage);
// then it waits for one of the MaxImageWork slots, or for ctx's end.
func Reencode(ctx context.Context, data []byte, contentType string) ([]byte, error) {
	if _, err := CheckImage(data, contentType); err != nil {
		return nil, err
	}
	select {
	case imageSlots <- struct{}{}:
		defer func() { <-imageSlots }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, ErrBadImage
	}
	img = shrink(img, MaxImageSide)
	var out bytes.Buffer
	switch contentType {
	case TypeJPEG:
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 85})
	default:
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img)
	}
	if err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// shrink scales img down (box filter) so that neither side exceeds max; a smaller image is
// returned as it is.
func shrink(img image.Image, max int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= max && h <= max {
		return img
	}
	nw, nh := max, h*max/w
	if h > w {
		nw, nh = w*max/h, max
	}
	return resample(img, maxInt(nw, 1), maxInt(nh, 1))
}

// resample scales img down to nw × nh by area averaging (a box filter whose box is the
// source area of each output pixel): every source pixel counts, so nothing aliases, which is
// what a reduction needs. Enlarging is never asked of it.
func resample(img image.Image, nw, nh int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewRGBA(image.Rect(0, 0, nw, nh))
	// RGBA64At (every image type of the standard library has it) returns a value, where At
	// returns an interface, allocated for each pixel: three to four times as fast on a photo.
	at := func(x, y int) (r, g, b, a uint32) { return img.At(x, y).RGBA() }
	if im, ok := img.(image.RGBA64Image); ok {
		at = func(x, y int) (r, g, b, a uint32) {
			c := im.RGBA64At(x, y)
			return uint32(c.R), uint32(c.G), uint32(c.B), uint32(c.A)
		}
	}
	for y := 0; y < nh; y++ {
		y0, y1 := b.Min.Y+y*h/nh, b.Min.Y+(y+1)*h/nh
		y1 = maxInt(y1, y0+1)
		for x := 0; x < nw; x++ {
			x0, x1 := b.Min.X+x*w/nw, b.Min.X+(x+1)*w/nw
			x1 = maxInt(x1, x0+1)
			var r, g, bl, a, n uint64
			for yy := y0; yy < y1; yy++ {
				for xx := x0; xx < x1; xx++ {
					cr, cg, cb, ca := at(xx, yy)
					r, g, bl, a, n = r+uint64(cr), g+uint64(cg), bl+uint64(cb), a+uint64(ca), n+1
				}
			}
			out.SetRGBA64(x, y, color.RGBA64{uint16(r / n), uint16(g / n), uint16(bl / n), uint16(a / n)})
		}
	}
	return out
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// CleanFilename keeps the base name of an uploaded file, printable and short, for the
// download's Content-Disposition; ext is forced to match the detected type.
func CleanFilename(name, contentType string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) || r == '"' || r == '/' {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimSuffix(name, path.Ext(name))
	if utf8.RuneCountInString(name) > 80 {
		name = string([]rune(name)[:80])
	}
	if name == "" || name == "." {
		name = "document"
	}
	switch contentType {
	case TypePDF:
		return name + ".pdf"
	case TypeJPEG:
		return name + ".jpg"
	case TypePNG:
		return name + ".png"
	}
	return name
}
