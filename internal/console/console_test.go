package console

import (
	"slices"
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/idea"
	"budgetcitoyen/internal/review"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/workshop"
)

// TestWaiting: which work waits, at which moment of the campaign, and where it is done.
func TestWaiting(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2027, time.January, d, 12, 0, 0, 0, time.UTC) }
	c := &campaign.Campaign{}
	c.SetWindow(campaign.PhaseLabelling, day(1), day(10))
	c.SetWindow(campaign.PhaseVote, day(15), day(20))
	ready := vote.Readiness{SettingsSaved: true, BoxCeremony: true}
	tests := []struct {
		name string
		k    Console
		now  time.Time
		want []string // key:screen
	}{
		{"nothing", Console{Vote: ready}, day(5), nil},
		{"before the vote: settings, census, box", Console{Vote: vote.Readiness{CensusEmpty: true}}, day(12),
			[]string{"vote_settings:vote", "census:vote", "box:box"}},
		{"vote open: the defaults apply, the box still waits", Console{Vote: vote.Readiness{}}, day(16),
			[]string{"box:box"}},
		{"vote over: nothing to prepare, results to record", Console{Dossiers: map[dossier.State]int{dossier.StateBallot: 4}}, day(21),
			[]string{"results:decision"}},
		{"committee at work", Console{Vote: ready, Ideas: idea.Counts{Recent: 3}, Comptoir: workshop.Participation{Unmarked: 1},
			Backlog: review.Backlog{Unassigned: 2, Pending: 5, Ready: 1}}, day(5),
			[]string{"ideas:moderation", "attendance:comptoirs", "unassigned:committee", "reviews_pending:session", "ready:session"}},
		{"reviews past the labelling's end are overdue", Console{Vote: ready, Backlog: review.Backlog{Pending: 5}}, day(11),
			[]string{"reviews_overdue:session"}},
		{"labelled, commission not recorded", Console{Vote: ready, Dossiers: map[dossier.State]int{dossier.StateLabelled: 3}}, day(11),
			[]string{"commission:commission"}},
		{"labelled, commission recorded", Console{Vote: ready, Commission: true, Dossiers: map[dossier.State]int{dossier.StateLabelled: 3}}, day(11),
			nil},
		{"winners without decision", Console{Dossiers: map[dossier.State]int{dossier.StateWinner: 2}}, day(25),
			[]string{"decision:decision"}},
		{"decision recorded, not proclaimed", Console{Decision: true}, day(25), []string{"proclamation:decision"}},
		{"proclaimed", Console{Decision: true, Proclaimed: true}, day(25), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := tt.k
			k.Campaign = c
			k.ReviewsDue = day(10)
			var got []string
			for _, it := range k.waiting(tt.now) {
				if it.N <= 0 {
					t.Errorf("%s waits with %d", it.Key, it.N)
				}
				got = append(got, it.Key+":"+string(it.Screen))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("waiting %v, want %v", got, tt.want)
			}
		})
	}
}

// Without a due date, reviews not returned are pending, never overdue.
func TestWaitingWithoutDueDate(t *testing.T) {
	k := &Console{Campaign: &campaign.Campaign{}, Vote: vote.Readiness{SettingsSaved: true, BoxCeremony: true},
		Backlog: review.Backlog{Pending: 2}}
	got := k.waiting(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(got) != 1 || got[0].Key != "reviews_pending" {
		t.Errorf("waiting %+v, want the pending reviews", got)
	}
}

// TestFunnelCountsReachedStates: a dossier counts at every step it passed.
func TestFunnelCountsReachedStates(t *testing.T) {
	k := &Console{Ideas: idea.Counts{Total: 9}, Comptoir: workshop.Participation{Present: 7}, Vote: vote.Readiness{Voters: 50},
		Dossiers: map[dossier.State]int{dossier.StateDraft: 1, dossier.StateSubmitted: 1, dossier.StateIneligible: 1,
			dossier.StateNotLabelled: 1, dossier.StateWithdrawn: 1, dossier.StateNotFunded: 1, dossier.StateWinner: 1,
			dossier.StateGranted: 1, dossier.StateCompleted: 1}}
	k.Funnel = k.funnel()
	want := map[string]int{"ideas": 9, "comptoir": 7, "drafted": 9, "submitted": 8, "eligible": 5, "labelled": 5,
		"ballot": 4, "voters": 50, "winners": 3, "granted": 2, "completed": 1}
	for _, st := range k.Funnel {
		if st.N != want[st.Key] {
			t.Errorf("%s = %d, want %d", st.Key, st.N, want[st.Key])
		}
		if k.Stage(st.Key) != st.N {
			t.Errorf("Stage(%s) = %d", st.Key, k.Stage(st.Key))
		}
	}
	if len(k.Funnel) != len(want) {
		t.Errorf("%d stages", len(k.Funnel))
	}
}
