package dossier_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
)

var now = time.Date(2018, 5, 2, 10, 30, 0, 0, time.UTC)

func setup(t *testing.T, d *db.DB) (*campaign.Campaign, *access.Account) {
	ctx := context.Background()
	c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	if err := campaign.Insert(ctx, d, c, now); err != nil {
		t.Fatal(err)
	}
	acc, err := account.Create(ctx, d, "porteuse@exemple.fr", "Nadia", now)
	if err != nil {
		t.Fatal(err)
	}
	return c, acc
}

func sample(c *campaign.Campaign, structureID, accountID int64) *dossier.Dossier {
	return &dossier.Dossier{CampaignID: c.ID, StructureID: structureID, CategoryID: c.Categories[1].ID, CreatedBy: accountID,
		Title: "Ressourcerie mobile d'Hesdin", Summary: "Une ressourcerie qui va de village en village, à Hesdin et alentour.",
		Description: "Réparer, réemployer, former : l'économie circulaire près de chez soi.", Timeline: "Été : achat du camion.",
		Communes: []string{"62447", "62041"}, Answers: map[string]string{},
		Budget: dossier.Budget{
			Expenses: []dossier.Line{
				{Kind: dossier.Expense, Label: "Camion aménagé", AmountInput: "150 000", AmountCents: 150_000_00, Valid: true},
				{Kind: dossier.Expense, Label: "Salaires", AmountInput: "30 000", AmountCents: 30_000_00, Valid: true},
			},
			Fundings: []dossier.Line{
				{Kind: dossier.Funding, Source: dossier.SourceOwn, Label: "Fonds propres", AmountInput: "65 000", AmountCents: 65_000_00, Valid: true},
				{Kind: dossier.Funding, Source: dossier.SourcePublic, Label: "Région Hauts-de-France", AmountInput: "100 000", AmountCents: 100_000_00, Valid: true},
			},
		}}
}

func TestStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c, acc := setup(t, d)
		esus := time.Date(2017, 3, 1, 0, 0, 0, 0, time.UTC)
		st := &dossier.Structure{Name: "Réemploi & Cie", LegalForm: dossier.FormSCIC, ESUS: true, ESUSDate: &esus,
			SIRET: "73282932000074", SIREN: "732829320", Address: "3 rue de la Gare", Postcode: "62140", Commune: "62447"}
		if err := dossier.InsertStructure(ctx, d, st, acc.ID, now); err != nil {
			t.Fatal(err)
		}
		if ok, _ := dossier.IsMember(ctx, d, st.ID, acc.ID); !ok {
			t.Fatal("creator is not a member")
		}
		got, err := dossier.StructureByID(ctx, d, st.ID)
		if err != nil || got.Name != st.Name || got.ESUSDate == nil || !got.ESUSDate.Equal(esus) || got.LegalForm != dossier.FormSCIC {
			t.Fatalf("structure %+v, %v", got, err)
		}
		if _, err := dossier.StructureByID(ctx, d, 999); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("missing structure: %v", err)
		}

		// Questions keep their ids when kept in place.
		catID := c.Categories[1].ID
		if err := dossier.SetQuestions(ctx, d, catID, []string{"Quels marqueurs d'innovation sociale ?", "", "Quels partenaires ?"}); err != nil {
			t.Fatal(err)
		}
		qs, _ := dossier.Questions(ctx, d, catID)
		if len(qs[catID]) != 2 {
			t.Fatalf("questions %+v", qs)
		}
		first := qs[catID][0].ID
		if err := dossier.SetQuestions(ctx, d, catID, []string{"Quels marqueurs d'innovation sociale ?"}); err != nil {
			t.Fatal(err)
		}
		qs, _ = dossier.Questions(ctx, d, catID)
		if len(qs[catID]) != 1 || qs[catID][0].ID != first {
			t.Fatalf("questions after edit %+v", qs)
		}

		ds := sample(c, st.ID, acc.ID)
		ds.Answers[dossier.QuestionKey(first)] = "Hybridation des ressources."
		cat, _ := c.Category(ds.CategoryID)
		ds.SupportCents = cat.Rule.Support(ds.TotalCostCents())
		if err := dossier.Insert(ctx, d, ds, now); err != nil {
			t.Fatal(err)
		}
		back, err := dossier.ByID(ctx, d, ds.ID)
		if err != nil {
			t.Fatal(err)
		}
		if back.State != dossier.StateDraft || back.SupportCents != 15_000_00 || back.TotalCostCents() != 180_000_00 ||
			len(back.Budget.Fundings) != 2 || back.Budget.Fundings[1].Source != dossier.SourcePublic ||
			back.Answers[dossier.QuestionKey(first)] == "" || len(back.Communes) != 2 || back.StructureName != st.Name {
			t.Fatalf("read back %+v", back)
		}
		if bal := dossier.BalanceOf(back.Budget, cat.Rule); !bal.Balanced() {
			t.Errorf("sample not balanced: %+v", bal)
		}

		// An unreadable amount is kept as typed.
		back.Budget.Expenses[1] = dossier.Line{Kind: dossier.Expense, Label: "Salaires", AmountInput: "trente mille"}
		if err := dossier.Save(ctx, d, back, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		again, _ := dossier.ByID(ctx, d, ds.ID)
		if again.Budget.Expenses[1].AmountInput != "trente mille" || again.Budget.Expenses[1].Valid {
			t.Errorf("line kept %+v", again.Budget.Expenses[1])
		}
		again.Budget = ds.Budget
		if err := dossier.Save(ctx, d, again, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}

		// Documents: one per kind; a new one replaces the old and returns its key.
		doc := &dossier.Document{DossierID: ds.ID, Kind: dossier.DocStatutes, BlobKey: dossier.NewBlobKey(), Filename: "statuts.pdf",
			ContentType: dossier.TypePDF, Size: 10, SHA256: strings.Repeat("a", 64), UploadedBy: acc.ID, UploadedAt: now}
		if old, err := dossier.PutDocument(ctx, d, doc); err != nil || old != "" {
			t.Fatalf("put: %q %v", old, err)
		}
		first2 := doc.BlobKey
		doc2 := *doc
		doc2.BlobKey = dossier.NewBlobKey()
		if old, err := dossier.PutDocument(ctx, d, &doc2); err != nil || old != first2 {
			t.Fatalf("replace: %q %v", old, err)
		}
		docs, _ := dossier.Documents(ctx, d, ds.ID)
		if len(docs) != 1 || docs[0].BlobKey != doc2.BlobKey {
			t.Fatalf("documents %+v", docs)
		}

		// Submission is a guarded state change.
		if err := dossier.MarkSubmitted(ctx, d, ds.ID, now.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := dossier.MarkSubmitted(ctx, d, ds.ID, now.Add(3*time.Hour)); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("second submission: %v", err)
		}
		list, err := dossier.List(ctx, d, dossier.Filter{CampaignID: c.ID, State: dossier.StateSubmitted, AccountID: acc.ID, WithLines: true})
		if err != nil || len(list) != 1 || list[0].SubmittedAt == nil || len(list[0].Budget.Expenses) != 2 {
			t.Fatalf("list %+v %v", list, err)
		}
		if l, _ := dossier.List(ctx, d, dossier.Filter{CampaignID: c.ID, LegalForm: dossier.FormAssociation}); len(l) != 0 {
			t.Errorf("legal form filter: %d", len(l))
		}
		totals, err := dossier.TotalsByCategory(ctx, d, c.ID, dossier.StateSubmitted)
		if err != nil || totals[catID].Count != 1 || totals[catID].SupportCents != 15_000_00 {
			t.Errorf("totals %+v %v", totals, err)
		}
		until := now.Add(48 * time.Hour)
		if err := dossier.SetExtension(ctx, d, ds.ID, &until, now); err != nil {
			t.Fatal(err)
		}
		if x, _ := dossier.ByID(ctx, d, ds.ID); x.ExtendedUntil == nil || !x.ExtendedUntil.Equal(until) {
			t.Errorf("extension %v", x.ExtendedUntil)
		}

		if d.Dialect == db.SQLite {
			checkReceiptAndExports(t, c, st, list[0], qs[catID], docs)
		}
	})
}

