package api

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"github.com/xiaobao-cn/xiaobao/triage"
)

// registerStats mounts the supervisor statistics. Dates are China dates,
// both inclusive; the default period is the last 30 days.
func (s *Server) registerStats() {
	if s.cfg.Triage == nil {
		return
	}
	s.mux.HandleFunc("GET /api/v1/stats", s.authed(s.handleStats, RoleSupervisor))
	s.mux.HandleFunc("GET /api/v1/stats/timeseries", s.authed(s.handleStatsSeries, RoleSupervisor))
	s.mux.HandleFunc("GET /api/v1/stats/export.csv", s.authed(s.handleStatsExport, RoleSupervisor))
}

// statsQuery reads from, to and institution from the query string.
func (s *Server) statsQuery(r *http.Request) (triage.StatsQuery, error) {
	q := r.URL.Query()
	from, to, err := triage.ParseStatsRange(q.Get("from"), q.Get("to"), time.Now())
	if err != nil {
		return triage.StatsQuery{}, err
	}
	return triage.StatsQuery{From: from, To: to, Institution: q.Get("institution")}, nil
}

// handleStats answers JSON, or CSV with ?format=csv.
func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	q, err := s.statsQuery(r)
	if err != nil {
		s.caseError(w, r, err)
		return
	}
	st, err := s.cfg.Triage.Stats(r.Context(), q)
	if err != nil {
		s.caseError(w, r, err)
		return
	}
	switch r.URL.Query().Get("format") {
	case "", "json":
		writeJSON(w, http.StatusOK, st)
	case "csv":
		var buf bytes.Buffer
		if err := triage.WriteStatsCSV(&buf, st); err != nil {
			writeError(w, r, s.log, err)
			return
		}
		writeCSV(w, "xiaobao-stats", q, buf.Bytes())
	default:
		writeError(w, r, s.log, badRequest("format must be json or csv"))
	}
}

func (s *Server) handleStatsSeries(w http.ResponseWriter, r *http.Request) {
	q, err := s.statsQuery(r)
	if err != nil {
		s.caseError(w, r, err)
		return
	}
	by := r.URL.Query().Get("by")
	if by == "" {
		by = "product"
	}
	ts, err := s.cfg.Triage.TimeSeries(r.Context(), q, by)
	if err != nil {
		s.caseError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ts)
}

// handleStatsExport sends every case of the period as CSV with JR/T
// 0169-2018 names and no personal data. It is built in memory first so a
// database error still gets a proper error answer.
func (s *Server) handleStatsExport(w http.ResponseWriter, r *http.Request) {
	q, err := s.statsQuery(r)
	if err != nil {
		s.caseError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := s.cfg.Triage.ExportCases(r.Context(), q, &buf); err != nil {
		s.caseError(w, r, err)
		return
	}
	writeCSV(w, "xiaobao-cases", q, buf.Bytes())
}

func writeCSV(w http.ResponseWriter, name string, q triage.StatsQuery, body []byte) {
	last := q.To.AddDate(0, 0, -1)
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s-%s.csv"`, name,
		q.From.In(triage.ChinaTime).Format(time.DateOnly), last.In(triage.ChinaTime).Format(time.DateOnly)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
