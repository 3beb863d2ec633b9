package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/xiaobao-cn/xiaobao/pii"
	"github.com/xiaobao-cn/xiaobao/triage"
)

func init() {
	// Out of scope and missing look the same (triage.ErrOutOfScope wraps
	// ErrNotFound): a handler never learns that another institution's
	// case exists.
	mapError(triage.ErrNotFound, http.StatusNotFound, "not_found", "没有找到这件案件")
	mapError(triage.ErrQueueEmpty, http.StatusNotFound, "queue_empty", "队列里暂时没有可领取的案件")
	mapError(triage.ErrAlreadyClaimed, http.StatusConflict, "already_claimed", "该案件已由其他处理人员领取")
	mapError(triage.ErrNotAssignee, http.StatusConflict, "not_assignee", "请先领取该案件再操作")
	mapError(triage.ErrInvalidTransition, http.StatusConflict, "invalid_transition", "案件当前状态不允许该操作")
	mapError(triage.ErrExtensionExhausted, http.StatusConflict, "extension_exhausted", "延长期限已达上限")
	mapError(triage.ErrNotRatable, http.StatusConflict, "not_ratable", "案件尚未作出处理决定")
	mapError(triage.ErrInvalidInput, http.StatusBadRequest, "bad_request", "请求内容不正确")
}

// Who may do what on cases. Reading is open to every staff role; acting
// only to handlers (and admin, which passes every check). A reveal shows
// personal data, so staff, who curate the knowledge base, may not.
var (
	caseReaders  = []Role{RoleHandler, RoleStaff, RoleSupervisor}
	caseActors   = []Role{RoleHandler}
	caseRevealer = []Role{RoleHandler, RoleSupervisor}
)

// registerCases mounts the handler API and the supervisor statistics. Without a triage service (tools
// that serve only the knowledge base) there is nothing to mount.
func (s *Server) registerCases() {
	if s.cfg.Triage == nil {
		return
	}
	s.mux.HandleFunc("GET /api/v1/cases", s.authed(s.handleCaseList, caseReaders...))
	s.mux.HandleFunc("POST /api/v1/cases/claim", s.authed(s.handleCaseClaimNext, caseActors...))
	s.mux.HandleFunc("GET /api/v1/cases/events", s.authed(s.caseEventsHandler(), caseReaders...))
	s.mux.HandleFunc("GET /api/v1/cases/{id}", s.authed(s.handleCaseGet, caseReaders...))
	s.mux.HandleFunc("GET /api/v1/cases/{id}/events", s.authed(s.handleCaseAudit, caseReaders...))
	s.mux.HandleFunc("GET /api/v1/cases/{id}/messages", s.authed(s.handleCaseMessages, caseReaders...))
	s.mux.HandleFunc("POST /api/v1/cases/{id}/reveal", s.authed(s.handleCaseReveal, caseRevealer...))
	s.mux.HandleFunc("POST /api/v1/cases/{id}/{action}", s.authed(s.handleCaseAction, caseActors...))
	s.registerStats()
}

// caseActor is the triage view of the caller.
func caseActor(r *http.Request) triage.Actor {
	p, _ := PrincipalFrom(r.Context())
	return triage.Actor{Name: p.Actor(), Institution: p.Institution}
}

// caseError turns triage errors into answers. Validation and state errors
// carry a specific Chinese message built without personal data, which says
// more than the table's fixed one, so it is passed on.
func (s *Server) caseError(w http.ResponseWriter, r *http.Request, err error) {
	for _, m := range []struct {
		sentinel error
		status   int
		code     string
	}{
		{triage.ErrInvalidInput, http.StatusBadRequest, "bad_request"},
		{triage.ErrInvalidTransition, http.StatusConflict, "invalid_transition"},
		{triage.ErrExtensionExhausted, http.StatusConflict, "extension_exhausted"},
	} {
		if errors.Is(err, m.sentinel) {
			msg := err.Error()
			if i := strings.LastIndex(msg, m.sentinel.Error()+": "); i >= 0 {
				writeError(w, r, s.log, &Error{Status: m.status, Code: m.code, Message: msg[i+len(m.sentinel.Error())+2:]})
				return
			}
		}
	}
	writeError(w, r, s.log, err)
}

