package dossier

import (
	"budgetcitoyen/internal/apperr"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"
)

// bombPNG writes a black-and-white PNG of w × h pixels, all black: a few kilobytes for
// millions of pixels. It is written row by row, so making it holds no image in memory.
func bombPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		_ = binary.Write(&out, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(kind))
		crc.Write(data)
		out.WriteString(kind)
		out.Write(data)
		_ = binary.Write(&out, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 1, 0 // 1 bit a pixel, grey
	chunk("IHDR", ihdr)
	var idat bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&idat, zlib.BestCompression)
	row := make([]byte, 1+(w+7)/8) // filter byte, then the pixels
	for y := 0; y < h; y++ {
		if _, err := zw.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

// holdSlots takes every image slot, as if MaxImageWork images were being decoded, until the
// returned function gives them back.
func holdSlots(t *testing.T) (release func()) {
	t.Helper()
	for i := 0; i < MaxImageWork; i++ {
		imageSlots <- struct{}{}
	}
	var done bool
	release = func() {
		if done {
			return
		}
		done = true
		for i := 0; i < MaxImageWork; i++ {
			<-imageSlots
		}
	}
	t.Cleanup(release)
	return release
}

// The 7000 × 7000 PNG of the report (a few kilobytes here) is refused from its header, with
// its size, before any decoding: with every decoding slot taken, the refusal still comes at
// once, where a decoding would wait.
func TestImageOverBudgetRefusedBeforeDecoding(t *testing.T) {
	bomb := bombPNG(t, 7000, 7000)
	if len(bomb) > 64<<10 {
		t.Fatalf("bomb of %d bytes", len(bomb))
	}
	holdSlots(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := Reencode(ctx, bomb, TypePNG)
	var pix *PixelsError
	if !errors.As(err, &pix) || pix.Width != 7000 || pix.Height != 7000 || !errors.Is(err, ErrTooManyPix) {
		t.Fatalf("7000 × 7000: %v", err)
	}
	// Just over and just within the budget, from the header alone.
	if _, err := CheckImage(bombPNG(t, 8000, 5001), TypePNG); !errors.Is(err, ErrTooManyPix) {
		t.Errorf("8000 × 5001: %v", err)
	}
	if _, err := CheckImage(bombPNG(t, 8000, 5000), TypePNG); err != nil {
		t.Errorf("8000 × 5000 (the budget): %v", err)
	}
	// The refusal through the command names the size and the budget.
	_, _, err = checkFile(ctx, UploadInput{Kind: DocPhoto, Data: bomb, Lang: "fr"})
	ae, ok := apperr.As(err)
	if !ok || ae.Fields["file"].Key != "dossier.upload.image_pixels" || fmt.Sprint(ae.Fields["file"].Args...) != fmt.Sprint("7\u202f000", "7\u202f000", 40) {
		t.Errorf("checkFile: %v", err)
	}
}

// At most MaxImageWork images are decoded at once: another waits for a slot, and gives up
// when its request ends.
func TestImageWorkIsCapped(t *testing.T) {
	small := pngOf(t, image.NewGray(image.Rect(0, 0, 20, 10)))
	release := holdSlots(t)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := Reencode(ctx, small, TypePNG); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("with every slot taken: %v", err)
	}
	_, _, err := checkFile(ctx, UploadInput{Kind: DocPhoto, Data: small, Lang: "fr"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("checkFile with every slot taken: %v", err)
	}

	done := make(chan error, 1)
	go func() {
		_, err := Reencode(context.Background(), small, TypePNG)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("decoded without a slot: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	release()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still waiting once the slots are free")
	}
}

func pngOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzReencode: whatever the bytes, the image check never panics, refuses what its header
// says is over the budget before decoding, and what it accepts is an image of the detected
// format, within MaxImageSide.
func FuzzReencode(f *testing.F) {
	var jpg bytes.Buffer
	rgba := image.NewRGBA(image.Rect(0, 0, 30, 20))
	for i := range rgba.Pix {
		rgba.Pix[i] = byte(i * 7)
	}
	_ = jpeg.Encode(&jpg, rgba, nil)
	pal := image.NewPaletted(image.Rect(0, 0, 9, 9), color.Palette{color.Black, color.White, color.Gray{128}})
	deep := image.NewNRGBA64(image.Rect(0, 0, 3, 2))
	for _, seed := range [][]byte{
		pngOf(f, image.NewGray(image.Rect(0, 0, 10, 10))),
		pngOf(f, rgba), pngOf(f, pal), pngOf(f, deep), jpg.Bytes(),
		bombPNG(f, 7000, 7000), bombPNG(f, 2401, 3),
		[]byte("\x89PNG\r\n\x1a\n"), []byte("\xff\xd8\xff\xe0"),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ct, err := DetectType(b)
		if err != nil || ct == TypePDF {
			return
		}
		cfg, cerr := CheckImage(b, ct)
		out, err := Reencode(context.Background(), b, ct)
		if errors.Is(cerr, ErrTooManyPix) != errors.Is(err, ErrTooManyPix) {
			t.Fatalf("header %v, re-encoding %v", cerr, err)
		}
		if cerr != nil && err == nil {
			t.Fatalf("header refused (%v), image accepted", cerr)
		}
		if err != nil {
			return
		}
		if int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
			t.Fatalf("%d × %d accepted", cfg.Width, cfg.Height)
		}
		got, format, err := image.DecodeConfig(bytes.NewReader(out))
		if err != nil || "image/"+format != ct {
			t.Fatalf("re-encoded %q as %s: %v", ct, format, err)
		}
		if got.Width > MaxImageSide || got.Height > MaxImageSide || got.Width < 1 || got.Height < 1 {
			t.Fatalf("re-encoded %d × %d", got.Width, got.Height)
		}
	})
}

