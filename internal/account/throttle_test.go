package account

import (
	"context"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

const goodPassword = "lapin vert du jardin"

func TestAuthenticate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreate(t, d, "camille@exemple.fr", goodPassword)
		c := newCampaign(t, d, "c1")
		if err := GrantRole(ctx, d, a.ID, access.Committee, &c, t0); err != nil {
			t.Fatal(err)
		}
		got, err := Authenticate(ctx, d, testParams, " Camille@Exemple.fr", goodPassword, "192.0.2.1", t0)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != a.ID || len(got.Roles) != 1 || !access.ActorFor(got).HasRole(access.Committee, &c) {
			t.Errorf("signed in as %+v", got)
		}
		// Unknown address, wrong password and code-only account: one answer.
		mustCreate(t, d, "electeur@exemple.fr", "")
		for _, tt := range []struct{ email, pw string }{
			{"personne@exemple.fr", goodPassword}, {"camille@exemple.fr", "mauvais mot de passe"},
			{"electeur@exemple.fr", ""}, {"electeur@exemple.fr", "n'importe quoi"}, {"", ""},
		} {
			_, err := Authenticate(ctx, d, testParams, tt.email, tt.pw, "192.0.2.1", t0)
			wantAppErr(t, err, apperr.Invalid, "account.bad_credentials")
		}
		// Disabled: refused once the password is right, and only then.
		if err := SetDisabled(ctx, d, a.ID, true); err != nil {
			t.Fatal(err)
		}
		_, err = Authenticate(ctx, d, testParams, a.Email, "mauvais mot de passe", "192.0.2.1", t0)
		wantAppErr(t, err, apperr.Invalid, "account.bad_credentials")
		_, err = Authenticate(ctx, d, testParams, a.Email, goodPassword, "192.0.2.1", t0)
		wantAppErr(t, err, apperr.Forbidden, "account.disabled")
	})
}

func TestAuthenticateRehashes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreate(t, d, "camille@exemple.fr", goodPassword)
		stronger := testParams
		stronger.Memory *= 2
		if _, err := Authenticate(ctx, d, stronger, a.Email, goodPassword, "", t0); err != nil {
			t.Fatal(err)
		}
		var hash string
		if err := d.QueryRowContext(ctx, "SELECT password_hash FROM accounts WHERE id = $1", a.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if stronger.NeedsRehash(hash) || !VerifyPassword(hash, goodPassword) {
			t.Errorf("hash not upgraded: %s", hash)
		}
	})
}

func TestThrottlePerAccount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreate(t, d, "camille@exemple.fr", goodPassword)
		// Failures from many addresses (a botnet) still count for the account.
		for i := range MaxFailuresPerAccount {
			_, err := Authenticate(ctx, d, testParams, a.Email, "mauvais mot de passe", ipN(i), t0.Add(time.Duration(i)*time.Minute))
			wantAppErr(t, err, apperr.Invalid, "account.bad_credentials")
		}
		last := t0.Add(time.Duration(MaxFailuresPerAccount-1) * time.Minute)
		for _, at := range []time.Time{last, t0.Add(ThrottleWindow - time.Second)} {
			_, err := Authenticate(ctx, d, testParams, a.Email, goodPassword, "198.51.100.7", at)
			wantAppErr(t, err, apperr.TooMany, "account.too_many_attempts")
		}
		// Unknown addresses are throttled the same way (nothing tells who has an account).
		for i := range MaxFailuresPerAccount {
			_, _ = Authenticate(ctx, d, testParams, "personne@exemple.fr", "x", ipN(100+i), t0)
		}
		_, err := Authenticate(ctx, d, testParams, "personne@exemple.fr", "x", "198.51.100.7", t0)
		wantAppErr(t, err, apperr.TooMany, "account.too_many_attempts")
		// Other accounts are not affected.
		b := mustCreate(t, d, "dominique@exemple.fr", goodPassword)
		if _, err := Authenticate(ctx, d, testParams, b.Email, goodPassword, "198.51.100.7", last); err != nil {
			t.Errorf("other account: %v", err)
		}
		// Once the first failure leaves the window, one more try is allowed; it succeeds and
		// clears the account's failures.
		if _, err := Authenticate(ctx, d, testParams, a.Email, goodPassword, "198.51.100.7", t0.Add(ThrottleWindow)); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		for i := range MaxFailuresPerAccount - 1 {
			_, _ = Authenticate(ctx, d, testParams, a.Email, "mauvais", "", t0.Add(ThrottleWindow+time.Duration(i)*time.Second))
		}
		if _, err := Authenticate(ctx, d, testParams, a.Email, goodPassword, "", t0.Add(ThrottleWindow+time.Minute)); err != nil {
			t.Errorf("failures were not cleared by the success: %v", err)
		}
		// Purge.
		n, err := PurgeLoginFailures(ctx, d, t0.Add(ThrottleWindow))
		if err != nil || n == 0 {
			t.Errorf("PurgeLoginFailures = %d, %v", n, err)
		}
		var left int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM login_failures WHERE failed_at < $1", t0.Add(ThrottleWindow)).Scan(&left); err != nil || left != 0 {
			t.Errorf("%d old failures left (%v)", left, err)
		}
	})
}

