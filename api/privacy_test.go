package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xiaobao-cn/xiaobao/triage"
)

// The personal data the masking tests plant: a mobile number, a resident
// ID number and a bank card number, as consumers type them into stories.
const (
	rawPhone = "13812345678"
	rawID    = "110101199003071234"
	rawCard  = "6222021234567890123"
)

var rawPersonal = []string{rawPhone, rawID, rawCard}

// fileWithPersonalData files a case at 招商银行 whose facts, transcript
// and thread all carry the planted numbers.
func fileWithPersonalData(t *testing.T, tri *triage.Service, sessionID string) triage.Case {
	t.Helper()
	story := "招行信用卡乱扣我680元年费。我身份证号" + rawID + "，卡号" + rawCard + "，手机" + rawPhone + "。"
	now := time.Now()
	c, err := tri.File(context.Background(), triage.CaseInput{
		SessionID: sessionID, Name: "张伟", Phone: rawPhone, Institution: "招商银行",
		Description: story, Request: "退回年费，有事打" + rawPhone, Basis: "卡号" + rawCard + "的对账单",
		Transcript: []triage.TranscriptLine{
			{Role: "consumer", Text: story, At: now},
			{Role: "bot", Text: "请问您的手机号码？", At: now},
			{Role: "consumer", Text: rawPhone, At: now},
		},
		Classification: triage.Classification{Intent: "complaint", Product: "credit_card", ProductConfidence: 0.9,
			Reason: "fees", ReasonConfidence: 0.8, Flags: []string{}, Demands: []string{"refund"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// containsRaw returns the planted numbers s contains.
func containsRaw(s string) []string {
	var out []string
	for _, raw := range rawPersonal {
		if strings.Contains(s, raw) {
			out = append(out, raw)
		}
	}
	return out
}

func TestHandlerViewsMaskPersonalData(t *testing.T) {
	t.Parallel()
	e := newCaseEnv(t)
	ctx := context.Background()
	c := fileWithPersonalData(t, e.tri, "")
	handler := e.token(t, "王芳", RoleHandler, "招商银行")
	supervisor := e.token(t, "钱主任", RoleSupervisor, "")
	staff := e.token(t, "孙编辑", RoleStaff, "")
	base := e.ts.URL + "/api/v1/cases"

	// The consumer answers a question with the numbers again: the thread
	// is shown masked too.
	if _, err := e.tri.Claim(ctx, triage.Actor{Name: "handler:王芳#1"}, c.TrackingNo); err != nil {
		t.Fatal(err)
	}
	if _, err := e.tri.Ask(ctx, triage.Actor{Name: "handler:王芳#1"}, c.TrackingNo, "请提供扣款卡号。"); err != nil {
		t.Fatal(err)
	}
	if err := e.tri.ConsumerReply(ctx, c.TrackingNo, rawPhone[7:], "卡号"+rawCard+"，身份证"+rawID); err != nil {
		t.Fatal(err)
	}
	// Handlers quote the numbers in free text of their own: reasons and
	// the purpose of a reveal, which land in the case and its audit trail.
	h := triage.Actor{Name: "handler:王芳#1"}
	if _, err := e.tri.Extend(ctx, h, c.TrackingNo, triage.ExtendInput{Complex: true, Reason: "需向发卡行调取卡号" + rawCard + "的流水"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.tri.PauseClock(ctx, h, c.TrackingNo, "等待身份证"+rawID+"的鉴定"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.tri.Reveal(ctx, h, c.TrackingNo, "回电"+rawPhone); err != nil {
		t.Fatal(err)
	}

	get := func(token, method, path string) (int, string) {
		code, body := call(t, method, base+path, token, nil)
		b, _ := json.Marshal(body)
		return code, string(b)
	}
	for _, token := range []string{handler, supervisor, staff} {
		for _, path := range []string{"", "?q=" + rawPhone, "?status=open", fmt.Sprintf("/%d", c.ID), "/" + c.TrackingNo,
			fmt.Sprintf("/%d/messages", c.ID), fmt.Sprintf("/%d/events", c.ID)} {
			code, body := get(token, "GET", path)
			if code != 200 {
				t.Fatalf("GET %s = %d %s", path, code, body)
			}
			if leaked := containsRaw(body); len(leaked) > 0 {
				t.Errorf("GET /api/v1/cases%s shows %v unmasked: %.400s", path, leaked, body)
			}
		}
	}
	// Masked, yet recognisable: a handler can tell the consumer which
	// phone and card they mean.
	_, body := get(handler, "GET", fmt.Sprintf("/%d", c.ID))
	for _, masked := range []string{"138****5678", "5678", "1234", "张*"} {
		if !strings.Contains(body, masked) {
			t.Errorf("case view lacks the masked form %q: %.400s", masked, body)
		}
	}
	_, body = get(handler, "GET", "")
	if !strings.Contains(body, "138****5678") || !strings.Contains(body, c.TrackingNo) {
		t.Errorf("list lacks the case or its masked phone: %.400s", body)
	}

	// Reveal shows the data, is not cached, and leaves a trace.
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/%d/reveal", base, c.ID), strings.NewReader(`{"purpose":"回电核实身份"}`))
	req.Header.Set("Authorization", "Bearer "+handler)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var revealed map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&revealed)
	resp.Body.Close()
	rb, _ := json.Marshal(revealed)
	if resp.StatusCode != 200 || len(containsRaw(string(rb))) != len(rawPersonal) {
		t.Fatalf("reveal = %d %.400s, want all of %v", resp.StatusCode, rb, rawPersonal)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("reveal Cache-Control = %q, want no-store", cc)
	}
	var actor, purpose string
	err = e.srv.cfg.Pool.QueryRow(ctx, `SELECT actor, detail->>'purpose' FROM case_events
WHERE case_id = $1 AND action = 'case.reveal' ORDER BY id DESC LIMIT 1`, c.ID).Scan(&actor, &purpose)
	if err != nil {
		t.Fatalf("no audit event for the reveal: %v", err)
	}
	if !strings.Contains(actor, "王芳") || purpose != "回电核实身份" {
		t.Errorf("reveal audited as %q / %q", actor, purpose)
	}
	// Staff curate the knowledge base: they may read masked cases, never reveal.
	if code, _ := get(staff, "POST", fmt.Sprintf("/%d/reveal", c.ID)); code != 403 {
		t.Errorf("staff reveal = %d, want 403", code)
	}
}

func TestConsumerExportAndDeleteAPI(t *testing.T) {
	t.Parallel()
	e := newCaseEnv(t)
	ctx := context.Background()
	pool := e.srv.cfg.Pool
	admin := e.token(t, "管理员", RoleAdmin, "")
	base := e.ts.URL + "/api/v1/admin/consumers/"

	// Two cases of the consumer, one filed from a chat session; another
	// consumer's case and session stay untouched.
	newSession := func(said string) string {
		var id string
		if err := pool.QueryRow(ctx, `INSERT INTO chat_sessions (resume_token_hash, state)
VALUES (sha256(gen_random_uuid()::text::bytea), '{}') RETURNING id::text`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO chat_messages (session_id, role, text) VALUES ($1, 'consumer', $2)`, id, said); err != nil {
			t.Fatal(err)
		}
		return id
	}
	session := newSession("招行乱扣年费")
	first := fileWithPersonalData(t, e.tri, session)
	second := fileWithPersonalData(t, e.tri, "")
	otherSession := newSession("我要投诉")
	other, otherPhone := e.file(t, "招商银行")
	if _, err := pool.Exec(ctx, `UPDATE cases SET session_id = $1 WHERE id = $2`, otherSession, other.ID); err != nil {
		t.Fatal(err)
	}

	// Bad input is a clear 400.
	for _, body := range []any{nil, map[string]string{}, map[string]string{"phone": "   "}, map[string]string{"phone": "12345"},
		map[string]string{"phone": "电话号码"}} {
		for _, op := range []string{"export", "delete"} {
			code, out := call(t, "POST", base+op, admin, body)
			if code != 400 || errMessage(out) == "" {
				t.Errorf("%s with %v = %d %v, want 400 with a message", op, body, code, out)
			}
		}
	}
	if code, out := call(t, "POST", base+"delete", admin, map[string]string{"phone": rawPhone}); code != 400 || !strings.Contains(errMessage(out), "删除原因") {
		t.Errorf("delete without a reason = %d %v, want 400 asking for the reason", code, out)
	}

	// Export: everything, unmasked, for the consumer; audited with the phone masked.
	code, out := call(t, "POST", base+"export", admin, map[string]string{"phone": "+86 138-1234-5678"})
	if code != 200 {
		t.Fatalf("export = %d %v", code, out)
	}
	var ex triage.ConsumerExport
	b, _ := json.Marshal(out)
	if err := json.Unmarshal(b, &ex); err != nil {
		t.Fatal(err)
	}
	if ex.Phone != rawPhone || len(ex.Cases) != 2 || ex.Cases[0].Case.ID != first.ID || ex.Cases[1].Case.ID != second.ID {
		t.Fatalf("export = %s", b)
	}
	if len(containsRaw(string(b))) != len(rawPersonal) || len(ex.Cases[0].Case.Transcript) != 3 || len(ex.Cases[0].Events) == 0 {
		t.Fatalf("export lacks the unmasked facts, transcript or events: %.600s", b)
	}
	if strings.Contains(string(b), otherPhone) {
		t.Fatal("export includes another consumer's case")
	}

	// Delete: cases erased, chat session gone, counts returned.
	code, out = call(t, "POST", base+"delete", admin, map[string]string{"phone": rawPhone, "reason": "本人书面申请删除"})
	if code != 200 || out["cases"] != float64(2) || out["chat_sessions"] != float64(1) {
		t.Fatalf("delete = %d %v, want 2 cases and 1 chat session", code, out)
	}
	var sessions, otherSessions int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM chat_sessions WHERE id = $1`, session).Scan(&sessions)
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM chat_sessions WHERE id = $1`, otherSession).Scan(&otherSessions)
	if sessions != 0 || otherSessions != 1 {
		t.Fatalf("chat sessions after delete: consumer's %d (want 0), other's %d (want 1)", sessions, otherSessions)
	}
	for _, id := range []int64{first.ID, second.ID} {
		var row string
		if err := pool.QueryRow(ctx, `SELECT row_to_json(c)::text FROM cases c WHERE id = $1`, id).Scan(&row); err != nil {
			t.Fatal(err)
		}
		if leaked := containsRaw(row); len(leaked) > 0 || strings.Contains(row, "张伟") {
			t.Errorf("case %d still holds %v after deletion: %.400s", id, leaked, row)
		}
	}
	if c, err := e.tri.Get(ctx, triage.Actor{}, fmt.Sprint(other.ID)); err != nil || c.Phone != otherPhone {
		t.Fatalf("the other consumer's case changed: %+v %v", c, err)
	}

	// Both operations are in the audit log, which keeps no raw phone.
	var audits []string
	rows, err := pool.Query(ctx, `SELECT action || ' ' || actor || ' ' || subject_id || ' ' || detail::text FROM audit_events
WHERE subject_type = 'consumer' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		audits = append(audits, s)
	}
	if len(audits) != 2 || !strings.HasPrefix(audits[0], "consumer.export admin:管理员") ||
		!strings.HasPrefix(audits[1], "consumer.delete admin:管理员") || !strings.Contains(audits[1], "本人书面申请删除") {
		t.Fatalf("audit log = %q, want the export and the deletion by the admin", audits)
	}
	if leaked := containsRaw(strings.Join(audits, "\n")); len(leaked) > 0 || !strings.Contains(audits[1], "138****5678") {
		t.Errorf("audit log holds %v raw, or lacks the masked phone: %q", leaked, audits)
	}

	// Nothing left to hand over or erase.
	code, out = call(t, "POST", base+"export", admin, map[string]string{"phone": rawPhone})
	if code != 200 || len(out["cases"].([]any)) != 0 {
		t.Fatalf("export after delete = %d %v", code, out)
	}
	code, out = call(t, "POST", base+"delete", admin, map[string]string{"phone": rawPhone, "reason": "重复申请"})
	if code != 200 || out["cases"] != float64(0) {
		t.Fatalf("second delete = %d %v", code, out)
	}
}
