package evals

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// LoadConfig describes a load run against a running server.
type LoadConfig struct {
	// URL is the websocket URL, e.g. ws://127.0.0.1:8080/ws/chat.
	URL string
	// Sessions is the number of concurrent consumers. Defaults to 500.
	Sessions int
	// Duration keeps consumers starting new conversations until it passes.
	// Defaults to one conversation each.
	Duration time.Duration
	// Personas are cycled through by the consumers.
	Personas []Persona
	// RSS reads the server's resident memory in bytes, for the idle
	// connection measurement; nil skips it.
	RSS func() (int64, error)
	// Think is a consumer's pause before each message; 0 sends at once,
	// which measures saturation rather than what people produce.
	Think time.Duration
	// Progress, when set, receives a line now and then.
	Progress io.Writer
}

// LoadReport is what a load run measured.
type LoadReport struct {
	Sessions         int      `json:"sessions"`
	Conversations    int      `json:"conversations"`
	Filed            int      `json:"filed"`
	Turns            int      `json:"turns"`
	Errors           int      `json:"errors"`
	FirstErrors      []string `json:"first_errors,omitempty"`
	P50ms            float64  `json:"p50_ms"`
	P95ms            float64  `json:"p95_ms"`
	P99ms            float64  `json:"p99_ms"`
	MaxMs            float64  `json:"max_ms"`
	Seconds          float64  `json:"seconds"`
	ThinkMs          float64  `json:"think_ms"`
	ServerP50ms      float64  `json:"server_p50_ms"`
	ServerP95ms      float64  `json:"server_p95_ms"`
	ServerP99ms      float64  `json:"server_p99_ms"`
	IdleConns        int      `json:"idle_conns"`
	IdleBytesPerConn int64    `json:"idle_bytes_per_conn"`
	RSSBeforeMB      float64  `json:"rss_before_mb"`
	RSSPeakMB        float64  `json:"rss_peak_mb"`
}

// MeasureIdle opens n idle sessions (hello only) and reports the server's
// memory growth per connection.
func MeasureIdle(ctx context.Context, cfg LoadConfig, n int) (perConn int64, before int64, err error) {
	if cfg.RSS == nil {
		return 0, 0, nil
	}
	before, err = cfg.RSS()
	if err != nil {
		return 0, 0, err
	}
	conns := make([]*websocket.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < n; i++ {
		c, _, err := websocket.DefaultDialer.DialContext(ctx, cfg.URL, nil)
		if err != nil {
			return 0, before, fmt.Errorf("idle conn %d: %w", i, err)
		}
		conns = append(conns, c)
		if err := c.WriteJSON(map[string]string{"type": "hello"}); err != nil {
			return 0, before, err
		}
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		var o map[string]any
		for o["type"] != "reply" {
			if err := c.ReadJSON(&o); err != nil {
				return 0, before, fmt.Errorf("idle conn %d: %w", i, err)
			}
		}
	}
	time.Sleep(time.Second) // let the server settle
	after, err := cfg.RSS()
	if err != nil {
		return 0, before, err
	}
	return (after - before) / int64(n), before, nil
}

// RunLoad runs cfg.Sessions concurrent consumers, each driving personas
// until Duration passes, and reports latency percentiles and errors.
func RunLoad(ctx context.Context, cfg LoadConfig) LoadReport {
	if cfg.Sessions <= 0 {
		cfg.Sessions = 500
	}
	start := time.Now()
	var (
		mu        sync.Mutex
		lat       []time.Duration
		rep       = LoadReport{Sessions: cfg.Sessions}
		peak      atomic.Int64
		wg        sync.WaitGroup
		doneCount atomic.Int64
	)
	stopSampling := make(chan struct{})
	if cfg.RSS != nil {
		go func() {
			t := time.NewTicker(500 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stopSampling:
					return
				case <-t.C:
					if v, err := cfg.RSS(); err == nil && v > peak.Load() {
						peak.Store(v)
					}
				}
			}
		}()
	}
	for i := 0; i < cfg.Sessions; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Stagger starts over two seconds, as real arrivals would be.
			time.Sleep(time.Duration(i) * 2 * time.Second / time.Duration(cfg.Sessions))
			for k := 0; ; k++ {
				p := cfg.Personas[(i+k)%len(cfg.Personas)]
				p.ID = fmt.Sprintf("%s-%d-%d", p.ID, i, k)
				r := RunPersonaThinking(ctx, cfg.URL, p, cfg.Think)
				mu.Lock()
				rep.Conversations++
				rep.Turns += r.Turns
				lat = append(lat, r.TurnLatencies...)
				if r.Filed {
					rep.Filed++
				}
				if r.Error != "" {
					rep.Errors++
					if len(rep.FirstErrors) < 5 {
						rep.FirstErrors = append(rep.FirstErrors, r.Persona+": "+r.Error)
					}
				}
				mu.Unlock()
				if n := doneCount.Add(1); cfg.Progress != nil && n%200 == 0 {
					fmt.Fprintf(cfg.Progress, "  %d conversations, %.0fs\n", n, time.Since(start).Seconds())
				}
				if cfg.Duration == 0 || time.Since(start) > cfg.Duration || ctx.Err() != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stopSampling)
	rep.Seconds = time.Since(start).Seconds()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	rep.P50ms, rep.P95ms, rep.P99ms, rep.MaxMs = q(0.50), q(0.95), q(0.99), q(1)
	rep.RSSPeakMB = float64(peak.Load()) / (1 << 20)
	rep.ThinkMs = float64(cfg.Think.Milliseconds())
	return rep
}

