package mail_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/mail"
)

func TestLimitsCheck(t *testing.T) {
	l := mail.Limits{Window: time.Hour, PerAddress: 5, SendsPerClient: 20, AccountsPerClient: 20}
	victim := mail.AddressKey("victime@exemple.fr")
	usage := func(toVictim, sends, accounts int) mail.Usage {
		return mail.Usage{ToAddress: map[string]int{victim: toVictim}, ClientSends: sends, ClientAccounts: accounts}
	}
	tests := []struct {
		name string
		ask  mail.Ask
		u    mail.Usage
		want mail.Refusal
		drop []bool
	}{
		{"first e-mail", mail.Ask{Client: "1.2.3.4", To: []string{"victime@exemple.fr"}}, usage(0, 0, 0), mail.RefuseNone, nil},
		{"fifth e-mail to an address", mail.Ask{Client: "1.2.3.4", To: []string{"victime@exemple.fr"}}, usage(4, 4, 0), mail.RefuseNone, nil},
		{"sixth e-mail to an address", mail.Ask{Client: "1.2.3.4", To: []string{"victime@exemple.fr"}}, usage(5, 5, 0), mail.RefuseAddress, nil},
		{"the address counted whatever its case", mail.Ask{Client: "1.2.3.4", To: []string{" Victime@Exemple.FR"}}, usage(5, 0, 0), mail.RefuseAddress, nil},
		{"two e-mails crossing the limit together", mail.Ask{To: []string{"victime@exemple.fr", "victime@exemple.fr"}}, usage(4, 0, 0), mail.RefuseAddress, nil},
		{"twentieth e-mail of a client", mail.Ask{Client: "1.2.3.4", To: []string{"autre@exemple.fr"}}, usage(0, 19, 0), mail.RefuseNone, nil},
		{"twenty-first e-mail of a client", mail.Ask{Client: "1.2.3.4", To: []string{"autre@exemple.fr"}}, usage(0, 20, 0), mail.RefuseSends, nil},
		{"twentieth account of a client", mail.Ask{Client: "1.2.3.4", Accounts: 1}, usage(0, 0, 19), mail.RefuseNone, nil},
		{"twenty-first account of a client", mail.Ask{Client: "1.2.3.4", Accounts: 1, To: []string{"autre@exemple.fr"}}, usage(0, 0, 20), mail.RefuseAccounts, nil},
		{"no client known: the address only", mail.Ask{To: []string{"autre@exemple.fr"}, Accounts: 1}, usage(0, 500, 500), mail.RefuseNone, nil},
		{"staff notification", mail.Ask{Client: "1.2.3.4", Exempt: true, To: []string{"victime@exemple.fr"}, Accounts: 3}, usage(50, 50, 50), mail.RefuseNone, nil},
		{"a notice past the address's limit is left out", mail.Ask{Client: "1.2.3.4", To: []string{"moi@exemple.fr"},
			Notify: []string{"victime@exemple.fr", "autre@exemple.fr"}}, usage(5, 20-1, 0), mail.RefuseNone, []bool{true, false}},
		{"notices do not count for the client", mail.Ask{Client: "1.2.3.4", Notify: []string{"autre@exemple.fr"}}, usage(0, 20, 0),
			mail.RefuseNone, []bool{false}},
		{"notices to one address within the limit", mail.Ask{Notify: []string{"victime@exemple.fr", "victime@exemple.fr"}}, usage(4, 0, 0),
			mail.RefuseNone, []bool{false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := l.Check(tt.ask, tt.u)
			if v.Refusal != tt.want {
				t.Errorf("refusal %q, want %q", v.Refusal, tt.want)
			}
			if tt.want == mail.RefuseNone && !slices.Equal(v.Drop, tt.drop) && !(len(v.Drop) == 0 && len(tt.drop) == 0) {
				t.Errorf("dropped %v, want %v", v.Drop, tt.drop)
			}
			err := v.Refusal.Err()
			if (err == nil) != (tt.want == mail.RefuseNone) {
				t.Fatalf("error %v", err)
			}
			if ae, ok := apperr.As(err); err != nil && (!ok || ae.Kind != apperr.TooMany || ae.Fields[mail.FormField].Key != ae.Message.Key) {
				t.Errorf("error %+v: want a too_many error on the form", ae)
			}
		})
	}
}