// caseJSON is a case as handler screens get it: masked unless revealed,
// and without the chat session id, which is the consumer's business.
func caseJSON(c triage.Case, reveal bool) map[string]any {
	if !reveal {
		c = c.Masked()
		// Handlers write these reasons themselves and sometimes quote the
		// consumer's numbers in them; Masked leaves them as typed.
		c.ExtensionReason = pii.Mask(c.ExtensionReason)
		c.PauseReason = pii.Mask(c.PauseReason)
	}
	c.SessionID = ""
	return map[string]any{"case": c}
}

func (s *Server) handleCaseList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := triage.ListFilter{
		Status: q.Get("status"), Product: q.Get("product"), Reason: q.Get("reason"), Flag: q.Get("flag"),
		Team: q.Get("team"), Institution: q.Get("institution"), Assignee: q.Get("assignee"), Q: q.Get("q"),
	}
	if f.Assignee == "me" {
		f.Assignee = caseActor(r).Name
	}
	var err error
	for name, dst := range map[string]*bool{"overdue": &f.Overdue, "due_soon": &f.DueSoon, "needs_review": &f.NeedsReview} {
		if *dst, err = caseQueryBool(q.Get(name)); err != nil {
			writeError(w, r, s.log, badRequest("%s must be true or false", name))
			return
		}
	}
	for name, dst := range map[string]*int{"limit": &f.Limit, "offset": &f.Offset} {
		if v := q.Get(name); v != "" {
			if *dst, err = strconv.Atoi(v); err != nil || *dst < 0 {
				writeError(w, r, s.log, badRequest("%s must be a whole number", name))
				return
			}
		}
	}
	list, err := s.cfg.Triage.List(r.Context(), caseActor(r), f)
	if err != nil {
		s.caseError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func caseQueryBool(v string) (bool, error) {
	if v == "" {
		return false, nil
	}
	return strconv.ParseBool(v)
}

func (s *Server) handleCaseClaimNext(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Team string `json:"team"`
	}
	if err := s.readOptionalJSON(w, r, &in); err != nil {
		writeError(w, r, s.log, err)
		return
	}
	c, err := s.cfg.Triage.ClaimNext(r.Context(), caseActor(r), in.Team)
	if err != nil {
		s.caseError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, caseJSON(c, false))
}

func (s *Server) handleCaseGet(w http.ResponseWriter, r *http.Request) {
	c, err := s.cfg.Triage.Get(r.Context(), caseActor(r), r.PathValue("id"))
	if err != nil {
		s.caseError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, caseJSON(c, false))
}

