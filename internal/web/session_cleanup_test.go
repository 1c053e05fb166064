package web_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/web"
)

// The clean-up judges expiry by the wall clock, as the sessions do, whatever the clock of the
// application (a demo set to another date).
func TestCleanupSessionsUsesTheWallClock(t *testing.T) {
	for _, shift := range []time.Duration{-5 * 365 * 24 * time.Hour, 0, 2 * 365 * 24 * time.Hour} {
		t.Run(shift.String(), func(t *testing.T) {
			d := dbtest.SQLite(t)
			ctx := context.Background()
			srv, err := web.New(web.Config{DB: d, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Now: func() time.Time { return time.Now().Add(shift) }})
			if err != nil {
				t.Fatal(err)
			}
			store := account.NewSessionStore(d, account.NewSessionCache(d))
			for tok, expiry := range map[string]time.Time{"live-session": time.Now().Add(time.Hour), "dead-session": time.Now().Add(-time.Hour)} {
				if err := store.CommitCtx(ctx, tok, []byte("x"), expiry); err != nil {
					t.Fatal(err)
				}
			}
			if err := srv.CleanupSessions(ctx); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(dbtest.Strings(t, d, "SELECT token FROM sessions ORDER BY token"), " "); got != "live-session" {
				t.Errorf("sessions left: %q, want only the live one", got)
			}
		})
	}
}
