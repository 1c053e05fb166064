// Package workshop holds the comptoirs à initiatives citoyennes: in-person workshop sessions
// of a campaign (topics, host ESS structure, place, time, capacity, animators), the
// registrations with their waiting list, attendance, reminders, the CSV export and the
// territorial coverage of the sessions.
//
// The rule files (topics, form parsing and validation, iCalendar, CSV, coverage, nearness)
// are pure; store.go holds the SQL and mails.go the e-mails.
package workshop

import (
	"strings"
	"time"
)

// Topic is what a session works on.
type Topic string

// The topics of a session.
const (
	TopicPitch         Topic = "pitch"           // pitching the idea
	TopicFunding       Topic = "funding"         // finding funding
	TopicIdeaToProject Topic = "idea_to_project" // from idea to project
	TopicCommunication Topic = "communication"
	TopicOther         Topic = "other"
)

// Topics lists the topics in display order.
func Topics() []Topic {
	return []Topic{TopicPitch, TopicFunding, TopicIdeaToProject, TopicCommunication, TopicOther}
}

// Valid reports whether t is a known topic.
func (t Topic) Valid() bool {
	for _, x := range Topics() {
		if t == x {
			return true
		}
	}
	return false
}

// MessageKey is the i18n key of the topic's name.
func (t Topic) MessageKey() string { return "workshop.topic." + string(t) }

// ParseTopics reads the stored form "pitch,funding" (unknown or repeated codes are dropped),
// in display order.
func ParseTopics(s string) []Topic {
	seen := map[Topic]bool{}
	for _, part := range strings.Split(s, ",") {
		t := Topic(strings.TrimSpace(part))
		if t.Valid() {
			seen[t] = true
		}
	}
	var out []Topic
	for _, t := range Topics() {
		if seen[t] {
			out = append(out, t)
		}
	}
	return out
}

// JoinTopics is the stored form of topics.
func JoinTopics(ts []Topic) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = string(t)
	}
	return strings.Join(parts, ",")
}

// Session is one comptoir session.
type Session struct {
	ID          int64
	CampaignID  int64
	Title       string
	Description string
	Topics      []Topic
	Host        string // name of the ESS structure that hosts it
	Address     string // street address
	Commune     string // INSEE code
	StartsAt    time.Time
	EndsAt      time.Time
	Capacity    int
	Animators   []int64 // account ids
	CancelledAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Filled by the store's reads.
	Registered   int    // seats taken
	Waiting      int    // people on the waiting list
	CampaignSlug string // for links
	TimeZone     string // the campaign's, for display
}

// SeatsLeft is the number of free seats (never negative).
func (s Session) SeatsLeft() int { return max(s.Capacity-s.Registered, 0) }

// Full reports whether every seat is taken.
func (s Session) Full() bool { return s.Registered >= s.Capacity }

// Cancelled reports whether the session was cancelled.
func (s Session) Cancelled() bool { return s.CancelledAt != nil }

// HasTopic reports whether the session works on t.
func (s Session) HasTopic(t Topic) bool {
	for _, x := range s.Topics {
		if x == t {
			return true
		}
	}
	return false
}

// HasAnimator reports whether accountID animates the session.
func (s Session) HasAnimator(accountID int64) bool {
	for _, a := range s.Animators {
		if a == accountID {
			return true
		}
	}
	return false
}

// Location is the session's time zone (UTC if unknown).
func (s Session) Location() *time.Location {
	if loc, err := time.LoadLocation(s.TimeZone); err == nil && s.TimeZone != "" {
		return loc
	}
	return time.UTC
}

// Status is where a registration stands.
type Status string

// The statuses of a registration.
const (
	Registered Status = "registered" // holds a seat
	Waiting    Status = "waiting"    // on the waiting list
)

// Attendance is what an animator recorded.
type Attendance string

// The attendance marks.
const (
	Unmarked Attendance = ""
	Present  Attendance = "present"
	Absent   Attendance = "absent"
)

// Valid reports whether a is a known mark.
func (a Attendance) Valid() bool { return a == Unmarked || a == Present || a == Absent }

// Registration is one person's registration to a session.
type Registration struct {
	ID         int64
	SessionID  int64
	AccountID  int64
	Email      string
	Name       string
	Lang       string
	Status     Status
	CreatedAt  time.Time
	Attendance Attendance
	RemindedAt *time.Time
}

// MyRegistration is a registration seen by its holder, with its session.
type MyRegistration struct {
	Registration
	Session Session
	// Position on the waiting list, 1 for the first; 0 when registered.
	Position int
}
