package review_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/audit"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/review"
)

// committeeMails returns the committee e-mails (assignment and reminder) queued to addr.
func committeeMails(t *testing.T, d *db.DB, addr string) []mail.Message {
	t.Helper()
	ms, err := mail.Sent(context.Background(), d, addr)
	if err != nil {
		t.Fatal(err)
	}
	var out []mail.Message
	for _, m := range ms {
		if strings.Contains(m.Subject, "Comité de labellisation") || strings.Contains(m.Subject, "avis du comité") {
			out = append(out, m)
		}
	}
	return out
}

// addMembers puts n members on the committee; member i's address is membreI@exemple.fr.
func (f *fixture) addMembers(t *testing.T, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := 0; i < n; i++ {
		id, err := review.AddMember(context.Background(), f.env, f.agent, f.c, review.NewMember{
			Email: fmt.Sprintf("membre%d@exemple.fr", i), Name: fmt.Sprintf("Membre %d", i), Kind: review.KindESS})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// handIn declares no conflict and hands in the member's review of the dossier.
func (f *fixture) handIn(t *testing.T, member, dossierID int64) {
	t.Helper()
	ctx := context.Background()
	w := f.member(t, member)
	if _, err := review.DeclareConflict(ctx, f.env, w, f.c, dossierID, false, ""); err != nil {
		t.Fatal(err)
	}
	ds, _ := dossier.ByID(ctx, f.d, dossierID)
	crit, _ := review.Criteria(ctx, f.d, ds.CategoryID)
	if err := review.SubmitReview(ctx, f.env, w, f.c, dossierID, fullReview(crit[ds.CategoryID], 3, review.OpinionFavourable), true); err != nil {
		t.Fatal(err)
	}
}

// Each assignment action e-mails each member it gives dossiers to, once, with their number
// and the link to their list; nobody else gets a committee e-mail, and no subject holds
// text typed on the site.
func TestAssignmentMails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		ms := f.addMembers(t, 3)
		if err := review.Configure(ctx, f.env, f.agent, f.c, review.Settings{MinReviewers: 1, Quorum: 1}); err != nil {
			t.Fatal(err)
		}
		// Manual: one dossier to member 0.
		if err := review.AssignManual(ctx, f.env, f.agent, f.c, review.Pair{DossierID: f.dossiers[0], AccountID: ms[0]}); err != nil {
			t.Fatal(err)
		}
		got := committeeMails(t, d, "membre0@exemple.fr")
		if len(got) != 1 || got[0].Subject != "Comité de labellisation : 1 dossier à examiner" ||
			!strings.Contains(got[0].Body, "http://exemple.test/"+f.c.Slug+"/comite") || !strings.Contains(got[0].Body, "Membre 0") {
			t.Fatalf("manual assignment e-mail: %+v", got)
		}
		for _, addr := range []string{"membre1@exemple.fr", "membre2@exemple.fr"} {
			if got := committeeMails(t, d, addr); len(got) != 0 {
				t.Errorf("%s got an e-mail for another member's assignment: %+v", addr, got)
			}
		}
		// Balanced: the five other dossiers; one e-mail per member with their count.
		if _, err := review.AssignBalanced(ctx, f.env, f.agent, f.c); err != nil {
			t.Fatal(err)
		}
		all, _ := review.Assignments(ctx, d, f.c.ID)
		for i, id := range ms {
			n := 0
			for _, a := range all {
				if a.AccountID == id && a.DossierID != f.dossiers[0] {
					n++
				}
			}
			got := committeeMails(t, d, fmt.Sprintf("membre%d@exemple.fr", i))
			want := 1
			if i == 0 {
				want = 2 // the manual one too
			}
			if n == 0 || len(got) != want {
				t.Fatalf("member %d: %d new dossiers, e-mails %+v", i, n, got)
			}
			subject := fmt.Sprintf("Comité de labellisation : %d dossiers à examiner", n)
			if n == 1 {
				subject = "Comité de labellisation : 1 dossier à examiner"
			}
			if got[0].Subject != subject || !strings.Contains(got[0].Body, "Pas-de-Calais") && !strings.Contains(got[0].Body, f.c.Name) {
				t.Errorf("member %d: balanced e-mail %q, want %q", i, got[0].Subject, subject)
			}
			if strings.Contains(got[0].Subject, f.c.Name) {
				t.Errorf("a subject holds the campaign's name: %q", got[0].Subject)
			}
		}
		for _, addr := range []string{"agent@exemple.fr", f.carrier.Email} {
			if got := committeeMails(t, d, addr); len(got) != 0 {
				t.Errorf("%s is no member and got %+v", addr, got)
			}
		}
		// A conflict hands the dossier to another member, who is told.
		if err := review.Configure(ctx, f.env, f.agent, f.c, review.Settings{MinReviewers: 1, Quorum: 1}); err != nil {
			t.Fatal(err)
		}
		first := all[0]
		before := map[int64]int{}
		for i, id := range ms {
			before[id] = len(committeeMails(t, d, fmt.Sprintf("membre%d@exemple.fr", i)))
		}
		to, err := review.DeclareConflict(ctx, f.env, f.member(t, first.AccountID), f.c, first.DossierID, true, "")
		if err != nil || to == 0 {
			t.Fatalf("conflict: %d %v", to, err)
		}
		for i, id := range ms {
			want := before[id]
			if id == to {
				want++
			}
			if n := len(committeeMails(t, d, fmt.Sprintf("membre%d@exemple.fr", i))); n != want {
				t.Errorf("member %d after the reassignment: %d e-mails, want %d", i, n, want)
			}
		}
		// No address in the audit log of the assignments.
		es, err := audit.List(ctx, d, audit.Filter{Action: "review.assign"})
		if err != nil || len(es) < 2 {
			t.Fatalf("audit: %d %v", len(es), err)
		}
		for _, e := range es {
			if strings.Contains(e.After+e.Before, "@") {
				t.Errorf("address in the audit entry %s: %s", e.Action, e.After)
			}
		}
	})
}