// ServerQuantiles reads the server's turn-time histogram from its /metrics
// text and returns upper-bound estimates of the given quantiles in ms.
func ServerQuantiles(metrics string, qs ...float64) []float64 {
	type bucket struct {
		le    float64
		count float64
	}
	var bs []bucket
	for _, line := range strings.Split(metrics, "\n") {
		if !strings.HasPrefix(line, `xiaobao_chat_turn_seconds_bucket{`) || !strings.Contains(line, `type="message"`) {
			continue
		}
		i := strings.Index(line, `le="`)
		j := strings.Index(line[i+4:], `"`)
		leStr := line[i+4 : i+4+j]
		le := math.Inf(1)
		if leStr != "+Inf" {
			le, _ = strconv.ParseFloat(leStr, 64)
		}
		f := strings.Fields(line)
		c, _ := strconv.ParseFloat(f[len(f)-1], 64)
		bs = append(bs, bucket{le, c})
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].le < bs[j].le })
	out := make([]float64, len(qs))
	if len(bs) == 0 || bs[len(bs)-1].count == 0 {
		return out
	}
	total := bs[len(bs)-1].count
	for k, q := range qs {
		for _, b := range bs {
			if b.count >= q*total {
				out[k] = b.le * 1000
				break
			}
		}
	}
	return out
}

// Print writes the report as a table.
func (r LoadReport) Print(w io.Writer) {
	fmt.Fprintf(w, "concurrent consumers   %d\n", r.Sessions)
	fmt.Fprintf(w, "duration               %.1f s\n", r.Seconds)
	fmt.Fprintf(w, "conversations          %d (%d filed)\n", r.Conversations, r.Filed)
	fmt.Fprintf(w, "consumer turns         %d (%.0f/s)\n", r.Turns, float64(r.Turns)/max(r.Seconds, 0.001))
	fmt.Fprintf(w, "errors                 %d\n", r.Errors)
	for _, e := range r.FirstErrors {
		fmt.Fprintf(w, "  %s\n", e)
	}
	fmt.Fprintf(w, "consumer think time    %.0f ms (±50%%)\n", r.ThinkMs)
	fmt.Fprintf(w, "server turn time p50/p95/p99   %.1f / %.1f / %.1f ms (xiaobao_chat_turn_seconds, bucket bounds)\n", r.ServerP50ms, r.ServerP95ms, r.ServerP99ms)
	fmt.Fprintf(w, "round trip p50/p95/p99/max     %.1f / %.1f / %.1f / %.1f ms (client side, incl. queueing)\n", r.P50ms, r.P95ms, r.P99ms, r.MaxMs)
	if r.IdleConns > 0 {
		fmt.Fprintf(w, "memory per idle conn   %.1f KB (%d idle connections)\n", float64(r.IdleBytesPerConn)/1024, r.IdleConns)
		fmt.Fprintf(w, "server RSS             %.0f MB before, %.0f MB peak\n", r.RSSBeforeMB, r.RSSPeakMB)
	}
}

// JSON writes the report as JSON.
func (r LoadReport) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
