package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/xiaobao-cn/xiaobao/chat"
	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
	"github.com/xiaobao-cn/xiaobao/knowledge"
	"github.com/xiaobao-cn/xiaobao/triage"
)

// e2eEnv is the whole service (real knowledge base, classifier, queue and
// websocket hub) on this test process's database, built once: seeding the
// knowledge base takes seconds, and every test files its own cases.
type e2eEnv struct {
	ts      *httptest.Server
	srv     *Server
	tri     *triage.Service
	hub     *chat.Hub
	handler string // an all-institutions handler token
	stop    func() // stops the LISTEN goroutine
}

var (
	e2eOnce sync.Once
	e2e     *e2eEnv
	e2eErr  error
)

func newE2E(t testing.TB) *e2eEnv {
	t.Helper()
	pool := dbtest.Pool(t)
	e2eOnce.Do(func() {
		e2e, e2eErr = buildE2E(pool, func(c *chat.Config) {
			c.MaxConnsPerIP, c.MessagesPerMinute, c.IPMessagesPerMinute = 1000, 6000, 100000
		})
	})
	if e2eErr != nil {
		t.Fatalf("building the service: %v", e2eErr)
	}
	return e2e
}

// buildE2E wires the real components on pool, the way cmd/xiaobao does.
func buildE2E(pool *pgxpool.Pool, tune func(*chat.Config)) (*e2eEnv, error) {
	return buildE2EWith(pool, e2eOptions{tune: tune})
}

// e2eOptions vary the wiring for fault tests.
type e2eOptions struct {
	tune         func(*chat.Config)
	knowledgeLLM *knowledge.LLMConfig
	triageLLM    *triage.LLMConfig
	logger       *slog.Logger
}

func buildE2EWith(pool *pgxpool.Pool, o e2eOptions) (*e2eEnv, error) {
	ctx := context.Background()
	log := quietLog
	if o.logger != nil {
		log = o.logger
	}
	tune := o.tune
	kb, err := knowledge.NewStore(knowledge.Config{DB: pool, Logger: log, Embedder: knowledge.NewOfflineEmbedder(knowledge.OfflineConfig{}), LLM: o.knowledgeLLM})
	if err != nil {
		return nil, err
	}
	if err = kb.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	if _, err = kb.Seed(ctx, nil); err != nil {
		return nil, err
	}
	cls, err := triage.LoadClassifier(triage.ClassifierConfig{LLM: o.triageLLM, Logger: log})
	if err != nil {
		return nil, err
	}
	tri, err := triage.NewService(triage.ServiceConfig{Pool: pool, Classifier: cls, Logger: log})
	if err != nil {
		return nil, err
	}
	reg := NewRegistry()
	cc := chat.Config{Pool: pool, Knowledge: kb, Triage: tri, Registry: reg, Logger: log}
	if tune != nil {
		tune(&cc)
	}
	hub, err := chat.NewHub(cc)
	if err != nil {
		return nil, err
	}
	listenCtx, stop := context.WithCancel(context.Background())
	go func() { _ = tri.Listen(listenCtx, nil, hub.DeliverUpdate) }()
	srv, err := NewServer(Config{Pool: pool, Knowledge: kb, Triage: tri, Chat: hub, Registry: reg, Logger: log})
	if err != nil {
		stop()
		return nil, err
	}
	handler, _, err := CreateToken(ctx, pool, "e2e handler", RoleHandler, "")
	if err != nil {
		stop()
		return nil, err
	}
	return &e2eEnv{ts: httptest.NewServer(srv.Handler()), srv: srv, tri: tri, hub: hub, handler: handler, stop: stop}, nil
}

// wsClient is a consumer's widget, reduced to frames.
type wsClient struct {
	t     testing.TB
	conn  *websocket.Conn
	n     int
	token string
}

func (e *e2eEnv) dial(t testing.TB, resume string) (*wsClient, []chat.Outbound) {
	t.Helper()
	url := "ws" + strings.TrimPrefix(e.ts.URL, "http") + "/ws/chat"
	conn, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &wsClient{t: t, conn: conn}
	c.send(map[string]any{"type": "hello", "resume_token": resume})
	first := c.until(func(o chat.Outbound) bool { return o.Type == "session" })
	c.token = first[len(first)-1].ResumeToken
	var rest []chat.Outbound
	if resume == "" {
		rest = c.until(func(o chat.Outbound) bool { return o.Type == "reply" })
	} else {
		rest = c.until(func(o chat.Outbound) bool { return o.Type == "history" })
	}
	return c, rest
}