// The due date must be a day of the labelling phase; the quorum goes from 1 to the number
// of reviewers per dossier.
func TestParseSettings(t *testing.T) {
	c, err := campaign.Preset(campaign.PresetPasDeCalais2018) // labelling: 14 May – 8 July 2018
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, min, quorum, due string
		bad                    []string
		dueOn                  string
	}{
		{name: "no due date", min: "2", quorum: "1"},
		{name: "first day", min: "2", quorum: "2", due: "2018-05-14", dueOn: "2018-05-14"},
		{name: "last day", min: "3", quorum: "1", due: "2018-07-08", dueOn: "2018-07-08"},
		{name: "typed by hand", min: "2", quorum: "1", due: "15/06/2018", dueOn: "2018-06-15"},
		{name: "before the phase", min: "2", quorum: "1", due: "2018-05-13", bad: []string{"due_on"}},
		{name: "after the phase", min: "2", quorum: "1", due: "2018-07-09", bad: []string{"due_on"}},
		{name: "not a date", min: "2", quorum: "1", due: "bientôt", bad: []string{"due_on"}},
		{name: "quorum zero", min: "2", quorum: "0", bad: []string{"quorum"}},
		{name: "quorum not a number", min: "2", quorum: "deux", bad: []string{"quorum"}},
		{name: "quorum above reviewers", min: "2", quorum: "3", bad: []string{"quorum"}},
		{name: "no reviewers", min: "0", quorum: "1", bad: []string{"min_reviewers"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, fe := review.ParseSettings(c, i18n.FR, tc.min, tc.quorum, tc.due)
			if len(fe) != len(tc.bad) {
				t.Fatalf("errors %v, want on %v", fe, tc.bad)
			}
			for _, k := range tc.bad {
				if !fe.Has(k) {
					t.Errorf("no error on %s: %v", k, fe)
				}
			}
			if len(tc.bad) == 0 && tc.dueOn != "" {
				want, _ := campaign.ParseDate(tc.dueOn)
				if s.DueOn != want || !s.DueAt.Equal(want.DayEnd(c.Location()).UTC()) {
					t.Errorf("due %v at %v", s.DueOn, s.DueAt)
				}
			}
		})
	}
	// A campaign without a labelling phase has no due date.
	c2 := *c
	c2.Phases = nil
	if _, fe := review.ParseSettings(&c2, i18n.FR, "2", "1", "2018-06-01"); !fe.Has("due_on") {
		t.Errorf("due date without a labelling phase: %v", fe)
	}
}

