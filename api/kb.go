package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xiaobao-cn/xiaobao/knowledge"
)

// The knowledge-base API. Consumers search published content; staff (role
// staff, or admin) curate it:
//
//	GET    /api/v1/kb/search?q=&k=                 public search, published only
//	GET    /api/v1/kb/documents?status=&kind=&q=&limit=&offset=
//	POST   /api/v1/kb/documents                    create (DocumentInput JSON)
//	GET    /api/v1/kb/documents/{id}               with body, questions and chunks
//	PUT    /api/v1/kb/documents/{id}               new version when content changed
//	DELETE /api/v1/kb/documents/{id}
//	POST   /api/v1/kb/documents/{id}/publish | /archive | /draft
//	GET    /api/v1/kb/documents/{id}/versions
//	POST   /api/v1/kb/import?publish=&kind=        multipart, one or more "file" parts
//	POST   /api/v1/kb/jobs                         {"kind":"reembed"|"reindex"} → 202
//	GET    /api/v1/kb/jobs, /api/v1/kb/jobs/{id}   progress: total, done, status
//	POST   /api/v1/kb/hit-test                     {"q","k","kinds","include_drafts","mode"}
//	GET    /api/v1/kb/faqs?q=, POST /api/v1/kb/faqs, GET|PUT|DELETE /api/v1/kb/faqs/{id}
//	POST   /api/v1/kb/faqs/{id}/similar            {"question"} | {"unanswered_id"} | {"feedback_id"}
//	GET    /api/v1/kb/synonyms, POST, PUT|DELETE /api/v1/kb/synonyms/{id}   {"terms":[…]}
//	GET    /api/v1/kb/unanswered, POST /api/v1/kb/unanswered/{id}/dismiss
//	GET    /api/v1/kb/feedback?helpful=&include_resolved=, POST /api/v1/kb/feedback/{id}/dismiss

func init() {
	mapError(knowledge.ErrNotFound, http.StatusNotFound, "not_found", "没有找到")
	mapError(knowledge.ErrDuplicate, http.StatusConflict, "duplicate", "已经存在同名条目")
	mapError(knowledge.ErrJobRunning, http.StatusConflict, "job_running", "已有重建索引任务在运行，请稍后再试")
}

// maxImportFiles bounds one upload.
const maxImportFiles = 50

