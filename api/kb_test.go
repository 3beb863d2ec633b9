package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
	"github.com/xiaobao-cn/xiaobao/knowledge"
)

// kbServer is a server with a seeded knowledge base and a token per role.
type kbServer struct {
	ts     *httptest.Server
	kb     *knowledge.Store
	tokens map[Role]string
}

func newKBServer(t *testing.T, seed bool) *kbServer {
	t.Helper()
	ctx := context.Background()
	_, pool := dbtest.NewDB(t)
	kb, err := knowledge.NewStore(knowledge.Config{DB: pool, MaxFileBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(kb.Close)
	if seed {
		if _, err := kb.Seed(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := kb.Reembed(ctx, knowledge.ReembedOptions{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	s, err := NewServer(Config{Pool: pool, Knowledge: kb})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	k := &kbServer{ts: ts, kb: kb, tokens: map[Role]string{}}
	for _, r := range []Role{RoleStaff, RoleHandler, RoleSupervisor} {
		secret, _, err := CreateToken(ctx, pool, "test-"+string(r), r, "")
		if err != nil {
			t.Fatal(err)
		}
		k.tokens[r] = secret
	}
	return k
}

func (k *kbServer) do(t *testing.T, method, path string, role Role, body any) (int, map[string]any) {
	t.Helper()
	return doJSON(t, method, k.ts.URL+path, k.tokens[role], body)
}

func TestKBPublicSearch(t *testing.T) {
	t.Parallel()
	k := newKBServer(t, true)
	code, body := k.do(t, "GET", "/api/v1/kb/search?q="+url.QueryEscape("存款保险最多赔多少")+"&k=3", "", nil)
	if code != 200 {
		t.Fatalf("search = %d %v", code, body)
	}
	hits := body["hits"].([]any)
	if len(hits) == 0 || len(hits) > 3 {
		t.Fatalf("want 1–3 hits, got %d", len(hits))
	}
	first := hits[0].(map[string]any)
	for _, key := range []string{"document_id", "title", "kind", "citation", "text", "score"} {
		if _, ok := first[key]; !ok {
			t.Fatalf("hit lacks %q: %v", key, first)
		}
	}
	if _, ok := first["lexical_rank"]; ok {
		t.Fatalf("consumers do not see the score breakdown")
	}
	for _, q := range []string{"", "%F0%9F%98%80%F0%9F%98%80", "%EF%BC%8C%E3%80%82", url.QueryEscape(strings.Repeat("年费", 5000)), "x&k=abc", "x&k=-5"} {
		code, body := k.do(t, "GET", "/api/v1/kb/search?q="+q, "", nil)
		if code != 200 {
			t.Fatalf("odd query %.30q = %d %v", q, code, body)
		}
		if _, ok := body["hits"].([]any); !ok {
			t.Fatalf("odd query %.30q: hits is not a list: %v", q, body)
		}
	}
}

func TestKBRoleEnforcement(t *testing.T) {
	t.Parallel()
	k := newKBServer(t, false)
	for _, p := range []struct{ method, path string }{
		{"GET", "/api/v1/kb/documents"}, {"POST", "/api/v1/kb/hit-test"}, {"GET", "/api/v1/kb/faqs"},
		{"GET", "/api/v1/kb/synonyms"}, {"GET", "/api/v1/kb/unanswered"}, {"GET", "/api/v1/kb/feedback"},
		{"POST", "/api/v1/kb/jobs"}, {"POST", "/api/v1/kb/import"}, {"DELETE", "/api/v1/kb/documents/1"},
	} {
		if code, _ := k.do(t, p.method, p.path, "", nil); code != 401 {
			t.Fatalf("%s %s without token = %d, want 401", p.method, p.path, code)
		}
		for _, r := range []Role{RoleHandler, RoleSupervisor} {
			if code, _ := k.do(t, p.method, p.path, r, nil); code != 403 {
				t.Fatalf("%s %s as %s = %d, want 403", p.method, p.path, r, code)
			}
		}
	}
}

func TestKBStaffDocumentsAndHitTest(t *testing.T) {
	t.Parallel()
	k := newKBServer(t, false)
	code, body := k.do(t, "POST", "/api/v1/kb/documents", RoleStaff, map[string]any{
		"kind": "guide", "title": "ETC 扣费说明", "body": "## 多扣了怎么办\nETC 通行费多扣时，先在发卡银行 App 核对通行记录，再申请退还。",
		"questions": []string{"ETC 多扣钱了怎么办"},
	})
	if code != 201 {
		t.Fatalf("create = %d %v", code, body)
	}
	doc := body["document"].(map[string]any)
	id := int64(doc["id"].(float64))
	if doc["status"] != "draft" {
		t.Fatalf("new documents are drafts: %v", doc["status"])
	}
	code, body = k.do(t, "POST", "/api/v1/kb/hit-test", RoleStaff, map[string]any{"q": "ETC 通行费多扣了", "include_drafts": true, "k": 5})
	if code != 200 {
		t.Fatalf("hit-test = %d %v", code, body)
	}
	hits := body["hits"].([]any)
	top := hits[0].(map[string]any)
	if int64(top["document_id"].(float64)) != id {
		t.Fatalf("hit test finds the draft first: %v", top)
	}
	for _, key := range []string{"lexical_rank", "vector_rank", "faq_lexical_rank", "faq_vector_rank", "score", "relevance", "coverage"} {
		if _, ok := top[key]; !ok {
			t.Fatalf("breakdown lacks %q", key)
		}
	}
	_, body = k.do(t, "GET", "/api/v1/kb/search?q="+url.QueryEscape("ETC 通行费多扣了"), "", nil)
	for _, h := range body["hits"].([]any) {
		if int64(h.(map[string]any)["document_id"].(float64)) == id {
			t.Fatalf("drafts are not public")
		}
	}
	if code, body = k.do(t, "POST", fmt.Sprintf("/api/v1/kb/documents/%d/publish", id), RoleStaff, nil); code != 200 {
		t.Fatalf("publish = %d %v", code, body)
	}
	code, body = k.do(t, "PUT", fmt.Sprintf("/api/v1/kb/documents/%d", id), RoleStaff, map[string]any{
		"kind": "guide", "title": "ETC 扣费说明", "body": "## 多扣了怎么办\nETC 多扣时先核对记录再申请退还。",
	})
	if code != 200 || body["document"].(map[string]any)["version"].(float64) != 2 {
		t.Fatalf("update = %d %v", code, body)
	}
	code, body = k.do(t, "GET", fmt.Sprintf("/api/v1/kb/documents/%d", id), RoleStaff, nil)
	if code != 200 || len(body["chunks"].([]any)) == 0 || body["document"].(map[string]any)["status"] != "published" {
		t.Fatalf("get = %d %v", code, body)
	}
	if code, body = k.do(t, "GET", fmt.Sprintf("/api/v1/kb/documents/%d/versions", id), RoleStaff, nil); code != 200 || len(body["versions"].([]any)) != 2 {
		t.Fatalf("versions = %d %v", code, body)
	}
	if code, _ = k.do(t, "POST", "/api/v1/kb/documents", RoleStaff, map[string]any{"kind": "blog", "title": "x", "body": "y"}); code != 400 {
		t.Fatalf("bad kind = %d", code)
	}
	if code, _ = k.do(t, "GET", "/api/v1/kb/documents/999999", RoleStaff, nil); code != 404 {
		t.Fatalf("missing document = %d", code)
	}
	if code, _ = k.do(t, "GET", "/api/v1/kb/documents/abc", RoleStaff, nil); code != 404 {
		t.Fatalf("bad id = %d", code)
	}
	if code, _ = k.do(t, "POST", "/api/v1/kb/hit-test", RoleStaff, map[string]any{"q": "x", "mode": "magic"}); code != 400 {
		t.Fatalf("bad mode = %d", code)
	}
	if code, _ = k.do(t, "DELETE", fmt.Sprintf("/api/v1/kb/documents/%d", id), RoleStaff, nil); code != 204 {
		t.Fatalf("delete = %d", code)
	}
}

func upload(t *testing.T, k *kbServer, query string, files map[string][]byte) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for name, data := range files {
		w, _ := mw.CreateFormFile("file", name)
		_, _ = w.Write(data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", k.ts.URL+"/api/v1/kb/import"+query, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+k.tokens[RoleStaff])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

func TestKBImportUpload(t *testing.T) {
	t.Parallel()
	k := newKBServer(t, false)
	good := []byte("---\ntitle: 手机银行转账限额\nkind: guide\n---\n## 限额\n手机银行单笔转账限额可以在 App 里自行调整。\n")
	code, body := upload(t, k, "?publish=true", map[string][]byte{
		"transfer-limit.md": good,
		"scan.pdf":          []byte("%PDF-1.5 binary"),
		"empty.txt":         {},
	})
	if code != 200 {
		t.Fatalf("upload = %d %v", code, body)
	}
	if n := len(body["results"].([]any)); n != 1 {
		t.Fatalf("one file imported, got %d: %v", n, body)
	}
	fails := body["failures"].([]any)
	if len(fails) != 2 {
		t.Fatalf("two files rejected, got %v", fails)
	}
	for _, f := range fails {
		m := f.(map[string]any)
		if !strings.Contains(m["message"].(string), m["file"].(string)) {
			t.Fatalf("a failure names its file: %v", m)
		}
	}
	code, body = upload(t, k, "?publish=true", map[string][]byte{"transfer-limit.md": good})
	if code != 200 || body["results"].([]any)[0].(map[string]any)["outcome"] != "unchanged" {
		t.Fatalf("re-upload is a no-op: %d %v", code, body)
	}
	code, body = upload(t, k, "", map[string][]byte{"big.md": bytes.Repeat([]byte("很长。"), 30000)})
	if code != 400 || !strings.Contains(fmt.Sprint(body["failures"]), "文件太大") {
		t.Fatalf("oversized file = %d %v", code, body)
	}
	code, _ = upload(t, k, "", nil)
	if code != 400 {
		t.Fatalf("no files = %d", code)
	}
	req, _ := http.NewRequest("POST", k.ts.URL+"/api/v1/kb/import", strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+k.tokens[RoleStaff])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("not multipart = %d", resp.StatusCode)
	}
}

func TestKBFAQSynonymsUnansweredJobs(t *testing.T) {
	t.Parallel()
	k := newKBServer(t, false)
	ctx := context.Background()
	code, body := k.do(t, "POST", "/api/v1/kb/faqs", RoleStaff, map[string]any{
		"question": "ETC 卡怎么注销？", "similar": []string{"不用 ETC 了怎么退"}, "answer": "到发卡银行网点或 App 办理注销。",
	})
	if code != 201 {
		t.Fatalf("faq create = %d %v", code, body)
	}
	faqID := int64(body["faq"].(map[string]any)["id"].(float64))
	if err := k.kb.RecordUnanswered(ctx, "ETC 设备不想用了能退吗", "sess-1", 0.2); err != nil {
		t.Fatal(err)
	}
	code, body = k.do(t, "GET", "/api/v1/kb/unanswered", RoleStaff, nil)
	us := body["unanswered"].([]any)
	if code != 200 || len(us) != 1 {
		t.Fatalf("unanswered = %d %v", code, body)
	}
	uid := us[0].(map[string]any)["id"].(float64)
	code, body = k.do(t, "POST", fmt.Sprintf("/api/v1/kb/faqs/%d/similar", faqID), RoleStaff, map[string]any{"unanswered_id": uid})
	if code != 200 || !strings.Contains(fmt.Sprint(body["faq"].(map[string]any)["similar"]), "ETC 设备不想用了能退吗") {
		t.Fatalf("add similar = %d %v", code, body)
	}
	if _, body = k.do(t, "GET", "/api/v1/kb/unanswered", RoleStaff, nil); len(body["unanswered"].([]any)) != 0 {
		t.Fatalf("resolved question leaves the list: %v", body)
	}
	if code, _ = k.do(t, "POST", "/api/v1/kb/faqs/999999/similar", RoleStaff, map[string]any{"question": "x"}); code != 404 {
		t.Fatalf("missing faq = %d", code)
	}
	if err := k.kb.RecordFeedback(ctx, knowledge.Feedback{SessionID: "s", MessageID: "m", Question: "q", Answer: "a", Helpful: false}); err != nil {
		t.Fatal(err)
	}
	if code, body = k.do(t, "GET", "/api/v1/kb/feedback?helpful=false", RoleStaff, nil); code != 200 || len(body["feedback"].([]any)) != 1 {
		t.Fatalf("feedback = %d %v", code, body)
	}
	fid := body["feedback"].([]any)[0].(map[string]any)["id"].(float64)
	if code, _ = k.do(t, "POST", fmt.Sprintf("/api/v1/kb/feedback/%d/dismiss", int64(fid)), RoleStaff, nil); code != 204 {
		t.Fatalf("dismiss feedback = %d", code)
	}
	if _, body = k.do(t, "GET", "/api/v1/kb/feedback?helpful=false", RoleStaff, nil); len(body["feedback"].([]any)) != 0 {
		t.Fatalf("dismissed feedback stays in the list: %v", body)
	}
	if _, body = k.do(t, "GET", "/api/v1/kb/feedback?helpful=false&include_resolved=true", RoleStaff, nil); len(body["feedback"].([]any)) != 1 {
		t.Fatalf("dismissed feedback is kept as resolved: %v", body)
	}
	if code, _ = k.do(t, "POST", "/api/v1/kb/feedback/999999/dismiss", RoleStaff, nil); code != 404 {
		t.Fatalf("dismiss missing feedback = %d", code)
	}

	code, body = k.do(t, "POST", "/api/v1/kb/synonyms", RoleStaff, map[string]any{"terms": []string{"ETC", "电子不停车收费"}})
	if code != 201 {
		t.Fatalf("synonyms create = %d %v", code, body)
	}
	sid := body["synonyms"].(map[string]any)["id"].(float64)
	if code, _ = k.do(t, "POST", "/api/v1/kb/synonyms", RoleStaff, map[string]any{"terms": []string{"只有一个"}}); code != 400 {
		t.Fatalf("a one-term group = %d", code)
	}
	if code, _ = k.do(t, "PUT", fmt.Sprintf("/api/v1/kb/synonyms/%v", sid), RoleStaff, map[string]any{"terms": []string{"ETC", "不停车收费"}}); code != 200 {
		t.Fatalf("synonyms update = %d", code)
	}
	if code, _ = k.do(t, "DELETE", fmt.Sprintf("/api/v1/kb/synonyms/%v", sid), RoleStaff, nil); code != 204 {
		t.Fatalf("synonyms delete = %d", code)
	}

	code, body = k.do(t, "POST", "/api/v1/kb/jobs", RoleStaff, map[string]any{"kind": "reembed"})
	if code != 202 {
		t.Fatalf("job start = %d %v", code, body)
	}
	jid := body["job"].(map[string]any)["id"].(float64)
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, body = k.do(t, "GET", fmt.Sprintf("/api/v1/kb/jobs/%v", jid), RoleStaff, nil)
		job := body["job"].(map[string]any)
		if code != 200 {
			t.Fatalf("job get = %d", code)
		}
		if job["status"] == "succeeded" {
			break
		}
		if job["status"] == "failed" || time.Now().After(deadline) {
			t.Fatalf("job did not succeed: %v", job)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, _ = k.do(t, "POST", "/api/v1/kb/jobs", RoleStaff, map[string]any{"kind": "defrag"}); code != 400 {
		t.Fatalf("bad job kind = %d", code)
	}
	if code, _ = k.do(t, "DELETE", fmt.Sprintf("/api/v1/kb/faqs/%d", faqID), RoleStaff, nil); code != 204 {
		t.Fatalf("faq delete = %d", code)
	}
}
