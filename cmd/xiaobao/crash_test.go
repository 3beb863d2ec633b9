package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/xiaobao-cn/xiaobao/chat"
	"github.com/xiaobao-cn/xiaobao/evals"
	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

// resilientConsumer is a persona that behaves like the widget: when the
// connection breaks it reconnects with its resume token and continues from
// the transcript the server replays, never from its own memory.
type resilientConsumer struct {
	p         evals.Persona
	token     string
	tracking  []string // every tracking number this consumer was told
	resumes   int
	msgN      int
	rephrased int
}

func (rc *resilientConsumer) run(ctx context.Context, wsURL string) error {
	for ctx.Err() == nil {
		done, err := rc.session(ctx, wsURL)
		if done {
			return nil
		}
		if err != nil {
			time.Sleep(time.Duration(100+rand.IntN(200)) * time.Millisecond)
		}
	}
	return fmt.Errorf("%s: gave up: %w (told %v)", rc.p.ID, ctx.Err(), rc.tracking)
}

// session runs one connection; it reports done once a case is filed.
func (rc *resilientConsumer) session(ctx context.Context, wsURL string) (bool, error) {
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	conn, _, err := d.DialContext(ctx, wsURL, nil)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	if rc.token != "" {
		rc.resumes++
	}
	if err := conn.WriteJSON(map[string]any{"type": "hello", "resume_token": rc.token}); err != nil {
		return false, err
	}
	answer := func(expecting string) error {
		if expecting == "confirm" {
			return conn.WriteJSON(map[string]any{"type": "action", "name": "confirm"})
		}
		rc.msgN++
		text, ok := rc.p.Facts[expecting]
		if !ok {
			text = "不清楚"
		}
		return conn.WriteJSON(map[string]any{"type": "message", "text": text, "client_msg_id": fmt.Sprintf("%s-%d", rc.p.ID, rc.msgN)})
	}
	for {
		_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		var o chat.Outbound
		if err := conn.ReadJSON(&o); err != nil {
			return false, err
		}
		switch o.Type {
		case "session":
			rc.token = o.ResumeToken
		case "history":
			// Continue from where the server says the conversation is.
			var lastAsk string
			filed := false
			for _, m := range o.Messages {
				if m.Reply != nil && m.Reply.Type == "filed" {
					rc.tracking = append(rc.tracking, m.Reply.TrackingNo)
					filed = true
				}
				if m.Role == "bot" && m.Reply != nil {
					lastAsk = m.Reply.Expecting
				}
			}
			if filed {
				return true, nil
			}
			if lastAsk == "" {
				// The story was taken as a question, or never sent: say it
				// plainly, like a person would.
				rc.msgN++
				if err := conn.WriteJSON(map[string]any{"type": "message", "text": "我要投诉。" + rc.p.Opening, "client_msg_id": fmt.Sprintf("%s-%d", rc.p.ID, rc.msgN)}); err != nil {
					return false, err
				}
				continue
			}
			if err := answer(lastAsk); err != nil {
				return false, err
			}
		case "reply", "reply_end":
			if o.Expecting != "" {
				if err := answer(o.Expecting); err != nil {
					return false, err
				}
			} else if len(o.QuickReplies) > 0 {
				opening := rc.p.Opening
				if !strings.Contains(o.Text, "您好，我是小保") {
					opening = "我要投诉。" + opening // not taken as a complaint
					if rc.rephrased++; rc.rephrased > 3 {
						return false, fmt.Errorf("%s: the bot never took the story as a complaint", rc.p.ID)
					}
				}
				rc.msgN++
				if err := conn.WriteJSON(map[string]any{"type": "message", "text": opening, "client_msg_id": fmt.Sprintf("%s-%d", rc.p.ID, rc.msgN)}); err != nil {
					return false, err
				}
			}
		case "filed":
			rc.tracking = append(rc.tracking, o.TrackingNo)
			return true, nil
		case "error":
			if o.Code != "unavailable" {
				return false, fmt.Errorf("error frame %s %s", o.Code, o.Message)
			}
			return false, fmt.Errorf("unavailable")
		}
	}
}

