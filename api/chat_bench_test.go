package api

import (
	"testing"
	"time"

	"github.com/xiaobao-cn/xiaobao/chat"
	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

// BenchmarkChatTurn measures the server time of one consumer turn through
// the whole stack (websocket, dialog, classifier, PostgreSQL), sequentially.
// Reported per consumer message; `go test -bench ChatTurn -cpuprofile` shows
// where it goes.
//
// It builds its own service with the rate limits out of reach: the shared
// test service allows 100 frames a second per connection, and a benchmark
// past that would time the "too fast" error instead of turns.
func BenchmarkChatTurn(b *testing.B) {
	e, err := buildE2E(dbtest.Pool(b), func(c *chat.Config) {
		c.MaxConnsPerIP, c.MessagesPerMinute, c.IPMessagesPerMinute = 1000, 1<<30, 1<<30
	})
	if err != nil {
		b.Fatal(err)
	}
	c, _ := e.dial(b, "")
	b.ResetTimer()
	start := time.Now()
	turns := 0
	for i := 0; i < b.N; i++ {
		o := last(c.say("招行信用卡上个月乱扣了我680块年费，我从来没开通过什么白金卡，要求退回！"))
		turns++
		for j := 0; j < 12 && o.Expecting != "confirm" && o.Type != "error"; j++ {
			o = last(c.say(zhangFacts[o.Expecting]))
			turns++
		}
		if o.Expecting != "confirm" {
			b.Fatalf("intake did not reach the summary: %+v", o)
		}
		o = last(c.say("算了"))
		turns++
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/float64(turns)/1000, "ms/turn")
}