func (s *Server) registerKB() {
	if s.cfg.Knowledge == nil {
		return
	}
	staff := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(h, RoleStaff) }
	s.mux.HandleFunc("GET /api/v1/kb/search", s.handleKBSearch)
	s.mux.HandleFunc("GET /api/v1/kb/documents", staff(s.handleKBDocuments))
	s.mux.HandleFunc("POST /api/v1/kb/documents", staff(s.handleKBDocumentCreate))
	s.mux.HandleFunc("GET /api/v1/kb/documents/{id}", staff(s.handleKBDocument))
	s.mux.HandleFunc("PUT /api/v1/kb/documents/{id}", staff(s.handleKBDocumentUpdate))
	s.mux.HandleFunc("DELETE /api/v1/kb/documents/{id}", staff(s.handleKBDocumentDelete))
	s.mux.HandleFunc("POST /api/v1/kb/documents/{id}/publish", staff(s.handleKBStatus(knowledge.StatusPublished)))
	s.mux.HandleFunc("POST /api/v1/kb/documents/{id}/archive", staff(s.handleKBStatus(knowledge.StatusArchived)))
	s.mux.HandleFunc("POST /api/v1/kb/documents/{id}/draft", staff(s.handleKBStatus(knowledge.StatusDraft)))
	s.mux.HandleFunc("GET /api/v1/kb/documents/{id}/versions", staff(s.handleKBVersions))
	s.mux.HandleFunc("POST /api/v1/kb/import", staff(s.handleKBImport))
	s.mux.HandleFunc("POST /api/v1/kb/jobs", staff(s.handleKBJobStart))
	s.mux.HandleFunc("GET /api/v1/kb/jobs", staff(s.handleKBJobs))
	s.mux.HandleFunc("GET /api/v1/kb/jobs/{id}", staff(s.handleKBJob))
	s.mux.HandleFunc("POST /api/v1/kb/hit-test", staff(s.handleKBHitTest))
	s.mux.HandleFunc("GET /api/v1/kb/faqs", staff(s.handleKBFAQs))
	s.mux.HandleFunc("POST /api/v1/kb/faqs", staff(s.handleKBFAQCreate))
	s.mux.HandleFunc("GET /api/v1/kb/faqs/{id}", staff(s.handleKBFAQ))
	s.mux.HandleFunc("PUT /api/v1/kb/faqs/{id}", staff(s.handleKBFAQUpdate))
	s.mux.HandleFunc("DELETE /api/v1/kb/faqs/{id}", staff(s.handleKBFAQDelete))
	s.mux.HandleFunc("POST /api/v1/kb/faqs/{id}/similar", staff(s.handleKBFAQSimilar))
	s.mux.HandleFunc("GET /api/v1/kb/synonyms", staff(s.handleKBSynonyms))
	s.mux.HandleFunc("POST /api/v1/kb/synonyms", staff(s.handleKBSynonymCreate))
	s.mux.HandleFunc("PUT /api/v1/kb/synonyms/{id}", staff(s.handleKBSynonymUpdate))
	s.mux.HandleFunc("DELETE /api/v1/kb/synonyms/{id}", staff(s.kbByID(s.cfg.Knowledge.DeleteSynonyms)))
	s.mux.HandleFunc("GET /api/v1/kb/unanswered", staff(s.handleKBUnanswered))
	s.mux.HandleFunc("POST /api/v1/kb/unanswered/{id}/dismiss", staff(s.kbByID(s.cfg.Knowledge.DismissUnanswered)))
	s.mux.HandleFunc("GET /api/v1/kb/feedback", staff(s.handleKBFeedback))
	s.mux.HandleFunc("POST /api/v1/kb/feedback/{id}/dismiss", staff(s.kbByID(s.cfg.Knowledge.DismissFeedback)))
}

// kbError answers with a knowledge error: validation and file errors carry
// their own message for staff; everything else goes through the table.
func (s *Server) kbError(w http.ResponseWriter, r *http.Request, err error) {
	var fe *knowledge.FileError
	var ie *knowledge.InputError
	switch {
	case errors.As(err, &fe) && errors.Is(fe.Err, knowledge.ErrTooLarge):
		err = &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: fe.Error()}
	case errors.As(err, &fe):
		err = &Error{Status: http.StatusBadRequest, Code: "bad_file", Message: fe.Error()}
	case errors.As(err, &ie):
		err = badRequest("%s", ie.Msg)
	}
	writeError(w, r, s.log, err)
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

func intParam(r *http.Request, name string, def, lo, hi int) int {
	v, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil {
		return def
	}
	return max(lo, min(v, hi))
}

func actor(r *http.Request) string {
	p, _ := PrincipalFrom(r.Context())
	return p.Actor()
}

// publicHit is what consumers see of a hit: no scores behind the ranking.
type publicHit struct {
	DocumentID int64   `json:"document_id"`
	Title      string  `json:"title"`
	Kind       string  `json:"kind"`
	Citation   string  `json:"citation"`
	Text       string  `json:"text"`
	Score      float64 `json:"score"`
}

// handleKBSearch is public: published, currently effective content only.
// Any query, however odd (empty, 10,000 characters, emoji), gets a valid
// answer, possibly with no hits.
func (s *Server) handleKBSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	k := intParam(r, "k", 5, 1, 20)
	hits, err := s.cfg.Knowledge.Search(r.Context(), knowledge.SearchQuery{Text: q, K: k, AsOf: time.Now()})
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	out := make([]publicHit, 0, len(hits))
	for _, h := range hits {
		out = append(out, publicHit{DocumentID: h.DocumentID, Title: h.Title, Kind: h.Kind, Citation: h.Citation, Text: h.Text, Score: h.Score})
	}
	writeJSON(w, http.StatusOK, map[string]any{"hits": out})
}

