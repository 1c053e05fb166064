package dossier

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/i18n"
)

func TestSIRET(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"73282932000074", nil},
		{"44306184100047", nil},
		{"73282932000075", ErrIdentCheck}, // wrong check digit
		{"7328293200007", ErrIdentLength},
		{"732829320000744", ErrIdentLength},
		{"7328293200007A", ErrIdentDigits},
		{"", ErrIdentLength},
		// La Poste: the digit sum is a multiple of 5, Luhn does not apply.
		{"35600000049837", nil},           // fails Luhn, passes La Poste's rule
		{"35600000000001", nil},           // idem
		{"35600000000048", ErrIdentCheck}, // passes Luhn, fails La Poste's rule
		{"35600000000002", ErrIdentCheck},
	} {
		if got := CheckSIRET(tc.in); got != tc.want {
			t.Errorf("CheckSIRET(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if got := CleanIdent(" 732 829 320\u00a000074 "); got != "73282932000074" {
		t.Errorf("CleanIdent = %q", got)
	}
}

func TestSIREN(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"732829320", nil}, {"443061841", nil}, {"356000000", nil},
		{"732829321", ErrIdentCheck}, {"73282932", ErrIdentLength}, {"73282932X", ErrIdentDigits},
	} {
		if got := CheckSIREN(tc.in); got != tc.want {
			t.Errorf("CheckSIREN(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestRNA(t *testing.T) {
	for in, ok := range map[string]bool{
		"W622012345": true, "W000000000": true,
		"w622012345": false, "W62201234": false, "W6220123456": false, "X622012345": false, "W62201234A": false, "": false,
		"W2A2012345": false, // letters are not used in Pas-de-Calais numbers
	} {
		if got := CheckRNA(in) == nil; got != ok {
			t.Errorf("CheckRNA(%q) ok = %v, want %v", in, got, ok)
		}
	}
}

func TestLegalForms(t *testing.T) {
	ess := 0
	for _, f := range LegalForms() {
		if g, ok := ParseLegalForm(string(f)); !ok || g != f {
			t.Errorf("ParseLegalForm(%q)", f)
		}
		if f.ESS() {
			ess++
			if f.RefusalKey() != "" {
				t.Errorf("%s: ESS form with a refusal", f)
			}
		} else if !strings.HasPrefix(f.RefusalKey(), "dossier.form_refused.") || T(i18n.FR, f.RefusalKey()) == "⟦"+f.RefusalKey()+"⟧" {
			t.Errorf("%s: no refusal reason in the catalog", f)
		}
		if T(i18n.FR, f.MessageKey()) == "⟦"+f.MessageKey()+"⟧" {
			t.Errorf("%s: no name in the catalog", f)
		}
	}
	if ess != 8 {
		t.Errorf("%d ESS forms, want 8 (association, SCOP, SCIC, CAE, cooperative, mutual, foundation, ESS company)", ess)
	}
	if _, ok := ParseLegalForm("sarl"); ok {
		t.Error("unknown form parsed")
	}
}

func structureForm(kv ...string) url.Values {
	v := url.Values{"name": {"Les Jardins du Ternois"}, "legal_form": {"association"}, "siret": {"732 829 320 00074"},
		"address": {"3 rue de la Gare"}, "commune": {"Arras"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func TestParseStructure(t *testing.T) {
	today := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	s, fe := ParseStructure(structureForm(), today)
	if len(fe) != 0 || s.SIRET != "73282932000074" || s.SIREN != "732829320" {
		t.Fatalf("valid structure: %+v %v", s, fe)
	}
	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
		key   string
	}{
		{"wrong check digit", structureForm("siret", "73282932000075"), FieldSIRET, "dossier.structure.siret_check"},
		{"non-ESS form", structureForm("legal_form", "societe"), FieldLegalForm, "dossier.form_refused.societe"},
		{"collective", structureForm("legal_form", "collectif"), FieldLegalForm, "dossier.form_refused.collectif"},
		{"SCOP without SIRET", structureForm("legal_form", "scop", "siret", ""), FieldSIRET, "dossier.structure.siret_required"},
		{"association without any number", structureForm("siret", ""), FieldSIRET, "dossier.structure.ident_association"},
		{"bad RNA", structureForm("rna", "W12"), FieldRNA, "dossier.structure.rna_format"},
		{"RNA of a SCIC", structureForm("legal_form", "scic", "rna", "W622012345"), FieldRNA, "dossier.structure.rna_association_only"},
		{"ESUS without date", structureForm("legal_form", "societe_ess", "esus", "1"), FieldESUSDate, "dossier.structure.esus_date_required"},
		{"ESUS in the future", structureForm("esus", "1", "esus_date", "2027-01-01"), FieldESUSDate, "dossier.structure.esus_future"},
	} {
		_, fe := ParseStructure(tc.form, today)
		if fe[tc.field].Key != tc.key {
			t.Errorf("%s: errors %v, want %s on %s", tc.name, fe, tc.key, tc.field)
		}
	}
	// A pre-2009 association with only its SIREN, another with only its RNA number.
	if _, fe := ParseStructure(structureForm("siret", "", "siren", "732829320"), today); len(fe) != 0 {
		t.Errorf("association with SIREN only: %v", fe)
	}
	if _, fe := ParseStructure(structureForm("siret", "", "rna", "w622012345"), today); len(fe) != 0 {
		t.Errorf("association with RNA only: %v", fe)
	}
	// ESUS lasts five years.
	s, _ = ParseStructure(structureForm("esus", "1", "esus_date", "2021-06-01"), today)
	if !s.ESUSExpired(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)) || s.ESUSExpired(time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC)) {
		t.Error("ESUS expiry")
	}
}

// The 2018 categories: flat 4 500 €, 10 % capped at 15 000 €, 20 % capped at 20 000 €.
var (
	ruleFlat = campaign.Flat(4_500_00)
	rule10   = campaign.Percent(1000, 15_000_00)
	rule20   = campaign.Percent(2000, 20_000_00)
)

func TestSupportAtTheCaps(t *testing.T) {
	for _, tc := range []struct {
		rule   campaign.SupportRule
		cost   int64
		want   int64
		capped bool
	}{
		{ruleFlat, 1_000_00, 4_500_00, false},
		{ruleFlat, 1_000_000_00, 4_500_00, false},
		// 10 % capped at 15 000 €: the cap is reached at 150 000 €.
		{rule10, 150_000_00, 15_000_00, false},
		{rule10, 149_999_99, 14_999_99, false},
		{rule10, 150_000_10, 15_000_00, true},
		{rule10, 180_000_00, 15_000_00, true},
		// 20 % capped at 20 000 €: the cap is reached at 100 000 €.
		{rule20, 100_000_00, 20_000_00, false},
		{rule20, 99_999_99, 19_999_99, false},
		{rule20, 100_000_05, 20_000_00, true},
	} {
		b := Budget{Expenses: []Line{{Kind: Expense, Label: "Tout", AmountCents: tc.cost, Valid: true}}}
		c := campaign.Category{Rule: tc.rule}
		got := Computation(c, b)
		if got.ResultCents != tc.want || got.Capped != tc.capped {
			t.Errorf("%+v on %d: got %d capped %v, want %d capped %v", tc.rule, tc.cost, got.ResultCents, got.Capped, tc.want, tc.capped)
		}
	}
	got := campaign.DescribeComputation(i18n.FR, Computation(campaign.Category{Rule: rule10},
		Budget{Expenses: []Line{{AmountCents: 180_000_00, Valid: true}}}))
	if !strings.Contains(strings.ReplaceAll(strings.ReplaceAll(got, "\u202f", " "), "\u00a0", " "), "10 % de 180 000 € = 18 000 €, plafonné à 15 000 €") {
		t.Errorf("computation text %q", got)
	}
}

func TestParseBudgetAndBalance(t *testing.T) {
	v := url.Values{
		ExpenseField(0, "label"): {"Matériel"}, ExpenseField(0, "amount"): {"12 500,50 €"},
		ExpenseField(1, "label"): {"Salaires"}, ExpenseField(1, "amount"): {"12500.5"},
		ExpenseField(3, "label"): {"Communication"}, ExpenseField(3, "amount"): {"12 500"},
		FundingField(0, "label"): {"Fonds propres"}, FundingField(0, "source"): {"own"}, FundingField(0, "amount"): {"30 001"},
	}
	b, fe := ParseBudget(v)
	if len(fe) != 0 || len(b.Expenses) != 3 || len(b.Fundings) != 1 {
		t.Fatalf("budget %+v, errors %v", b, fe)
	}
	if b.TotalExpenses() != 37_501_00 {
		t.Errorf("total %d", b.TotalExpenses())
	}
	// 10 % of 37 501 € = 3 750,10 €; 30 001 + 3 750,10 = 33 751,10 < 37 501: 3 749,90 € missing.
	bal := BalanceOf(b, rule10)
	if bal.Balanced() || bal.SupportCents != 3_750_10 || bal.GapCents != 3_749_90 {
		t.Errorf("balance %+v", bal)
	}
	b.Fundings[0].AmountCents = 33_750_90
	if bal := BalanceOf(b, rule10); !bal.Balanced() {
		t.Errorf("balanced budget reported %+v", bal)
	}
	// As typed: an unreadable amount is kept and flagged, a line without label is flagged.
	v = url.Values{
		ExpenseField(0, "label"): {"Matériel"}, ExpenseField(0, "amount"): {"douze"},
		ExpenseField(1, "amount"): {"100"},
		ExpenseField(2, "label"):  {"Ambigu"}, ExpenseField(2, "amount"): {"4,500"},
		ExpenseField(4, "label"): {"Négatif"}, ExpenseField(4, "amount"): {"-5"},
	}
	b, fe = ParseBudget(v)
	if len(b.Expenses) != 4 || b.Expenses[0].Valid || b.Expenses[0].AmountInput != "douze" || b.AllValid() {
		t.Errorf("kept lines %+v", b.Expenses)
	}
	want := map[string]string{ExpenseField(0, "amount"): "campaign.money.invalid", ExpenseField(1, "label"): "dossier.budget.label_required",
		ExpenseField(2, "amount"): "campaign.money.ambiguous", ExpenseField(4, "amount"): "campaign.amount.negative"}
	for f, k := range want {
		if fe[f].Key != k {
			t.Errorf("%s: %v, want %s", f, fe[f], k)
		}
	}
	// Round trip through the form.
	b2, _ := ParseBudget(BudgetValues(b))
	if len(b2.Expenses) != len(b.Expenses) || b2.Expenses[0].AmountInput != "douze" {
		t.Errorf("round trip %+v", b2)
	}
}

func completeFiling() Filing {
	d := &Dossier{Title: "Ressourcerie mobile", Summary: "Une ressourcerie qui va de village en village.",
		Description: "Description.", Timeline: "Septembre : achat du camion.", Communes: []string{"62041"},
		Answers: map[string]string{"7": "Oui."},
		Budget: Budget{
			Expenses: []Line{{Kind: Expense, Label: "Camion", AmountInput: "50 000", AmountCents: 50_000_00, Valid: true}},
			Fundings: []Line{{Kind: Funding, Source: SourceOwn, Label: "Fonds propres", AmountInput: "45 000", AmountCents: 45_000_00, Valid: true}},
		}}
	var docs []Document
	for _, k := range DocKinds() {
		docs = append(docs, Document{Kind: k})
	}
	return Filing{Dossier: d, Category: campaign.Category{Rule: rule10}, Questions: []Question{{ID: 7, Text: "Quels partenaires ?"}},
		Documents: docs, Structure: &Structure{LegalForm: FormAssociation}, Territory: "62", StructureDepartement: "62",
		Now: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}
}

func TestMissing(t *testing.T) {
	if m := Missing(completeFiling(), i18n.FR); len(m) != 0 {
		t.Fatalf("complete filing: %v", m)
	}
	keys := func(m []apperr.Message) string {
		var ks []string
		for _, x := range m {
			ks = append(ks, x.Key)
		}
		return strings.Join(ks, " ")
	}
	for _, tc := range []struct {
		name   string
		change func(f *Filing)
		want   string
	}{
		{"no title", func(f *Filing) { f.Dossier.Title = " " }, "dossier.missing.title"},
		{"long summary", func(f *Filing) { f.Dossier.Summary = strings.Repeat("é", MaxSummary+1) }, "dossier.missing.summary_long"},
		{"unanswered question", func(f *Filing) { f.Dossier.Answers = nil }, "dossier.missing.answer"},
		{"no commune", func(f *Filing) { f.Dossier.Communes = nil }, "dossier.missing.communes"},
		{"unbalanced", func(f *Filing) { f.Dossier.Budget.Fundings[0].AmountCents = 1 }, "dossier.missing.unbalanced"},
		{"unreadable amount", func(f *Filing) { f.Dossier.Budget.Expenses[0].Valid = false }, "dossier.missing.amounts"},
		{"no photo", func(f *Filing) { f.Documents = f.Documents[:3] }, "dossier.missing.document"},
		{"structure elsewhere", func(f *Filing) { f.StructureDepartement = "59" }, "dossier.missing.structure_territory"},
		{"non-ESS structure", func(f *Filing) { f.Structure.LegalForm = FormCompany }, "dossier.form_refused.societe"},
	} {
		f := completeFiling()
		tc.change(&f)
		if got := keys(Missing(f, i18n.FR)); got != tc.want {
			t.Errorf("%s: missing %q, want %q", tc.name, got, tc.want)
		}
	}
	// Every message exists in both languages.
	f := completeFiling()
	f.Dossier = &Dossier{}
	f.Documents = nil
	for _, m := range Missing(f, i18n.EN) {
		if s := T(i18n.EN, m.Key, m.Args...); strings.Contains(s, "⟦") || strings.Contains(s, "%!") {
			t.Errorf("message %s: %q", m.Key, s)
		}
	}
}

func TestDetectType(t *testing.T) {
	for _, tc := range []struct {
		head string
		want string
		err  error
	}{
		{"%PDF-1.7\n", TypePDF, nil},
		{"\xff\xd8\xff\xe0", TypeJPEG, nil},
		{"\x89PNG\r\n\x1a\n....", TypePNG, nil},
		{"MZ\x90\x00", "", ErrExecutable},
		{"\x7fELF\x02", "", ErrExecutable},
		{"#!/bin/sh\n", "", ErrExecutable},
		{"PK\x03\x04", "", ErrUnknownType},
		{"GIF89a", "", ErrUnknownType},
		{"", "", ErrEmptyFile},
	} {
		got, err := DetectType([]byte(tc.head))
		if got != tc.want || err != tc.err {
			t.Errorf("DetectType(%q) = %q, %v; want %q, %v", tc.head, got, err, tc.want, tc.err)
		}
	}
	if CheckPDF([]byte("%PDF-1.4 /OpenAction << /S /JavaScript /JS (app.alert(1)) >>")) == nil {
		t.Error("PDF with JavaScript accepted")
	}
	if CheckPDF([]byte("%PDF-1.4 1 0 obj << /Type /Catalog >> endobj")) != nil {
		t.Error("plain PDF refused")
	}
}

func TestReencodeStripsMetadataAndShrinks(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 3000, 1000))
	for x := 0; x < 3000; x++ {
		img.Set(x, x%1000, color.RGBA{200, 10, 10, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	// An EXIF segment (APP1) with a GPS marker, inserted after SOI.
	exif := append([]byte{0xFF, 0xE1, 0x00, 0x12}, []byte("Exif\x00\x00GPSLatit")...)
	data := append(append([]byte{0xFF, 0xD8}, exif...), buf.Bytes()[2:]...)
	out, err := Reencode(context.Background(), data, TypeJPEG)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("Exif")) || bytes.Contains(out, []byte("GPS")) {
		t.Error("metadata kept")
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(out))
	if err != nil || cfg.Width != MaxImageSide || cfg.Height != MaxImageSide/3 {
		t.Errorf("re-encoded %dx%d, %v", cfg.Width, cfg.Height, err)
	}
	// A PNG claimed as JPEG is refused; a PNG stays a PNG.
	buf.Reset()
	_ = png.Encode(&buf, image.NewGray(image.Rect(0, 0, 10, 10)))
	if _, err := Reencode(context.Background(), buf.Bytes(), TypeJPEG); err == nil {
		t.Error("PNG accepted as JPEG")
	}
	if out, err := Reencode(context.Background(), buf.Bytes(), TypePNG); err != nil || !bytes.HasPrefix(out, []byte("\x89PNG")) {
		t.Errorf("PNG: %v", err)
	}
	// A header claiming a huge image is refused before decoding.
	huge := image.NewGray(image.Rect(0, 0, 1, 1))
	buf.Reset()
	_ = png.Encode(&buf, huge)
	b := buf.Bytes()
	copy(b[16:24], []byte{0, 0, 0x40, 0, 0, 0, 0x40, 0}) // 16384 × 16384
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
	if _, err := Reencode(context.Background(), b, TypePNG); !errors.Is(err, ErrTooManyPix) {
		t.Errorf("huge image: %v", err)
	}
}

func TestCleanFilename(t *testing.T) {
	for in, want := range map[string]string{
		`C:\Users\x\Statuts 2024.PDF`: "Statuts 2024.pdf",
		"../../etc/passwd":            "passwd.pdf",
		"photo\".exe":                 "photo_.pdf",
		"":                            "document.pdf",
	} {
		if got := CleanFilename(in, TypePDF); got != want {
			t.Errorf("CleanFilename(%q) = %q, want %q", in, got, want)
		}
	}
}
