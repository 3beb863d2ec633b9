package api

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/xiaobao-cn/xiaobao/chat"
	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
	"github.com/xiaobao-cn/xiaobao/knowledge"
	"github.com/xiaobao-cn/xiaobao/triage"
)

// The authorization matrix: every route the server registers, called by
// every kind of caller, against a table of who may call what. The table is
// written here, independently of the role lists in the handlers' files, so
// that loosening a role list is a failing test, not a silent change. A
// route registered in api/*.go without a row here fails the test too.

// Institutions A and B of the matrix. A's handler works A's cases; B's
// handler must not be able to tell that they exist.
const (
	institutionA = "招商银行"
	institutionB = "中国建设银行"
)

// authzCaller is one kind of client.
type authzCaller struct {
	name  string
	token string // sent as "Bearer <token>"; "" sends no Authorization header
	// role is the role of a valid staff token; "" for anonymous, consumer,
	// revoked and malformed callers, which the staff API never lets in.
	role Role
	// otherInstitution marks the handler scoped to institution B.
	otherInstitution bool
}

// authzRoute is one row of the table.
type authzRoute struct {
	pattern string // exactly as registered on the mux
	path    string // the request path; placeholders are filled in per run
	public  bool
	// roles may call the route besides admin, which passes every check.
	roles []Role
	// ofCaseA reads or acts on institution A's case: B's handler must get
	// 404 there, exactly as for a case that does not exist.
	ofCaseA bool
	// body replaces the shared authzBody for this row.
	body map[string]any
}

func (r authzRoute) method() string { m, _, _ := strings.Cut(r.pattern, " "); return m }

