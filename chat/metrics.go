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
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
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
