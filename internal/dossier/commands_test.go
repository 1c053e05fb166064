package dossier_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/territory"
)

// cmdFixture is a database with a campaign whose dossier phase is open at now, two carriers
// (Nadia, and Paul who acts for another structure), an agent, and the commands' environment.
type cmdFixture struct {
	t           *testing.T
	ctx         context.Context
	d           *db.DB
	env         dossier.Env
	blobDir     string
	c           *campaign.Campaign
	nadia, paul access.Actor
	agent       access.Actor
	citizen     access.Actor
}

var terr = func() *territory.Data {
	t, err := territory.Load()
	if err != nil {
		panic(err)
	}
	return t
}()

func newCmdFixture(t *testing.T, d *db.DB) *cmdFixture {
	t.Helper()
	ctx := context.Background()
	c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	c.ComptoirRequired = false
	if err := campaign.Insert(ctx, d, c, now); err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	f := &cmdFixture{t: t, ctx: ctx, d: d, c: c, blobDir: t.TempDir()}
	f.env = dossier.Env{Change: change.Env{DB: d, Now: func() time.Time { return now }},
		Mail: dossier.Mailer{Cat: cat, BaseURL: "https://budget.example.org"}, Blobs: dossier.LocalBlobs{Dir: f.blobDir},
		Territory: terr}
	f.nadia = f.person("nadia@exemple.fr", access.Carrier)
	f.paul = f.person("paul@exemple.fr", access.Carrier)
	f.agent = f.person("agent@exemple.fr", access.Agent)
	f.citizen = f.person("lucas@exemple.fr", access.Citizen)
	return f
}

// person creates an account with a global role and returns its actor.
func (f *cmdFixture) person(email string, role access.Role) access.Actor {
	f.t.Helper()
	a, err := account.Create(f.ctx, f.d, email, email, now)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := account.MarkVerified(f.ctx, f.d, a.ID, now); err != nil {
		f.t.Fatal(err)
	}
	if err := account.GrantRole(f.ctx, f.d, a.ID, role, nil, now); err != nil {
		f.t.Fatal(err)
	}
	return f.actor(a.ID)
}