func (s *Server) handleKBDocuments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	docs, total, err := s.cfg.Knowledge.ListDocuments(r.Context(), knowledge.DocumentFilter{
		Status: knowledge.Status(q.Get("status")), Kind: knowledge.Kind(q.Get("kind")), Query: q.Get("q"),
		Limit: intParam(r, "limit", 50, 1, 500), Offset: intParam(r, "offset", 0, 0, 1<<30),
	})
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"documents": docs, "total": total})
}

func (s *Server) handleKBDocumentCreate(w http.ResponseWriter, r *http.Request) {
	var in knowledge.DocumentInput
	if err := s.readJSON(w, r, &in); err != nil {
		writeError(w, r, s.log, err)
		return
	}
	d, err := s.cfg.Knowledge.CreateDocument(r.Context(), in, actor(r))
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"document": d})
}

func (s *Server) handleKBDocument(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	d, err := s.cfg.Knowledge.GetDocument(r.Context(), id)
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	chunks, err := s.cfg.Knowledge.DocumentChunks(r.Context(), id)
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"document": d, "chunks": chunks})
}

func (s *Server) handleKBDocumentUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	var in knowledge.DocumentInput
	if err := s.readJSON(w, r, &in); err != nil {
		writeError(w, r, s.log, err)
		return
	}
	d, err := s.cfg.Knowledge.UpdateDocument(r.Context(), id, in, actor(r))
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"document": d})
}

func (s *Server) handleKBDocumentDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	if err := s.cfg.Knowledge.DeleteDocument(r.Context(), id, actor(r)); err != nil {
		s.kbError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleKBStatus(st knowledge.Status) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			writeError(w, r, s.log, err)
			return
		}
		d, err := s.cfg.Knowledge.SetStatus(r.Context(), id, st, actor(r))
		if err != nil {
			s.kbError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"document": d})
	}
}

func (s *Server) handleKBVersions(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	vs, err := s.cfg.Knowledge.DocumentVersions(r.Context(), id)
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": vs})
}

