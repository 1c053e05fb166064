package web

// RoutePatterns lists the patterns of the route table, for the tests that must cover every
// route of a kind.
func RoutePatterns() []string {
	var out []string
	for _, rt := range (&Server{}).routeTable() {
		out = append(out, rt.pattern)
	}
	return out
}