func (s *Server) handleCaseAudit(w http.ResponseWriter, r *http.Request) {
	events, err := s.cfg.Triage.Events(r.Context(), caseActor(r), r.PathValue("id"))
	if err != nil {
		s.caseError(w, r, err)
		return
	}
	// Details hold handler-written text (reasons, the purpose of a
	// reveal) that may quote the consumer's numbers; every staff role
	// reads the trail, so it is shown masked like the messages.
	for i := range events {
		events[i].Detail, _ = maskDetail(events[i].Detail).(map[string]any)
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": events})
}

// maskDetail masks every string in an audit event's JSON detail.
func maskDetail(v any) any {
	switch v := v.(type) {
	case string:
		return pii.Mask(v)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = maskDetail(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = maskDetail(x)
		}
		return out
	}
	return v
}

func (s *Server) handleCaseMessages(w http.ResponseWriter, r *http.Request) {
	msgs, err := s.cfg.Triage.Messages(r.Context(), caseActor(r), r.PathValue("id"))
	if err != nil {
		s.caseError(w, r, err)
		return
	}
	// Consumers write ID and card numbers into their answers; the thread is
	// shown masked like the rest of the case.
	for i := range msgs {
		msgs[i].Body = pii.Mask(msgs[i].Body)
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": msgs})
}

func (s *Server) handleCaseReveal(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Purpose string `json:"purpose"`
		Reason  string `json:"reason"`
	}
	if err := s.readOptionalJSON(w, r, &in); err != nil {
		writeError(w, r, s.log, err)
		return
	}
	c, err := s.cfg.Triage.Reveal(r.Context(), caseActor(r), r.PathValue("id"), firstText(in.Purpose, in.Reason))
	if err != nil {
		s.caseError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, caseJSON(c, true))
}

// actionBody is every field any case action reads; each action takes its own.
type actionBody struct {
	Message  string `json:"message"`
	Question string `json:"question"`
	Note     string `json:"note"`
	Reason   string `json:"reason"`
	Into     string `json:"into"`
	// Transfer.
	Institution string `json:"institution"`
	Team        string `json:"team"`
	// Extension.
	Complex    bool   `json:"complex"`
	Days       int    `json:"days"`
	ApprovedBy string `json:"approved_by"`
	Outcome    string `json:"outcome"`
	Product    string `json:"product"`
	// Flags distinguishes "not sent" (keep) from an empty list (clear).
	Flags  *[]string `json:"flags"`
	Intent string    `json:"intent"`
}

// handleCaseAction runs POST /api/v1/cases/{id}/{action}.
func (s *Server) handleCaseAction(w http.ResponseWriter, r *http.Request) {
	var in actionBody
	if err := s.readOptionalJSON(w, r, &in); err != nil {
		writeError(w, r, s.log, err)
		return
	}
	t, ctx, a, id := s.cfg.Triage, r.Context(), caseActor(r), r.PathValue("id")
	var c triage.Case
	var err error
	switch r.PathValue("action") {
	case "claim":
		c, err = t.Claim(ctx, a, id)
	case "start":
		c, err = t.Start(ctx, a, id)
	case "reply":
		c, err = t.Reply(ctx, a, id, in.Message)
	case "ask":
		c, err = t.Ask(ctx, a, id, firstText(in.Question, in.Message))
	case "transfer":
		c, err = t.Transfer(ctx, a, id, triage.TransferInput{Institution: in.Institution, Team: in.Team, Note: in.Note})
	case "extend":
		c, err = t.Extend(ctx, a, id, triage.ExtendInput{Complex: in.Complex, Days: in.Days, Reason: in.Reason, ApprovedBy: in.ApprovedBy})
	case "resolve":
		c, err = t.Resolve(ctx, a, id, triage.ResolveInput{Outcome: in.Outcome, Message: in.Message})
	case "close":
		c, err = t.Close(ctx, a, id)
	case "release":
		c, err = t.Release(ctx, a, id, in.Note)
	case "note":
		c, err = t.Note(ctx, a, id, in.Note)
	case "reclassify":
		c, err = t.Reclassify(ctx, a, id, triage.ReclassifyInput{Product: in.Product, Reason: in.Reason,
			Intent: in.Intent, Flags: in.Flags, Note: in.Note})
	case "merge":
		c, err = t.MergeInto(ctx, a, id, in.Into)
	case "pause":
		c, err = t.PauseClock(ctx, a, id, in.Reason)
	case "resume":
		c, err = t.ResumeClock(ctx, a, id)
	case "restart-clock":
		c, err = t.RestartClock(ctx, a, id, in.Reason)
	default:
		writeError(w, r, s.log, errNotFound)
		return
	}
	if err != nil {
		s.caseError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, caseJSON(c, false))
}

// readOptionalJSON is readJSON for bodies that may be empty (actions such
// as claim or close need none).
func (s *Server) readOptionalJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	err := json.NewDecoder(r.Body).Decode(v)
	var maxErr *http.MaxBytesError
	switch {
	case err == nil, errors.Is(err, io.EOF):
		return nil
	case errors.As(err, &maxErr):
		return err
	}
	return badRequest("request body is not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

func firstText(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