// authzRoutes is the table. Placeholders: {A} A's case id, {Ano} its
// tracking number, {token} a token id admin may revoke.
func authzRoutes() []authzRoute {
	const (
		H = RoleHandler
		S = RoleStaff
		V = RoleSupervisor
	)
	readers := []Role{H, S, V}
	pub := func(pattern, path string) authzRoute {
		return authzRoute{pattern: pattern, path: path, public: true}
	}
	auth := func(pattern, path string, roles ...Role) authzRoute {
		if path == "" {
			_, path, _ = strings.Cut(pattern, " ")
		}
		return authzRoute{pattern: pattern, path: path, roles: roles}
	}
	ofA := func(pattern, path string, roles ...Role) authzRoute {
		r := auth(pattern, path, roles...)
		r.ofCaseA = true
		return r
	}
	staffOnly := func(pattern, path string) authzRoute { return auth(pattern, path, S) }
	adminOnly := func(pattern, path string) authzRoute { return auth(pattern, path) }

	routes := []authzRoute{
		// Health and metrics: orchestrators and Prometheus scrape them.
		pub("GET /healthz", "/healthz"),
		pub("GET /readyz", "/readyz"),
		pub("GET /metrics", "/metrics"),

		// Web pages and assets; the pages call the API with a token.
		pub("GET /{$}", "/"),
		pub("GET /widget.js", "/widget.js"),
		pub("GET /favicon.svg", "/favicon.svg"),
		pub("GET /favicon.ico", "/favicon.ico"),
		pub("GET /console/", "/console/"),
		pub("GET /kb/", "/kb/"),
		pub("GET /dashboard/", "/dashboard/"),
		pub("GET /assets/", "/assets/app.css"),
		pub("GET /vendor/", "/vendor/echarts/echarts.min.js"),

		// Consumers: the websocket (its resume token is its own credential)
		// and the published knowledge base.
		pub("GET /ws/chat", "/ws/chat"),
		pub("GET /api/v1/kb/search", "/api/v1/kb/search?q=%E5%B9%B4%E8%B4%B9"),

		// Tokens.
		auth("GET /api/v1/me", "", H, S, V),
		adminOnly("GET /api/v1/admin/tokens", ""),
		adminOnly("POST /api/v1/admin/tokens", ""),
		adminOnly("DELETE /api/v1/admin/tokens/{id}", "/api/v1/admin/tokens/{token}"),

		// Personal data of one consumer.
		adminOnly("POST /api/v1/admin/consumers/export", ""),
		adminOnly("POST /api/v1/admin/consumers/delete", ""),

		// Cases: every staff role reads (masked), handlers act, handlers
		// and supervisors reveal.
		auth("GET /api/v1/cases", "", readers...),
		auth("GET /api/v1/cases/events", "", readers...),
		auth("POST /api/v1/cases/claim", "", H),
		ofA("GET /api/v1/cases/{id}", "/api/v1/cases/{A}", readers...),
		ofA("GET /api/v1/cases/{id}", "/api/v1/cases/{Ano}", readers...),
		ofA("GET /api/v1/cases/{id}/events", "/api/v1/cases/{A}/events", readers...),
		ofA("GET /api/v1/cases/{id}/messages", "/api/v1/cases/{A}/messages", readers...),
		ofA("POST /api/v1/cases/{id}/reveal", "/api/v1/cases/{A}/reveal", H, V),

		// Statistics.
		auth("GET /api/v1/stats", "", V),
		auth("GET /api/v1/stats/timeseries", "", V),
		auth("GET /api/v1/stats/export.csv", "", V),

		// The classifier for staff tools.
		auth("POST /api/v1/triage/classify", "", readers...),

		// Knowledge-base curation.
		staffOnly("GET /api/v1/kb/documents", ""),
		staffOnly("POST /api/v1/kb/documents", ""),
		staffOnly("GET /api/v1/kb/documents/{id}", "/api/v1/kb/documents/999999"),
		staffOnly("PUT /api/v1/kb/documents/{id}", "/api/v1/kb/documents/999999"),
		staffOnly("DELETE /api/v1/kb/documents/{id}", "/api/v1/kb/documents/999999"),
		staffOnly("POST /api/v1/kb/documents/{id}/publish", "/api/v1/kb/documents/999999/publish"),
		staffOnly("POST /api/v1/kb/documents/{id}/archive", "/api/v1/kb/documents/999999/archive"),
		staffOnly("POST /api/v1/kb/documents/{id}/draft", "/api/v1/kb/documents/999999/draft"),
		staffOnly("GET /api/v1/kb/documents/{id}/versions", "/api/v1/kb/documents/999999/versions"),
		staffOnly("POST /api/v1/kb/import", ""),
		staffOnly("POST /api/v1/kb/jobs", ""),
		staffOnly("GET /api/v1/kb/jobs", ""),
		staffOnly("GET /api/v1/kb/jobs/{id}", "/api/v1/kb/jobs/999999"),
		staffOnly("POST /api/v1/kb/hit-test", ""),
		staffOnly("GET /api/v1/kb/faqs", ""),
		staffOnly("POST /api/v1/kb/faqs", ""),
		staffOnly("GET /api/v1/kb/faqs/{id}", "/api/v1/kb/faqs/999999"),
		staffOnly("PUT /api/v1/kb/faqs/{id}", "/api/v1/kb/faqs/999999"),
		staffOnly("DELETE /api/v1/kb/faqs/{id}", "/api/v1/kb/faqs/999999"),
		staffOnly("POST /api/v1/kb/faqs/{id}/similar", "/api/v1/kb/faqs/999999/similar"),
		staffOnly("GET /api/v1/kb/synonyms", ""),
		staffOnly("POST /api/v1/kb/synonyms", ""),
		staffOnly("PUT /api/v1/kb/synonyms/{id}", "/api/v1/kb/synonyms/999999"),
		staffOnly("DELETE /api/v1/kb/synonyms/{id}", "/api/v1/kb/synonyms/999999"),
		staffOnly("GET /api/v1/kb/unanswered", ""),
		staffOnly("POST /api/v1/kb/unanswered/{id}/dismiss", "/api/v1/kb/unanswered/999999/dismiss"),
		staffOnly("POST /api/v1/kb/feedback/{id}/dismiss", "/api/v1/kb/feedback/999999/dismiss"),
		staffOnly("GET /api/v1/kb/feedback", ""),
	}
	// Every case action is its own row: one pattern, many doors.
	for _, action := range []string{"claim", "start", "reply", "ask", "transfer", "extend", "resolve", "close",
		"release", "note", "reclassify", "merge", "pause", "resume", "restart-clock"} {
		r := ofA("POST /api/v1/cases/{id}/{action}", "/api/v1/cases/{A}/"+action, H)
		if action == "reclassify" {
			// The shared body's reason is free text, not a reason code;
			// invalid input is refused before any case is looked up.
			r.body = map[string]any{"product": "loan", "reason": "fees", "note": "矩阵测试"}
		}
		routes = append(routes, r)
	}
	return routes
}