func ipN(i int) string {
	return "203.0.113." + string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
}

func TestThrottlePerIP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		victim := mustCreate(t, d, "camille@exemple.fr", goodPassword)
		own := mustCreate(t, d, "attaquant@exemple.fr", goodPassword)
		// One client guessing at many accounts (password spraying), each below its limit.
		for i := range MaxFailuresPerIP {
			email := string(rune('a'+i)) + "@exemple.fr"
			_, err := Authenticate(ctx, d, testParams, email, "azerty", "2001:db8:1:2::1", t0)
			wantAppErr(t, err, apperr.Invalid, "account.bad_credentials")
		}
		// Another address of the same /64 is the same client; the right password is refused.
		_, err := Authenticate(ctx, d, testParams, victim.Email, goodPassword, "[2001:db8:1:2:ffff::9]:4242", t0)
		wantAppErr(t, err, apperr.TooMany, "account.too_many_attempts")
		// Signing in to one's own account from that client does not reset its count.
		_, err = Authenticate(ctx, d, testParams, own.Email, goodPassword, "2001:db8:1:2::1", t0)
		wantAppErr(t, err, apperr.TooMany, "account.too_many_attempts")
		// Another client is not affected, and the refused attempts did not count against
		// the victim's account.
		if _, err := Authenticate(ctx, d, testParams, victim.Email, goodPassword, "2001:db8:1:3::1", t0); err != nil {
			t.Errorf("other client: %v", err)
		}
		if _, err := Authenticate(ctx, d, testParams, victim.Email, goodPassword, "2001:db8:1:2::1", t0.Add(ThrottleWindow)); err != nil {
			t.Errorf("after the window: %v", err)
		}
	})
}

// A burst of parallel guesses gets the tries the limit leaves, no more and no fewer.
func TestThrottleConcurrentGuesses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreate(t, d, "camille@exemple.fr", goodPassword)
		const workers = 3 * MaxFailuresPerAccount
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			tried    int
			start    = make(chan struct{})
			failures []error
		)
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := Authenticate(ctx, d, testParams, a.Email, "mauvais mot de passe", ipN(i), t0)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case apperr.IsKind(err, apperr.Invalid):
					tried++
				case apperr.IsKind(err, apperr.TooMany):
				default:
					failures = append(failures, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if len(failures) > 0 {
			t.Fatal(failures)
		}
		// Attempts are counted one after the other: the burst gets exactly the tries left.
		if tried != MaxFailuresPerAccount {
			t.Errorf("%d passwords checked in a burst, want %d", tried, MaxFailuresPerAccount)
		}
	})
}

func TestSignInWithCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreate(t, d, "electeur@exemple.fr", "")
		code, err := IssueToken(ctx, d, a.ID, PurposeLoginCode, 0, t0)
		if err != nil {
			t.Fatal(err)
		}
		_, err = SignInWithCode(ctx, d, "personne@exemple.fr", code, "192.0.2.1", t0)
		wantAppErr(t, err, apperr.Invalid, "account.code_invalid")
		got, err := SignInWithCode(ctx, d, "Electeur@exemple.fr", code, "192.0.2.1", t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != a.ID || got.EmailVerifiedAt == nil {
			t.Errorf("signed in as %+v", got)
		}
		// Guessing is throttled: after the limit even the right code is refused.
		code, _ = IssueToken(ctx, d, a.ID, PurposeLoginCode, 0, t0)
		for i := range MaxFailuresPerAccount {
			_, err := SignInWithCode(ctx, d, a.Email, "0000000"+string(rune('0'+i)), ipN(i), t0)
			wantAppErr(t, err, apperr.Invalid, "account.code_invalid")
		}
		_, err = SignInWithCode(ctx, d, a.Email, code, "192.0.2.1", t0)
		wantAppErr(t, err, apperr.TooMany, "account.too_many_attempts")
		if _, err := SignInWithCode(ctx, d, a.Email, code, "192.0.2.1", t0.Add(ThrottleWindow)); !apperr.IsKind(err, apperr.Invalid) {
			t.Errorf("code after its 15 minutes: %v", err) // expired meanwhile
		}
	})
}

func TestIPKey(t *testing.T) {
	tests := map[string]string{
		"":                        "",
		"192.0.2.1":               "ip:192.0.2.1",
		"192.0.2.1:5555":          "ip:192.0.2.1",
		"::ffff:192.0.2.1":        "ip:192.0.2.1",
		"2001:db8:1:2:3:4:5:6":    "ip:2001:db8:1:2::/64",
		"[2001:db8:1:2::9]:80":    "ip:2001:db8:1:2::/64",
		"fe80::1%eth0":            "ip:fe80::/64",
		"not an address":          "ip:not an address",
		string(make([]byte, 100)): "ip:" + string(make([]byte, 64)),
	}
	for in, want := range tests {
		if got := ipKey(in); got != want {
			t.Errorf("ipKey(%q) = %q, want %q", in, got, want)
		}
	}
}