// The active names of the report, written with #xx escapes, are refused like the plain ones;
// names that only look like them are not.
func TestCheckPDFEscapedNames(t *testing.T) {
	for _, tc := range []struct {
		pdf    string
		active bool
	}{
		{"/J#61vaScript", true},
		{"/L#61unch", true},
		{"/J#53 (app.alert(1))", true},
		{"/J#53(app.alert(1))", true},
		{"/J#53<6170703d31>", true},
		{"/#4a#53 1 0 R", true},
		{"/#4A#61#76#61#53#63#72#69#70#74", true},
		{"/EmbeddedFile#73", true},
		{"/Launc#68", true},
		{"/S/Launch/F(calc.exe)", true},
		{"/JS\n(x)", true},
		{"<</JS 3 0 R>>", true},
		{"/AA<</O<</S/JavaScript>>>>", true},
		{"/JS", true},
		{"/JSON", false},
		{"/J#54", false},
		{"/J#5", false},
		{"/J#5G", false},
		{"/J#", false},
		{"/JavaScrip", false},
		{"/Type /Catalog /Pages 2 0 R", false},
		{"(JavaScript in a string, no name)", false},
		{"/Lau#6e#63h", true},
	} {
		pdf := "%PDF-1.7\n1 0 obj << " + tc.pdf + " >> endobj\n"
		if got := CheckPDF([]byte(pdf)) != nil; got != tc.active {
			t.Errorf("%q: refused %v, want %v", tc.pdf, got, tc.active)
		}
		// At the very end of the file too (a name ends at the end of the data).
		if got := CheckPDF([]byte(tc.pdf)) != nil; got != tc.active {
			t.Errorf("%q at the end: refused %v, want %v", tc.pdf, got, tc.active)
		}
	}
}

// escapeName writes name with the characters chosen by mask written as #xx (in upper or
// lower case hexadecimal, chosen by upper).
func escapeName(name string, mask, upper uint64) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		if mask>>(i%64)&1 == 1 {
			if upper>>(i%64)&1 == 1 {
				fmt.Fprintf(&b, "#%02X", name[i])
			} else {
				fmt.Fprintf(&b, "#%02x", name[i])
			}
			continue
		}
		b.WriteByte(name[i])
	}
	return b.String()
}

// FuzzCheckPDF: an active name, however escaped and wherever it stands, is refused; any bytes
// are checked without a panic, and a file holding an active name written plainly is refused.
func FuzzCheckPDF(f *testing.F) {
	f.Add([]byte("%PDF-1.4 /J#61vaScript"), uint8(0), uint64(0), uint64(0), []byte(" >>"), uint8(0))
	f.Add([]byte("%PDF-1.4 << /S "), uint8(1), uint64(2), uint64(0), []byte("(x)"), uint8(1))
	f.Add([]byte("/L#61unch"), uint8(2), uint64(0xff), uint64(0xf0), []byte(""), uint8(2))
	f.Add([]byte("/J#53"), uint8(3), uint64(1<<1), uint64(1), []byte("/F"), uint8(3))
	f.Add([]byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"), uint8(0), uint64(0), uint64(0), []byte("\n"), uint8(4))
	f.Add([]byte("/JS#"), uint8(1), uint64(1), uint64(1), []byte("#4"), uint8(5))
	f.Fuzz(func(t *testing.T, prefix []byte, which uint8, mask, upper uint64, suffix []byte, delim uint8) {
		// Any bytes: no panic; a plain active name (followed by a delimiter) is refused.
		err := CheckPDF(prefix)
		for _, n := range pdfActive {
			for _, d := range []string{" ", "(", "<", "/", "\n", "[", ">"} {
				if bytes.Contains(prefix, []byte("/"+n+d)) && err == nil {
					t.Fatalf("%q: /%s%s accepted", prefix, n, d)
				}
			}
		}
		// An active name, escaped as chosen, after any bytes and before a delimiter.
		names := append(append([]string{}, pdfActive...), "EmbeddedFiles", "JavaScriptX")
		name := names[int(which)%len(names)]
		delims := []byte("\t\n\r\f ()<>[]{}/%\x00")
		doc := append(append([]byte{}, prefix...), '/')
		doc = append(doc, escapeName(name, mask, upper)...)
		doc = append(doc, delims[int(delim)%len(delims)])
		doc = append(doc, suffix...)
		if CheckPDF(doc) == nil {
			t.Fatalf("%q accepted", doc)
		}
	})
}
