package privacy

import (
	"testing"
	"time"

	"budgetcitoyen/internal/apperr"
)

func TestSiteValidate(t *testing.T) {
	ok := DefaultSite
	for _, tc := range []struct {
		name  string
		edit  func(*Site)
		field string // "" = valid
	}{
		{"defaults", func(*Site) {}, ""},
		{"throttle below the lock-out's memory", func(s *Site) { s.ThrottleHours = LockMemoryHours - 1 }, "throttle_hours"},
		{"throttle of a year", func(s *Site) { s.ThrottleHours = 24 * 365 }, ""},
		{"throttle beyond a year", func(s *Site) { s.ThrottleHours = maxHours + 1 }, "throttle_hours"},
		{"unverified zero", func(s *Site) { s.UnverifiedDays = 0 }, "unverified_days"},
		{"outbox negative", func(s *Site) { s.OutboxDays = -3 }, "outbox_days"},
		{"logs ten years and a day", func(s *Site) { s.LogDays = maxDays + 1 }, "log_days"},
		{"controller too long", func(s *Site) { s.Controller = string(make([]byte, maxText+1)) }, "controller"},
		{"contact at the limit", func(s *Site) { s.DPOContact = string(make([]byte, maxText)) }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := ok
			tc.edit(&s)
			err := s.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("valid settings refused: %v", err)
				}
				return
			}
			ae, isApp := apperr.As(err)
			if !isApp || ae.Kind != apperr.Invalid || !ae.Fields.Has(tc.field) || len(ae.Fields) != 1 {
				t.Fatalf("want one error on %s, got %v", tc.field, err)
			}
		})
	}
}

func TestCampaignValidate(t *testing.T) {
	for _, tc := range []struct {
		days int
		ok   bool
	}{{0, false}, {1, true}, {90, true}, {maxDays, true}, {maxDays + 1, false}} {
		err := Campaign{VoterDays: tc.days}.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("VoterDays %d: %v", tc.days, err)
		}
	}
}

func TestCutoffsAndDue(t *testing.T) {
	now := time.Date(2027, 3, 10, 12, 0, 0, 0, time.UTC)
	cut := Site{ThrottleHours: 48, UnverifiedDays: 30, OutboxDays: 7, LogDays: 180}.CutoffsAt(now)
	for _, tc := range []struct {
		name      string
		got, want time.Time
	}{
		{"sessions", cut.Sessions, now},
		{"throttle", cut.Throttle, time.Date(2027, 3, 8, 12, 0, 0, 0, time.UTC)},
		{"unverified", cut.Unverified, time.Date(2027, 2, 8, 12, 0, 0, 0, time.UTC)},
		{"outbox", cut.Outbox, time.Date(2027, 3, 3, 12, 0, 0, 0, time.UTC)},
	} {
		if !tc.got.Equal(tc.want) {
			t.Errorf("%s cut-off %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	closed := time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC) // 90 days before now
	for _, tc := range []struct {
		days int
		due  bool
	}{{89, true}, {90, true}, {91, false}} {
		if got := (Campaign{VoterDays: tc.days}).VotersDue(closed, now); got != tc.due {
			t.Errorf("VoterDays %d: due %v, want %v", tc.days, got, tc.due)
		}
	}
}