func (f *cmdFixture) actor(id int64) access.Actor {
	f.t.Helper()
	a, err := account.ByID(f.ctx, f.d, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return access.ActorFor(a)
}

// at is the environment at another time.
func (f *cmdFixture) at(t time.Time) dossier.Env {
	env := f.env
	env.Change.Now = func() time.Time { return t }
	return env
}

func structureOf(name string, form dossier.LegalForm) dossier.Structure {
	return dossier.Structure{Name: name, LegalForm: form, SIRET: "73282932000074", SIREN: "732829320",
		Address: "1 place de la Mairie", Postcode: "62000", Commune: "62041"}
}

// structure creates a structure for the person.
func (f *cmdFixture) structure(who access.Actor, name string, form dossier.LegalForm) *dossier.Structure {
	f.t.Helper()
	st, err := dossier.CreateStructure(f.ctx, f.env, change.By(who), dossier.StructureInput{Structure: structureOf(name, form)})
	if err != nil {
		f.t.Fatal(err)
	}
	return st
}

// draft creates a structure and a dossier for the person, with its presentation and budget.
func (f *cmdFixture) draft(who access.Actor) *dossier.Dossier {
	f.t.Helper()
	st := f.structure(who, "Association Ressourcerie", dossier.FormAssociation)
	d, err := dossier.Create(f.ctx, f.env, change.By(who), dossier.CreateInput{Campaign: f.c, StructureID: st.ID, CategoryID: f.c.Categories[1].ID})
	if err != nil {
		f.t.Fatal(err)
	}
	s := sample(f.c, st.ID, who.ID())
	for _, in := range []dossier.SaveInput{
		{Campaign: f.c, DossierID: d.ID, Step: dossier.StepPresentation, Presentation: dossier.Presentation{Title: s.Title,
			Summary: s.Summary, Description: s.Description, Timeline: s.Timeline, Communes: s.Communes}},
		{Campaign: f.c, DossierID: d.ID, Step: dossier.StepBudget, Budget: balanced(f.c.Categories[1])},
	} {
		if _, err := dossier.SaveStep(f.ctx, f.env, change.By(who), in); err != nil {
			f.t.Fatal(err)
		}
	}
	return d
}

// balanced is a budget of 180 000 € whose own funds close the gap left by the support.
func balanced(cat campaign.Category) dossier.Budget {
	b := dossier.Budget{Expenses: []dossier.Line{
		{Kind: dossier.Expense, Label: "Camion aménagé", AmountInput: "150 000", AmountCents: 150_000_00, Valid: true},
		{Kind: dossier.Expense, Label: "Salaires", AmountInput: "30 000", AmountCents: 30_000_00, Valid: true},
	}}
	own := b.TotalExpenses() - dossier.Support(cat, b)
	b.Fundings = []dossier.Line{{Kind: dossier.Funding, Source: dossier.SourceOwn, Label: "Fonds propres",
		AmountInput: campaign.MoneyInput(own), AmountCents: own, Valid: true}}
	return b
}

// pngFile is a small valid image, accepted for every kind of document.
func pngFile(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// documents uploads every required document.
func (f *cmdFixture) documents(who access.Actor, d *dossier.Dossier) {
	f.t.Helper()
	for _, k := range dossier.DocKinds() {
		_, err := dossier.Upload(f.ctx, f.env, change.By(who), dossier.UploadInput{Campaign: f.c, DossierID: d.ID, Kind: k,
			Filename: string(k) + ".png", Data: pngFile(f.t), Alt: "Un carré de couleur", Lang: i18n.FR})
		if err != nil {
			f.t.Fatal(err)
		}
	}
}

// snapshot is everything a dossier command may write. A refused command leaves it as it was.
func (f *cmdFixture) snapshot() string {
	f.t.Helper()
	var b strings.Builder
	b.WriteString(dbtest.Snapshot(f.t, f.d,
		"SELECT CAST(COUNT(*) AS TEXT) FROM audit_log",
		"SELECT to_addr || ' ' || subject FROM outbox ORDER BY id",
		`SELECT CAST(id AS TEXT) || ' ' || state || ' ' || title || ' ' || summary || ' ' || CAST(structure_id AS TEXT) || ' ' ||
			CAST(category_id AS TEXT) || ' ' || CAST(support_cents AS TEXT) || ' ' || communes || ' ' ||
			COALESCE(CAST(extended_until AS TEXT), '-') FROM dossiers ORDER BY id`,
		"SELECT CAST(dossier_id AS TEXT) || ' ' || kind || ' ' || label || ' ' || CAST(amount_cents AS TEXT) FROM dossier_lines ORDER BY dossier_id, kind, position",
		"SELECT CAST(dossier_id AS TEXT) || ' ' || kind || ' ' || blob_key FROM dossier_documents ORDER BY id",
		"SELECT CAST(id AS TEXT) || ' ' || name || ' ' || legal_form || ' ' || commune FROM structures ORDER BY id",
		"SELECT CAST(structure_id AS TEXT) || ' ' || CAST(account_id AS TEXT) FROM structure_members ORDER BY structure_id, account_id",
		"SELECT CAST(account_id AS TEXT) || ' ' || role FROM account_roles ORDER BY account_id, role",
		"SELECT CAST(category_id AS TEXT) || ' ' || text FROM category_questions ORDER BY id",
	))
	err := filepath.WalkDir(f.blobDir, func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			b.WriteString("blob " + e.Name() + "\n")
		}
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return b.String()
}

func lastAction(t *testing.T, d *db.DB) string {
	t.Helper()
	var a string
	if err := d.QueryRowContext(context.Background(), "SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").Scan(&a); err != nil {
		t.Fatal(err)
	}
	return a
}

// A carrier files a dossier from the first step to its submission: each command writes its
// audit entry, the support follows the budget, and the submission e-mails the structure's
// members, each in their language.
func TestCommandsFileADossier(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		ds := f.draft(f.nadia)
		if a := lastAction(t, d); a != "dossier.save.budget" {
			t.Errorf("last action %q", a)
		}
		got, err := dossier.ByID(f.ctx, d, ds.ID)
		if err != nil {
			t.Fatal(err)
		}
		cat := f.c.Categories[1]
		if got.SupportCents <= 0 || got.SupportCents != dossier.Support(cat, got.Budget) ||
			!dossier.BalanceOf(got.Budget, cat.Rule).Balanced() {
			t.Errorf("support %d for budget %+v", got.SupportCents, got.Budget)
		}
		// Incomplete (no documents): what is missing, and nothing written.
		before := f.snapshot()
		res, err := dossier.Submit(f.ctx, f.env, change.By(f.nadia), dossier.SubmitInput{Campaign: f.c, DossierID: ds.ID, Lang: i18n.FR})
		if !apperr.IsKind(err, apperr.Invalid) || len(res.Missing) != len(dossier.DocKinds()) {
			t.Fatalf("incomplete submission: %v, missing %v", err, res.Missing)
		}
		for _, m := range res.Missing {
			if m.Key != "dossier.missing.document" {
				t.Errorf("missing %v", m)
			}
		}
		if after := f.snapshot(); after != before {
			t.Errorf("refused submission wrote:\n%s\nwas:\n%s", after, before)
		}
		f.documents(f.nadia, ds)
		if a := lastAction(t, d); a != "dossier.document.put" {
			t.Errorf("last action %q", a)
		}
		res, err = dossier.Submit(f.ctx, f.env, change.By(f.nadia), dossier.SubmitInput{Campaign: f.c, DossierID: ds.ID, Lang: i18n.FR})
		if err != nil || res.Dossier.State != dossier.StateSubmitted || len(res.Missing) != 0 {
			t.Fatalf("submission: %v %+v", err, res)
		}
		if a := lastAction(t, d); a != "dossier.submit" {
			t.Errorf("last action %q", a)
		}
		var to, subject, body string
		if err := d.QueryRowContext(f.ctx, "SELECT to_addr, subject, body_text FROM outbox").Scan(&to, &subject, &body); err != nil {
			t.Fatal(err)
		}
		// The subject holds catalog text and the number only; the campaign's name, typed on
		// the site, is in the body.
		if to != "nadia@exemple.fr" || subject != "Dossier n° 1 déposé" || !strings.Contains(body, f.c.Name) {
			t.Errorf("acknowledgement to %s: %q", to, subject)
		}
		got, _ = dossier.ByID(f.ctx, d, ds.ID)
		if got.State != dossier.StateSubmitted || got.SubmittedAt == nil || !got.SubmittedAt.Equal(now) {
			t.Errorf("submitted dossier %s at %v", got.State, got.SubmittedAt)
		}
	})
}

