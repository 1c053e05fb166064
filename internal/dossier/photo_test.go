package dossier_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/dossier"
)

// photoLike draws a w × h picture with what makes a photo heavy to encode: gradients, edges
// and sensor-like noise.
func photoLike(w, h int, alpha bool) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := r.IntN(24) - 12
			c := color.NRGBA{uint8(clamp(x*255/w + n)), uint8(clamp(y*255/h + n)), uint8(clamp((x+y)%97*2 + 40 + n)), 255}
			if (x/40+y/40)%2 == 0 {
				c.R /= 2
			}
			if alpha && x < w/4 {
				c.A = 0
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func clamp(v int) int { return max(0, min(255, v)) }

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 92}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withEXIF inserts an APP1 Exif segment carrying a GPS position and a camera serial number
// just after the JPEG's start-of-image marker, as a phone does.
func withEXIF(jpg []byte) []byte {
	payload := []byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08GPSLatitude 50.2910N GPSLongitude 2.7775E SerialNumber CAM-123456")
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

var metadataMarkers = []string{"Exif", "GPS", "CAM-123456", "50.2910"}

func TestPhotoVariant(t *testing.T) {
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, photoLike(500, 300, true)); err != nil {
		t.Fatal(err)
	}
	big := withEXIF(encodeJPEG(t, photoLike(2000, 1500, false)))
	if !bytes.Contains(big, []byte("GPSLatitude")) {
		t.Fatal("the test photo has no GPS data")
	}
	tests := []struct {
		name         string
		data         []byte
		width        int
		wantW, wantH int
		maxBytes     int // 0: no limit
		wantMetaGone bool
	}{
		{"4:3 photo with EXIF at 320", big, 320, 320, 240, 40 << 10, true},
		{"4:3 photo with EXIF at 640", big, 640, 640, 480, 40 << 10, true},
		{"4:3 photo with EXIF at 1280", big, 1280, 1280, 960, 0, true},
		{"narrow PNG with transparency at 320", pngBuf.Bytes(), 320, 320, 192, 40 << 10, true},
		{"narrow PNG never enlarged", pngBuf.Bytes(), 640, 500, 300, 0, true},
		{"portrait", encodeJPEG(t, photoLike(600, 900, false)), 320, 320, 480, 40 << 10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, w, h, err := dossier.PhotoVariant(context.Background(), tt.data, tt.width)
			if err != nil {
				t.Fatal(err)
			}
			cfg, format, err := image.DecodeConfig(bytes.NewReader(out))
			if err != nil || format != "jpeg" {
				t.Fatalf("output: %s %v", format, err)
			}
			if w != tt.wantW || h != tt.wantH || cfg.Width != w || cfg.Height != h {
				t.Errorf("size %d×%d (file %d×%d), want %d×%d", w, h, cfg.Width, cfg.Height, tt.wantW, tt.wantH)
			}
			if tt.maxBytes > 0 && len(out) > tt.maxBytes {
				t.Errorf("%d bytes, over %d", len(out), tt.maxBytes)
			}
			for _, m := range metadataMarkers {
				if bytes.Contains(out, []byte(m)) {
					t.Errorf("output keeps %q", m)
				}
			}
			if got, gw, _, _ := dossier.PhotoVariant(context.Background(), tt.data, tt.width); !bytes.Equal(got, out) || gw != w {
				t.Error("the same photo at the same width gives other bytes: its URL could not be cached")
			}
		})
	}
	if _, _, _, err := dossier.PhotoVariant(context.Background(), []byte("not an image"), 320); err == nil {
		t.Error("garbage accepted")
	}
}

// TestReencodeDropsEXIF: the upload's re-encoding (what is stored) already drops the GPS
// position, whatever the widths do later.
func TestReencodeDropsEXIF(t *testing.T) {
	in := withEXIF(encodeJPEG(t, photoLike(800, 600, false)))
	out, err := dossier.Reencode(context.Background(), in, dossier.TypeJPEG)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range metadataMarkers {
		if bytes.Contains(out, []byte(m)) {
			t.Errorf("stored photo keeps %q", m)
		}
	}
}

