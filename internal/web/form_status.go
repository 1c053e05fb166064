package web

import (
	"net/http"

	"budgetcitoyen/internal/apperr"
)

// formStatus is the status of a form sent back with its errors: 429 when a limit refused it
// (too many e-mails or accounts asked: the form comes back with everything typed and the
// message at its top), 422 otherwise.
func formStatus(ae *apperr.Error) int {
	if ae.Kind == apperr.TooMany {
		return http.StatusTooManyRequests
	}
	return http.StatusUnprocessableEntity
}
