package account

import (
	"context"
	"regexp"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

func wantAppErr(t *testing.T, err error, kind apperr.Kind, key string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != kind || e.Message.Key != key {
		t.Errorf("err = %v, want %s %s", err, kind, key)
	}
}

func TestTokenSingleUse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreate(t, d, "camille@exemple.fr", "")
		secret, err := IssueToken(ctx, d, a.ID, PurposeVerify, 0, t0)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`).MatchString(secret) {
			t.Errorf("secret %q is not 256 bits of URL-safe base64", secret)
		}
		var stored string
		if err := d.QueryRowContext(ctx, "SELECT token_hash FROM account_tokens").Scan(&stored); err != nil || stored == secret || stored != hashLink(secret) {
			t.Errorf("stored %q (%v): must be the SHA-256 of the secret, not the secret", stored, err)
		}
		// A verify token is worth nothing as a reset token.
		_, err = ConsumeToken(ctx, d, PurposeReset, secret, t0)
		wantAppErr(t, err, apperr.Invalid, "account.token_invalid")
		id, err := ConsumeToken(ctx, d, PurposeVerify, secret, t0.Add(47*time.Hour))
		if err != nil || id != a.ID {
			t.Fatalf("ConsumeToken = %d, %v", id, err)
		}
		_, err = ConsumeToken(ctx, d, PurposeVerify, secret, t0.Add(47*time.Hour))
		wantAppErr(t, err, apperr.Invalid, "account.token_used")
		_, err = ConsumeToken(ctx, d, PurposeVerify, "forged-"+secret[7:], t0)
		wantAppErr(t, err, apperr.Invalid, "account.token_invalid")
		_, err = ConsumeToken(ctx, d, PurposeVerify, "", t0)
		wantAppErr(t, err, apperr.Invalid, "account.token_invalid")
		if _, err := ConsumeToken(ctx, d, PurposeLoginCode, "12345678", t0); err == nil || apperr.IsKind(err, apperr.Invalid) {
			t.Errorf("login codes by secret alone: %v, want a programming error", err)
		}
		if _, err := IssueToken(ctx, d, a.ID, "bogus", 0, t0); err == nil {
			t.Error("unknown purpose issued")
		}
	})
}

func TestTokenExpiry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreate(t, d, "camille@exemple.fr", "")
		for _, tt := range []struct {
			p   Purpose
			ttl time.Duration
		}{{PurposeVerify, 48 * time.Hour}, {PurposeReset, time.Hour}, {"custom", 0}} {
			p, ttl := tt.p, tt.ttl
			if p == "custom" {
				p, ttl = PurposeVerify, 10*time.Minute
			}
			secret, err := IssueToken(ctx, d, a.ID, p, ttl, t0)
			if err != nil {
				t.Fatal(err)
			}
			_, err = ConsumeToken(ctx, d, p, secret, t0.Add(ttl))
			wantAppErr(t, err, apperr.Invalid, "account.token_expired")
			if id, err := ConsumeToken(ctx, d, p, secret, t0.Add(ttl-time.Millisecond)); err != nil || id != a.ID {
				t.Errorf("%s just before expiry: %d, %v", p, id, err)
			}
		}
		if n, err := PurgeTokens(ctx, d, t0.Add(2*time.Hour)); err != nil || n != 2 {
			t.Errorf("PurgeTokens = %d, %v; want the 2 expired ones", n, err)
		}
	})
}

func TestResetCancelsEarlierResets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreate(t, d, "camille@exemple.fr", "")
		b := mustCreate(t, d, "dominique@exemple.fr", "")
		first, _ := IssueToken(ctx, d, a.ID, PurposeReset, 0, t0)
		verify, _ := IssueToken(ctx, d, a.ID, PurposeVerify, 0, t0)
		other, _ := IssueToken(ctx, d, b.ID, PurposeReset, 0, t0)
		second, err := IssueToken(ctx, d, a.ID, PurposeReset, 0, t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		_, err = ConsumeToken(ctx, d, PurposeReset, first, t0.Add(2*time.Minute))
		wantAppErr(t, err, apperr.Invalid, "account.token_used")
		for _, s := range []struct {
			p      Purpose
			secret string
			want   int64
		}{{PurposeReset, second, a.ID}, {PurposeVerify, verify, a.ID}, {PurposeReset, other, b.ID}} {
			if id, err := ConsumeToken(ctx, d, s.p, s.secret, t0.Add(2*time.Minute)); err != nil || id != s.want {
				t.Errorf("%s token: %d, %v", s.p, id, err)
			}
		}
		// Setting a password spends outstanding reset links.
		third, _ := IssueToken(ctx, d, a.ID, PurposeReset, 0, t0)
		if err := SetPassword(ctx, d, testParams, a.ID, "un nouveau mot de passe", t0); err != nil {
			t.Fatal(err)
		}
		_, err = ConsumeToken(ctx, d, PurposeReset, third, t0)
		wantAppErr(t, err, apperr.Invalid, "account.token_used")
	})
}

// Two people (or two tabs, or a mail scanner and a person) using one link at once: exactly
// one of them gets it.
func TestTokenConcurrentConsumption(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreate(t, d, "camille@exemple.fr", "")
		const rounds, workers = 5, 8
		for range rounds {
			secret, err := IssueToken(ctx, d, a.ID, PurposeReset, 0, t0)
			if err != nil {
				t.Fatal(err)
			}
			var (
				wg       sync.WaitGroup
				mu       sync.Mutex
				wins     int
				failures []error
				start    = make(chan struct{})
			)
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, err := ConsumeToken(ctx, d, PurposeReset, secret, t0)
					mu.Lock()
					defer mu.Unlock()
					if err == nil {
						wins++
					} else if !apperr.IsKind(err, apperr.Invalid) {
						failures = append(failures, err)
					}
				}()
			}
			close(start)
			wg.Wait()
			if wins != 1 || len(failures) > 0 {
				t.Fatalf("%d successful uses of one token (want 1), unexpected errors: %v", wins, failures)
			}
		}
	})
}

func TestLoginCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreate(t, d, "electeur@exemple.fr", "")
		b := mustCreate(t, d, "electrice@exemple.fr", "")
		code, err := IssueToken(ctx, d, a.ID, PurposeLoginCode, 0, t0)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[0-9]{8}$`).MatchString(code) {
			t.Errorf("code %q is not 8 digits", code)
		}
		// The same code for another account is another row, and is not valid for the first.
		if _, err := d.ExecContext(ctx,
			"INSERT INTO account_tokens (account_id, purpose, token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)",
			b.ID, string(PurposeLoginCode), hashCode(b.ID, code), t0.Add(time.Hour), t0); err != nil {
			t.Fatalf("same code for another account collides: %v", err)
		}
		wantAppErr(t, ConsumeLoginCode(ctx, d, a.ID, "00000000", t0), apperr.Invalid, "account.code_invalid")
		wantAppErr(t, ConsumeLoginCode(ctx, d, a.ID, "abc", t0), apperr.Invalid, "account.code_invalid")
		wantAppErr(t, ConsumeLoginCode(ctx, d, a.ID, code, t0.Add(LoginCodeTTL)), apperr.Invalid, "account.code_invalid")
		typed := code[:4] + " " + code[4:]
		if err := ConsumeLoginCode(ctx, d, a.ID, typed, t0.Add(time.Minute)); err != nil {
			t.Fatalf("code typed with a space: %v", err)
		}
		wantAppErr(t, ConsumeLoginCode(ctx, d, a.ID, code, t0.Add(time.Minute)), apperr.Invalid, "account.code_invalid")
		if err := ConsumeLoginCode(ctx, d, b.ID, code, t0.Add(time.Minute)); err != nil {
			t.Errorf("the other account's code: %v", err)
		}
		// A new code cancels the previous one.
		c1, _ := IssueToken(ctx, d, a.ID, PurposeLoginCode, 0, t0)
		c2, _ := IssueToken(ctx, d, a.ID, PurposeLoginCode, 0, t0)
		if c1 != c2 {
			wantAppErr(t, ConsumeLoginCode(ctx, d, a.ID, c1, t0), apperr.Invalid, "account.code_invalid")
		}
		if err := ConsumeLoginCode(ctx, d, a.ID, c2, t0); err != nil {
			t.Errorf("latest code: %v", err)
		}
	})
}