// Configure refuses a due date outside the phase too, and stores a valid one.
func TestConfigureDueDate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		out, _ := campaign.ParseDate("2018-08-01")
		err := review.Configure(ctx, f.env, f.agent, f.c, review.Settings{MinReviewers: 2, Quorum: 1, DueOn: out})
		if e, ok := apperr.As(err); !ok || !e.Fields.Has("due_on") {
			t.Fatalf("due date after the phase: %v", err)
		}
		s, _ := review.SettingsOf(ctx, d, f.c.ID)
		if s.HasDue() || s.Quorum != review.DefaultQuorum || s.MinReviewers != review.DefaultMinReviewers {
			t.Fatalf("defaults: %+v", s)
		}
		in, _ := campaign.ParseDate("2018-06-15")
		if err := review.Configure(ctx, f.env, f.agent, f.c, review.Settings{MinReviewers: 3, Quorum: 2, DueOn: in}); err != nil {
			t.Fatal(err)
		}
		s, _ = review.SettingsOf(ctx, d, f.c.ID)
		wantAt := time.Date(2018, 6, 15, 21, 59, 59, 0, time.UTC) // 23:59:59 in Paris, summer time
		if s.DueOn != in || !s.DueAt.Equal(wantAt) || s.Quorum != 2 || s.MinReviewers != 3 {
			t.Fatalf("stored %+v", s)
		}
		// The old form's number of reviewers keeps the rest, and cannot go below the quorum.
		if err := review.SaveSettings(ctx, f.env, f.agent, f.c, 1); err == nil {
			t.Error("reviewers below the quorum accepted")
		}
		if err := review.SaveSettings(ctx, f.env, f.agent, f.c, 4); err != nil {
			t.Fatal(err)
		}
		if s, _ = review.SettingsOf(ctx, d, f.c.ID); s.MinReviewers != 4 || s.Quorum != 2 || s.DueOn != in {
			t.Fatalf("after SaveSettings: %+v", s)
		}
		// A member cannot set them.
		ms := f.addMembers(t, 1)
		if err := review.Configure(ctx, f.env, f.member(t, ms[0]), f.c, review.Settings{MinReviewers: 2, Quorum: 1}); !apperr.IsKind(err, apperr.Forbidden) {
			t.Fatalf("member configuring: %v", err)
		}
	})
}

