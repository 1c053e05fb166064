package review_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/review"
)

// fixture is a 2018 campaign with six submitted dossiers (the first carried by an account),
// an agent and a clock.
type fixture struct {
	d        *db.DB
	c        *campaign.Campaign
	agent    change.Who
	carrier  *access.Account
	dossiers []int64
	now      time.Time
	env      review.Env
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, now: time.Date(2018, 5, 20, 10, 0, 0, 0, time.UTC)}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	f.env = review.Env{Change: change.Env{DB: d, Now: func() time.Time { return f.now }}, Cat: cat, BaseURL: "http://exemple.test"}
	c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	if err := campaign.Insert(ctx, d, c, f.now); err != nil {
		t.Fatal(err)
	}
	f.c = c
	ag, err := account.Create(ctx, d, "agent@exemple.fr", "Karim", f.now)
	if err != nil {
		t.Fatal(err)
	}
	if err := account.GrantRole(ctx, d, ag.ID, access.Agent, nil, f.now); err != nil {
		t.Fatal(err)
	}
	ag, _ = account.ByID(ctx, d, ag.ID)
	f.agent = change.Who{Actor: access.ActorFor(ag)}
	f.carrier, err = account.Create(ctx, d, "porteuse@exemple.fr", "Nadia", f.now)
	if err != nil {
		t.Fatal(err)
	}
	if err := account.MarkVerified(ctx, d, f.carrier.ID, f.now); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 6; i++ {
		st := &dossier.Structure{Name: fmt.Sprintf("Association %d", i), LegalForm: dossier.FormAssociation, Commune: "62041"}
		owner := int64(0)
		if i == 0 {
			owner = f.carrier.ID
		}
		if err := dossier.InsertStructure(ctx, d, st, owner, f.now); err != nil {
			t.Fatal(err)
		}
		sub := f.now.Add(-24 * time.Hour)
		ds := &dossier.Dossier{CampaignID: c.ID, StructureID: st.ID, CategoryID: c.Categories[i%3].ID, State: dossier.StateSubmitted,
			Title: fmt.Sprintf("Projet %d", i), SubmittedAt: &sub, SupportCents: 4_500_00}
		if err := dossier.Insert(ctx, d, ds, f.now); err != nil {
			t.Fatal(err)
		}
		f.dossiers = append(f.dossiers, ds.ID)
	}
	return f
}

func (f *fixture) state(t *testing.T, id int64) dossier.State {
	t.Helper()
	ds, err := dossier.ByID(context.Background(), f.d, id)
	if err != nil {
		t.Fatal(err)
	}
	return ds.State
}

func (f *fixture) member(t *testing.T, id int64) change.Who {
	t.Helper()
	a, err := account.ByID(context.Background(), f.d, id)
	if err != nil {
		t.Fatal(err)
	}
	return change.Who{Actor: access.ActorFor(a)}
}

func fullReview(crit []review.Criterion, score int, op review.Opinion) review.Review {
	r := review.Review{Checklist: map[review.Item]review.ItemCheck{}, Scores: map[int64]review.Score{}, Opinion: op, Motivation: "Avis motivé."}
	for _, it := range review.Items() {
		r.Checklist[it] = review.ItemCheck{Answer: review.AnswerYes}
	}
	for _, c := range crit {
		r.Scores[c.ID] = review.Score{Score: score}
	}
	return r
}

