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

// Five failures of one client at one account lock that pair for a delay that doubles with
// each further failure; the account's owner signing in from elsewhere is not concerned.
func TestThrottlePerPair(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreate(t, d, "camille@exemple.fr", goodPassword)
		const attacker, owner = "198.51.100.7", "192.0.2.10"
		for i := range MaxFailuresPerPair {
			_, err := Authenticate(ctx, d, testParams, a.Email, "mauvais mot de passe", attacker, t0.Add(time.Duration(i)*time.Second))
			wantAppErr(t, err, apperr.Invalid, "account.bad_credentials")
		}
		last := t0.Add(time.Duration(MaxFailuresPerPair-1) * time.Second)
		// The pair is locked for FirstLockDelay after its last failure, even with the right
		// password; the message tells the minutes left.
		for _, at := range []time.Time{last, last.Add(FirstLockDelay - time.Second)} {
			_, err := Authenticate(ctx, d, testParams, a.Email, goodPassword, attacker, at)
			wantAppErr(t, err, apperr.TooMany, "account.too_many_attempts")
		}
		_, err := Authenticate(ctx, d, testParams, a.Email, goodPassword, attacker, last)
		if ae, _ := apperr.As(err); ae == nil || len(ae.Message.Args) != 1 || ae.Message.Args[0] != int(FirstLockDelay/time.Minute) {
			t.Errorf("refusal %v: want %d minutes", err, int(FirstLockDelay/time.Minute))
		}
		// The owner, from another address, is not locked out.
		if _, err := Authenticate(ctx, d, testParams, a.Email, goodPassword, owner, last); err != nil {
			t.Fatalf("owner from elsewhere: %v", err)
		}
		// Once the delay has passed, one more guess; it fails, and the next lock is twice as long.
		t1 := last.Add(FirstLockDelay)
		_, err = Authenticate(ctx, d, testParams, a.Email, "encore faux", attacker, t1)
		wantAppErr(t, err, apperr.Invalid, "account.bad_credentials")
		for _, at := range []time.Time{t1, t1.Add(FirstLockDelay), t1.Add(2*FirstLockDelay - time.Second)} {
			_, err := Authenticate(ctx, d, testParams, a.Email, goodPassword, attacker, at)
			wantAppErr(t, err, apperr.TooMany, "account.too_many_attempts")
		}
		// The right password after the doubled delay clears the pair's failures.
		t2 := t1.Add(2 * FirstLockDelay)
		if _, err := Authenticate(ctx, d, testParams, a.Email, goodPassword, attacker, t2); err != nil {
			t.Fatalf("after the doubled delay: %v", err)
		}
		for i := range MaxFailuresPerPair - 1 {
			_, _ = Authenticate(ctx, d, testParams, a.Email, "mauvais", attacker, t2.Add(time.Duration(i)*time.Second))
		}
		if _, err := Authenticate(ctx, d, testParams, a.Email, goodPassword, attacker, t2.Add(time.Minute)); err != nil {
			t.Errorf("failures were not cleared by the success: %v", err)
		}
		// Unknown addresses are throttled the same way (nothing tells who has an account).
		for range MaxFailuresPerPair {
			_, _ = Authenticate(ctx, d, testParams, "personne@exemple.fr", "x", attacker, t0)
		}
		_, err = Authenticate(ctx, d, testParams, "personne@exemple.fr", "x", attacker, t0)
		wantAppErr(t, err, apperr.TooMany, "account.too_many_attempts")
		// Purge.
		n, err := PurgeLoginFailures(ctx, d, t0.Add(FailureMemory))
		if err != nil || n == 0 {
			t.Errorf("PurgeLoginFailures = %d, %v", n, err)
		}
	})
}

func TestLockDelay(t *testing.T) {
	for n, want := range map[int]time.Duration{
		0: 0, MaxFailuresPerPair - 1: 0, MaxFailuresPerPair: FirstLockDelay, MaxFailuresPerPair + 1: 2 * FirstLockDelay,
		MaxFailuresPerPair + 3: 8 * FirstLockDelay, MaxFailuresPerPair + 20: MaxLockDelay, 1 << 20: MaxLockDelay,
	} {
		if got := LockDelay(n); got != want {
			t.Errorf("LockDelay(%d) = %v, want %v", n, got, want)
		}
	}
}

