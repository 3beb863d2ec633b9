package triage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

// testClock is a settable clock for services under test.
type testClock struct{ t atomic.Pointer[time.Time] }

func newTestClock(t time.Time) *testClock {
	c := &testClock{}
	c.Set(t)
	return c
}

func (c *testClock) Now() time.Time      { return *c.t.Load() }
func (c *testClock) Set(t time.Time)     { c.t.Store(&t) }
func (c *testClock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }
func (c *testClock) AddDays(n int)       { c.Add(time.Duration(n) * 24 * time.Hour) }

// testStart is a Monday morning in China time, far from holidays.
var testStart = time.Date(2026, 3, 2, 10, 0, 0, 0, ChinaTime)

func testLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newTxService returns a service whose queries run in a rolled-back test
// transaction, with its own clock. Not for concurrent use.
func newTxService(t *testing.T, mod ...func(*ServiceConfig)) (*Service, *testClock) {
	t.Helper()
	clock := newTestClock(testStart)
	cfg := ServiceConfig{Pool: dbtest.Pool(t), Logger: testLogger(), Now: clock.Now}
	for _, m := range mod {
		m(&cfg)
	}
	s, err := NewService(cfg)
	noErr(t, err)
	return s.withDB(dbtest.TestTx(t)), clock
}

// newDBService returns a service on a database of its own, for tests that
// must commit (concurrency, LISTEN/NOTIFY).
func newDBService(t testing.TB, mod ...func(*ServiceConfig)) (*Service, *pgxpool.Pool, *testClock) {
	t.Helper()
	_, pool := dbtest.NewDB(t)
	clock := newTestClock(testStart)
	cfg := ServiceConfig{Pool: pool, Logger: testLogger(), Now: clock.Now}
	for _, m := range mod {
		m(&cfg)
	}
	s, err := NewService(cfg)
	noErr(t, err)
	return s, pool, clock
}

var phoneSeq atomic.Int64

// uniquePhone returns a valid mobile number no other test uses, so repeat
// detection in the shared database does not couple tests.
func uniquePhone() string { return fmt.Sprintf("139%08d", phoneSeq.Add(1)%100000000) }

// sampleInput is a complete credit-card fee complaint. The name carries
// the phone's digits so that name-based repeat detection stays per test.
func sampleInput(phone string) CaseInput {
	amount := 300.0
	return CaseInput{
		SessionID:   "sess-" + phone,
		Channel:     ChannelChat,
		Name:        "张三丰" + phoneTail(phone),
		Phone:       phone,
		Institution: "招行",
		Description: "信用卡一年没用却被扣了300元年费，办卡时说刷满6次免年费，电话" + phone + "可以联系我。",
		Request:     "退还年费",
		AmountYuan:  &amount,
		Demands:     []string{"refund"},
		Transcript: []TranscriptLine{
			{Role: "consumer", Text: "招行信用卡乱扣年费", At: testStart},
			{Role: "bot", Text: "请问扣了多少钱？", At: testStart},
		},
		Classification: Classification{
			Intent: "complaint", Product: "credit_card", ProductConfidence: 0.93,
			Reason: "fees", ReasonConfidence: 0.81, Flags: []string{}, Demands: []string{"refund"}, Engine: "offline",
		},
	}
}

// fileSample files sampleInput with a fresh phone and returns the case.
func fileSample(t *testing.T, s *Service, mod ...func(*CaseInput)) Case {
	t.Helper()
	in := sampleInput(uniquePhone())
	for _, m := range mod {
		m(&in)
	}
	c, err := s.File(context.Background(), in)
	noErr(t, err)
	return c
}

func last4(phone string) string { return phone[len(phone)-4:] }

func phoneTail(phone string) string {
	if len(phone) < 4 {
		return ""
	}
	return last4(phone)
}

// handler is an actor with an institution scope.
func handler(name, institution string) Actor {
	return Actor{Name: "handler:" + name, Institution: institution}
}

// countRows counts rows of a table matching a condition, for assertions on
// what was written.
func countRows(t *testing.T, db DBTX, sql string, args ...any) int {
	t.Helper()
	var n int
	noErr(t, db.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

// Assertions in the require style: each stops the test with a message
// that shows what was wanted. (The module has no assertion library.)

func noErr(t testing.TB, err error, msg ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%sunexpected error: %v", prefix(msg), err)
	}
}

func errIs(t testing.TB, err, target error, msg ...any) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%serror = %v, want %v", prefix(msg), err, target)
	}
}

// eq fails unless a and b are deeply equal; order does not matter.
func eq[T any](t testing.TB, a, b T, msg ...any) {
	t.Helper()
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("%svalues differ:\n  %#v\n  %#v", prefix(msg), a, b)
	}
}

func eqTime(t testing.TB, a, b time.Time, msg ...any) {
	t.Helper()
	if !a.Equal(b) {
		t.Fatalf("%stimes differ: %s vs %s", prefix(msg), a.In(ChinaTime), b.In(ChinaTime))
	}
}

func isTrue(t testing.TB, cond bool, msg ...any) {
	t.Helper()
	if !cond {
		t.Fatalf("%sexpected true", prefix(msg))
	}
}

func prefix(msg []any) string {
	if len(msg) == 0 {
		return ""
	}
	if f, ok := msg[0].(string); ok {
		return fmt.Sprintf(f, msg[1:]...) + ": "
	}
	return fmt.Sprint(msg...) + ": "
}
