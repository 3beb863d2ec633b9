package api

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/xiaobao-cn/xiaobao/chat"
	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

// limitedEnv is the whole service with tight per-IP limits, sharing the
// seeded database of newE2E.
func limitedEnv(t *testing.T, tune func(*chat.Config)) *e2eEnv {
	t.Helper()
	newE2E(t) // seeds the shared database
	e, err := buildE2E(dbtest.Pool(t), tune)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.ts.Close(); e.stop() })
	return e
}

// dialFrom opens a websocket from a given loopback source address, so a
// test can be two different consumers' IPs on one machine.
func dialFrom(e *e2eEnv, src string) (*websocket.Conn, *http.Response, error) {
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second, NetDialContext: (&net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)},
	}).DialContext}
	return d.Dial("ws"+strings.TrimPrefix(e.ts.URL, "http")+"/ws/chat", nil)
}

func TestChatPerIPLimitsKeepOthersServed(t *testing.T) {
	t.Parallel()
	e := limitedEnv(t, func(c *chat.Config) { c.MaxConnsPerIP, c.IPMessagesPerMinute, c.MessagesPerMinute = 3, 20, 6000 })
	var flood []*websocket.Conn
	for i := 0; i < 3; i++ {
		conn, _, err := dialFrom(e, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		flood = append(flood, conn)
	}
	if _, resp, err := dialFrom(e, "127.0.0.1"); err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("4th connection from one IP: %v, want 429", err)
	}
	for i := 0; i < 60; i++ {
		_ = flood[i%3].WriteJSON(map[string]any{"type": "message", "text": "你好", "client_msg_id": "f" + string(rune('a'+i))})
	}
	limited := 0
	for _, conn := range flood {
		_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
		for {
			var o chat.Outbound
			if err := conn.ReadJSON(&o); err != nil {
				break
			}
			if o.Type == "error" && o.Code == "rate_limited" {
				limited++
			}
		}
	}
	if limited < 20 {
		t.Fatalf("a flood of 60 frames from one IP got %d rate_limited errors, want most of them refused", limited)
	}
	// Another consumer on another address is served normally meanwhile.
	conn, _, err := dialFrom(e, "127.0.0.2")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := &wsClient{t: t, conn: conn}
	c.send(map[string]any{"type": "hello"})
	c.until(func(o chat.Outbound) bool { return o.Type == "reply" })
	for _, msg := range []string{"你好", "信用卡年费可以不交吗？", "谢谢"} {
		if o := last(c.say(msg)); o.Type == "error" {
			t.Fatalf("other consumer refused during the flood: %+v", o)
		}
	}
}

func TestChatDropsSilentClients(t *testing.T) {
	t.Parallel()
	e := limitedEnv(t, func(c *chat.Config) { c.PongWait = 500 * time.Millisecond })
	conn, _, err := dialFrom(e, "127.0.0.3")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.WriteJSON(map[string]any{"type": "hello"})
	// The client never reads, so it never answers pings.
	deadline := time.Now().Add(10 * time.Second)
	for e.hub.Conns() > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := e.hub.Conns(); n != 0 {
		t.Fatalf("%d silent connections still open after the pong wait", n)
	}
}

func TestSQLLookingInputIsHarmless(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	evil := `'); DROP TABLE cases; --`
	code, body := doJSON(t, "GET", e.ts.URL+"/api/v1/kb/search?q="+url.QueryEscape(evil+" 信用卡' OR 1=1 --"), "", nil)
	if code != 200 {
		t.Fatalf("search with SQL-looking text = %d %v", code, body)
	}
	c, _ := e.dial(t, "")
	facts := map[string]string{"institution": "招商银行", "description": "年费乱扣 " + evil, "occurred_at": "上个月", "amount": "680",
		"demand": "退款 " + evil, "name": "Robert Tables", "phone": "13812345678", "consent": "同意"}
	fileUntilConfirm(t, c, "招行信用卡乱扣年费 "+evil, facts)
	filed := last(c.action("confirm", nil))
	if filed.Type != "filed" {
		t.Fatalf("not filed: %+v", filed)
	}
	var desc string
	if err := dbtest.Pool(t).QueryRow(context.Background(), "SELECT description FROM cases WHERE tracking_no = $1", filed.TrackingNo).Scan(&desc); err != nil {
		t.Fatalf("cases table after SQL-looking input: %v", err)
	}
	if !strings.Contains(desc, evil) {
		t.Fatalf("stored description %q lost the literal text", desc)
	}
}

func TestStatusLookupIsRateLimitedPerAddress(t *testing.T) {
	t.Parallel()
	e := limitedEnv(t, func(c *chat.Config) { c.LookupsPerHour = 6 }) // burst 3
	refused := 0
	for i := 0; i < 6; i++ {
		// A guesser opens a fresh session for every try.
		conn, _, err := dialFrom(e, "127.0.0.4")
		if err != nil {
			t.Fatal(err)
		}
		c := &wsClient{t: t, conn: conn}
		c.send(map[string]any{"type": "hello"})
		c.until(func(o chat.Outbound) bool { return o.Type == "reply" })
		o := last(c.action("status", map[string]any{"tracking_no": "TS20261123-1234", "phone_last4": "0000"}))
		if strings.Contains(o.Text, "太频繁") {
			refused++
		}
		conn.Close()
	}
	if refused < 3 {
		t.Fatalf("%d of 6 rapid lookups from one address refused, want the ones past the burst of 3", refused)
	}
}
