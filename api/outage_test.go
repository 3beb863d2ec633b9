package api

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xiaobao-cn/xiaobao/chat"
	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

// TestChatSurvivesDatabaseOutage cuts PostgreSQL mid-conversation: readiness
// turns 503, the consumer is told 暂时无法提交 and keeps the form, and after
// the database returns the same session finishes; nothing acknowledged is
// lost and no goroutine or connection is leaked.
func TestChatSurvivesDatabaseOutage(t *testing.T) {
	dbURL, _ := dbtest.NewDB(t)
	proxy, viaProxy := dbtest.NewProxy(t, dbURL)
	pool, err := dbtest.OpenPool(context.Background(), viaProxy)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	e, err := buildE2E(pool, func(c *chat.Config) { c.MessagesPerMinute = 6000 })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.ts.Close(); e.stop() })
	goroutinesBefore := runtime.NumGoroutine()

	c, _ := e.dial(t, "")
	o := last(c.say("建行的ATM吞了我的卡，钱也没取出来"))
	if o.Expecting == "" {
		t.Fatalf("no question asked: %+v", o)
	}
	asked := o.Expecting
	facts := map[string]string{"institution": "建设银行", "description": "在建行ATM取钱，卡被吞了，钱也没出来，账户却扣了", "occurred_at": "昨天",
		"amount": "2000", "demand": "把钱退给我，把卡还我", "name": "李娜", "phone": "13900001111", "consent": "同意"}

	proxy.Cut()
	if code, body := doJSON(t, "GET", e.ts.URL+"/readyz", "", nil); code != 503 {
		t.Fatalf("readyz during outage = %d %v", code, body)
	}
	o = last(c.say(facts[asked]))
	if o.Type != "error" || o.Code != "unavailable" || !strings.Contains(o.Message, "暂时无法提交，请稍后再试") {
		t.Fatalf("during the outage the consumer got %+v, want the 暂时无法提交 error", o)
	}
	proxy.Restore()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, _ := doJSON(t, "GET", e.ts.URL+"/readyz", "", nil)
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("readyz did not return to 200 after the database came back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The widget resends what was not acknowledged; the form continues.
	o = last(c.say(facts[asked]))
	for i := 0; i < 12 && o.Expecting != "confirm"; i++ {
		if o.Type == "error" {
			t.Fatalf("error after recovery: %+v", o)
		}
		o = last(c.say(facts[o.Expecting]))
	}
	filed := last(c.action("confirm", nil))
	if filed.Type != "filed" {
		t.Fatalf("after recovery: %+v, want filed", filed)
	}
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM cases WHERE tracking_no = $1", filed.TrackingNo).Scan(&n); err != nil || n != 1 {
		t.Fatalf("filed case stored %d times (%v)", n, err)
	}
	c.conn.Close()
	// Connections and goroutines return to where they were. A few may
	// differ for good reasons (the pool reconnected, the LISTEN connection
	// was re-established), so allow a small constant, not a per-turn leak.
	deadline = time.Now().Add(10 * time.Second)
	for (runtime.NumGoroutine() > goroutinesBefore+5 || e.hub.Conns() > 0) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > goroutinesBefore+5 {
		t.Errorf("goroutines: %d before, %d after", goroutinesBefore, g)
	}
	if n := e.hub.Conns(); n != 0 {
		t.Errorf("%d websockets still registered after the client left", n)
	}
	if st := pool.Stat(); st.AcquiredConns() != 0 {
		t.Errorf("%d pool connections still acquired after the conversation", st.AcquiredConns())
	}
}