// Every refusal leaves the database (and the blobs) as they were.
func TestCommandsRefuse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		ds := f.draft(f.nadia)
		f.documents(f.nadia, ds)
		docs, err := dossier.Documents(f.ctx, d, ds.ID)
		if err != nil || len(docs) == 0 {
			t.Fatal(docs, err)
		}
		paulsOwn := f.structure(f.paul, "SCOP Paul", dossier.FormSCOP)
		notESS := f.structure(f.nadia, "SARL Nadia", dossier.FormCompany)
		submitted := f.draft(f.paul)
		f.documents(f.paul, submitted)
		if _, err := dossier.Submit(f.ctx, f.env, change.By(f.paul), dossier.SubmitInput{Campaign: f.c, DossierID: submitted.ID}); err != nil {
			t.Fatal(err)
		}
		w, _ := f.c.Window(campaign.PhaseDossiers)
		late := f.at(w.End.Add(time.Hour))
		comptoir := *f.c
		comptoir.ComptoirRequired = true
		cat := f.c.Categories[0].ID
		save := func(id int64) dossier.SaveInput {
			return dossier.SaveInput{Campaign: f.c, DossierID: id, Step: dossier.StepPresentation,
				Presentation: dossier.Presentation{Title: "Autre titre"}}
		}
		bad := pngFile(t)[:20]
		cases := []dbtest.Refusal{
			{Name: "create for someone else's structure", Run: func() error {
				_, err := dossier.Create(f.ctx, f.env, change.By(f.nadia), dossier.CreateInput{Campaign: f.c, StructureID: paulsOwn.ID, CategoryID: cat})
				return err
			}, Kind: apperr.Invalid, Field: "structure"},
			{Name: "create for a structure outside the ESS", Run: func() error {
				_, err := dossier.Create(f.ctx, f.env, change.By(f.nadia), dossier.CreateInput{Campaign: f.c, StructureID: notESS.ID, CategoryID: cat})
				return err
			}, Kind: apperr.Invalid, Field: "structure"},
			{Name: "create in an unknown category", Run: func() error {
				_, err := dossier.Create(f.ctx, f.env, change.By(f.nadia), dossier.CreateInput{Campaign: f.c, StructureID: ds.StructureID, CategoryID: 999_999})
				return err
			}, Kind: apperr.Invalid, Field: "category"},
			{Name: "create without the comptoir", Run: func() error {
				_, err := dossier.Create(f.ctx, f.env, change.By(f.nadia), dossier.CreateInput{Campaign: &comptoir, StructureID: ds.StructureID, CategoryID: cat})
				return err
			}, Kind: apperr.Forbidden, Key: "dossier.comptoir.required"},
			{Name: "create by a citizen", Run: func() error {
				_, err := dossier.Create(f.ctx, f.env, change.By(f.citizen), dossier.CreateInput{Campaign: f.c, StructureID: ds.StructureID, CategoryID: cat})
				return err
			}, Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "create after the deadline", Run: func() error {
				_, err := dossier.Create(f.ctx, late, change.By(f.nadia), dossier.CreateInput{Campaign: f.c, StructureID: ds.StructureID, CategoryID: cat})
				return err
			}, Kind: apperr.Conflict, Key: "change.phase_closed"},
			{Name: "save someone else's dossier", Run: func() error {
				_, err := dossier.SaveStep(f.ctx, f.env, change.By(f.paul), save(ds.ID))
				return err
			}, Kind: apperr.NotFound, Key: "dossier.not_found"},
			{Name: "save a submitted dossier", Run: func() error {
				_, err := dossier.SaveStep(f.ctx, f.env, change.By(f.paul), save(submitted.ID))
				return err
			}, Kind: apperr.Conflict, Key: "dossier.not_editable"},
			{Name: "save after the deadline", Run: func() error {
				_, err := dossier.SaveStep(f.ctx, late, change.By(f.nadia), save(ds.ID))
				return err
			}, Kind: apperr.Conflict, Key: "dossier.deadline_passed"},
			{Name: "save the project for someone else's structure", Run: func() error {
				_, err := dossier.SaveStep(f.ctx, f.env, change.By(f.nadia), dossier.SaveInput{Campaign: f.c, DossierID: ds.ID,
					Step: dossier.StepProject, StructureID: paulsOwn.ID, CategoryID: cat})
				return err
			}, Kind: apperr.Invalid, Field: "structure"},
			{Name: "save an unknown step", Run: func() error {
				_, err := dossier.SaveStep(f.ctx, f.env, change.By(f.nadia), dossier.SaveInput{Campaign: f.c, DossierID: ds.ID, Step: "documents"})
				return err
			}, Kind: apperr.NotFound, Key: "error.not_found"},
			{Name: "submit someone else's dossier", Run: func() error {
				_, err := dossier.Submit(f.ctx, f.env, change.By(f.paul), dossier.SubmitInput{Campaign: f.c, DossierID: ds.ID})
				return err
			}, Kind: apperr.NotFound, Key: "dossier.not_found"},
			{Name: "submit twice", Run: func() error {
				_, err := dossier.Submit(f.ctx, f.env, change.By(f.paul), dossier.SubmitInput{Campaign: f.c, DossierID: submitted.ID})
				return err
			}, Kind: apperr.Conflict, Key: "dossier.not_editable"},
			{Name: "submit on paper as a person", Run: func() error {
				_, err := dossier.Submit(f.ctx, f.env, change.By(f.nadia), dossier.SubmitInput{Campaign: f.c, DossierID: ds.ID, OnPaper: true})
				return err
			}, Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "upload to someone else's dossier", Run: func() error {
				_, err := dossier.Upload(f.ctx, f.env, change.By(f.paul), dossier.UploadInput{Campaign: f.c, DossierID: ds.ID,
					Kind: dossier.DocPhoto, Filename: "x.png", Data: pngFile(t)})
				return err
			}, Kind: apperr.NotFound, Key: "dossier.not_found"},
			{Name: "upload a broken image", Run: func() error {
				_, err := dossier.Upload(f.ctx, f.env, change.By(f.nadia), dossier.UploadInput{Campaign: f.c, DossierID: ds.ID,
					Kind: dossier.DocPhoto, Filename: "x.png", Data: bad, Alt: "Une image"})
				return err
			}, Kind: apperr.Invalid, Field: "file"},
			{Name: "upload a photo without its alternative text", Run: func() error {
				_, err := dossier.Upload(f.ctx, f.env, change.By(f.nadia), dossier.UploadInput{Campaign: f.c, DossierID: ds.ID,
					Kind: dossier.DocPhoto, Filename: "x.png", Data: pngFile(t), Alt: " \n\t "})
				return err
			}, Kind: apperr.Invalid, Field: "alt", Key: "photos.alt.required"},
			{Name: "upload a photo with a too long alternative text", Run: func() error {
				_, err := dossier.Upload(f.ctx, f.env, change.By(f.nadia), dossier.UploadInput{Campaign: f.c, DossierID: ds.ID,
					Kind: dossier.DocPhoto, Filename: "x.png", Data: pngFile(t), Alt: strings.Repeat("é", dossier.MaxAlt+1)})
				return err
			}, Kind: apperr.Invalid, Field: "alt", Key: "photos.alt.too_long"},
			{Name: "upload an empty file", Run: func() error {
				_, err := dossier.Upload(f.ctx, f.env, change.By(f.nadia), dossier.UploadInput{Campaign: f.c, DossierID: ds.ID,
					Kind: dossier.DocRIB, Filename: "x.pdf"})
				return err
			}, Kind: apperr.Invalid, Field: "file"},
			{Name: "upload to a submitted dossier", Run: func() error {
				_, err := dossier.Upload(f.ctx, f.env, change.By(f.paul), dossier.UploadInput{Campaign: f.c, DossierID: submitted.ID,
					Kind: dossier.DocPhoto, Filename: "x.png", Data: pngFile(t)})
				return err
			}, Kind: apperr.Conflict, Key: "dossier.not_editable"},
			{Name: "remove someone else's document", Run: func() error {
				return dossier.RemoveDocument(f.ctx, f.env, change.By(f.paul), dossier.DocumentInput{Campaign: f.c, DossierID: ds.ID, DocumentID: docs[0].ID})
			}, Kind: apperr.NotFound, Key: "dossier.not_found"},
			{Name: "remove a document of another dossier", Run: func() error {
				return dossier.RemoveDocument(f.ctx, f.env, change.By(f.paul), dossier.DocumentInput{Campaign: f.c, DossierID: submitted.ID, DocumentID: docs[0].ID})
			}, Kind: apperr.Conflict, Key: "dossier.not_editable"},
			{Name: "create a structure without a name", Run: func() error {
				_, err := dossier.CreateStructure(f.ctx, f.env, change.By(f.nadia), dossier.StructureInput{Structure: structureOf(" ", dossier.FormSCOP)})
				return err
			}, Kind: apperr.Invalid, Field: dossier.FieldName},
			{Name: "create a structure as a visitor", Run: func() error {
				_, err := dossier.CreateStructure(f.ctx, f.env, change.By(access.Actor{}), dossier.StructureInput{Structure: structureOf("X", dossier.FormSCOP)})
				return err
			}, Kind: apperr.Unauthenticated, Key: "error.unauthenticated"},
			{Name: "edit someone else's structure", Run: func() error {
				st := structureOf("Repris", dossier.FormSCOP)
				st.ID = paulsOwn.ID
				_, err := dossier.EditStructure(f.ctx, f.env, change.By(f.nadia), dossier.EditStructureInput{Structure: st})
				return err
			}, Kind: apperr.NotFound, Key: "dossier.structure.not_found"},
			{Name: "invite to someone else's structure", Run: func() error {
				return dossier.InviteStructureMember(f.ctx, f.env, change.By(f.nadia), dossier.InviteInput{StructureID: paulsOwn.ID, Email: "nadia@exemple.fr"})
			}, Kind: apperr.NotFound, Key: "dossier.structure.not_found"},
			{Name: "invite a malformed address", Run: func() error {
				return dossier.InviteStructureMember(f.ctx, f.env, change.By(f.nadia), dossier.InviteInput{StructureID: ds.StructureID, Email: "personne@"})
			}, Kind: apperr.Invalid, Field: "email"},
			{Name: "invite a member", Run: func() error {
				return dossier.InviteStructureMember(f.ctx, f.env, change.By(f.nadia), dossier.InviteInput{StructureID: ds.StructureID, Email: "NADIA@exemple.fr"})
			}, Kind: apperr.Invalid, Field: "email"},
			{Name: "accept an unknown invitation", Run: func() error {
				_, err := dossier.AcceptStructureInvitation(f.ctx, f.env, change.By(f.citizen), dossier.AcceptInvitationInput{Secret: "nope"})
				return err
			}, Kind: apperr.NotFound, Key: "dossier.invitation.invalid"},
			{Name: "extend as a carrier", Run: func() error {
				return dossier.Extend(f.ctx, f.env, change.By(f.nadia), dossier.ExtendInput{Campaign: f.c, DossierID: ds.ID, Until: &now})
			}, Kind: apperr.Forbidden, Key: "error.forbidden"},
			{Name: "edit the questions as a carrier", Run: func() error {
				return dossier.EditQuestions(f.ctx, f.env, change.By(f.nadia), dossier.QuestionsInput{Campaign: f.c,
					Texts: map[int64]string{cat: "Pourquoi ?"}})
			}, Kind: apperr.Forbidden, Key: "error.forbidden"},
		}
		dbtest.Refuse(t, f.snapshot, cases)
	})
}

