package chat

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	conns    prometheus.Gauge
	turns    *prometheus.HistogramVec
	rejected *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		conns: prometheus.NewGauge(prometheus.GaugeOpts{Name: "xiaobao_chat_connections", Help: "Open consumer websockets."}),
		turns: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "xiaobao_chat_turn_seconds", Help: "Server time per consumer frame, stored before reply.",
			// Fine around the 50 ms goal, so "p95 ≤ 50 ms" reads off a
			// bucket bound exactly instead of from a factor-2 bucket.
			Buckets: []float64{.001, .002, .003, .005, .0075, .01, .015, .02, .03, .04, .05, .075, .1, .15, .2, .3, .5, 1, 2, 5, 10},
		}, []string{"type"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "xiaobao_chat_rejected_total", Help: "Frames or connections refused by limits.",
		}, []string{"why"}),
	}
	if reg != nil {
		reg.MustRegister(m.conns, m.turns, m.rejected)
	}
	return m
}