// TestCrashLosesNothing drives 100 concurrent consumers to filing, kills the
// server with SIGKILL mid-run, restarts it, and checks that every tracking
// number a consumer was told exists exactly once, no case is half-written
// and every interrupted session resumes to a filed case.
func TestCrashLosesNothing(t *testing.T) {
	t.Parallel()
	dbURL, pool := dbtest.NewDB(t)
	addr := freeAddr(t)
	env := []string{"DATABASE_URL=" + dbURL, "XIAOBAO_ADDR=" + addr,
		"XIAOBAO_WS_CONNS_PER_IP=100000", "XIAOBAO_WS_MSGS_PER_MIN=100000", "XIAOBAO_WS_IP_MSGS_PER_MIN=10000000"}
	runChild(t, env, "kb", "seed")
	srv := startChild(t, env, "serve")

	personas, err := evals.Personas()
	if err != nil {
		t.Fatal(err)
	}
	const n = 100
	consumers := make([]*resilientConsumer, n)
	for i := range consumers {
		p := personas[i%len(personas)]
		p.ID = fmt.Sprintf("%s-%d", p.ID, i)
		consumers[i] = &resilientConsumer{p: p}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	wsURL := "ws://" + addr + "/ws/chat"
	var wg sync.WaitGroup
	var failed atomic.Int64
	errs := make(chan error, n)
	for _, rc := range consumers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := rc.run(ctx, wsURL); err != nil {
				failed.Add(1)
				errs <- err
			}
		}()
	}
	// Kill the server hard once some cases are in and many are mid-form.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var filed int
		_ = pool.QueryRow(ctx, "SELECT count(*) FROM cases").Scan(&filed)
		if filed >= n/4 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	srv.wait(t, 10*time.Second)
	var atKill int
	_ = pool.QueryRow(ctx, "SELECT count(*) FROM cases").Scan(&atKill)
	time.Sleep(300 * time.Millisecond)
	waitPortFree(t, addr)
	startChild(t, env, "serve")
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	told := map[string]int{}
	resumed := 0
	for _, rc := range consumers {
		for _, tn := range rc.tracking {
			told[tn]++
		}
		if rc.resumes > 0 {
			resumed++
		}
	}
	var total, distinctSessions, orphan int
	if err := pool.QueryRow(ctx, "SELECT count(*), count(DISTINCT session_id) FROM cases").Scan(&total, &distinctSessions); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id)`).Scan(&orphan); err != nil {
		t.Fatal(err)
	}
	for tn := range told {
		var k int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM cases WHERE tracking_no = $1", tn).Scan(&k); err != nil || k != 1 {
			t.Errorf("tracking number %s told to a consumer exists %d times (%v)", tn, k, err)
		}
	}
	t.Logf("crash test: %d consumers, server killed with %d cases filed, %d consumers resumed after the crash, %d cases in the end, %d distinct tracking numbers told",
		n, atKill, resumed, total, len(told))
	if failed.Load() > 0 || total != n || distinctSessions != n || len(told) != n {
		t.Fatalf("after the crash: %d consumers failed, %d cases for %d sessions, %d tracking numbers told; want %d of each", failed.Load(), total, distinctSessions, len(told), n)
	}
	if orphan != 0 {
		t.Fatalf("%d cases without their audit event (half-written)", orphan)
	}
	if atKill >= n || resumed == 0 {
		t.Fatalf("the kill came too late to test anything (cases at kill %d, resumed %d)", atKill, resumed)
	}
}

func waitPortFree(t *testing.T, addr string) {
	t.Helper()
	for i := 0; i < 100; i++ {
		ln, err := net.Listen("tcp", addr)
		if err == nil {
			ln.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("port %s stays busy after the kill", addr)
}
