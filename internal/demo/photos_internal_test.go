package demo

import (
	"bytes"
	"context"
	"image/jpeg"
	"testing"
	"unicode/utf8"

	"budgetcitoyen/internal/dossier"
)

// TestDemoPhotos: every project of the open ballot has a picture with a real description,
// and each width the catalogue may load (320 and 640 px) weighs under 40 KB.
func TestDemoPhotos(t *testing.T) {
	if len(demoPhotos) != len(currentBallot) {
		t.Fatalf("%d pictures for %d projects", len(demoPhotos), len(currentBallot))
	}
	seen := map[string]bool{}
	for i, p := range demoPhotos {
		if n := utf8.RuneCountInString(p.alt); n < 40 || n > dossier.MaxAlt || seen[p.alt] {
			t.Errorf("picture %d: description %q (%d characters, or repeated)", i, p.alt, n)
		}
		seen[p.alt] = true
		data, err := drawDemoPhoto(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		for _, w := range []int{320, 640} {
			out, _, _, err := dossier.PhotoVariant(context.Background(), data, w)
			if err != nil {
				t.Fatal(err)
			}
			if len(out) >= 40<<10 {
				t.Errorf("%q at %d px: %d bytes, over 40 KB", currentBallot[i].title, w, len(out))
			}
			t.Logf("%-40s %4d px: %5d bytes", currentBallot[i].title, w, len(out))
		}
	}
}