// An agent's extension lets the carrier save and submit past the deadline; the agent edits
// the questions; a member added to a structure becomes a carrier acting for it.
func TestCommandsOfAgentsAndStructures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		ds := f.draft(f.nadia)
		f.documents(f.nadia, ds)
		w, _ := f.c.Window(campaign.PhaseDossiers)
		until := w.End.Add(48 * time.Hour)
		if err := dossier.Extend(f.ctx, f.env, change.By(f.agent), dossier.ExtendInput{Campaign: f.c, DossierID: ds.ID, Until: &until}); err != nil {
			t.Fatal(err)
		}
		late := f.at(w.End.Add(time.Hour))
		if _, err := dossier.Submit(f.ctx, late, change.By(f.nadia), dossier.SubmitInput{Campaign: f.c, DossierID: ds.ID}); err != nil {
			t.Fatalf("submission within the extension: %v", err)
		}

		cat := f.c.Categories[0]
		long := strings.Repeat("é", dossier.MaxQuestionLength+10)
		err := dossier.EditQuestions(f.ctx, f.env, change.By(f.agent), dossier.QuestionsInput{Campaign: f.c,
			Texts: map[int64]string{cat.ID: "Qui porte le projet ?\r\n" + long}})
		if err != nil {
			t.Fatal(err)
		}
		qs, _ := dossier.Questions(f.ctx, d, cat.ID)
		if len(qs[cat.ID]) != 2 || qs[cat.ID][0].Text != "Qui porte le projet ?" || len([]rune(qs[cat.ID][1].Text)) != dossier.MaxQuestionLength {
			t.Errorf("questions %+v", qs[cat.ID])
		}

		st := f.structure(f.nadia, "Association Les Jardins", dossier.FormAssociation)
		if err := dossier.InviteStructureMember(f.ctx, f.env, change.By(f.nadia), dossier.InviteInput{StructureID: st.ID, Email: " Lucas@exemple.fr "}); err != nil {
			t.Fatal(err)
		}
		if f.actor(f.citizen.ID()).HasRole(access.Carrier, nil) {
			t.Fatal("an invited person is a carrier before accepting")
		}
		if _, err := dossier.AcceptStructureInvitation(f.ctx, f.env, change.By(f.citizen),
			dossier.AcceptInvitationInput{Secret: invitationSecret(t, d, "lucas@exemple.fr")}); err != nil {
			t.Fatal(err)
		}
		lucas := f.actor(f.citizen.ID())
		if !lucas.HasRole(access.Carrier, nil) {
			t.Errorf("the new member is not a carrier: %+v", lucas.Account.Roles)
		}
		edit := structureOf("Association Les Jardins partagés", dossier.FormAssociation)
		edit.ID = st.ID
		if _, err := dossier.EditStructure(f.ctx, f.env, change.By(lucas), dossier.EditStructureInput{Structure: edit}); err != nil {
			t.Fatal(err)
		}
		got, _ := dossier.StructureByID(f.ctx, d, st.ID)
		if got.Name != edit.Name || got.CreatedBy != f.nadia.ID() {
			t.Errorf("edited structure %+v", got)
		}
		if a := lastAction(t, d); a != "structure.update" {
			t.Errorf("last action %q", a)
		}
	})
}

