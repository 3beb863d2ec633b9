package api

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xiaobao-cn/xiaobao/triage"
)

// maxClassifyRunes bounds the text of one classify request. Longer texts
// get a clear 400: nothing a consumer writes is that long, and the
// classifier would read only the beginning anyway.
const maxClassifyRunes = 20000

// classifyRoles may call the classifier: any staff role. The endpoint is
// for staff tools and integrations (consumers reach the classifier through
// the chat, which rate-limits per connection); it costs CPU, and in LLM
// mode money, so it is not public.
var classifyRoles = []Role{RoleHandler, RoleStaff, RoleSupervisor}

// registerClassify mounts POST /api/v1/triage/classify. Without a triage
// service there is no classifier to serve.
func (s *Server) registerClassify() {
	if s.cfg.Triage == nil {
		return
	}
	s.mux.HandleFunc("POST /api/v1/triage/classify", s.authed(s.handleClassify, classifyRoles...))
}

// classifyRequest is the body of POST /api/v1/triage/classify.
type classifyRequest struct {
	Text *string `json:"text"`
	// ReceivedAt optionally resolves relative dates ("前天"); defaults to
	// now, Beijing time.
	ReceivedAt string `json:"received_at"`
}

// handleClassify answers with the same object as `xiaobao classify`:
// intent, product and reason with confidences, flags, demands,
// institution, amount and date.
func (s *Server) handleClassify(w http.ResponseWriter, r *http.Request) {
	var in classifyRequest
	if err := s.readJSON(w, r, &in); err != nil {
		writeError(w, r, s.log, err)
		return
	}
	if in.Text == nil {
		writeError(w, r, s.log, badRequest(`"text" is required: send {"text": "…"}`))
		return
	}
	if !utf8.ValidString(*in.Text) {
		writeError(w, r, s.log, badRequest(`"text" is not valid UTF-8`))
		return
	}
	if n := utf8.RuneCountInString(*in.Text); n > maxClassifyRunes {
		writeError(w, r, s.log, badRequest(`"text" has %d characters; the limit is %d`, n, maxClassifyRunes))
		return
	}
	now := time.Now().In(triage.BeijingTime)
	if at := strings.TrimSpace(in.ReceivedAt); at != "" {
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			writeError(w, r, s.log, badRequest(`"received_at" must be an RFC 3339 time such as 2026-10-03T14:00:00+08:00`))
			return
		}
		now = t
	}
	writeJSON(w, http.StatusOK, s.cfg.Triage.Classify(r.Context(), *in.Text, now))
}