// authzBody is sent with every POST and PUT: each handler takes the fields
// it reads. The values are chosen so that no call moves A's case out of
// A's institution (a transfer to A itself is refused, a merge into an
// unrelated case too) and the privacy routes touch a phone nobody used.
func authzBody(caseA2 int64) map[string]any {
	return map[string]any{
		"message": "您好，我们已收到您的投诉。", "question": "请补充扣费短信。", "note": "矩阵测试",
		"reason": "需要核实", "into": fmt.Sprint(caseA2), "institution": institutionA, "outcome": "other",
		"product": "loan", "days": 1, "text": "信用卡年费乱扣", "kind": "none", "name": "矩阵", "role": "staff",
		"phone": "13900000000", "q": "年费", "terms": []string{"矩阵"},
	}
}

// authzEnv is the whole server (knowledge base, triage, chat) on a
// database of its own, with cases at A and B and a token per caller.
type authzEnv struct {
	srv     *Server
	ts      *httptest.Server
	tri     *triage.Service
	callers []authzCaller
	byName  map[string]authzCaller
	caseA   triage.Case // A's case the matrix works on
	caseA2  triage.Case // another case at A, target of merges
	caseB   triage.Case // B's own case
	phoneA  string
	revoke  int64 // a token id for admin's DELETE
}

