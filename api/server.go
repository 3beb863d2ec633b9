// Package api is xiaobao's HTTP surface: health and metrics, staff-side
// authentication, the handler, staff and supervisor APIs, the consumer
// websocket endpoint and the embedded web assets.
package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/xiaobao-cn/xiaobao/chat"
	"github.com/xiaobao-cn/xiaobao/knowledge"
	"github.com/xiaobao-cn/xiaobao/triage"
)

// Config configures a Server. Zero values take the documented defaults.
type Config struct {
	// Addr is the listen address. Defaults to ":8080".
	Addr string
	// Logger receives request and error logs. Defaults to slog.Default().
	Logger *slog.Logger
	// Pool is the database; required.
	Pool *pgxpool.Pool
	// Chat serves consumer websockets on /ws/chat; nil leaves it unmounted.
	Chat *chat.Hub
	// Registry collects Prometheus metrics. Defaults to a new registry with
	// the Go and process collectors.
	Registry *prometheus.Registry
	// ShutdownTimeout bounds how long Close waits for requests to drain.
	// Defaults to 10s.
	ShutdownTimeout time.Duration
	// MaxBodyBytes limits JSON request bodies. Defaults to 1 MiB; uploads
	// have their own limit.
	MaxBodyBytes int64
	// Triage serves the handler API (cases, queue, live events) and the
	// supervisor statistics; nil leaves them unmounted.
	Triage *triage.Service
	// Knowledge serves the knowledge-base search and staff API; nil leaves
	// them unmounted.
	Knowledge *knowledge.Store
}

func (c *Config) setDefaults() {
	c.Addr = cmp.Or(c.Addr, ":8080")
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.ShutdownTimeout = cmp.Or(c.ShutdownTimeout, 10*time.Second)
	c.MaxBodyBytes = cmp.Or(c.MaxBodyBytes, 1<<20)
}

// Server serves xiaobao's HTTP API.
type Server struct {
	cfg     Config
	log     *slog.Logger
	mux     *http.ServeMux
	metrics *httpMetrics
	srv     *http.Server
	ln      net.Listener

	// onShutdown runs when Close starts, before draining: the websocket hub
	// uses it to send going-away frames, which http.Server cannot do for
	// hijacked connections.
	onShutdown []func()
}

// NewServer builds a Server and registers every route.
func NewServer(cfg Config) (*Server, error) {
	cfg.setDefaults()
	if cfg.Pool == nil {
		return nil, errors.New("api: Config.Pool is required")
	}
	if cfg.Registry == nil {
		cfg.Registry = NewRegistry()
	}
	s := &Server{cfg: cfg, log: cfg.Logger, mux: http.NewServeMux()}
	s.metrics = newHTTPMetrics(cfg.Registry)
	s.routes()
	return s, nil
}

// Handler returns the fully wrapped HTTP handler (request ids, logging,
// metrics, recovery), for tests and embedding.
func (s *Server) Handler() http.Handler {
	return s.withRequestID(s.withRecover(s.withMetrics(s.withLogging(s.mux))))
}

// OnShutdown registers f to run when Close begins.
func (s *Server) OnShutdown(f func()) { s.onShutdown = append(s.onShutdown, f) }

// Open starts listening on the configured address and serves in the
// background. A taken port is reported as a clear error.
func (s *Server) Open() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s (is another program using the port? set XIAOBAO_ADDR): %w", s.cfg.Addr, err)
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	if s.cfg.Chat != nil {
		s.srv.RegisterOnShutdown(s.cfg.Chat.Shutdown)
	}
	for _, f := range s.onShutdown {
		s.srv.RegisterOnShutdown(f)
	}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server stopped", "err", err)
		}
	}()
	return nil
}

// Addr is the address the server listens on (useful with port 0 in tests).
func (s *Server) Addr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Close stops accepting connections, tells websocket clients to go away and
// waits up to ShutdownTimeout for in-flight requests to finish.
func (s *Server) Close() error {
	if s.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("draining http server: %w", err)
	}
	return nil
}
