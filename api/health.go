package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/xiaobao-cn/xiaobao/migrations"
)

func (s *Server) registerHealth() {
	s.mux.HandleFunc("GET /healthz", s.handleHealthz)
	s.mux.HandleFunc("GET /readyz", s.handleReadyz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{}))
}

// handleHealthz says only that the process is alive; orchestrators restart
// on its failure, so it must not depend on the database.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReadyz says whether this replica can serve: the database answers and
// its schema is the one this binary expects.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	if reason := s.notReady(r.Context()); reason != "" {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": reason})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) notReady(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	current, latest, err := migrations.Status(ctx, s.cfg.Pool)
	if err != nil {
		return "database unreachable: " + err.Error()
	}
	if current != latest {
		return fmt.Sprintf("schema at version %d, binary expects %d: run `xiaobao migrate`", current, latest)
	}
	return ""
}
