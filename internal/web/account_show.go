package web

import (
	"net/http"

	"budgetcitoyen/internal/access"
)

type grantView struct {
	Role     access.Role
	Campaign string // campaign name, empty for a global role
	Link     string // the page of the role's work in that campaign, if it has one here
}

type accountPage struct {
	Base
	Account *access.Account
	Grants  []grantView
	// MyWorkshops links each current campaign's "my comptoir registrations" page: the
	// person's own pages are all one click from the account's.
	MyWorkshops []espaceLink
}

func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) error {
	p, err := s.accountPageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "account", p)
}
