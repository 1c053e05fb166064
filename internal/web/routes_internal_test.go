package web

import (
	"slices"
	"strings"
	"testing"

	"budgetcitoyen/internal/campaign"
)

// A campaign whose slug equals the first segment of a site route would be unreachable: every
// such segment must be a reserved slug.
func TestRouteSegmentsAreReservedSlugs(t *testing.T) {
	s := &Server{}
	reserved := campaign.ReservedSlugs()
	for _, rt := range s.routeTable() {
		_, path, _ := strings.Cut(rt.pattern, " ")
		first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
		if first == "" || first == "{$}" || strings.HasPrefix(first, "{") {
			continue
		}
		if !slices.Contains(reserved, first) {
			t.Errorf("route %q: %q is not a reserved campaign slug", rt.pattern, first)
		}
	}
}
