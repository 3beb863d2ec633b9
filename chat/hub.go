package chat

import (
	"cmp"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/xiaobao-cn/xiaobao/triage"
)

// Config configures a Hub. Zero values take the documented defaults.
type Config struct {
	// Pool stores sessions and transcripts; required.
	Pool *pgxpool.Pool
	// Knowledge answers questions; required.
	Knowledge Knowledge
	// Triage classifies and files; required.
	Triage Triage
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// AllowedOrigins may open the websocket besides the server's own host
	// (e.g. "https://www.example-bank.cn"). Defaults to none.
	AllowedOrigins []string
	// MaxConnsPerIP bounds concurrent websockets from one address. Defaults to 30.
	MaxConnsPerIP int
	// MessagesPerMinute bounds one connection's frames. Defaults to 30, burst 10.
	MessagesPerMinute int
	// IPMessagesPerMinute bounds all frames from one address. Defaults to 240.
	IPMessagesPerMinute int
	// LookupsPerHour bounds status lookups from one address. Defaults to 60
	// (burst 10).
	LookupsPerHour int
	// IdleTimeout closes a connection with no consumer frame. Defaults to 30m.
	IdleTimeout time.Duration
	// PongWait is how long a client may stay silent to pings before it is
	// dropped (pings go out at 9/10 of it). Defaults to 60s.
	PongWait time.Duration
	// TurnTimeout bounds one turn, LLM included. Defaults to 20s.
	TurnTimeout time.Duration
	// Registry receives the chat metrics when set.
	Registry prometheus.Registerer
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
}

func (c *Config) validate() error {
	if c.Pool == nil || c.Knowledge == nil || c.Triage == nil {
		return errors.New("chat: Config needs Pool, Knowledge and Triage")
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.MaxConnsPerIP = cmp.Or(c.MaxConnsPerIP, 30)
	c.MessagesPerMinute = cmp.Or(c.MessagesPerMinute, 30)
	c.IPMessagesPerMinute = cmp.Or(c.IPMessagesPerMinute, 240)
	c.IdleTimeout = cmp.Or(c.IdleTimeout, 30*time.Minute)
	c.LookupsPerHour = cmp.Or(c.LookupsPerHour, 60)
	c.TurnTimeout = cmp.Or(c.TurnTimeout, 20*time.Second)
	c.PongWait = cmp.Or(c.PongWait, pongWait)
	if c.Now == nil {
		c.Now = time.Now
	}
	return nil
}

// Hub owns every websocket of this replica: it upgrades connections, routes
// handler updates to the consumer's connections and says goodbye on shutdown.
type Hub struct {
	cfg      Config
	log      *slog.Logger
	engine   *Engine
	upgrader websocket.Upgrader
	metrics  *metrics

	mu        sync.Mutex
	clients   map[*client]struct{}
	bySession map[string]map[*client]struct{}
	perIP     map[string]int
	ipLimits  map[string]*ipLimit
	lookups   map[string]*ipLimit
	turnLocks map[string]*sessionLock
	closing   bool
}

type ipLimit struct {
	lim  *rate.Limiter
	seen time.Time
}

type sessionLock struct {
	mu   sync.Mutex
	refs int
}

// NewHub builds a Hub.
func NewHub(cfg Config) (*Hub, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	h := &Hub{
		cfg: cfg, log: cfg.Logger,
		engine:    &Engine{db: cfg.Pool, kb: cfg.Knowledge, tri: cfg.Triage, log: cfg.Logger, now: cfg.Now},
		clients:   map[*client]struct{}{},
		bySession: map[string]map[*client]struct{}{},
		perIP:     map[string]int{},
		ipLimits:  map[string]*ipLimit{},
		lookups:   map[string]*ipLimit{},
		turnLocks: map[string]*sessionLock{},
		metrics:   newMetrics(cfg.Registry),
	}
	h.upgrader = websocket.Upgrader{
		ReadBufferSize:  1024,
		WriteBufferSize: 1024,
		CheckOrigin:     h.checkOrigin,
	}
	return h, nil
}

// checkOrigin allows the server's own host, the configured allowlist, and
// clients that send no Origin (not browsers, so not a CSRF vector).
func (h *Hub) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	return slices.ContainsFunc(h.cfg.AllowedOrigins, func(o string) bool { return strings.EqualFold(strings.TrimRight(o, "/"), origin) })
}

