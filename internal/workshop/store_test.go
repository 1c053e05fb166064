package workshop_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/mail"
	"budgetcitoyen/internal/workshop"
)

var now = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

type fixture struct {
	d    *db.DB
	camp *campaign.Campaign
	sess *workshop.Session
}

func setup(t *testing.T, d *db.DB, capacity int) fixture {
	t.Helper()
	ctx := context.Background()
	c, err := campaign.Preset(campaign.PresetPasDeCalais2018)
	if err != nil {
		t.Fatal(err)
	}
	if err := campaign.Insert(ctx, d, c, now); err != nil {
		t.Fatal(err)
	}
	s := &workshop.Session{CampaignID: c.ID, Title: "Comptoir d'Arras", Host: "Maison des associations", Address: "2 rue de la Paix",
		Commune: "62041", Topics: []workshop.Topic{workshop.TopicPitch}, StartsAt: now.Add(30 * time.Hour),
		EndsAt: now.Add(33 * time.Hour), Capacity: capacity}
	if err := workshop.Create(ctx, d, s, now); err != nil {
		t.Fatal(err)
	}
	return fixture{d: d, camp: c, sess: s}
}

func person(t *testing.T, d *db.DB, n int) int64 {
	t.Helper()
	a, err := account.Create(context.Background(), d, fmt.Sprintf("p%d@exemple.fr", n), fmt.Sprintf("Personne %d", n), now)
	if err != nil {
		t.Fatal(err)
	}
	if err := account.MarkVerified(context.Background(), d, a.ID, now); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func register(t *testing.T, f fixture, acc int64) (workshop.Registration, error) {
	t.Helper()
	var reg workshop.Registration
	err := f.d.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		reg, err = workshop.Register(context.Background(), f.d, tx, f.sess.ID, acc, now)
		return err
	})
	return reg, err
}

func TestRegisterWaitingListAndPromotion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, 2)
		a, b, c := person(t, d, 1), person(t, d, 2), person(t, d, 3)
		for i, acc := range []int64{a, b, c} {
			reg, err := register(t, f, acc)
			if err != nil {
				t.Fatal(err)
			}
			want := workshop.Registered
			if i == 2 {
				want = workshop.Waiting
			}
			if reg.Status != want {
				t.Errorf("registration %d: %s, want %s", i, reg.Status, want)
			}
		}
		if _, err := register(t, f, a); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("second registration: %v, want a conflict", err)
		}
		s, _ := workshop.ByID(ctx, d, f.sess.ID)
		if s.Registered != 2 || s.Waiting != 1 || !s.Full() {
			t.Errorf("counts %d/%d full=%v", s.Registered, s.Waiting, s.Full())
		}
		var promoted []workshop.Registration
		err := d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			_, promoted, err = workshop.Unregister(ctx, d, tx, f.sess.ID, a)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(promoted) != 1 || promoted[0].AccountID != c || promoted[0].Status != workshop.Registered {
			t.Fatalf("promoted = %+v, want person 3", promoted)
		}
		mine, err := workshop.ForAccount(ctx, d, f.camp.ID, c)
		if err != nil || len(mine) != 1 || mine[0].Status != workshop.Registered {
			t.Fatalf("ForAccount: %+v %v", mine, err)
		}
		err = d.InTx(ctx, func(tx *db.Tx) error {
			_, _, err := workshop.Unregister(ctx, d, tx, f.sess.ID, a)
			return err
		})
		if !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("unregister twice: %v", err)
		}
	})
}

func TestCapacityRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 3)
		for i := 0; i < 2; i++ {
			if _, err := register(t, f, person(t, d, 100+i)); err != nil {
				t.Fatal(err)
			}
		}
		const n = 12
		accs := make([]int64, n)
		for i := range accs {
			accs[i] = person(t, d, i)
		}
		var wg sync.WaitGroup
		results := make(chan workshop.Status, n)
		errs := make(chan error, n)
		start := make(chan struct{})
		for _, acc := range accs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				reg, err := register(t, f, acc)
				if err != nil {
					errs <- err
					return
				}
				results <- reg.Status
			}()
		}
		close(start)
		wg.Wait()
		close(results)
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		seats := 0
		for s := range results {
			if s == workshop.Registered {
				seats++
			}
		}
		if seats != 1 {
			t.Errorf("%d registrations got the last seat, want exactly 1", seats)
		}
		s, _ := workshop.ByID(context.Background(), d, f.sess.ID)
		if s.Registered != 3 || s.Waiting != n-1 {
			t.Errorf("after the race: %d registered, %d waiting", s.Registered, s.Waiting)
		}
	})
}