func checkReceiptAndExports(t *testing.T, c *campaign.Campaign, st *dossier.Structure, d dossier.Dossier, qs []dossier.Question, docs []dossier.Document) {
	cat, _ := c.Category(d.CategoryID)
	names := map[string]string{"62447": "Hesdin", "62041": "Arras"}
	pdf, err := dossier.Receipt{Lang: i18n.FR, Campaign: c, Category: cat, Dossier: &d, Structure: st, Questions: qs, Documents: docs,
		CommuneName: func(code string) string { return names[code] }}.PDF()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	text := pdfText(t, pdf)
	// Submitted at 12:30 UTC: 14:30 in Paris (summer time).
	for _, want := range []string{"Récépissé de dépôt", "Réemploi & Cie", "Société coopérative d'intérêt collectif", "73282932000074",
		"Ressourcerie mobile d'Hesdin", "Hesdin, Arras", "2 mai 2018 à 14 h 30 (Europe/Paris)", "15 000 €",
		"10 % de 180 000 € = 18 000 €, plafonné à 15 000 €", "Quels marqueurs d'innovation sociale ?", "statuts.pdf", "agrément ESUS du 1er mars 2017"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, text)
		}
	}

	table := dossier.BuildTable(dossier.ExportInput{Lang: i18n.FR, Campaign: c, Dossiers: []dossier.Dossier{d},
		Structures: map[int64]*dossier.Structure{st.ID: st}})
	csv, err := table.CSV()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(csv, []byte("\uFEFFN°;Catégorie;État;")) || !bytes.Contains(csv, []byte(";180000;65000;100000;")) ||
		!bytes.Contains(csv, []byte(";15000;oui;")) {
		t.Errorf("csv:\n%s", csv)
	}
	x, err := table.XLSX("Dossiers")
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(x))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Dossiers")
	if err != nil || len(rows) != 2 || rows[0][1] != "Catégorie" || rows[1][3] != "Réemploi & Cie" {
		t.Fatalf("xlsx rows %v %v", rows, err)
	}
	v, err := f.GetCellValue("Dossiers", "U2", excelize.Options{RawCellValue: true})
	if err != nil || (v != "15000" && v != "15000.00") {
		t.Errorf("support cell %q %v", v, err)
	}
}

// pdfText extracts a PDF's text with pdftotext (poppler-utils), with spaces normalised.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		dbtest.SkipOrFail(t, "pdftotext (Debian package poppler-utils) is not installed: the PDF receipt cannot be read back")
	}
	p := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	s := strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(string(out))
	return strings.Join(strings.Fields(s), " ")
}

func TestLocalBlobs(t *testing.T) {
	ctx := context.Background()
	b := dossier.LocalBlobs{Dir: t.TempDir()}
	key := dossier.NewBlobKey()
	if err := b.Put(ctx, key, strings.NewReader("contenu")); err != nil {
		t.Fatal(err)
	}
	rc, err := b.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(rc)
	rc.Close()
	if buf.String() != "contenu" {
		t.Errorf("got %q", buf.String())
	}
	if err := b.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(ctx, key); err != dossier.ErrNoBlob {
		t.Errorf("deleted blob: %v", err)
	}
	for _, bad := range []string{"../../etc/passwd", "", "zz" + key[2:]} {
		if err := b.Put(ctx, bad, strings.NewReader("x")); err == nil {
			t.Errorf("key %q accepted", bad)
		}
	}
}