// The reminder goes once, within two days of the due date, to each member with a review
// still to hand in, and to nobody else; Overdue lists the reviews late after the due date.
func TestReviewReminders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		ms := f.addMembers(t, 3)
		due, _ := campaign.ParseDate("2018-06-15")
		if err := review.Configure(ctx, f.env, f.agent, f.c, review.Settings{MinReviewers: 1, Quorum: 1, DueOn: due}); err != nil {
			t.Fatal(err)
		}
		// Member 0: dossiers 0 and 1; member 1: dossier 2; member 2: nothing.
		for _, p := range []review.Pair{{f.dossiers[0], ms[0]}, {f.dossiers[1], ms[0]}, {f.dossiers[2], ms[1]}} {
			if err := review.AssignManual(ctx, f.env, f.agent, f.c, p); err != nil {
				t.Fatal(err)
			}
		}
		// Member 0 hands in one review of two; member 1 hands in all.
		f.handIn(t, ms[0], f.dossiers[0])
		f.handIn(t, ms[1], f.dossiers[2])
		dueAt := time.Date(2018, 6, 15, 21, 59, 59, 0, time.UTC)
		counts := map[int]int{}
		for i := range ms {
			counts[i] = len(committeeMails(t, d, fmt.Sprintf("membre%d@exemple.fr", i)))
		}

		// Three days before: too early.
		if n, err := review.QueueReminders(ctx, f.env, dueAt.Add(-72*time.Hour)); n != 0 || err != nil {
			t.Fatalf("too early: %d %v", n, err)
		}
		// Within two days: one reminder, even with concurrent runs.
		at := dueAt.Add(-47 * time.Hour)
		var wg sync.WaitGroup
		total := make(chan int, 3)
		for i := 0; i < 3; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := review.QueueReminders(ctx, f.env, at)
				if err != nil {
					t.Error(err)
				}
				total <- n
			}()
		}
		wg.Wait()
		close(total)
		sum := 0
		for n := range total {
			sum += n
		}
		if sum != 1 {
			t.Fatalf("%d reminders queued, want 1", sum)
		}
		if n, _ := review.QueueReminders(ctx, f.env, at.Add(time.Hour)); n != 0 {
			t.Errorf("second run queued %d", n)
		}
		got := committeeMails(t, d, "membre0@exemple.fr")
		if len(got) != counts[0]+1 || got[0].Subject != "Rappel : avis du comité attendus le vendredi 15 juin 2018" ||
			!strings.Contains(got[0].Body, "1 dossier attend encore votre avis") ||
			!strings.Contains(got[0].Body, "http://exemple.test/"+f.c.Slug+"/comite") {
			t.Fatalf("reminder: %+v", got)
		}
		for i := 1; i < 3; i++ {
			if n := len(committeeMails(t, d, fmt.Sprintf("membre%d@exemple.fr", i))); n != counts[i] {
				t.Errorf("member %d (nothing due) got a reminder", i)
			}
		}
		var rows int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM review_reminders WHERE campaign_id = $1 AND account_id = $2",
			f.c.ID, ms[0]).Scan(&rows); err != nil || rows != 1 {
			t.Errorf("reminder record: %d %v", rows, err)
		}
		es, _ := audit.List(ctx, d, audit.Filter{Action: "review.remind"})
		if len(es) != 1 || strings.Contains(es[0].After, "@") || es[0].Actor != "worker" {
			t.Errorf("audit of the reminders: %+v", es)
		}
		// After the due date, no more reminder; member 0's second review is overdue.
		if n, _ := review.QueueReminders(ctx, f.env, dueAt.Add(time.Hour)); n != 0 {
			t.Errorf("reminder after the due date: %d", n)
		}
		if late, err := review.Overdue(ctx, d, f.c.ID, dueAt); err != nil || len(late) != 0 {
			t.Errorf("overdue on the due date's last second: %d %v", len(late), err)
		}
		late, err := review.Overdue(ctx, d, f.c.ID, dueAt.Add(time.Second))
		if err != nil || len(late) != 1 || late[0].AccountID != ms[0] || late[0].DossierID != f.dossiers[1] {
			t.Fatalf("overdue: %+v %v", late, err)
		}
	})
}