func TestCommitteeToProclamation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		c := f.c

		// Outside the labelling phase, nothing is assigned.
		f.now = time.Date(2018, 5, 1, 10, 0, 0, 0, time.UTC)
		if _, err := review.AssignBalanced(ctx, f.env, f.agent, c); !apperr.IsKind(err, apperr.Conflict) {
			t.Fatalf("assignment before the phase: %v", err)
		}
		f.now = time.Date(2018, 5, 20, 10, 0, 0, 0, time.UTC)

		// Four members, one of each kind and a second ESS actor; N = 2.
		var members []int64
		for i, k := range []review.Kind{review.KindDepartement, review.KindESS, review.KindFinancer, review.KindESS} {
			id, err := review.AddMember(ctx, f.env, f.agent, c, review.NewMember{Email: fmt.Sprintf("membre%d@exemple.fr", i),
				Name: fmt.Sprintf("Membre %d", i), Kind: k})
			if err != nil {
				t.Fatal(err)
			}
			members = append(members, id)
		}
		if _, err := review.AddMember(ctx, f.env, f.agent, c, review.NewMember{Email: "inconnu@exemple.fr", Kind: review.KindESS}); err == nil {
			t.Error("a new account without a name was accepted")
		}
		m0 := f.member(t, members[0])
		if !m0.Actor.HasRole(access.Committee, &c.ID) {
			t.Fatal("a member did not get the committee role")
		}
		// A member cannot manage the committee.
		if _, err := review.AssignBalanced(ctx, f.env, m0, c); !apperr.IsKind(err, apperr.Forbidden) {
			t.Fatalf("member assigning: %v", err)
		}
		n, err := review.AssignBalanced(ctx, f.env, f.agent, c)
		if err != nil || n != 12 {
			t.Fatalf("balanced assignment: %d, %v", n, err)
		}
		for _, id := range f.dossiers {
			if st := f.state(t, id); st != dossier.StateUnderReview {
				t.Fatalf("dossier %d is %s after assignment", id, st)
			}
		}
		ms, _ := review.Members(ctx, d, c.ID)
		for _, m := range ms {
			if m.Assigned != 3 {
				t.Errorf("member %s has %d dossiers", m.Email, m.Assigned)
			}
		}
		// Again: nothing more to do.
		if n, err := review.AssignBalanced(ctx, f.env, f.agent, c); err != nil || n != 0 {
			t.Fatalf("second balanced assignment: %d, %v", n, err)
		}

		// Every member declares; the member of the first dossier (first in its list) has a conflict.
		all, _ := review.Assignments(ctx, d, c.ID)
		first := all[0]
		who := f.member(t, first.AccountID)
		if _, err := review.CanOpen(ctx, d, first.DossierID, first.AccountID); !apperr.IsKind(err, apperr.Forbidden) {
			t.Fatalf("opening before declaring: %v", err)
		}
		to, err := review.DeclareConflict(ctx, f.env, who, c, first.DossierID, true, "Je préside cette association.")
		if err != nil || to == 0 || to == first.AccountID {
			t.Fatalf("conflict: reassigned to %d, %v", to, err)
		}
		if _, err := review.CanOpen(ctx, d, first.DossierID, first.AccountID); !apperr.IsKind(err, apperr.Forbidden) {
			t.Fatalf("opening with a conflict: %v", err)
		}
		if _, err := review.DeclareConflict(ctx, f.env, who, c, first.DossierID, false, ""); err == nil {
			t.Error("a declared conflict was taken back")
		}
		crit, _ := review.Criteria(ctx, d, c.Categories[0].ID, c.Categories[1].ID, c.Categories[2].ID)
		if len(crit[c.Categories[0].ID]) != len(review.DefaultCriteria()) {
			t.Fatalf("default grid not set: %+v", crit)
		}
		if err := review.SubmitReview(ctx, f.env, who, c, first.DossierID, review.Review{}, false); !apperr.IsKind(err, apperr.Forbidden) {
			t.Fatalf("scoring with a conflict: %v", err)
		}
		all, _ = review.Assignments(ctx, d, c.ID)
		for _, a := range all {
			if a.Conflict != review.ConflictPending {
				continue
			}
			w := f.member(t, a.AccountID)
			if _, err := review.DeclareConflict(ctx, f.env, w, c, a.DossierID, false, ""); err != nil {
				t.Fatal(err)
			}
			ds, _ := dossier.ByID(ctx, d, a.DossierID)
			score := 3
			if a.DossierID == f.dossiers[5] {
				score = 1
			}
			if err := review.SubmitReview(ctx, f.env, w, c, a.DossierID, fullReview(crit[ds.CategoryID], score, review.OpinionFavourable), true); err != nil {
				t.Fatal(err)
			}
			if err := review.SubmitReview(ctx, f.env, w, c, a.DossierID, review.Review{}, false); !apperr.IsKind(err, apperr.Conflict) {
				t.Fatalf("changing a handed-in review: %v", err)
			}
		}
		// The grid is locked once scored.
		if err := review.SaveCriteria(ctx, f.env, f.agent, c, c.Categories[0].ID, []review.Criterion{{Label: "x", Weight: 1}}); !apperr.IsKind(err, apperr.Conflict) {
			t.Fatalf("changing a scored grid: %v", err)
		}

		rows, _, err := review.Session(ctx, d, c)
		if err != nil || len(rows) != 6 {
			t.Fatalf("session: %d rows, %v", len(rows), err)
		}
		for _, r := range rows {
			s := r.Summary
			want := 20.0
			if r.Dossier.ID == f.dossiers[5] {
				want = 20.0 / 3
			}
			if s.Submitted != 2 || s.Scored != 2 || s.Average < want-0.01 || s.Average > want+0.01 || s.Eligible != review.EligibilityYes {
				t.Errorf("dossier %d summary %+v", r.Dossier.ID, s)
			}
			if r.Dossier.ID == first.DossierID && s.Conflicts != 1 {
				t.Errorf("conflict not counted: %+v", s)
			}
		}

		// Decisions: one ineligible (reason required), one not labelled, the rest labelled in bulk.
		err = review.Move(ctx, f.env, f.agent, c, review.Step{DossierID: f.dossiers[4], To: dossier.StateIneligible})
		if e, ok := apperr.As(err); !ok || !e.Fields.Has("motivation") {
			t.Fatalf("ineligible without reason: %v", err)
		}
		if err := review.Move(ctx, f.env, f.agent, c, review.Step{DossierID: f.dossiers[4], To: dossier.StateIneligible,
			Motivation: "Siège hors du département."}); err != nil {
			t.Fatal(err)
		}
		if err := review.Move(ctx, f.env, f.agent, c, review.Step{DossierID: f.dossiers[5], To: dossier.StateNotLabelled,
			Motivation: "Faisabilité insuffisante."}); err != nil {
			t.Fatal(err)
		}
		// An illegal move: an ineligible dossier cannot be labelled.
		err = review.Move(ctx, f.env, f.agent, c, review.Step{DossierID: f.dossiers[4], To: dossier.StateLabelled})
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.Conflict || e.Message.Key != "review.illegal.labelled" {
			t.Fatalf("labelling an ineligible dossier: %v", err)
		}
		// A bulk with one illegal dossier changes nothing.
		bulk := []review.Step{}
		for _, id := range f.dossiers[:5] {
			bulk = append(bulk, review.Step{DossierID: id, To: dossier.StateLabelled})
		}
		if err := review.MoveAll(ctx, f.env, f.agent, c, "label_bulk", bulk, nil); !apperr.IsKind(err, apperr.Conflict) {
			t.Fatalf("bulk with an ineligible dossier: %v", err)
		}
		if st := f.state(t, f.dossiers[0]); st != dossier.StateUnderReview {
			t.Fatalf("a refused bulk changed dossier 0 to %s", st)
		}
		if err := review.MoveAll(ctx, f.env, f.agent, c, "label_bulk", bulk[:4], nil); err != nil {
			t.Fatal(err)
		}

		// The commission, in its phase: one withdrawn, three on the ballot.
		cm, fe := review.ParseCommission("Commission Attractivité départementale et emploi", "2018-07-10", "C1-2018-07-10")
		if len(fe) > 0 {
			t.Fatal(fe)
		}
		if err := review.ValidateCommission(ctx, f.env, f.agent, c, cm, nil); !apperr.IsKind(err, apperr.Conflict) {
			t.Fatalf("commission during labelling: %v", err)
		}
		f.now = time.Date(2018, 7, 10, 15, 0, 0, 0, time.UTC)
		if err := review.ValidateCommission(ctx, f.env, f.agent, c, cm, map[int64]string{f.dossiers[3]: ""}); err == nil {
			t.Fatal("withdrawal without reason accepted")
		}
		if err := review.ValidateCommission(ctx, f.env, f.agent, c, cm, map[int64]string{f.dossiers[3]: "Doublon d'un projet déjà financé."}); err != nil {
			t.Fatal(err)
		}
		onBallot, _ := dossier.List(ctx, d, dossier.Filter{CampaignID: c.ID, State: dossier.StateBallot})
		if len(onBallot) != 3 || f.state(t, f.dossiers[3]) != dossier.StateWithdrawn {
			t.Fatalf("after the commission: %d on the ballot, dossier 3 %s", len(onBallot), f.state(t, f.dossiers[3]))
		}
		if got, _ := review.CommissionOf(ctx, d, c.ID); got == nil || got.Reference != "C1-2018-07-10" {
			t.Errorf("commission record %+v", got)
		}

		// After the vote: results, decision, proclamation.
		if dec, err := review.Decision(ctx, d, c.ID); dec != nil || err != nil {
			t.Fatalf("decision before it is recorded: %+v %v", dec, err)
		}
		f.now = time.Date(2018, 10, 5, 10, 0, 0, 0, time.UTC)
		if err := review.RecordResults(ctx, f.env, f.agent, c, []int64{f.dossiers[0], f.dossiers[1]}); err != nil {
			t.Fatal(err)
		}
		if f.state(t, f.dossiers[2]) != dossier.StateNotFunded || f.state(t, f.dossiers[0]) != dossier.StateWinner {
			t.Fatal("results not recorded")
		}
		f.now = time.Date(2018, 11, 19, 10, 0, 0, 0, time.UTC)
		if err := review.Proclaim(ctx, f.env, f.agent, c); !apperr.IsKind(err, apperr.Conflict) {
			t.Fatalf("proclamation before the decision: %v", err)
		}
		dec := review.CPDecision{Date: campaign.Date{Year: 2018, Month: 11, Day: 19}, Deliberation: "CP-2018-1119-42",
			Grants: []review.Grant{{DossierID: f.dossiers[0], AmountCents: 4_000_00, ComputedCents: 4_500_00},
				{DossierID: f.dossiers[1], AmountCents: 4_500_00, ComputedCents: 4_500_00}}}
		if err := review.RecordDecision(ctx, f.env, f.agent, c, dec); err == nil {
			t.Fatal("a different amount without reason was accepted")
		}
		dec.Grants[0].Reason = "Dépenses de communication non éligibles."
		if err := review.RecordDecision(ctx, f.env, f.agent, c, dec); err != nil {
			t.Fatal(err)
		}
		got, err := review.Decision(ctx, d, c.ID)
		if err != nil || got == nil || got.Deliberation != "CP-2018-1119-42" || len(got.Grants) != 2 || got.TotalCents() != 8_500_00 ||
			got.Grants[0].Reason == "" {
			t.Fatalf("decision %+v %v", got, err)
		}
		if ok, _, _ := review.Proclaimed(ctx, d, c.ID); ok {
			t.Fatal("proclaimed too early")
		}
		if err := review.Proclaim(ctx, f.env, f.agent, c); err != nil {
			t.Fatal(err)
		}
		if ok, at, err := review.Proclaimed(ctx, d, c.ID); !ok || !at.Equal(f.now) || err != nil {
			t.Fatalf("proclaimed %v %v %v", ok, at, err)
		}
		if f.state(t, f.dossiers[0]) != dossier.StateGranted {
			t.Fatal("winner not granted")
		}

		// The carrier's history: submission and every step, with the public motivations.
		ds0, _ := dossier.ByID(ctx, d, f.dossiers[0])
		h, err := review.History(ctx, d, ds0)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, e := range h {
			steps = append(steps, string(e.To))
		}
		if strings.Join(steps, ",") != "submitted,under_review,labelled,ballot,winner,granted" ||
			!strings.Contains(h[len(h)-1].Motivation, "(délibération CP-2018-1119-42 du 19 novembre 2018)") {
			t.Errorf("history %v %+v", steps, h[len(h)-1])
		}
		// The carrier of dossier 0 got an e-mail at each step that sends one.
		var mails int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM outbox WHERE to_addr = $1", f.carrier.Email).Scan(&mails); err != nil {
			t.Fatal(err)
		}
		if mails != 5 {
			t.Errorf("carrier e-mails: %d, want 5", mails)
		}

		// The minutes.
		members2, _ := review.Members(ctx, d, c.ID)
		pdf, err := review.Minutes{Cat: f.env.Cat, Lang: i18n.FR, Campaign: c, Rows: rows, Members: members2, Now: f.now}.PDF()
		if err != nil || !strings.HasPrefix(string(pdf), "%PDF") {
			t.Fatalf("minutes PDF: %v", err)
		}
		csv, err := review.MinutesTable(f.env.Cat, i18n.FR, rows).CSV()
		if err != nil || !strings.Contains(string(csv), "Projet 5") {
			t.Fatalf("minutes CSV: %v", err)
		}

		rep, err := audit.Verify(ctx, d)
		if err != nil || !rep.OK() {
			t.Fatalf("audit: %+v %v", rep, err)
		}
	})
}
