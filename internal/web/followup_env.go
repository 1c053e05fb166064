package web

import (
	"budgetcitoyen/internal/followup"
	"budgetcitoyen/internal/subscription"
)

// followupEnv is the environment of the follow-up's changes: a published update is told to
// its project's subscribers (subscription.ProjectNotifier).
func (s *Server) followupEnv() followup.Env {
	return followup.Env{Change: s.changeEnv(), Blobs: s.blobs(), Cat: s.cat, BaseURL: s.baseURL,
		Notify: subscription.ProjectNotifier(s.cat, s.baseURL)}
}

// subscriptionEnv is the environment of the subscriptions' changes.
func (s *Server) subscriptionEnv() subscription.Env {
	return subscription.Env{Change: s.changeEnv(), Cat: s.cat, BaseURL: s.baseURL}
}
