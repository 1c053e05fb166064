package web

import "budgetcitoyen/internal/followup"

// followupEnv is the environment of the follow-up's changes.
func (s *Server) followupEnv() followup.Env {
	return followup.Env{Change: s.changeEnv(), Blobs: s.blobs(), Cat: s.cat, BaseURL: s.baseURL}
}