func newAuthzEnv(t *testing.T) *authzEnv {
	t.Helper()
	ctx := context.Background()
	_, pool := dbtest.NewDB(t)
	kb, err := knowledge.NewStore(knowledge.Config{DB: pool, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(kb.Close)
	tri, err := triage.NewService(triage.ServiceConfig{Pool: pool, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	reg := NewRegistry()
	hub, err := chat.NewHub(chat.Config{Pool: pool, Knowledge: kb, Triage: tri, Registry: reg, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(Config{Pool: pool, Knowledge: kb, Triage: tri, Chat: hub, Registry: reg, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	e := &authzEnv{srv: srv, ts: httptest.NewServer(srv.Handler()), tri: tri, byName: map[string]authzCaller{}}
	t.Cleanup(e.ts.Close)
	t.Cleanup(hub.Shutdown)

	file := func(institution, phone string) triage.Case {
		c, err := tri.File(ctx, triage.CaseInput{
			Name: "王小明", Phone: phone, Institution: institution,
			Description: "信用卡被扣了680元年费，我从没开通过白金卡，电话" + phone + "。", Request: "退回年费",
			Classification: triage.Classification{Intent: "complaint", Product: "credit_card", ProductConfidence: 0.9,
				Reason: "fees", ReasonConfidence: 0.8, Flags: []string{}, Demands: []string{"refund"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	e.phoneA = "13812340001"
	e.caseA = file(institutionA, e.phoneA)
	e.caseA2 = file(institutionA, "13812340002")
	e.caseB = file(institutionB, "13812340003")

	mint := func(name string, role Role, institution string) (string, int64) {
		secret, tok, err := CreateToken(ctx, pool, name, role, institution)
		if err != nil {
			t.Fatal(err)
		}
		return secret, tok.ID
	}
	token := func(name string, role Role, institution string) string {
		secret, _ := mint(name, role, institution)
		return secret
	}
	revoked, revokedID := mint("已吊销", RoleAdmin, "")
	if err := RevokeToken(ctx, pool, revokedID, "test"); err != nil {
		t.Fatal(err)
	}
	_, e.revoke = mint("可吊销", RoleStaff, "")

	e.callers = []authzCaller{
		{name: "anonymous"},
		{name: "consumer session", token: consumerResumeToken(t, e.ts.URL)},
		{name: "handler A", token: token("王芳", RoleHandler, institutionA), role: RoleHandler},
		{name: "handler B", token: token("赵六", RoleHandler, institutionB), role: RoleHandler, otherInstitution: true},
		{name: "staff", token: token("孙编辑", RoleStaff, ""), role: RoleStaff},
		{name: "supervisor", token: token("钱主任", RoleSupervisor, ""), role: RoleSupervisor},
		{name: "admin", token: token("管理员", RoleAdmin, ""), role: RoleAdmin},
		{name: "revoked token", token: revoked},
		{name: "malformed token", token: "xb_this-is-not-a-token"},
	}
	for _, c := range e.callers {
		e.byName[c.name] = c
	}
	return e
}

// consumerResumeToken opens a chat as a consumer does and returns the
// session's resume token: the one credential a consumer ever holds.
func consumerResumeToken(t *testing.T, base string) string {
	t.Helper()
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws/chat", nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	if err := conn.WriteJSON(map[string]any{"type": "hello", "resume_token": ""}); err != nil {
		t.Fatal(err)
	}
	for {
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		var o chat.Outbound
		if err := conn.ReadJSON(&o); err != nil {
			t.Fatalf("waiting for the session frame: %v", err)
		}
		if o.Type == "session" && o.ResumeToken != "" {
			return o.ResumeToken
		}
	}
}

// fill replaces the placeholders of a table path.
func (e *authzEnv) fill(path string) string {
	return strings.NewReplacer("{A}", fmt.Sprint(e.caseA.ID), "{Ano}", e.caseA.TrackingNo,
		"{token}", fmt.Sprint(e.revoke)).Replace(path)
}

// do sends one request and returns the status and the body. Event streams
// are not read: the status and headers say all the matrix needs.
func (e *authzEnv) do(t *testing.T, method, path, token string, body any) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var rd io.Reader
	if body != nil && (method == "POST" || method == "PUT") {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(ctx, method, e.ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	// No redirects: /favicon.ico answers 301 and that is its answer.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return resp.StatusCode, ""
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b)
}

// want says what caller should get from route: 0 means "let in" (any
// status but 401, 403 and 5xx), otherwise the exact status.
func (r authzRoute) want(c authzCaller) int {
	switch {
	case r.public:
		return 0
	case c.role == "":
		return http.StatusUnauthorized
	case c.role == RoleAdmin:
		return 0
	case !slices.Contains(r.roles, c.role):
		return http.StatusForbidden
	case r.ofCaseA && c.otherInstitution:
		return http.StatusNotFound
	}
	return 0
}

func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	e := newAuthzEnv(t)
	routes := authzRoutes()

	// The table and the mux agree: every row's request reaches the pattern
	// the row names, and every pattern in the source has a row.
	listed := map[string]bool{}
	for _, r := range routes {
		listed[r.pattern] = true
		req := httptest.NewRequest(r.method(), e.fill(r.path), nil)
		if _, got := e.srv.mux.Handler(req); got != r.pattern {
			t.Errorf("%s %s reaches route %q, want %q (stale table row?)", r.method(), r.path, got, r.pattern)
		}
	}
	for _, p := range sourceRoutePatterns(t) {
		if !listed[p] {
			t.Errorf("route %q is registered in api/*.go but has no row in the authorization table (authzRoutes): "+
				"add one saying who may call it", p)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	body := authzBody(e.caseA2.ID)
	checks := 0
	for _, r := range routes {
		for _, c := range e.callers {
			path := e.fill(r.path)
			b := body
			if r.body != nil {
				b = r.body
			}
			code, resp := e.do(t, r.method(), path, c.token, b)
			checks++
			want := r.want(c)
			switch {
			case want == 0 && (code == 401 || code == 403 || code >= 500):
				t.Errorf("%-16s %s %s = %d, want it let in: %.200s", c.name, r.method(), path, code, resp)
			case want != 0 && code != want:
				t.Errorf("%-16s %s %s = %d, want %d: %.200s", c.name, r.method(), path, code, want, resp)
			}
			// A's own handler and the readers really see the case: the
			// 404 for B is about scope, not a broken route.
			if r.ofCaseA && r.method() == "GET" && want == 0 && code != 200 {
				t.Errorf("%-16s %s %s = %d, want 200", c.name, r.method(), path, code)
			}
			// B's answer about A's case is byte for byte the answer about a
			// case that does not exist.
			if want == http.StatusNotFound {
				missing := strings.NewReplacer("{A}", "999999999", "{Ano}", "TS20000101-0000").Replace(r.path)
				mcode, mresp := e.do(t, r.method(), missing, c.token, b)
				if mcode != code || mresp != resp {
					t.Errorf("%s: %s %s = %d %s, but for a missing case %d %s", c.name, r.method(), path, code, resp, mcode, mresp)
				}
			}
		}
	}
	t.Logf("authorization matrix: %d routes (%d patterns) × %d callers = %d checks",
		len(routes), len(listed), len(e.callers), checks)
}

// TestOtherInstitutionCannotFindCase tries the ways a handler of B could
// learn about A's case besides asking for it: lists, search, filters,
// claiming the next case, tracking-number spellings, merging into it and
// the live event stream.
func TestOtherInstitutionCannotFindCase(t *testing.T) {
	t.Parallel()
	e := newAuthzEnv(t)
	b := e.byName["handler B"].token
	a := e.byName["handler A"].token
	no := e.caseA.TrackingNo

	listHas := func(token, query string) (int, bool, float64) {
		code, body := e.do(t, "GET", "/api/v1/cases"+query, token, nil)
		var out struct {
			Cases []struct {
				TrackingNo string `json:"tracking_no"`
			} `json:"cases"`
			Total float64 `json:"total"`
		}
		_ = json.Unmarshal([]byte(body), &out)
		for _, c := range out.Cases {
			if c.TrackingNo == no {
				return code, true, out.Total
			}
		}
		return code, false, out.Total
	}
	if code, has, _ := listHas(a, ""); code != 200 || !has {
		t.Fatalf("A's handler list = %d, has A's case %v", code, has)
	}
	for _, q := range []string{"", "?status=open", "?institution=" + institutionA, "?institution=招行",
		"?q=" + no, "?q=" + e.phoneA, "?q=王小明", "?q=年费", "?product=credit_card&institution=" + institutionA, "?limit=200"} {
		code, has, total := listHas(b, q)
		if code != 200 || has {
			t.Errorf("B lists %q = %d, has A's case %v", q, code, has)
		}
		if strings.Contains(q, institutionA) || strings.Contains(q, "招行") || strings.Contains(q, no) || strings.Contains(q, e.phoneA) {
			if total != 0 {
				t.Errorf("B lists %q: total %v, want 0 (a count leaks existence)", q, total)
			}
		}
	}

	// Tracking numbers however typed: never 403, never the case.
	digits := strings.ReplaceAll(no, "-", "")
	wide := ""
	for _, r := range no {
		if r >= '0' && r <= '9' {
			r = '０' + (r - '0')
		}
		wide += string(r)
	}
	for _, ref := range []string{no, strings.ToLower(no), digits, wide, " " + no + " "} {
		code, body := e.do(t, "GET", "/api/v1/cases/"+url.PathEscape(ref), b, nil)
		if code != 404 || strings.Contains(body, no) {
			t.Errorf("B GET case %q = %d %s, want 404", ref, code, body)
		}
		if code, _ := e.do(t, "GET", "/api/v1/cases/"+url.PathEscape(ref), a, nil); code != 200 {
			t.Errorf("A GET case %q = %d, want 200 (the spelling is valid)", ref, code)
		}
	}
	// An id next to A's answers like a case that does not exist.
	_, missing := e.do(t, "GET", "/api/v1/cases/999999999", b, nil)
	_, hidden := e.do(t, "GET", fmt.Sprintf("/api/v1/cases/%d", e.caseA.ID), b, nil)
	if missing != hidden {
		t.Errorf("B's answer for A's case %q differs from a missing one %q", hidden, missing)
	}

	// Claiming the next case never hands out A's.
	code, body := e.do(t, "POST", "/api/v1/cases/claim", b, map[string]any{})
	if code != 200 || !strings.Contains(body, e.caseB.TrackingNo) {
		t.Fatalf("B claims next = %d %s, want B's own case", code, body)
	}
	code, body = e.do(t, "POST", "/api/v1/cases/claim", b, map[string]any{})
	if code != 404 || strings.Contains(body, no) || strings.Contains(body, e.caseA2.TrackingNo) {
		t.Errorf("B claims next again = %d %s, want 404 queue_empty", code, body)
	}

	// Merging B's case into A's answers exactly like merging into nothing.
	merge := func(into string) (int, string) {
		return e.do(t, "POST", fmt.Sprintf("/api/v1/cases/%d/merge", e.caseB.ID), b, map[string]any{"into": into})
	}
	codeHidden, bodyHidden := merge(no)
	codeMissing, bodyMissing := merge("TS20000101-0000")
	if codeHidden != codeMissing || bodyHidden != bodyMissing || codeHidden == 200 {
		t.Errorf("merge into A's case = %d %s; into a missing case = %d %s", codeHidden, bodyHidden, codeMissing, bodyMissing)
	}

	// The live stream: B sees its own new case, never A's.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, streamB := openStream(t, ctx, e.ts.URL+"/api/v1/cases/events", b)
	_, streamA := openStream(t, ctx, e.ts.URL+"/api/v1/cases/events", a)
	for _, s := range []sseReader{streamA, streamB} {
		if ev, _ := s.next(t); ev != triage.EventResync {
			t.Fatalf("first event = %s, want resync", ev)
		}
	}
	fileAt := func(institution string) triage.Case {
		c, err := e.tri.File(context.Background(), triage.CaseInput{Name: "李雷", Phone: "13912345678", Institution: institution,
			Description: "理财产品收益与宣传不符。", Classification: triage.Classification{Intent: "complaint",
				Product: "wealth", Reason: "marketing", Flags: []string{}, Demands: []string{}}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	newA := fileAt(institutionA)
	newB := fileAt(institutionB)
	if _, data := streamA.next(t); fmt.Sprint(data["new_case"]) == "" || !strings.Contains(fmt.Sprint(data), newA.TrackingNo) {
		t.Errorf("A's stream = %v, want A's new case", data)
	}
	ev, data := streamB.next(t)
	if ev != triage.EventNewCase || !strings.Contains(fmt.Sprint(data), newB.TrackingNo) {
		t.Errorf("B's first event after both filings = %s %v, want B's new case (A's filtered out)", ev, data)
	}
}

// routePatternRE matches a ServeMux pattern with a method.
var routePatternRE = regexp.MustCompile(`^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|CONNECT|TRACE) /`)

// sourceRoutePatterns returns every string literal in the package's
// non-test Go files that is a ServeMux pattern with a method: the routes
// the server registers, found without a hook in the registering code.
func sourceRoutePatterns(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	seen := map[string]bool{}
	var out []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parsing %s: %v", name, err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err == nil && routePatternRE.MatchString(s) && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
			return true
		})
	}
	if len(out) < 20 {
		t.Fatalf("found only %d route patterns in api/*.go; the scan is broken", len(out))
	}
	return out
}
