package web

import (
	"context"
	"net/http"
	"time"
)

// healthz says the process is alive; it touches nothing else.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := w.Write([]byte("ok\n"))
	return err
}

// readyz says the process can serve: the database answers within a second.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.db.PingContext(ctx); err != nil {
		s.log.Warn("not ready: database unreachable", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, err = w.Write([]byte("database unreachable\n"))
		return err
	}
	_, err := w.Write([]byte("ready\n"))
	return err
}