func TestPhotoSize(t *testing.T) {
	tests := []struct{ w0, h0, w, wantW, wantH int }{
		{1200, 800, 320, 320, 213},
		{1200, 800, 640, 640, 427},
		{1200, 800, 1280, 1200, 800},
		{300, 300, 320, 300, 300},
		{4000, 10, 320, 320, 1},
		{0, 0, 320, 320, 213},
	}
	for _, tt := range tests {
		if w, h := dossier.PhotoSize(tt.w0, tt.h0, tt.w); w != tt.wantW || h != tt.wantH {
			t.Errorf("PhotoSize(%d, %d, %d) = %d×%d, want %d×%d", tt.w0, tt.h0, tt.w, w, h, tt.wantW, tt.wantH)
		}
	}
}

// TestPhotoStore: the alternative text and the size are stored with the photo; the photo
// is public only once its dossier is on the ballot (or past it).
func TestPhotoStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c, acc := setup(t, d)
		st := &dossier.Structure{Name: "Les Jardins", LegalForm: dossier.FormAssociation, SIRET: "73282932000074",
			SIREN: "732829320", Address: "3 rue de la Gare", Postcode: "62140", Commune: "62447"}
		if err := dossier.InsertStructure(ctx, d, st, acc.ID, now); err != nil {
			t.Fatal(err)
		}
		ds := sample(c, st.ID, acc.ID)
		if err := dossier.Insert(ctx, d, ds, now); err != nil {
			t.Fatal(err)
		}
		doc := &dossier.Document{DossierID: ds.ID, Kind: dossier.DocPhoto, BlobKey: dossier.NewBlobKey(), Filename: "photo.jpg",
			ContentType: dossier.TypeJPEG, Size: 10, SHA256: strings.Repeat("b", 64), UploadedBy: acc.ID, UploadedAt: now,
			AltText: "Des bénévoles dans un jardin partagé", Width: 1200, Height: 800}
		if _, err := dossier.PutDocument(ctx, d, doc); err != nil {
			t.Fatal(err)
		}
		back, err := dossier.DocumentByID(ctx, d, ds.ID, doc.ID)
		if err != nil || back.AltText != doc.AltText || back.Width != 1200 || back.Height != 800 {
			t.Fatalf("read back %+v %v", back, err)
		}
		// A draft's photo is not public.
		if _, err := dossier.PublicPhoto(ctx, d, c.ID, doc.ID); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("draft's photo: %v", err)
		}
		for _, step := range [][2]dossier.State{{dossier.StateDraft, dossier.StateSubmitted}, {dossier.StateSubmitted, dossier.StateUnderReview},
			{dossier.StateUnderReview, dossier.StateLabelled}} {
			if err := dossier.SetState(ctx, d, ds.ID, step[0], step[1], now); err != nil {
				t.Fatal(err)
			}
			if _, err := dossier.PublicPhoto(ctx, d, c.ID, doc.ID); !apperr.IsKind(err, apperr.NotFound) {
				t.Errorf("photo of a dossier %s: %v", step[1], err)
			}
		}
		if err := dossier.SetState(ctx, d, ds.ID, dossier.StateLabelled, dossier.StateBallot, now); err != nil {
			t.Fatal(err)
		}
		pub, err := dossier.PublicPhoto(ctx, d, c.ID, doc.ID)
		if err != nil || pub.BlobKey != doc.BlobKey || pub.AltText != doc.AltText {
			t.Fatalf("ballot project's photo: %+v %v", pub, err)
		}
		// Another campaign's id, or another kind of document, is not found.
		if _, err := dossier.PublicPhoto(ctx, d, c.ID+1000, doc.ID); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("other campaign: %v", err)
		}
		statutes := &dossier.Document{DossierID: ds.ID, Kind: dossier.DocStatutes, BlobKey: dossier.NewBlobKey(), Filename: "s.pdf",
			ContentType: dossier.TypePDF, Size: 10, SHA256: strings.Repeat("c", 64), UploadedAt: now}
		if _, err := dossier.PutDocument(ctx, d, statutes); err != nil {
			t.Fatal(err)
		}
		if _, err := dossier.PublicPhoto(ctx, d, c.ID, statutes.ID); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("statutes served as a photo: %v", err)
		}
	})
}