func TestDefaultLimits(t *testing.T) {
	if l := mail.DefaultLimits(); l.Window != time.Hour || l.PerAddress != 5 || l.SendsPerClient != 20 || l.AccountsPerClient != 20 {
		t.Errorf("default limits %+v", l)
	}
}

// Take counts in the database: its refusals hold for any process on the same database, and
// rows older than the window no longer count (and are deleted).
func TestTakeCountsInTheDatabase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		l := mail.DefaultLimits()
		take := func(a mail.Ask, at time.Time) (mail.Verdict, error) {
			var v mail.Verdict
			err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				v, err = mail.Take(ctx, d, tx, l, a, at)
				return err
			})
			return v, err
		}
		for i := range l.PerAddress {
			if _, err := take(mail.Ask{Client: "10.0.0.1", To: []string{"victime@exemple.fr"}}, now.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatalf("e-mail %d: %v", i, err)
			}
		}
		if _, err := take(mail.Ask{Client: "10.0.0.2", To: []string{"VICTIME@exemple.fr"}}, now.Add(10*time.Minute)); !apperr.IsKind(err, apperr.TooMany) {
			t.Errorf("sixth e-mail from another client: %v, want too_many", err)
		}
		// A notice to the full address is left out, and neither counted nor refused.
		v, err := take(mail.Ask{Client: "10.0.0.3", Notify: []string{"victime@exemple.fr"}}, now.Add(10*time.Minute))
		if err != nil || !slices.Equal(v.Drop, []bool{true}) {
			t.Errorf("notice: %+v, %v", v, err)
		}
		// The address was kept as a hash only.
		if rows := dbtest.Strings(t, d, "SELECT recipient FROM mail_quota WHERE recipient LIKE '%@%'"); len(rows) != 0 {
			t.Errorf("addresses in clear: %v", rows)
		}
		// An hour after the first e-mail, one more may go.
		if _, err := take(mail.Ask{Client: "10.0.0.2", To: []string{"victime@exemple.fr"}}, now.Add(time.Hour)); err != nil {
			t.Errorf("an hour later: %v", err)
		}
		if n := dbtest.Strings(t, d, "SELECT CAST(COUNT(*) AS TEXT) FROM mail_quota WHERE at <= $1", now); n[0] != "0" {
			t.Errorf("%s rows older than the window left", n[0])
		}

		// Accounts of one client.
		for i := range l.AccountsPerClient {
			if _, err := take(mail.Ask{Client: "10.0.0.9", Accounts: 1}, now); err != nil {
				t.Fatalf("account %d: %v", i, err)
			}
		}
		if _, err := take(mail.Ask{Client: "10.0.0.9", Accounts: 1}, now); !apperr.IsKind(err, apperr.TooMany) {
			t.Errorf("account too many: %v", err)
		}
		if _, err := take(mail.Ask{Client: "10.0.0.10", Accounts: 1}, now); err != nil {
			t.Errorf("another client's account: %v", err)
		}
		// TakeAlone counts a request that sent nothing.
		for i := range l.SendsPerClient {
			if err := mail.TakeAlone(ctx, d, l, mail.Ask{Client: "10.0.0.20", To: []string{fmt.Sprintf("n%d@exemple.fr", i)}}, now); err != nil {
				t.Fatalf("ask %d: %v", i, err)
			}
		}
		if err := mail.TakeAlone(ctx, d, l, mail.Ask{Client: "10.0.0.20", To: []string{"n99@exemple.fr"}}, now); !apperr.IsKind(err, apperr.TooMany) {
			t.Errorf("ask too many: %v", err)
		}
	})
}

// Requests at the same instant cannot pass the limit together.
func TestTakeConcurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		errs := make(chan error, 40)
		for range 40 {
			go func() {
				errs <- mail.TakeAlone(ctx, d, mail.DefaultLimits(), mail.Ask{Client: "10.0.0.1", Accounts: 1}, now)
			}()
		}
		ok := 0
		for range 40 {
			err := <-errs
			switch {
			case err == nil:
				ok++
			case !apperr.IsKind(err, apperr.TooMany):
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != mail.MaxAccountsPerClient {
			t.Errorf("%d accounts passed, want %d", ok, mail.MaxAccountsPerClient)
		}
	})
}