func TestCancelAttendanceAttended(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, 5)
		a, b := person(t, d, 1), person(t, d, 2)
		for _, acc := range []int64{a, b} {
			if _, err := register(t, f, acc); err != nil {
				t.Fatal(err)
			}
		}
		if ok, _ := workshop.Attended(ctx, d, f.camp.ID, a); ok {
			t.Error("attended before marking")
		}
		if err := workshop.MarkAttendance(ctx, d, f.sess.ID, a, workshop.Present, now); err != nil {
			t.Fatal(err)
		}
		if err := workshop.MarkAttendance(ctx, d, f.sess.ID, b, workshop.Absent, now); err != nil {
			t.Fatal(err)
		}
		if err := workshop.MarkAttendance(ctx, d, f.sess.ID, person(t, d, 3), workshop.Present, now); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("marking someone not registered: %v", err)
		}
		if ok, err := workshop.Attended(ctx, d, f.camp.ID, a); !ok || err != nil {
			t.Errorf("Attended(a) = %v, %v", ok, err)
		}
		if ok, _ := workshop.Attended(ctx, d, f.camp.ID, b); ok {
			t.Error("absent person counted as attended")
		}
		if ok, _ := workshop.Attended(ctx, d, f.camp.ID+1000, a); ok {
			t.Error("attended counted for another campaign")
		}
		regs, err := workshop.Cancel(ctx, d, f.sess.ID, now)
		if err != nil || len(regs) != 2 {
			t.Fatalf("Cancel: %d people, %v", len(regs), err)
		}
		if _, err := workshop.Cancel(ctx, d, f.sess.ID, now); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("cancel twice: %v", err)
		}
		if _, err := register(t, f, person(t, d, 4)); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("register to a cancelled session: %v", err)
		}
		up, _ := workshop.Upcoming(ctx, d, f.camp.ID, now)
		if len(up) != 0 {
			t.Errorf("cancelled session still upcoming")
		}
	})
}

func TestQueueRemindersIdempotent(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	m := workshop.Mailer{Cat: cat, BaseURL: "https://budget.example.org"}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, 1)
		a, b := person(t, d, 1), person(t, d, 2)
		for _, acc := range []int64{a, b} { // b waits: no reminder
			if _, err := register(t, f, acc); err != nil {
				t.Fatal(err)
			}
		}
		// 30 hours before: nothing due.
		if n, err := m.QueueReminders(ctx, d, now); n != 0 || err != nil {
			t.Fatalf("too early: %d, %v", n, err)
		}
		later := now.Add(7 * time.Hour) // 23 hours before the start
		var wg sync.WaitGroup
		total := make(chan int, 4)
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := m.QueueReminders(ctx, d, later)
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
			t.Errorf("%d reminders queued by concurrent runs, want 1", sum)
		}
		if n, _ := m.QueueReminders(ctx, d, later.Add(time.Hour)); n != 0 {
			t.Errorf("second run queued %d", n)
		}
		msgs, _ := mail.Sent(ctx, d, "p1@exemple.fr")
		if len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "Rappel") ||
			!strings.Contains(msgs[0].Body, "https://budget.example.org/pas-de-calais-2018/comptoirs/") ||
			!strings.Contains(msgs[0].Body, "mercredi 11 mars 2026") || !strings.Contains(msgs[0].Body, "16\u00a0h") {
			t.Errorf("reminder e-mail: %+v", msgs)
		}
		if msgs, _ := mail.Sent(ctx, d, "p2@exemple.fr"); len(msgs) != 0 {
			t.Errorf("the waiting person got a reminder")
		}
	})
}
