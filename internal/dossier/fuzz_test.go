package dossier

import (
	"context"
	"net/url"
	"testing"
	"unicode/utf8"

	"budgetcitoyen/internal/campaign"
)

func FuzzSIRET(f *testing.F) {
	for _, s := range []string{"73282932000074", "35600000049837", "732 829 320 00074", "W622012345", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := CleanIdent(s)
		if CheckSIRET(c) == nil {
			sum := 0
			for _, r := range c {
				sum += int(r - '0')
			}
			laPoste := c[:9] == LaPosteSIREN && sum%5 == 0
			if len(c) != 14 || !(luhn(c) && c[:9] != LaPosteSIREN || laPoste) {
				t.Fatalf("accepted %q", c)
			}
		}
		_ = CheckSIREN(c)
	})
}

func FuzzRNA(f *testing.F) {
	for _, s := range []string{"W622012345", "w 622 012 345", "W62201234", "Ŵ622012345"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := CleanIdent(s)
		if CheckRNA(c) == nil && (len(c) != 10 || c[0] != 'W') {
			t.Fatalf("accepted %q", c)
		}
	})
}

func FuzzParseBudget(f *testing.F) {
	f.Add("Matériel", "12 500,50 €", "Fonds propres", "own", "12500.5")
	f.Add("", "4,500", "x", "bogus", "-1")
	f.Add("a", "1e9", "b", "", "99999999999999999999")
	f.Fuzz(func(t *testing.T, l1, a1, l2, s2, a2 string) {
		v := url.Values{ExpenseField(0, "label"): {l1}, ExpenseField(0, "amount"): {a1},
			FundingField(5, "label"): {l2}, FundingField(5, "source"): {s2}, FundingField(5, "amount"): {a2}}
		b, fe := ParseBudget(v)
		for _, l := range append(append([]Line{}, b.Expenses...), b.Fundings...) {
			if l.Valid && (l.AmountCents < 0 || l.AmountCents > campaign.MaxMoneyCents) {
				t.Fatalf("amount %d accepted", l.AmountCents)
			}
			if !l.Valid && len(fe) == 0 {
				t.Fatal("invalid line without an error")
			}
			if utf8.RuneCountInString(l.Label) > 200 {
				t.Fatal("label not bounded")
			}
		}
		bal := BalanceOf(b, rule10)
		if bal.SupportCents < 0 || bal.SupportCents > 15_000_00 {
			t.Fatalf("support %d", bal.SupportCents)
		}
	})
}

func FuzzDetectType(f *testing.F) {
	for _, s := range []string{"%PDF-1.7", "\xff\xd8\xff\xe0", "\x89PNG\r\n\x1a\n", "MZ", "\x7fELF", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ct, err := DetectType(b)
		if err == nil && ct != TypePDF && ct != TypeJPEG && ct != TypePNG {
			t.Fatalf("type %q", ct)
		}
		if err == nil && ct != TypePDF {
			// Whatever the bytes, re-encoding never panics and never accepts a non-image.
			if out, err := Reencode(context.Background(), b, ct); err == nil && len(out) == 0 {
				t.Fatal("empty image accepted")
			}
		}
		_ = CheckPDF(b)
	})
}