// A step is saved as typed: a text over its limit is kept (up to what is stored) and flagged,
// the communes over their limit are cut and flagged, and the answers kept are those of the
// category's questions.
func TestSaveStepFlagsWhatItKeeps(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCmdFixture(t, d)
		ds := f.draft(f.nadia)
		cat := f.c.Categories[1]
		if err := dossier.SetQuestions(f.ctx, d, cat.ID, []string{"Pour qui ?"}); err != nil {
			t.Fatal(err)
		}
		qs, _ := dossier.Questions(f.ctx, d, cat.ID)
		key := dossier.QuestionKey(qs[cat.ID][0].ID)
		title := strings.Repeat("a", dossier.MaxTitle+1)
		communes := make([]string, dossier.MaxCommunes+1)
		for i := range communes {
			communes[i] = "62041"
		}
		res, err := dossier.SaveStep(f.ctx, f.env, change.By(f.nadia), dossier.SaveInput{Campaign: f.c, DossierID: ds.ID,
			Step: dossier.StepPresentation, Presentation: dossier.Presentation{Title: " " + title + " \r\n", Summary: "Court.",
				Communes: communes, Answers: map[string]string{key: "Les habitants.", "999999": "ignorée"}}})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Flags.Has("title") || !res.Flags.Has("communes") || res.Flags.Has("summary") || len(res.Flags) != 2 {
			t.Errorf("flags %v", res.Flags)
		}
		got, _ := dossier.ByID(f.ctx, d, ds.ID)
		if got.Title != title || len(got.Communes) != dossier.MaxCommunes || got.Answers[key] != "Les habitants." ||
			got.Answers["999999"] != "" {
			t.Errorf("saved %q, %d communes, answers %v", got.Title, len(got.Communes), got.Answers)
		}
	})
}
