package web

import (
	"context"
	"net/http"
	"slices"

	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/search"
)

// searchView is a list's full-text search: the GET parameter q, shown back in the list's
// filter form (the partials searchField and searchResults, layout/search.html, given
// (.Search.In .Lang)), and what it found.
type searchView struct {
	Lang  i18n.Lang // set by In, for the partials
	Q     string    // what was typed, trimmed
	Query search.Query
	Count int // items found, with the list's other filters
}

// In is v for the partials, which need the page's language.
func (v searchView) In(lang i18n.Lang) searchView {
	v.Lang = lang
	return v
}

// Active reports whether the list is narrowed by a search (a query with words to look for).
func (v searchView) Active() bool { return !v.Query.Empty() }

// Ignored reports whether something was typed that holds no word to look for (stop words
// or punctuation only): the list is shown whole, and says so.
func (v searchView) Ignored() bool { return v.Q != "" && v.Query.Empty() }

// searchOf reads the request's search.
func searchOf(r *http.Request) searchView {
	q := search.ParseQuery(r.URL.Query().Get("q"))
	return searchView{Q: q.Text, Query: q}
}

// searchOrder keeps the items of ids (any order) that the search finds, best first, for the
// lists filtered in Go. Without a search it returns ids as they are.
func (s *Server) searchOrder(ctx context.Context, k search.Kind, v searchView, ids []int64) ([]int64, error) {
	if !v.Active() {
		return ids, nil
	}
	found, err := search.Find(ctx, s.db, k, v.Query)
	if err != nil {
		return nil, err
	}
	listed := make(map[int64]bool, len(ids))
	for _, id := range ids {
		listed[id] = true
	}
	return slices.DeleteFunc(found, func(id int64) bool { return !listed[id] }), nil
}