// Below the quorum a labelling decision needs an override with a reason, kept in the audit
// entry; the platform's own decisions (demo) are not bound.
func TestQuorum(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		ms := f.addMembers(t, 2)
		if err := review.Configure(ctx, f.env, f.agent, f.c, review.Settings{MinReviewers: 2, Quorum: 2}); err != nil {
			t.Fatal(err)
		}
		if _, err := review.AssignBalanced(ctx, f.env, f.agent, f.c); err != nil {
			t.Fatal(err)
		}
		// Dossier 0: one review of two; dossier 1: both.
		f.handIn(t, ms[0], f.dossiers[0])
		f.handIn(t, ms[0], f.dossiers[1])
		f.handIn(t, ms[1], f.dossiers[1])

		label := review.Step{DossierID: f.dossiers[0], To: dossier.StateLabelled, Motivation: "Projet utile."}
		for _, tc := range []struct {
			name   string
			step   review.Step
			field  string
			reason string
		}{
			{"no override", label, "override", ""},
			{"override without reason", func() review.Step { s := label; s.Override = true; s.OverrideReason = "  "; return s }(), "override_reason", ""},
		} {
			err := review.Move(ctx, f.env, f.agent, f.c, tc.step)
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || !e.Fields.Has(tc.field) {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if f.state(t, f.dossiers[0]) != dossier.StateUnderReview {
				t.Fatalf("%s: the dossier moved", tc.name)
			}
		}
		// Every labelling decision is bound; the eligibility step is not.
		for _, to := range []dossier.State{dossier.StateNotLabelled, dossier.StateIneligible} {
			err := review.Move(ctx, f.env, f.agent, f.c, review.Step{DossierID: f.dossiers[0], To: to, Motivation: "Motif."})
			if e, ok := apperr.As(err); !ok || !e.Fields.Has("override") {
				t.Errorf("%s below the quorum: %v", to, err)
			}
		}
		// In bulk too: nothing moves.
		bulk := []review.Step{{DossierID: f.dossiers[1], To: dossier.StateLabelled}, {DossierID: f.dossiers[0], To: dossier.StateLabelled}}
		if err := review.MoveAll(ctx, f.env, f.agent, f.c, "decide_bulk", bulk, nil); err == nil {
			t.Fatal("bulk below the quorum accepted")
		}
		if f.state(t, f.dossiers[1]) != dossier.StateUnderReview {
			t.Fatal("a refused bulk moved dossier 1")
		}
		// With the override and a reason: recorded, the reason in the audit entry.
		over := label
		over.Override, over.OverrideReason = true, "Le second examinateur est indisponible jusqu'à la commission."
		if err := review.Move(ctx, f.env, f.agent, f.c, over); err != nil {
			t.Fatal(err)
		}
		if f.state(t, f.dossiers[0]) != dossier.StateLabelled {
			t.Fatal("not labelled with the override")
		}
		es, err := audit.List(ctx, d, audit.Filter{Action: "review.label", EntityID: fmt.Sprint(f.dossiers[0])})
		if err != nil || len(es) != 1 {
			t.Fatalf("audit: %+v %v", es, err)
		}
		if !strings.Contains(es[0].After, `"quorum_override"`) || !strings.Contains(es[0].After, over.OverrideReason) ||
			!strings.Contains(es[0].After, `"reviews":1`) || !strings.Contains(es[0].After, `"quorum":2`) || strings.Contains(es[0].After, "@") {
			t.Errorf("audit entry: %s", es[0].After)
		}
		// The reason is not the carrier's: not in their e-mail.
		carrier, _ := mail.Sent(ctx, d, f.carrier.Email)
		for _, m := range carrier {
			if strings.Contains(m.Body, "indisponible") {
				t.Errorf("the override's reason reached the carrier: %s", m.Body)
			}
		}
		// At the quorum: no override needed, none recorded.
		if err := review.Move(ctx, f.env, f.agent, f.c, review.Step{DossierID: f.dossiers[1], To: dossier.StateLabelled}); err != nil {
			t.Fatal(err)
		}
		es, _ = audit.List(ctx, d, audit.Filter{Action: "review.label", EntityID: fmt.Sprint(f.dossiers[1])})
		if len(es) != 1 || strings.Contains(es[0].After, "quorum_override") {
			t.Errorf("audit at the quorum: %+v", es)
		}
		// The eligibility step is not a labelling decision.
		if err := review.Move(ctx, f.env, f.agent, f.c, review.Step{DossierID: f.dossiers[2], To: dossier.StateEligible}); err != nil {
			t.Errorf("eligible below the quorum: %v", err)
		}
		// The demo's seeding decides without reviews.
		if err := review.Move(ctx, f.env, change.System("demo"), f.c, review.Step{DossierID: f.dossiers[3], To: dossier.StateLabelled}); err != nil {
			t.Errorf("system decision: %v", err)
		}
	})
}
