package api

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/xiaobao-cn/xiaobao/chat"
	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
	"github.com/xiaobao-cn/xiaobao/knowledge"
	"github.com/xiaobao-cn/xiaobao/triage"
)

// lockedBuffer is a log sink many goroutines write to.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// buildLoggedE2E wires the real components like buildE2E, with every one
// logging to log. The knowledge base is left empty: unanswered questions
// take the logging path that records them.
func buildLoggedE2E(t *testing.T, pool *pgxpool.Pool, log *slog.Logger) *e2eEnv {
	t.Helper()
	ctx := context.Background()
	kb, err := knowledge.NewStore(knowledge.Config{DB: pool, Logger: log, Embedder: knowledge.NewOfflineEmbedder(knowledge.OfflineConfig{})})
	if err != nil {
		t.Fatal(err)
	}
	cls, err := triage.LoadClassifier(triage.ClassifierConfig{})
	if err != nil {
		t.Fatal(err)
	}
	tri, err := triage.NewService(triage.ServiceConfig{Pool: pool, Classifier: cls, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	reg := NewRegistry()
	hub, err := chat.NewHub(chat.Config{Pool: pool, Knowledge: kb, Triage: tri, Registry: reg, Logger: log,
		MaxConnsPerIP: 1000, MessagesPerMinute: 6000, IPMessagesPerMinute: 100000})
	if err != nil {
		t.Fatal(err)
	}
	listenCtx, stop := context.WithCancel(context.Background())
	go func() { _ = tri.Listen(listenCtx, nil, hub.DeliverUpdate) }()
	srv, err := NewServer(Config{Pool: pool, Knowledge: kb, Triage: tri, Chat: hub, Registry: reg, Logger: log})
	if err != nil {
		stop()
		t.Fatal(err)
	}
	handler, _, err := CreateToken(ctx, pool, "log test handler", RoleHandler, "")
	if err != nil {
		stop()
		t.Fatal(err)
	}
	return &e2eEnv{ts: httptest.NewServer(srv.Handler()), srv: srv, tri: tri, hub: hub, handler: handler, stop: stop}
}

// TestLogsNeverHoldPersonalData runs a consumer's whole journey and the
// handler's work on it through the real stack, with every component
// logging at debug level into one buffer, and checks that the phone, ID
// and card numbers the consumer typed never reach the log. The logger is a
// plain JSON handler, without the masking wrapper production adds
// (pii.NewHandler): this proves the call sites themselves log no personal
// data, so the wrapper is a second line of defence, not the only one. A
// database outage at the end drives the error paths, which log causes.
func TestLogsNeverHoldPersonalData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbURL, _ := dbtest.NewDB(t)
	proxy, viaProxy := dbtest.NewProxy(t, dbURL)
	pool, err := dbtest.OpenPool(ctx, viaProxy)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	logs := &lockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := buildLoggedE2E(t, pool, log)
	checkLogs := func(when string) {
		if leaked := containsRaw(logs.String()); len(leaked) > 0 {
			var lines []string
			for _, l := range strings.Split(logs.String(), "\n") {
				if len(containsRaw(l)) > 0 {
					lines = append(lines, l)
				}
			}
			t.Errorf("%s: the log holds %v:\n%s", when, leaked, strings.Join(lines, "\n"))
		}
	}
	// Late logs (shutdown, listeners) count too.
	t.Cleanup(func() {
		e.ts.Close()
		e.hub.Shutdown()
		e.stop()
		checkLogs("after shutdown")
	})

	// The consumer: a question with the numbers in it, then a complaint
	// that carries them in the story and the form.
	c, _ := e.dial(t, "")
	c.say("我的卡号" + rawCard + "被冻结了，身份证" + rawID + "，怎么解冻？")
	story := "招行信用卡上个月乱扣了我680块年费，我从没开通过白金卡。我身份证号" + rawID + "，卡号" + rawCard + "，手机" + rawPhone + "，要求退回！"
	facts := map[string]string{"institution": "招商银行", "description": "卡号" + rawCard + "被扣了680元年费，身份证" + rawID,
		"occurred_at": "上个月", "amount": "680元", "demand": "要求退回年费", "name": "张伟", "phone": rawPhone, "consent": "同意"}
	fileUntilConfirm(t, c, story, facts)
	filed := last(c.action("confirm", nil))
	if filed.Type != "filed" {
		t.Fatalf("not filed: %+v", filed)
	}
	c.until(func(o chat.Outbound) bool { return o.Type == "reply" })
	// A status lookup with a wrong phone suffix is logged; with the right
	// one it answers.
	c.action("status", map[string]any{"tracking_no": filed.TrackingNo, "phone_last4": "0000"})
	c.action("status", map[string]any{"tracking_no": filed.TrackingNo, "phone_last4": rawPhone[7:]})

	// The handler side: search, read, reveal, act, classify.
	for _, path := range []string{"/api/v1/cases?q=" + rawPhone, "/api/v1/cases/" + filed.TrackingNo,
		"/api/v1/cases/" + filed.TrackingNo + "/messages", "/api/v1/kb/search?q=" + url.QueryEscape("卡号"+rawCard+"冻结")} {
		if code, body := e.apiJSON(t, "GET", path, nil); code != 200 {
			t.Fatalf("GET %s = %d %v", path, code, body)
		}
	}
	for _, step := range []struct {
		path string
		body any
	}{
		{"/reveal", map[string]string{"purpose": "回电" + rawPhone}},
		{"/claim", nil},
		{"/reply", map[string]string{"message": "张先生您好，尾号5678的手机已登记，卡号" + rawCard + "的年费正在核实。"}},
		{"/note", map[string]string{"note": "身份证" + rawID + "已核对"}},
	} {
		if code, body := e.apiJSON(t, "POST", "/api/v1/cases/"+filed.TrackingNo+step.path, step.body); code != 200 {
			t.Fatalf("POST %s = %d %v", step.path, code, body)
		}
	}
	upd := last(c.until(func(o chat.Outbound) bool {
		return o.Type == "case_update" && strings.Contains(o.Message, "年费正在核实")
	}))
	if upd.TrackingNo != filed.TrackingNo {
		t.Fatalf("case_update = %+v", upd)
	}
	if code, body := e.apiJSON(t, "POST", "/api/v1/triage/classify", map[string]string{"text": story}); code != 200 {
		t.Fatalf("classify = %d %v", code, body)
	}
	// Bad requests carrying the numbers.
	e.apiJSON(t, "POST", "/api/v1/cases/"+filed.TrackingNo+"/reply", map[string]string{"message": strings.Repeat(rawPhone, 1000)})
	e.apiJSON(t, "GET", "/api/v1/cases/"+rawPhone, nil)
	e.apiJSON(t, "GET", "/api/v1/cases?product="+rawID, nil)

	// The database goes away as a second complaint is confirmed and a
	// handler looks: the error paths log their causes.
	fileUntilConfirm(t, c, "还有一件：我卡号"+rawCard+"的借记卡被盗刷了两千元，身份证"+rawID+"，电话"+rawPhone, facts)
	proxy.Cut()
	if o := last(c.action("confirm", nil)); o.Type != "error" {
		t.Fatalf("confirm during the outage = %+v, want an error frame", o)
	}
	if code, body := e.apiJSON(t, "GET", "/api/v1/cases?q="+rawPhone, nil); code < 500 {
		t.Fatalf("handler list during the outage = %d %v, want a 5xx", code, body)
	}
	proxy.Restore()
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if code, _ := e.apiJSON(t, "GET", "/readyz", nil); code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("readyz did not return to 200 after the outage")
		}
	}
	if o := last(c.action("confirm", nil)); o.Type != "filed" {
		t.Fatalf("confirm after the outage = %+v, want filed", o)
	}

	// The log did record the journey: the check below is not vacuous.
	out := logs.String()
	if n := strings.Count(out, `"msg":"http request"`); n < 10 {
		t.Fatalf("only %d request log lines; is the logger wired? %s", n, out)
	}
	for _, msg := range []string{"case lookup refused", `"level":"ERROR"`, `"status":500`} {
		if !strings.Contains(out, msg) {
			t.Fatalf("the log lacks %q; the journey did not take the path it should: %s", msg, out)
		}
	}
	checkLogs("after the journey")
}
