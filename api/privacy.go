package api

import (
	"net/http"

	"github.com/jackc/pgx/v5"

	"github.com/xiaobao-cn/xiaobao/chat"
	"github.com/xiaobao-cn/xiaobao/pii"
	"github.com/xiaobao-cn/xiaobao/triage"
)

// The consumer's rights over their personal data (个人信息保护法): an
// administrator, on the consumer's verified request, exports a copy of
// everything held under their phone number or erases it.
//
//	POST /api/v1/admin/consumers/export  {"phone"}            → triage.ConsumerExport
//	POST /api/v1/admin/consumers/delete  {"phone", "reason"}  → {"cases", "chat_sessions"}
//
// Both are POST so the phone never appears in a URL (access logs, proxies,
// browser history). Both write an audit event naming the administrator,
// with the phone masked: the audit log must not keep what was erased.
func (s *Server) registerPrivacy() {
	if s.cfg.Triage == nil {
		return
	}
	s.mux.HandleFunc("POST /api/v1/admin/consumers/export", s.authed(s.handleConsumerExport, RoleAdmin))
	s.mux.HandleFunc("POST /api/v1/admin/consumers/delete", s.authed(s.handleConsumerDelete, RoleAdmin))
}

// consumerRequest is the body of both privacy routes.
type consumerRequest struct {
	Phone  string `json:"phone"`
	Reason string `json:"reason"`
}

// readConsumerPhone reads the body and normalises the phone, answering a
// clear 400 when it is not one.
func (s *Server) readConsumerPhone(w http.ResponseWriter, r *http.Request) (consumerRequest, bool) {
	var in consumerRequest
	if err := s.readJSON(w, r, &in); err != nil {
		writeError(w, r, s.log, err)
		return in, false
	}
	phone, err := triage.NormalizePhone(in.Phone)
	if err != nil {
		writeError(w, r, s.log, badRequest(`"phone" must be the phone number the consumer filed with, e.g. {"phone": "13812345678"}`))
		return in, false
	}
	in.Phone = phone
	return in, true
}

func (s *Server) handleConsumerExport(w http.ResponseWriter, r *http.Request) {
	in, ok := s.readConsumerPhone(w, r)
	if !ok {
		return
	}
	ex, err := s.cfg.Triage.ExportConsumer(r.Context(), in.Phone)
	if err != nil {
		s.caseError(w, r, err)
		return
	}
	p, _ := PrincipalFrom(r.Context())
	tracking := make([]string, len(ex.Cases))
	for i, c := range ex.Cases {
		tracking[i] = c.Case.TrackingNo
	}
	if err := Audit(r.Context(), s.cfg.Pool, p.Actor(), "consumer.export", "consumer", pii.MaskPhone(in.Phone), "", "",
		map[string]any{"cases": tracking}); err != nil {
		writeError(w, r, s.log, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, ex)
}

func (s *Server) handleConsumerDelete(w http.ResponseWriter, r *http.Request) {
	in, ok := s.readConsumerPhone(w, r)
	if !ok {
		return
	}
	p, _ := PrincipalFrom(r.Context())
	var cases int
	var sessions int64
	// One transaction: the chat sessions are found through the cases'
	// phone, so they go first, then the cases, then the audit record; a
	// failure leaves everything as it was.
	err := pgx.BeginFunc(r.Context(), s.cfg.Pool, func(tx pgx.Tx) error {
		var err error
		if sessions, err = chat.DeleteSessionsForPhone(r.Context(), tx, in.Phone); err != nil {
			return err
		}
		if cases, err = s.cfg.Triage.DeleteConsumerTx(r.Context(), tx, in.Phone, p.Actor(), in.Reason); err != nil {
			return err
		}
		return Audit(r.Context(), tx, p.Actor(), "consumer.delete", "consumer", pii.MaskPhone(in.Phone), "", "erased",
			map[string]any{"cases": cases, "chat_sessions": sessions, "reason": pii.Mask(in.Reason)})
	})
	if err != nil {
		s.caseError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": cases, "chat_sessions": sessions})
}