// importFailure is a file the upload could not import.
type importFailure struct {
	File    string `json:"file"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// handleKBImport imports the "file" parts of a multipart upload one by one
// as they stream in. Each file is all-or-nothing; the answer lists what
// happened to every file. When the imports moved the corpus enough, a
// background re-embed starts and its job is returned.
func (s *Server) handleKBImport(w http.ResponseWriter, r *http.Request) {
	kb := s.cfg.Knowledge
	q := r.URL.Query()
	opts := knowledge.ImportOptions{Kind: knowledge.Kind(q.Get("kind")), Author: actor(r)}
	opts.Publish, _ = strconv.ParseBool(q.Get("publish"))
	if opts.Kind != "" && !opts.Kind.Valid() {
		writeError(w, r, s.log, badRequest("kind 应为 regulation、literacy、guide 或 faq"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxImportFiles*(kb.MaxFileBytes()+4096))
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, r, s.log, badRequest("请用 multipart/form-data 上传，文件字段名为 file"))
		return
	}
	results := []knowledge.ImportResult{}
	failures := []importFailure{}
	for n := 0; ; {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var maxErr *http.MaxBytesError
			if errors.As(err, &maxErr) {
				writeError(w, r, s.log, err)
				return
			}
			writeError(w, r, s.log, badRequest("上传内容不完整：%s", err.Error()))
			return
		}
		if part.FormName() != "file" || part.FileName() == "" {
			_ = part.Close()
			continue
		}
		if n++; n > maxImportFiles {
			writeError(w, r, s.log, badRequest("一次最多上传 %d 个文件", maxImportFiles))
			return
		}
		res, err := kb.ImportReader(r.Context(), part.FileName(), part, opts)
		_ = part.Close()
		if err != nil {
			f := importFailure{File: part.FileName(), Code: "bad_file", Message: err.Error()}
			var fe *knowledge.FileError
			var ie *knowledge.InputError
			switch {
			case errors.As(err, &fe):
				f.Message = fe.Error()
			case errors.As(err, &ie):
				f.Message = ie.Msg
			default:
				s.log.ErrorContext(r.Context(), "import failed", "request_id", RequestID(r.Context()), "file", part.FileName(), "err", err)
				f.Code, f.Message = "internal", "导入失败，请稍后重试（请求编号 "+RequestID(r.Context())+"）"
			}
			failures = append(failures, f)
			continue
		}
		results = append(results, res)
	}
	if len(results) == 0 && len(failures) == 0 {
		writeError(w, r, s.log, badRequest("没有收到文件：文件字段名应为 file"))
		return
	}
	out := map[string]any{"results": results, "failures": failures}
	if len(results) > 0 {
		job, err := kb.RefreshIfStale(r.Context(), actor(r))
		if err != nil {
			s.log.WarnContext(r.Context(), "starting re-embed after import failed", "err", err)
		} else if job != nil {
			out["job"] = job
		}
	}
	status := http.StatusOK
	if len(results) == 0 {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, out)
}

func (s *Server) handleKBJobStart(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Kind knowledge.JobKind `json:"kind"`
	}
	if err := s.readJSON(w, r, &in); err != nil {
		writeError(w, r, s.log, err)
		return
	}
	job, err := s.cfg.Knowledge.StartJob(r.Context(), in.Kind, actor(r))
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"job": job})
}

func (s *Server) handleKBJobs(w http.ResponseWriter, r *http.Request) {
	jobs, err := s.cfg.Knowledge.ListJobs(r.Context(), intParam(r, "limit", 20, 1, 100))
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"jobs": jobs})
}

func (s *Server) handleKBJob(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	job, err := s.cfg.Knowledge.GetJob(r.Context(), id)
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"job": job})
}

// handleKBHitTest runs a search as staff: drafts included on request, and
// every hit with its full score breakdown.
func (s *Server) handleKBHitTest(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Q             string           `json:"q"`
		K             int              `json:"k"`
		Kinds         []knowledge.Kind `json:"kinds"`
		IncludeDrafts bool             `json:"include_drafts"`
		Mode          knowledge.Mode   `json:"mode"`
	}
	if err := s.readJSON(w, r, &in); err != nil {
		writeError(w, r, s.log, err)
		return
	}
	switch in.Mode {
	case knowledge.ModeHybrid, knowledge.ModeLexical, knowledge.ModeVector, knowledge.ModeBM25:
	default:
		writeError(w, r, s.log, badRequest("mode 应为空（混合）、lexical、vector 或 bm25"))
		return
	}
	for _, k := range in.Kinds {
		if !k.Valid() {
			writeError(w, r, s.log, badRequest("kind %q 无效", k))
			return
		}
	}
	start := time.Now()
	hits, err := s.cfg.Knowledge.Search(r.Context(), knowledge.SearchQuery{
		Text: in.Q, K: max(1, min(cmpInt(in.K, 10), 50)), Kinds: in.Kinds, IncludeDrafts: in.IncludeDrafts, Mode: in.Mode,
	})
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	if hits == nil {
		hits = []knowledge.Hit{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"hits": hits, "took_ms": float64(time.Since(start).Microseconds()) / 1000})
}

func cmpInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func (s *Server) handleKBFAQs(w http.ResponseWriter, r *http.Request) {
	faqs, err := s.cfg.Knowledge.ListFAQs(r.Context(), r.URL.Query().Get("q"), intParam(r, "limit", 100, 1, 500), intParam(r, "offset", 0, 0, 1<<30))
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"faqs": faqs})
}

func (s *Server) handleKBFAQCreate(w http.ResponseWriter, r *http.Request) {
	var in knowledge.FAQInput
	if err := s.readJSON(w, r, &in); err != nil {
		writeError(w, r, s.log, err)
		return
	}
	f, err := s.cfg.Knowledge.CreateFAQ(r.Context(), in, actor(r))
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"faq": f})
}

func (s *Server) handleKBFAQ(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	f, err := s.cfg.Knowledge.GetFAQ(r.Context(), id)
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"faq": f})
}

func (s *Server) handleKBFAQUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	var in knowledge.FAQInput
	if err := s.readJSON(w, r, &in); err != nil {
		writeError(w, r, s.log, err)
		return
	}
	f, err := s.cfg.Knowledge.UpdateFAQ(r.Context(), id, in, actor(r))
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"faq": f})
}

func (s *Server) handleKBFAQDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	if err := s.cfg.Knowledge.DeleteFAQ(r.Context(), id, actor(r)); err != nil {
		s.kbError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleKBFAQSimilar turns a question (typed, or taken from an unanswered
// record or a feedback record) into a similar question of the entry.
func (s *Server) handleKBFAQSimilar(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	var in struct {
		Question     string `json:"question"`
		UnansweredID int64  `json:"unanswered_id"`
		FeedbackID   int64  `json:"feedback_id"`
	}
	if err := s.readJSON(w, r, &in); err != nil {
		writeError(w, r, s.log, err)
		return
	}
	kb := s.cfg.Knowledge
	q := strings.TrimSpace(in.Question)
	switch {
	case q != "":
	case in.UnansweredID != 0:
		q, err = kb.UnansweredQuestion(r.Context(), in.UnansweredID)
	case in.FeedbackID != 0:
		q, err = kb.FeedbackQuestion(r.Context(), in.FeedbackID)
	default:
		err = badRequest("请给出 question、unanswered_id 或 feedback_id")
	}
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	f, err := kb.AddSimilarQuestion(r.Context(), id, q, actor(r))
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"faq": f})
}

func (s *Server) handleKBSynonyms(w http.ResponseWriter, r *http.Request) {
	gs, err := s.cfg.Knowledge.ListSynonyms(r.Context())
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"synonyms": gs})
}

type synonymInput struct {
	Terms []string `json:"terms"`
}

func (s *Server) handleKBSynonymCreate(w http.ResponseWriter, r *http.Request) {
	var in synonymInput
	if err := s.readJSON(w, r, &in); err != nil {
		writeError(w, r, s.log, err)
		return
	}
	g, err := s.cfg.Knowledge.CreateSynonyms(r.Context(), in.Terms, actor(r))
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"synonyms": g})
}

func (s *Server) handleKBSynonymUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	var in synonymInput
	if err := s.readJSON(w, r, &in); err != nil {
		writeError(w, r, s.log, err)
		return
	}
	g, err := s.cfg.Knowledge.UpdateSynonyms(r.Context(), id, in.Terms, actor(r))
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"synonyms": g})
}

func (s *Server) handleKBUnanswered(w http.ResponseWriter, r *http.Request) {
	us, err := s.cfg.Knowledge.ListUnanswered(r.Context(), intParam(r, "limit", 100, 1, 500), intParam(r, "offset", 0, 0, 1<<30))
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"unanswered": us})
}

// kbByID answers 204 after do(id) for the staff actions that take only the
// path's id (delete a synonym group, dismiss an unanswered question or a 👎).
func (s *Server) kbByID(do func(ctx context.Context, id int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			writeError(w, r, s.log, err)
			return
		}
		if err := do(r.Context(), id); err != nil {
			s.kbError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) handleKBFeedback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := knowledge.FeedbackFilter{
		Limit: intParam(r, "limit", 100, 1, 500), Offset: intParam(r, "offset", 0, 0, 1<<30),
	}
	f.IncludeResolved, _ = strconv.ParseBool(q.Get("include_resolved"))
	if v := q.Get("helpful"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			writeError(w, r, s.log, badRequest("helpful 应为 true 或 false"))
			return
		}
		f.Helpful = &b
	}
	fb, err := s.cfg.Knowledge.ListFeedback(r.Context(), f)
	if err != nil {
		s.kbError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"feedback": fb})
}