// Failures from many addresses (a botnet) lock no one out: each address has its own tries.
func TestThrottleBotnetLocksNoOne(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreate(t, d, "camille@exemple.fr", goodPassword)
		for i := range 3 * MaxFailuresPerPair {
			_, err := Authenticate(ctx, d, testParams, a.Email, "mauvais mot de passe", ipN(i), t0)
			wantAppErr(t, err, apperr.Invalid, "account.bad_credentials")
		}
		if _, err := Authenticate(ctx, d, testParams, a.Email, goodPassword, "192.0.2.10", t0); err != nil {
			t.Errorf("owner: %v", err)
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
		const workers = 3 * MaxFailuresPerPair
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			tried    int
			start    = make(chan struct{})
			failures []error
		)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := Authenticate(ctx, d, testParams, a.Email, "mauvais mot de passe", "198.51.100.7", t0)
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
		if tried != MaxFailuresPerPair {
			t.Errorf("%d passwords checked in a burst, want %d", tried, MaxFailuresPerPair)
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
		// A code accepts MaxCodeGuesses wrong guesses: the last one spends it, and the right
		// code is refused from then on, with a message that asks for a new one. Guesses from
		// several addresses count on the code all the same.
		code, _ = IssueToken(ctx, d, a.ID, PurposeLoginCode, 0, t0)
		wrong := "00000000"
		if code == wrong {
			wrong = "11111111"
		}
		for i := range MaxCodeGuesses - 1 {
			_, err := SignInWithCode(ctx, d, a.Email, wrong, ipN(i), t0)
			wantAppErr(t, err, apperr.Invalid, "account.code_invalid")
		}
		_, err = SignInWithCode(ctx, d, a.Email, "pas un code", ipN(9), t0)
		wantAppErr(t, err, apperr.Invalid, "guard.code_exhausted")
		_, err = SignInWithCode(ctx, d, a.Email, code, "192.0.2.1", t0)
		wantAppErr(t, err, apperr.Invalid, "guard.code_exhausted")
		// A new code works at once, and its guesses start from nothing.
		code, _ = IssueToken(ctx, d, a.ID, PurposeLoginCode, 0, t0.Add(time.Minute))
		_, err = SignInWithCode(ctx, d, a.Email, wrong, "192.0.2.1", t0.Add(time.Minute))
		wantAppErr(t, err, apperr.Invalid, "account.code_invalid")
		if _, err := SignInWithCode(ctx, d, a.Email, code, "192.0.2.1", t0.Add(time.Minute)); err != nil {
			t.Fatalf("new code: %v", err)
		}
		// Password failures of a pair do not lock the code sign-in of that pair.
		for range MaxFailuresPerPair + 1 {
			_, _ = Authenticate(ctx, d, testParams, a.Email, "mauvais", "192.0.2.1", t0.Add(2*time.Minute))
		}
		code, _ = IssueToken(ctx, d, a.ID, PurposeLoginCode, 0, t0.Add(2*time.Minute))
		if _, err := SignInWithCode(ctx, d, a.Email, code, "192.0.2.1", t0.Add(2*time.Minute)); err != nil {
			t.Fatalf("code after password failures: %v", err)
		}
		// Expired codes are only invalid.
		code, _ = IssueToken(ctx, d, a.ID, PurposeLoginCode, 0, t0.Add(3*time.Minute))
		if _, err := SignInWithCode(ctx, d, a.Email, code, "192.0.2.1", t0.Add(3*time.Minute+LoginCodeTTL)); !apperr.IsKind(err, apperr.Invalid) {
			t.Errorf("code after its 15 minutes: %v", err)
		}
	})
}

// A burst of parallel wrong codes is counted one at a time: exactly MaxCodeGuesses of them
// are checked against the live code, the others are told it is spent.
func TestCodeGuessesConcurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreate(t, d, "electeur@exemple.fr", "")
		code, err := IssueToken(ctx, d, a.ID, PurposeLoginCode, 0, t0)
		if err != nil {
			t.Fatal(err)
		}
		wrong := "00000000"
		if code == wrong {
			wrong = "11111111"
		}
		var (
			wg            sync.WaitGroup
			mu            sync.Mutex
			invalid, gone int
			start         = make(chan struct{})
			failures      []error
		)
		for i := range 3 * MaxCodeGuesses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := SignInWithCode(ctx, d, a.Email, wrong, ipN(i), t0)
				mu.Lock()
				defer mu.Unlock()
				ae, _ := apperr.As(err)
				switch {
				case ae != nil && ae.Message.Key == "account.code_invalid":
					invalid++
				case ae != nil && ae.Message.Key == "guard.code_exhausted":
					gone++
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
		if invalid != MaxCodeGuesses-1 || gone != 2*MaxCodeGuesses+1 {
			t.Errorf("%d invalid and %d spent, want %d and %d", invalid, gone, MaxCodeGuesses-1, 2*MaxCodeGuesses+1)
		}
		_, err = SignInWithCode(ctx, d, a.Email, code, "192.0.2.1", t0)
		wantAppErr(t, err, apperr.Invalid, "guard.code_exhausted")
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