func (c *wsClient) send(v any) {
	c.t.Helper()
	if err := c.conn.WriteJSON(v); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

func (c *wsClient) say(text string) []chat.Outbound {
	c.t.Helper()
	c.n++
	c.send(map[string]any{"type": "message", "text": text, "client_msg_id": fmt.Sprintf("%s-%p-%d", c.t.Name(), c, c.n)})
	return c.untilTurnEnds()
}

func (c *wsClient) action(name string, extra map[string]any) []chat.Outbound {
	c.t.Helper()
	m := map[string]any{"type": "action", "name": name}
	for k, v := range extra {
		m[k] = v
	}
	c.send(m)
	return c.untilTurnEnds()
}

// untilTurnEnds reads frames until the bot asks something, files, answers
// without a follow-up, or errors.
func (c *wsClient) untilTurnEnds() []chat.Outbound {
	return c.until(func(o chat.Outbound) bool {
		switch o.Type {
		case "filed", "error", "status":
			return true
		case "reply", "reply_end":
			// An answer inside a form is followed by the form's question;
			// a standalone answer ends the turn with its quick replies.
			return o.Expecting != "" || !o.Answer || len(o.QuickReplies) > 0
		}
		return false
	})
}

func (c *wsClient) until(done func(chat.Outbound) bool) []chat.Outbound {
	c.t.Helper()
	var got []chat.Outbound
	for {
		_ = c.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		var o chat.Outbound
		if err := c.conn.ReadJSON(&o); err != nil {
			c.t.Fatalf("reading frames (got %d so far: %+v): %v", len(got), got, err)
		}
		got = append(got, o)
		if done(o) {
			return got
		}
	}
}

func last(frames []chat.Outbound) chat.Outbound { return frames[len(frames)-1] }

// fileComplaint answers every question from facts until the summary.
func fileUntilConfirm(t *testing.T, c *wsClient, opening string, facts map[string]string) chat.Outbound {
	t.Helper()
	o := last(c.say(opening))
	for i := 0; i < 12 && o.Expecting != "confirm"; i++ {
		if o.Type == "error" {
			t.Fatalf("error frame: %+v", o)
		}
		ans, ok := facts[o.Expecting]
		if !ok {
			t.Fatalf("bot asked for %q, which the test has no answer for (last: %+v)", o.Expecting, o)
		}
		o = last(c.say(ans))
	}
	if o.Expecting != "confirm" || o.Summary == nil {
		t.Fatalf("never reached the summary: %+v", o)
	}
	return o
}

// untilAsked says opening and answers from zhangFacts until the bot asks
// for slot.
func untilAsked(t *testing.T, c *wsClient, opening, slot string) chat.Outbound {
	t.Helper()
	o := last(c.say(opening))
	for i := 0; i < 8 && o.Expecting != slot; i++ {
		o = last(c.say(zhangFacts[o.Expecting]))
	}
	if o.Expecting != slot {
		t.Fatalf("never asked for %s: %+v", slot, o)
	}
	return o
}

var zhangFacts = map[string]string{
	"institution": "招商银行", "description": "信用卡被扣了年费，我从没开通过白金卡", "occurred_at": "上个月",
	"amount": "680元", "demand": "要求退回年费", "name": "张伟", "phone": "13812345678", "consent": "同意",
}

func (e *e2eEnv) apiJSON(t *testing.T, method, path string, body any) (int, map[string]any) {
	t.Helper()
	return doJSON(t, method, e.ts.URL+path, e.handler, body)
}

func TestChatIntakeFilesAndHandlerReplyArrivesLive(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, _ := e.dial(t, "")
	sum := fileUntilConfirm(t, c, "招行信用卡上个月乱扣了我680块年费，我从来没开通过什么白金卡，要求退回！", zhangFacts)
	if sum.Summary.Institution != "招商银行" || sum.Summary.Product != "credit_card" || !strings.Contains(sum.Summary.Phone, "****") {
		t.Fatalf("summary = %+v", sum.Summary)
	}
	frames := c.action("confirm", nil)
	filed := last(frames)
	if filed.Type != "filed" || !strings.HasPrefix(filed.TrackingNo, "TS") || filed.Deadline == "" {
		t.Fatalf("confirm gave %+v, want a filed frame", filed)
	}
	if filed.Case.Product != "credit_card" || filed.Case.Institution != "招商银行" || filed.Case.AmountYuan == nil || *filed.Case.AmountYuan != 680 {
		t.Fatalf("filed case = %+v", filed.Case)
	}
	c.until(func(o chat.Outbound) bool { return o.Type == "reply" }) // the confirmation text

	code, got := e.apiJSON(t, "GET", "/api/v1/cases/"+filed.TrackingNo, nil)
	if code != 200 {
		t.Fatalf("handler GET case = %d %v", code, got)
	}
	if b, _ := json.Marshal(got); strings.Contains(string(b), "13812345678") {
		t.Fatalf("handler view leaks the raw phone: %s", b)
	}
	if code, got = e.apiJSON(t, "POST", "/api/v1/cases/"+filed.TrackingNo+"/claim", nil); code != 200 {
		t.Fatalf("claim = %d %v", code, got)
	}
	reply := "您好，年费已为您申请退回，3个工作日内到账。"
	if code, got = e.apiJSON(t, "POST", "/api/v1/cases/"+filed.TrackingNo+"/reply", map[string]string{"message": reply}); code != 200 {
		t.Fatalf("reply = %d %v", code, got)
	}
	upd := last(c.until(func(o chat.Outbound) bool { return o.Type == "case_update" && o.Message == reply }))
	if upd.TrackingNo != filed.TrackingNo || upd.Message != reply {
		t.Fatalf("case_update = %+v", upd)
	}
}

func TestChatResumeMidFormKeepsEverything(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, _ := e.dial(t, "")
	o := last(c.say("建行的ATM吞了我的卡，钱也没取出来"))
	if o.Expecting == "" {
		t.Fatalf("no slot asked after a complaint: %+v", o)
	}
	asked := o.Expecting
	token := c.token
	c.conn.Close()

	c2, frames := e.dial(t, token)
	if c2.token != token {
		t.Fatalf("resume gave a new token")
	}
	hist := last(frames)
	if len(hist.Messages) < 2 || hist.Messages[0].Role != "consumer" || hist.Messages[0].Text != "建行的ATM吞了我的卡，钱也没取出来" {
		t.Fatalf("history = %+v, want the transcript from the consumer's story", hist.Messages)
	}
	lastBot := hist.Messages[len(hist.Messages)-1]
	if lastBot.Reply == nil || lastBot.Reply.Expecting != asked {
		t.Fatalf("history does not end with the open question %q: %+v", asked, lastBot)
	}
	facts := map[string]string{"institution": "建设银行", "description": "在建行ATM取钱，卡被吞了，钱也没出来，账户却扣了", "occurred_at": "昨天",
		"amount": "2000", "demand": "把钱退给我，把卡还我", "name": "李娜", "phone": "13900001111", "consent": "同意"}
	ans := facts[asked]
	o = last(c2.say(ans))
	for i := 0; i < 10 && o.Expecting != "confirm"; i++ {
		o = last(c2.say(facts[o.Expecting]))
	}
	if o.Summary == nil || o.Summary.Institution != "中国建设银行" {
		t.Fatalf("resumed form lost facts: %+v", o.Summary)
	}
}

func TestChatQuestionInTheMiddleResumesForm(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, _ := e.dial(t, "")
	o := last(c.say("平安保险理赔一直拖着不给赔"))
	asked := o.Expecting
	frames := c.say("投诉以后银行多久必须给我答复？")
	var answer *chat.Outbound
	for i := range frames {
		if frames[i].Answer {
			answer = &frames[i]
		}
	}
	if answer == nil || len(answer.Citations) == 0 {
		t.Fatalf("no cited answer to an interruption: %+v", frames)
	}
	if !strings.Contains(answer.Text, "投诉") {
		t.Errorf("answer to a question about complaints is off topic: %q", answer.Text)
	}
	if last(frames).Expecting != asked {
		t.Fatalf("form did not resume at %q: %+v", asked, last(frames))
	}
}

func TestChatDoubleConfirmFilesOnce(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, _ := e.dial(t, "")
	fileUntilConfirm(t, c, "招行信用卡上个月乱扣了我680块年费，我从来没开通过什么白金卡，要求退回！", zhangFacts)
	// A double click, then the same session from a second tab.
	c.send(map[string]any{"type": "action", "name": "confirm"})
	c.send(map[string]any{"type": "action", "name": "confirm"})
	c2, _ := e.dial(t, c.token)
	c2.send(map[string]any{"type": "action", "name": "confirm"})
	filed := last(c.until(func(o chat.Outbound) bool { return o.Type == "filed" }))
	c2.until(func(o chat.Outbound) bool { return o.Type == "reply" })
	var sessionID string
	if err := dbtest.Pool(t).QueryRow(context.Background(), "SELECT session_id FROM cases WHERE tracking_no = $1", filed.TrackingNo).Scan(&sessionID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := dbtest.Pool(t).QueryRow(context.Background(), "SELECT count(*) FROM cases WHERE session_id = $1", sessionID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d cases filed for one confirmation, want 1", n)
	}
}

func TestChatFraudAlertComesFirst(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, _ := e.dial(t, "")
	frames := c.say("有个自称公安局的人说我涉嫌洗钱，让我马上把存款转到安全账户，我现在正准备转")
	if frames[0].Type != "alert" || frames[0].Kind != "fraud" {
		t.Fatalf("first frame = %+v, want a fraud alert", frames[0])
	}
	var has96110 bool
	for _, h := range frames[0].Hotlines {
		has96110 = has96110 || h.Number == "96110"
	}
	if !has96110 || !strings.Contains(frames[0].Text, "110") {
		t.Fatalf("fraud alert lacks hotlines: %+v", frames[0])
	}
}

func TestChatCrisisAlert(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, _ := e.dial(t, "")
	frames := c.say("网贷催收天天打电话骂我全家，我真的不想活了")
	if frames[0].Type != "alert" || frames[0].Kind != "crisis" {
		t.Fatalf("first frame = %+v, want a crisis alert", frames[0])
	}
	var has12356 bool
	for _, h := range frames[0].Hotlines {
		has12356 = has12356 || h.Number == "12356"
	}
	if !has12356 {
		t.Fatalf("crisis alert lacks 12356: %+v", frames[0])
	}
}

// A scam under way that has left the consumer despairing gets both
// alerts, the crisis one first.
func TestChatCrisisAlertBeforeFraudAlert(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, _ := e.dial(t, "")
	frames := c.say("自称公安的人让我把钱转到安全账户，我现在还在电话里，钱都被骗光了我真的不想活了")
	if len(frames) < 2 || frames[0].Kind != "crisis" || frames[1].Kind != "fraud" {
		t.Fatalf("first frames = %+v, want a crisis alert then a fraud alert", frames[:min(2, len(frames))])
	}
}

func TestChatStatusLookupNeedsThePhoneSuffix(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, _ := e.dial(t, "")
	fileUntilConfirm(t, c, "招行信用卡上个月乱扣了我680块年费，我从来没开通过什么白金卡，要求退回！", zhangFacts)
	filed := last(c.action("confirm", nil))
	if filed.Type != "filed" {
		t.Fatalf("not filed: %+v", filed)
	}
	other, _ := e.dial(t, "")
	wrong := last(other.action("status", map[string]any{"tracking_no": filed.TrackingNo, "phone_last4": "0000"}))
	if wrong.Type == "status" || !strings.Contains(wrong.Text, "没有找到") {
		t.Fatalf("wrong suffix revealed something: %+v", wrong)
	}
	right := other.action("status", map[string]any{"tracking_no": filed.TrackingNo, "phone_last4": "5678"})
	var st *chat.Outbound
	for i := range right {
		if right[i].Type == "status" {
			st = &right[i]
		}
	}
	if st == nil || st.TrackingNo != filed.TrackingNo || st.Deadline == "" {
		t.Fatalf("right suffix: %+v", right)
	}
}

func TestChatCancelAndEdit(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, _ := e.dial(t, "")
	fileUntilConfirm(t, c, "工行信用卡上个月乱扣了我680块年费，我从来没开通过什么白金卡，要求退回！", zhangFacts)
	o := last(c.say("机构写错了，是建设银行"))
	if o.Summary == nil || o.Summary.Institution != "中国建设银行" {
		t.Fatalf("edit not applied: %+v", o)
	}
	o = last(c.say("算了，不投诉了"))
	if !strings.Contains(o.Text, "取消") {
		t.Fatalf("cancel not acknowledged: %+v", o)
	}
	o = last(c.action("confirm", nil))
	if o.Type == "filed" {
		t.Fatal("a cancelled complaint was filed")
	}
}

// A consumer who sees the wrong category in the summary can say so, and the
// case is filed with their category, not the classifier's.
func TestChatCategoryCorrectionIsFiled(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, _ := e.dial(t, "")
	fileUntilConfirm(t, c, "工行信用卡上个月乱扣了我680块年费，我从来没开通过什么白金卡，要求退回！", zhangFacts)
	o := last(c.say("类别不对，应该是贷款，原因是合同条款"))
	if o.Summary == nil || o.Summary.Product != "loan" || o.Summary.Reason != "contract" || !strings.Contains(o.Text, "贷款 / 合同条款") {
		t.Fatalf("category correction not applied: %+v", o)
	}
	filed := last(c.action("confirm", nil))
	if filed.Type != "filed" || filed.Case.Product != "loan" || filed.Case.Reason != "contract" {
		t.Fatalf("filed = %+v, want the corrected category", filed)
	}
}

func TestChatLimits(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, _ := e.dial(t, "")
	o := last(c.say(strings.Repeat("钱", chat.MaxTextRunes+1)))
	if o.Type != "error" || o.Code != "too_long" {
		t.Fatalf("over-long text = %+v", o)
	}
	if err := c.conn.WriteMessage(websocket.TextMessage, []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	if o = last(c.untilTurnEnds()); o.Code != "bad_json" {
		t.Fatalf("bad json = %+v", o)
	}
	if o = last(c.say("你好")); o.Type != "reply" {
		t.Fatalf("connection unusable after errors: %+v", o)
	}
	// A frame over 16 KB closes the connection with 1009.
	_ = c.conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"message","text":"`+strings.Repeat("a", 17*1024)+`"}`))
	_ = c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, _, err := c.conn.ReadMessage()
		if err == nil {
			continue
		}
		if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
			t.Fatalf("oversized frame: %v, want close 1009", err)
		}
		break
	}
	// Other origins are refused.
	hdr := http.Header{"Origin": []string{"https://evil.example"}}
	_, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.ts.URL, "http")+"/ws/chat", hdr)
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin accepted: %v", err)
	}
}

func TestChatHandoffReachesTheQueue(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, _ := e.dial(t, "")
	c.say("微信支付有一笔扣款我看不懂")
	o := last(c.action("handoff", nil))
	m := regexp.MustCompile(`TS\d{8}-\d{4,6}`).FindString(o.Text)
	if m == "" {
		t.Fatalf("handoff reply has no tracking number: %+v", o)
	}
	code, got := e.apiJSON(t, "GET", "/api/v1/cases/"+m, nil)
	if code != 200 {
		t.Fatalf("handoff case not in the handler API: %d %v", code, got)
	}
	if b, _ := json.Marshal(got); !strings.Contains(string(b), "handoff") {
		t.Fatalf("handoff case lacks the handoff flag: %s", b)
	}
	// Asking again does not create a second case.
	o = last(c.say("转人工"))
	if regexp.MustCompile(`TS\d{8}-\d{4,6}`).FindString(o.Text) != "" {
		t.Fatalf("second handoff made another case: %+v", o)
	}
}

// An amount in pounds is shown and filed as pounds, never as that many
// yuan, and the amount question accepts a foreign-currency answer.
func TestChatForeignCurrencyAmount(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, _ := e.dial(t, "")
	o := fileUntilConfirm(t, c, "我上个月在中国银行柜台给英国读书的儿子汇了两万英镑学费，中间行扣了费用也没人告诉我，要求说明", zhangFacts)
	if o.Summary.AmountYuan != nil || o.Summary.AmountForeign != "两万英镑" || !strings.Contains(o.Text, "金额：两万英镑") {
		t.Fatalf("summary amount = %v / %q, want 两万英镑 and no yuan:\n%s", o.Summary.AmountYuan, o.Summary.AmountForeign, o.Text)
	}
	filed := last(c.action("confirm", nil))
	if filed.Type != "filed" || filed.Case.AmountYuan != nil {
		t.Fatalf("filed = %+v, want no amount in yuan", filed)
	}

	c2, _ := e.dial(t, "")
	facts := maps.Clone(zhangFacts)
	facts["amount"] = "大概3000美金"
	o = fileUntilConfirm(t, c2, "招行信用卡在境外网站被盗刷了好几笔，我人在国内卡也在身上", facts)
	if o.Summary.AmountYuan != nil || o.Summary.AmountForeign != "3000美元" {
		t.Fatalf("amount answer in dollars = %v / %q, want 3000美元", o.Summary.AmountYuan, o.Summary.AmountForeign)
	}
}

func TestChatIndignantQuestionStartsComplaint(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, _ := e.dial(t, "")
	frames := c.say("我的佣金怎么比开户时说好的高那么多？？有没有人管管")
	for _, f := range frames {
		if f.Answer {
			t.Fatalf("answered from the knowledge base: %+v", f)
		}
	}
	if got := last(frames); got.Expecting == "" {
		t.Fatalf("last frame = %+v, want the complaint form's first question", got)
	}
	c2, _ := e.dial(t, "")
	sum := fileUntilConfirm(t, c2, "我要投诉。招行信用卡上个月乱扣了我680块年费，我从来没开通过什么白金卡", zhangFacts)
	if !strings.HasPrefix(sum.Summary.Description, "招行信用卡") {
		t.Fatalf("description = %q, want the story without the preamble", sum.Summary.Description)
	}
}

// A consumer who keeps giving a date the dialog cannot take (here one
// that lies ahead) is not asked forever: the second time, their words are
// kept for the handler and the form goes on.
func TestChatUnusableDateTwiceMovesOn(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, _ := e.dial(t, "")
	o := untilAsked(t, c, "招行信用卡乱扣年费，我从来没开通过白金卡", "occurred_at")
	future := time.Now().AddDate(0, 0, 3).Format("2006年1月2日")
	if o = last(c.say(future)); o.Expecting != "occurred_at" {
		t.Fatalf("a future date was taken: %+v", o)
	}
	if o = last(c.say(future)); o.Expecting == "occurred_at" {
		t.Fatalf("asked for the date a third time: %+v", o)
	}
	facts := maps.Clone(zhangFacts)
	delete(facts, "occurred_at")
	for i := 0; i < 8 && o.Expecting != "confirm"; i++ {
		ans, ok := facts[o.Expecting]
		if !ok {
			t.Fatalf("asked for %q again: %+v", o.Expecting, o)
		}
		o = last(c.say(ans))
	}
	if o.Summary == nil || o.Summary.OccurredAt != "不详" || !strings.Contains(o.Summary.Description, future) {
		t.Fatalf("summary lost the consumer's date: %+v", o.Summary)
	}
}

// Answers people give that must not derail the form: a demand that asks
// the institution for something even when it sounds like a question, a
// complaint about having no human agent whose demand is a callback (not
// a handoff to us), and "中", which is yes where they come from. Words
// already answered as a question are the form's answer when sent again.
func TestChatAnswersThatMustNotDerailTheForm(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	for _, tc := range []struct{ opening, demand, consent, kept string }{
		{"招行信用卡乱扣年费，我从来没开通过白金卡", "把我那份合同发给我，再解释一下年费到底怎么算", "同意", "合同发给我"},
		{"建行客服打不通人工，打了五六次95533都转不到人工", "给我安排个人工客服回个电话", "中", "回个电话"},
	} {
		c, _ := e.dial(t, "")
		facts := maps.Clone(zhangFacts)
		facts["demand"], facts["consent"] = tc.demand, tc.consent
		o := fileUntilConfirm(t, c, tc.opening, facts)
		if !strings.Contains(o.Summary.Request, tc.kept) || len(o.Summary.Demands) == 0 {
			t.Errorf("%s: demand not taken: %+v", tc.demand, o.Summary)
		}
	}

	c, _ := e.dial(t, "")
	untilAsked(t, c, "招行信用卡乱扣年费，我从来没开通过白金卡", "demand")
	q := "投诉以后银行多久必须给我答复？"
	if o := last(c.say(q)); o.Expecting != "demand" {
		t.Fatalf("form did not resume at the demand: %+v", o)
	}
	if o := last(c.say(q)); o.Expecting == "demand" {
		t.Fatalf("the same words were answered as a question twice: %+v", o)
	}

	// A consumer who cannot name the institution: its name is 不详, not
	// their words, which stay in the facts for the handler.
	c, _ = e.dial(t, "")
	facts := maps.Clone(zhangFacts)
	facts["institution"] = "不知道，我妈也说不上来是哪家"
	o := fileUntilConfirm(t, c, "我妈前年被人上门推销买了一份保险，现在想退只能退一半", facts)
	if o.Summary.Institution != "不详" || !strings.Contains(o.Summary.Description, "说不上来是哪家") {
		t.Fatalf("unknown institution: %q / %q", o.Summary.Institution, o.Summary.Description)
	}

	// "农商行" alone names a kind of bank: the form asks which one.
	c, _ = e.dial(t, "")
	o = last(c.say("我一张老农商行的卡好多年没用了，前两天去补登才发现这几年一直在扣什么管理费短信费"))
	for i := 0; i < 4 && o.Expecting != "institution" && o.Expecting != "confirm"; i++ {
		o = last(c.say(zhangFacts[o.Expecting]))
	}
	if o.Expecting != "institution" || !strings.Contains(o.Text, "哪个地方") {
		t.Fatalf("a generic 农商行 was not asked about: %+v", o)
	}
	facts = maps.Clone(zhangFacts)
	facts["institution"] = "上海农商行"
	if o = fileUntilConfirm(t, c, "上海农商行", facts); o.Summary.Institution != "上海农商银行" {
		t.Fatalf("institution %q, want 上海农商银行", o.Summary.Institution)
	}

	// A story that denies a mistake ("我从来没填错过地址") is no correction
	// of the form: it is the story, and the form goes on.
	c, _ = e.dial(t, "")
	untilAsked(t, c, "交通银行把我的信用卡帐单寄到别人家去了", "description")
	if o := last(c.say("楼下邻居拿着一封交行信用卡对账单来找我，上面有我的姓名、卡号后四位和消费明细，地址写的是他家门牌号，我从来没填错过地址。")); o.Expecting == "" || o.Expecting == "description" {
		t.Fatalf("the story was taken for an edit and asked for again: %+v", o)
	}

	// A story told with an indignant question mark is the story asked for.
	c, _ = e.dial(t, "")
	untilAsked(t, c, "东方财富销个户也太难了吧", "description")
	if o := last(c.say("前年在上海用东方财富app开的户，现在回成都了想销户，客服说必须本人回上海营业部去办，开户线上几分钟，销户要我跑一千多公里？")); o.Expecting == "" || o.Expecting == "description" {
		t.Fatalf("the story was taken for a question and asked for again: %+v", o)
	}

	// A surname given alone ("我姓林") is how many people answer: the bot
	// asks 先生 or 女士 instead of asking for the name again.
	c, _ = e.dial(t, "")
	untilAsked(t, c, "兴业银行买的理财到期收益比业绩比较基准低了一半，上周到期的，十万块，要求解释收益怎么算的", "name")
	if o := last(c.say("我姓林")); o.Expecting != "name" || !strings.Contains(o.Text, "林女士") {
		t.Fatalf("a surname alone was not followed up: %+v", o)
	}
	facts = maps.Clone(zhangFacts)
	facts["name"] = "女的"
	if o = fileUntilConfirm(t, c, "女的", facts); !strings.Contains(o.Text, "林*士") {
		t.Fatalf("name is not 林女士 (masked 林*士) in the summary: %s", o.Text)
	}
	// Given the surname again, the bot takes it rather than loop.
	c, _ = e.dial(t, "")
	untilAsked(t, c, "兴业银行买的理财到期收益比业绩比较基准低了一半，上周到期的，十万块，要求解释收益怎么算的", "name")
	last(c.say("我姓林"))
	if o := last(c.say("我姓林")); o.Expecting != "phone" {
		t.Fatalf("the surname said twice was asked for a third time: %+v", o)
	}
}