// ServeHTTP upgrades a request on /ws/chat to a consumer websocket.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ip := clientIP(r)
	h.mu.Lock()
	if h.closing {
		h.mu.Unlock()
		http.Error(w, "服务正在重启，请稍后重试", http.StatusServiceUnavailable)
		return
	}
	if h.perIP[ip] >= h.cfg.MaxConnsPerIP {
		h.mu.Unlock()
		h.metrics.rejected.WithLabelValues("ip_conns").Inc()
		http.Error(w, "连接过多，请稍后再试", http.StatusTooManyRequests)
		return
	}
	h.perIP[ip]++
	h.mu.Unlock()

	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		h.mu.Lock()
		h.perIP[ip]--
		h.mu.Unlock()
		return // the upgrader already answered
	}
	c := newClient(h, conn, ip)
	h.mu.Lock()
	h.clients[c] = struct{}{}
	h.mu.Unlock()
	h.metrics.conns.Inc()
	c.run()
}

func (h *Hub) unregister(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.clients[c]; !ok {
		return
	}
	delete(h.clients, c)
	if h.perIP[c.ip]--; h.perIP[c.ip] <= 0 {
		delete(h.perIP, c.ip)
	}
	if sid := c.session(); sid != "" {
		if set := h.bySession[sid]; set != nil {
			delete(set, c)
			if len(set) == 0 {
				delete(h.bySession, sid)
			}
		}
	}
	h.metrics.conns.Dec()
}

func (h *Hub) bind(c *client, sessionID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.bySession[sessionID] == nil {
		h.bySession[sessionID] = map[*client]struct{}{}
	}
	h.bySession[sessionID][c] = struct{}{}
}

// allowIP spends one token of the address's shared message budget.
func (h *Hub) allowIP(ip string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.ipLimits[ip]
	now := time.Now()
	if l == nil {
		if len(h.ipLimits) > 10000 {
			for k, v := range h.ipLimits {
				if now.Sub(v.seen) > 10*time.Minute {
					delete(h.ipLimits, k)
				}
			}
		}
		per := rate.Every(time.Minute / time.Duration(h.cfg.IPMessagesPerMinute))
		l = &ipLimit{lim: rate.NewLimiter(per, h.cfg.IPMessagesPerMinute/4+1)}
		h.ipLimits[ip] = l
	}
	l.seen = now
	return l.lim.Allow()
}

// allowLookup bounds status lookups per address (LookupsPerHour), so
// tracking numbers cannot be guessed by opening session after session.
func (h *Hub) allowLookup(ip string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	l := h.lookups[ip]
	if l == nil {
		if len(h.lookups) > 10000 {
			for k, v := range h.lookups {
				if now.Sub(v.seen) > time.Hour {
					delete(h.lookups, k)
				}
			}
		}
		l = &ipLimit{lim: rate.NewLimiter(rate.Every(time.Hour/time.Duration(h.cfg.LookupsPerHour)), max(h.cfg.LookupsPerHour/6, 3))}
		h.lookups[ip] = l
	}
	l.seen = now
	return l.lim.Allow()
}

// lockSession serialises turns of one session on this replica; replicas are
// kept consistent by the optimistic version check when a turn is saved.
func (h *Hub) lockSession(id string) func() {
	h.mu.Lock()
	l := h.turnLocks[id]
	if l == nil {
		l = &sessionLock{}
		h.turnLocks[id] = l
	}
	l.refs++
	h.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		h.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(h.turnLocks, id)
		}
		h.mu.Unlock()
	}
}

// DeliverUpdate sends a handler's reply or a status change to the
// consumer's open connections on this replica. Every replica receives the
// NOTIFY, so whichever holds the connection delivers it.
func (h *Hub) DeliverUpdate(u triage.ConsumerUpdate) {
	if u.SessionID == "" {
		return
	}
	h.mu.Lock()
	targets := make([]*client, 0, len(h.bySession[u.SessionID]))
	for c := range h.bySession[u.SessionID] {
		targets = append(targets, c)
	}
	h.mu.Unlock()
	for _, c := range targets {
		c.sendFrame(Outbound{Type: "case_update", TrackingNo: u.TrackingNo, Status: u.Status, Message: u.Message})
	}
}

// Shutdown tells every client the server is going away (close code 1001),
// so widgets reconnect to another replica or after the restart.
func (h *Hub) Shutdown() {
	h.mu.Lock()
	h.closing = true
	all := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		all = append(all, c)
	}
	h.mu.Unlock()
	for _, c := range all {
		c.goAway(websocket.CloseGoingAway, "服务器重启，请稍后自动重连")
	}
}

// Conns reports the number of open websockets (for tests and load evals).
func (h *Hub) Conns() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// clientIP uses the connection's address. X-Forwarded-For is not trusted
// because rate limits would then be trivially bypassed.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
