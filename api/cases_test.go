package api

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
	"github.com/xiaobao-cn/xiaobao/triage"
)

// caseEnv is a server with the handler API on a database of its own.
type caseEnv struct {
	srv *Server
	ts  *httptest.Server
	tri *triage.Service
}

func newCaseEnv(t *testing.T) *caseEnv {
	t.Helper()
	_, pool := dbtest.NewDB(t)
	tri, err := triage.NewService(triage.ServiceConfig{Pool: pool})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(Config{Pool: pool, Triage: tri, Addr: "127.0.0.1:0", Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &caseEnv{srv: srv, ts: ts, tri: tri}
}

// token creates a real bearer token.
func (e *caseEnv) token(t *testing.T, name string, role Role, institution string) string {
	t.Helper()
	secret, _, err := CreateToken(context.Background(), e.srv.cfg.Pool, name, role, institution)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

var apiPhones atomic.Int64

// file files a complaint the way the chat does and returns it.
func (e *caseEnv) file(t *testing.T, institution string) (triage.Case, string) {
	t.Helper()
	phone := fmt.Sprintf("138%08d", apiPhones.Add(1))
	c, err := e.tri.File(context.Background(), triage.CaseInput{
		SessionID: "s-" + phone, Name: "王小明", Phone: phone, Institution: institution,
		Description: "银行卡被盗刷了5000元，我的电话是" + phone + "，请尽快处理。", Request: "追回损失",
		Classification: triage.Classification{Intent: "complaint", Product: "savings", ProductConfidence: 0.9,
			Reason: "fund_security", ReasonConfidence: 0.8, Flags: []string{}, Demands: []string{"refund"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, phone
}

// call sends a JSON request and decodes a JSON answer.
func call(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	return doJSON(t, method, url, token, body)
}

func errCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func errMessage(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	msg, _ := e["message"].(string)
	return msg
}

func caseOf(body map[string]any) map[string]any {
	c, _ := body["case"].(map[string]any)
	return c
}

func TestCaseAPIHandlerFlow(t *testing.T) {
	t.Parallel()
	e := newCaseEnv(t)
	c, phone := e.file(t, "招行")
	tok := e.token(t, "王芳", RoleHandler, "招商银行")
	base := e.ts.URL + "/api/v1/cases"

	code, body := call(t, "GET", base+"?status=open&product=savings", tok, nil)
	if code != 200 || body["total"].(float64) != 1 {
		t.Fatalf("list = %d %v", code, body)
	}
	row := body["cases"].([]any)[0].(map[string]any)
	if row["phone"] != "138****"+phone[7:] || row["name"] != "王*明" || strings.Contains(row["summary"].(string), phone) {
		t.Fatalf("list rows must be masked: %v", row)
	}

	code, body = call(t, "GET", base+"/"+c.TrackingNo, tok, nil)
	got := caseOf(body)
	if code != 200 || got["phone"] != "138****"+phone[7:] || strings.Contains(got["description"].(string), phone) || got["session_id"] != nil {
		t.Fatalf("get = %d %v", code, body)
	}

	// Acting needs a claim; claim next gives this case.
	if code, body = call(t, "POST", fmt.Sprintf("%s/%d/reply", base, c.ID), tok, map[string]string{"message": "您好"}); code != 409 || errCode(body) != "not_assignee" {
		t.Fatalf("reply before claim = %d %v", code, body)
	}
	code, body = call(t, "POST", base+"/claim", tok, nil)
	if code != 200 || caseOf(body)["tracking_no"] != c.TrackingNo || caseOf(body)["status"] != "claimed" {
		t.Fatalf("claim next = %d %v", code, body)
	}
	if code, body = call(t, "POST", base+"/claim", tok, map[string]string{}); code != 404 || errCode(body) != "queue_empty" {
		t.Fatalf("claim from an empty queue = %d %v", code, body)
	}
	id := fmt.Sprint(c.ID)
	for _, step := range []struct {
		action string
		body   any
		status string
	}{
		{"reply", map[string]string{"message": "您好，已收到您的投诉。"}, "in_progress"},
		{"ask", map[string]string{"question": "请提供交易流水截图。"}, "awaiting_consumer"},
		{"start", nil, "in_progress"},
		{"extend", map[string]any{"complex": true, "reason": "需调查交易", "approved_by": "李主任"}, "extended"},
		{"reclassify", map[string]any{"product": "payment", "reason": "fund_security", "flags": []string{"large_amount"}}, "extended"},
		{"note", map[string]string{"note": "已联系发卡行"}, "extended"},
		{"resolve", map[string]string{"outcome": "compensation", "message": "经核实为盗刷，已全额赔付5000元。"}, "resolved"},
		{"close", nil, "closed"},
	} {
		code, body := call(t, "POST", base+"/"+id+"/"+step.action, tok, step.body)
		if code != 200 || caseOf(body)["status"] != step.status {
			t.Fatalf("%s = %d %v", step.action, code, body)
		}
	}
	// Illegal transition: a clear 409 with the state named.
	code, body = call(t, "POST", base+"/"+id+"/reply", tok, map[string]string{"message": "还在吗"})
	if code != 409 || errCode(body) != "invalid_transition" || !strings.Contains(errMessage(body), "已办结") {
		t.Fatalf("reply to a closed case = %d %v", code, body)
	}

	// The consumer sees the decision.
	st, err := e.tri.Lookup(context.Background(), c.TrackingNo, phone[7:])
	if err != nil || st.Status != "closed" || !strings.Contains(st.LatestMessage, "您的投诉已办结") {
		t.Fatalf("lookup = %+v %v", st, err)
	}

	// Reveal is unmasked and audited.
	code, body = call(t, "POST", base+"/"+id+"/reveal", tok, map[string]string{"purpose": "回访"})
	if code != 200 || caseOf(body)["phone"] != phone {
		t.Fatalf("reveal = %d %v", code, body)
	}
	code, body = call(t, "GET", base+"/"+id+"/events", tok, nil)
	var actions []string
	for _, ev := range body["events"].([]any) {
		actions = append(actions, ev.(map[string]any)["action"].(string))
	}
	want := "case.file case.claim case.reply case.ask case.start case.extend case.reclassify case.note case.resolve case.close case.reveal"
	if code != 200 || strings.Join(actions, " ") != want {
		t.Fatalf("audit trail = %d %v", code, actions)
	}
	code, body = call(t, "GET", base+"/"+id+"/messages", tok, nil)
	if code != 200 || len(body["messages"].([]any)) < 6 {
		t.Fatalf("messages = %d %v", code, body)
	}
	var corrections int
	if err := e.srv.cfg.Pool.QueryRow(context.Background(), `SELECT count(*) FROM case_corrections WHERE case_id = $1 AND product = 'payment'`, c.ID).Scan(&corrections); err != nil || corrections != 1 {
		t.Fatalf("reclassification stored as a correction: %d %v", corrections, err)
	}
}

func TestCaseAPIScopeAndRoles(t *testing.T) {
	t.Parallel()
	e := newCaseEnv(t)
	a, _ := e.file(t, "招商银行")
	cmb := e.token(t, "王芳", RoleHandler, "招商银行")
	icbc := e.token(t, "赵六", RoleHandler, "中国工商银行")
	supervisor := e.token(t, "钱主任", RoleSupervisor, "")
	staff := e.token(t, "孙编辑", RoleStaff, "")
	base := e.ts.URL + "/api/v1/cases/"
	id := fmt.Sprint(a.ID)

	// Another institution's handler: everything is "not found", never "forbidden".
	for _, req := range []struct{ method, path string }{
		{"GET", id}, {"GET", a.TrackingNo}, {"GET", id + "/events"}, {"GET", id + "/messages"},
		{"POST", id + "/claim"}, {"POST", id + "/reply"}, {"POST", id + "/transfer"}, {"POST", id + "/reveal"},
		{"POST", id + "/resolve"}, {"POST", id + "/reclassify"},
	} {
		code, body := call(t, req.method, base+req.path, icbc, map[string]any{
			"message": "x", "note": "x", "institution": "中国工商银行", "outcome": "other", "product": "loan"})
		if code != 404 {
			t.Fatalf("%s %s by another institution = %d %v", req.method, req.path, code, body)
		}
	}
	code, body := call(t, "GET", e.ts.URL+"/api/v1/cases", icbc, nil)
	if code != 200 || body["total"].(float64) != 0 {
		t.Fatalf("other institution's list = %d %v", code, body)
	}
	if code, _ := call(t, "POST", e.ts.URL+"/api/v1/cases/claim", icbc, nil); code != 404 {
		t.Fatalf("claim next across scopes = %d", code)
	}

	// Supervisors and staff read but do not act; staff may not reveal.
	if code, _ := call(t, "GET", base+id, supervisor, nil); code != 200 {
		t.Fatalf("supervisor read = %d", code)
	}
	if code, _ := call(t, "GET", base+id, staff, nil); code != 200 {
		t.Fatalf("staff read = %d", code)
	}
	if code, _ := call(t, "POST", base+id+"/claim", supervisor, nil); code != 403 {
		t.Fatalf("supervisor claim = %d", code)
	}
	if code, _ := call(t, "POST", base+id+"/reveal", staff, nil); code != 403 {
		t.Fatalf("staff reveal = %d", code)
	}
	if code, _ := call(t, "GET", base+id, "", nil); code != 401 {
		t.Fatalf("anonymous read = %d", code)
	}
	if code, _ := call(t, "GET", base+id, cmb, nil); code != 200 {
		t.Fatalf("own institution read = %d", code)
	}
}

func TestCaseAPIBadInput(t *testing.T) {
	t.Parallel()
	e := newCaseEnv(t)
	c, _ := e.file(t, "招商银行")
	tok := e.token(t, "王芳", RoleHandler, "招商银行")
	base := e.ts.URL + "/api/v1/cases"
	id := fmt.Sprint(c.ID)
	if code, _ := call(t, "POST", base+"/"+id+"/claim", tok, nil); code != 200 {
		t.Fatalf("claim = %d", code)
	}
	for _, tc := range []struct {
		method, path string
		body         any
		status       int
		code         string
	}{
		{"GET", "?product=spaceship", nil, 400, "bad_request"},
		{"GET", "?limit=lots", nil, 400, "bad_request"},
		{"GET", "?overdue=maybe", nil, 400, "bad_request"},
		{"GET", "/999999999", nil, 404, "not_found"},
		{"GET", "/not-a-case", nil, 404, "not_found"},
		{"GET", "/TS20200101-0000", nil, 404, "not_found"},
		{"POST", "/" + id + "/teleport", map[string]string{}, 404, "not_found"},
		{"POST", "/" + id + "/reply", map[string]string{"message": "   "}, 400, "bad_request"},
		{"POST", "/" + id + "/reply", map[string]string{"message": strings.Repeat("长", 5000)}, 400, "bad_request"},
		{"POST", "/" + id + "/resolve", map[string]string{"outcome": "money", "message": "x"}, 400, "bad_request"},
		{"POST", "/" + id + "/extend", map[string]any{"days": 5}, 400, "bad_request"},
		{"POST", "/" + id + "/extend", map[string]any{"days": 99, "reason": "太复杂"}, 409, "extension_exhausted"},
		{"POST", "/" + id + "/transfer", map[string]string{"note": "转"}, 400, "bad_request"},
		{"POST", "/" + id + "/close", nil, 409, "invalid_transition"},
	} {
		code, body := call(t, tc.method, base+tc.path, tok, tc.body)
		if code != tc.status || errCode(body) != tc.code {
			t.Fatalf("%s %s = %d %v, want %d %s", tc.method, tc.path, code, body, tc.status, tc.code)
		}
	}
	// Broken JSON is a 400, never a 500.
	req, _ := http.NewRequest("POST", base+"/"+id+"/reply", strings.NewReader(`{"message": "unterminated`))
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("broken JSON = %d", resp.StatusCode)
	}
}

// sseReader reads named events from a stream.
type sseReader struct{ r *bufio.Reader }

func (s sseReader) next(t *testing.T) (string, map[string]any) {
	t.Helper()
	var event string
	var data map[string]any
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended: %v", err)
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "" && event != "":
			return event, data
		case strings.HasPrefix(line, "event: "):
			event = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(line[len("data: "):]), &data); err != nil {
				t.Fatalf("bad event data %q: %v", line, err)
			}
		}
	}
}

func openStream(t *testing.T, ctx context.Context, url, token string) (*http.Response, sseReader) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return resp, sseReader{bufio.NewReader(resp.Body)}
}

func TestCaseEventsStream(t *testing.T) {
	t.Parallel()
	e := newCaseEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	url := e.ts.URL + "/api/v1/cases/events"
	if code, _ := call(t, "GET", url, "", nil); code != 401 {
		t.Fatalf("anonymous stream = %d", code)
	}
	_, stream := openStream(t, ctx, url, e.token(t, "王芳", RoleHandler, "招商银行"))
	if ev, _ := stream.next(t); ev != triage.EventResync {
		t.Fatalf("first event = %s, want resync (the listener connected)", ev)
	}
	mine, _ := e.file(t, "招商银行")
	ev, data := stream.next(t)
	nc, _ := data["new_case"].(map[string]any)
	if ev != triage.EventNewCase || nc["tracking_no"] != mine.TrackingNo {
		t.Fatalf("event = %s %v", ev, data)
	}
	// Another institution's case is not streamed to this handler.
	e.file(t, "中国工商银行")
	mine2, _ := e.file(t, "招商银行")
	ev, data = stream.next(t)
	nc, _ = data["new_case"].(map[string]any)
	if ev != triage.EventNewCase || nc["tracking_no"] != mine2.TrackingNo {
		t.Fatalf("event = %s %v, want the second own case (the other institution's filtered)", ev, data)
	}
	if _, err := e.tri.Claim(ctx, triage.Actor{Name: "handler:x"}, mine.TrackingNo); err != nil {
		t.Fatal(err)
	}
	ev, data = stream.next(t)
	ch, _ := data["change"].(map[string]any)
	if ev != triage.EventCaseChanged || ch["action"] != "claim" || ch["status"] != "claimed" {
		t.Fatalf("event = %s %v", ev, data)
	}
}

func TestCaseEventsStreamEndsOnShutdown(t *testing.T) {
	t.Parallel()
	e := newCaseEnv(t)
	if err := e.srv.Open(); err != nil {
		t.Fatal(err)
	}
	_, stream := openStream(t, context.Background(), "http://"+e.srv.Addr()+"/api/v1/cases/events", e.token(t, "王芳", RoleHandler, ""))
	stream.next(t) // resync: the stream is up
	start := time.Now()
	if err := e.srv.Close(); err != nil {
		t.Fatalf("close with an open stream: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("shutdown waited %s for the stream", time.Since(start))
	}
	if _, err := io.ReadAll(stream.r); err != nil && !strings.Contains(err.Error(), "EOF") {
		t.Fatalf("stream not ended cleanly: %v", err)
	}
}

func TestStatsAPI(t *testing.T) {
	t.Parallel()
	e := newCaseEnv(t)
	c, _ := e.file(t, "招商银行")
	e.file(t, "中国工商银行")
	sup := e.token(t, "钱主任", RoleSupervisor, "")
	today := time.Now().In(triage.ChinaTime).Format(time.DateOnly)
	base := e.ts.URL + "/api/v1/stats"

	code, body := call(t, "GET", base+"?from="+today+"&to="+today, sup, nil)
	if code != 200 || body["total"].(float64) != 2 {
		t.Fatalf("stats = %d %v", code, body)
	}
	if comp, _ := body["compliance"].(map[string]any); comp["open"].(float64) != 2 {
		t.Fatalf("compliance = %v", body["compliance"])
	}
	code, body = call(t, "GET", base+"/timeseries?by=product&from="+today+"&to="+today, sup, nil)
	if code != 200 || len(body["buckets"].([]any)) != 1 || len(body["series"].([]any)) != 1 {
		t.Fatalf("timeseries = %d %v", code, body)
	}

	for _, path := range []string{"?format=csv&from=" + today + "&to=" + today, "/export.csv?from=" + today + "&to=" + today} {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+sup)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\uFEFF"))).ReadAll()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || err != nil || len(records) < 3 {
			t.Fatalf("%s = %d %s %v %d rows", path, resp.StatusCode, resp.Header.Get("Content-Type"), err, len(records))
		}
		if strings.HasPrefix(path, "/export") && (!strings.Contains(string(raw), c.TrackingNo) || !strings.Contains(string(raw), "人民币储蓄类")) {
			t.Fatalf("export lacks the case or its JR/T 0169 class: %s", raw)
		}
	}

	handler := e.token(t, "王芳", RoleHandler, "招商银行")
	if code, _ := call(t, "GET", base, handler, nil); code != 403 {
		t.Fatalf("handler stats = %d", code)
	}
	for _, q := range []string{"?from=yesterday", "?from=2026-02-01&to=2026-01-01", "?format=xml", "/timeseries?by=phone"} {
		if code, body := call(t, "GET", base+q, sup, nil); code != 400 {
			t.Fatalf("%s = %d %v", q, code, body)
		}
	}
}
