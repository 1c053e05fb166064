package review

import (
	"sort"
	"time"
)

// ConflictState is a member's declaration about an assigned dossier.
type ConflictState string

// The declarations.
const (
	ConflictPending  ConflictState = ""         // not declared yet: the member cannot open the dossier
	ConflictNone     ConflictState = "none"     // no conflict of interest
	ConflictDeclared ConflictState = "conflict" // a conflict: the member cannot open or score it
)

// Assignment is one dossier given to one member, with the member's declaration and review.
type Assignment struct {
	ID           int64
	CampaignID   int64
	DossierID    int64
	AccountID    int64
	MemberName   string
	MemberEmail  string
	MemberKind   Kind
	Automatic    bool
	AssignedAt   time.Time
	Conflict     ConflictState
	ConflictNote string
	DeclaredAt   *time.Time
	Review       Review
	UpdatedAt    time.Time
}

// Active reports whether the assignment counts as a reviewer (no declared conflict).
func (a Assignment) Active() bool { return a.Conflict != ConflictDeclared }

// Pair is one assignment to make.
type Pair struct {
	DossierID int64
	AccountID int64
}

// Balance assigns reviewers so that each dossier has at least n active reviewers, giving
// each new assignment to the member with the fewest active assignments (then the lowest
// account id), never to a member already assigned to the dossier (with or without a conflict).
// dossiers are handled in the order given; existing lists the current assignments.
func Balance(dossiers []int64, members []int64, n int, existing []Assignment) []Pair {
	load := map[int64]int{}
	for _, m := range members {
		load[m] = 0
	}
	taken := map[Pair]bool{}
	active := map[int64]int{}
	for _, a := range existing {
		taken[Pair{a.DossierID, a.AccountID}] = true
		if a.Active() {
			active[a.DossierID]++
			if _, ok := load[a.AccountID]; ok {
				load[a.AccountID]++
			}
		}
	}
	sorted := append([]int64(nil), members...)
	var out []Pair
	for _, d := range dossiers {
		for active[d] < n {
			sort.SliceStable(sorted, func(i, j int) bool {
				if load[sorted[i]] != load[sorted[j]] {
					return load[sorted[i]] < load[sorted[j]]
				}
				return sorted[i] < sorted[j]
			})
			picked := false
			for _, m := range sorted {
				if !taken[Pair{d, m}] {
					p := Pair{d, m}
					taken[p] = true
					load[m]++
					active[d]++
					out = append(out, p)
					picked = true
					break
				}
			}
			if !picked {
				break // every member is already on this dossier
			}
		}
	}
	return out
}
