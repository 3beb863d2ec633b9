package chat

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"
)

// The connection shape of gorilla's examples/chat.
const (
	// writeWait is the time allowed to write a frame to the peer.
	writeWait = 10 * time.Second
	// pongWait is the default time allowed to read the next pong from the
	// peer (Config.PongWait); pings go out at 9/10 of it.
	pongWait = 60 * time.Second
	// maxMessageSize bounds one frame; bigger frames close with 1009.
	maxMessageSize = 16 * 1024
	// sendBuffer frames may queue for a slow client before it is dropped.
	sendBuffer = 64
	// workBuffer inbound frames may wait for the worker.
	workBuffer = 16
)

// client is one consumer websocket: a read pump, a write pump (the only
// writer) and a worker that runs turns off the read loop, so a slow answer
// never stops pongs or close frames from being read.
type client struct {
	hub  *Hub
	conn *websocket.Conn
	ip   string
	send chan []byte
	work chan Inbound
	lim  *rate.Limiter

	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	sessionID string
	closed    bool
	lastFrame time.Time
}

func newClient(h *Hub, conn *websocket.Conn, ip string) *client {
	ctx, cancel := context.WithCancel(context.Background())
	per := rate.Every(time.Minute / time.Duration(h.cfg.MessagesPerMinute))
	return &client{
		hub: h, conn: conn, ip: ip,
		send: make(chan []byte, sendBuffer), work: make(chan Inbound, workBuffer),
		lim: rate.NewLimiter(per, 10), ctx: ctx, cancel: cancel, lastFrame: time.Now(),
	}
}

func (c *client) session() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sessionID
}

// run blocks until the connection ends.
func (c *client) run() {
	go c.writePump()
	go c.worker()
	c.readPump()
}

func (c *client) readPump() {
	defer func() {
		c.cancel()
		c.hub.unregister(c)
		c.mu.Lock()
		c.closed = true
		close(c.work)
		c.mu.Unlock()
		c.conn.Close()
	}()
	c.conn.SetReadLimit(maxMessageSize)
	wait := c.hub.cfg.PongWait
	_ = c.conn.SetReadDeadline(time.Now().Add(wait))
	c.conn.SetPongHandler(func(string) error { return c.conn.SetReadDeadline(time.Now().Add(wait)) })
	for {
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			return
		}
		_ = c.conn.SetReadDeadline(time.Now().Add(wait))
		if !c.lim.Allow() || !c.hub.allowIP(c.ip) {
			c.hub.metrics.rejected.WithLabelValues("rate").Inc()
			c.sendFrame(errorFrame(errRateLimited))
			continue
		}
		in, err := DecodeInbound(data)
		if err != nil {
			c.sendFrame(errorFrame(err))
			continue
		}
		c.mu.Lock()
		c.lastFrame = time.Now()
		c.mu.Unlock()
		select {
		case c.work <- in:
		default:
			c.hub.metrics.rejected.WithLabelValues("busy").Inc()
			c.sendFrame(errorFrame(errRateLimited))
		}
	}
}

func (c *client) writePump() {
	ticker := time.NewTicker(c.hub.cfg.PongWait * 9 / 10)
	idle := time.NewTicker(min(time.Minute, c.hub.cfg.IdleTimeout/2))
	defer func() {
		ticker.Stop()
		idle.Stop()
		c.conn.Close()
	}()
	for {
		select {
		case msg, ok := <-c.send:
			_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if !ok {
				_ = c.conn.WriteMessage(websocket.CloseMessage, []byte{})
				return
			}
			if err := c.conn.WriteMessage(websocket.TextMessage, msg); err != nil {
				return
			}
		case <-ticker.C:
			_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
		case <-idle.C:
			c.mu.Lock()
			quiet := time.Since(c.lastFrame)
			c.mu.Unlock()
			if quiet > c.hub.cfg.IdleTimeout {
				c.goAway(websocket.CloseNormalClosure, "长时间未操作，连接已关闭")
				return
			}
		case <-c.ctx.Done():
			return
		}
	}
}

// sendFrame queues a frame for the write pump. A client too slow to drain
// its buffer is disconnected rather than allowed to hold server memory; its
// session is safe in the database and the widget resumes.
func (c *client) sendFrame(o Outbound) {
	b, err := json.Marshal(o)
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	select {
	case c.send <- b:
	default:
		c.hub.metrics.rejected.WithLabelValues("slow_client").Inc()
		c.cancel()
	}
}

// goAway sends a close frame; WriteControl is safe beside the write pump.
func (c *client) goAway(code int, text string) {
	_ = c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(writeWait))
	go func() {
		time.Sleep(500 * time.Millisecond)
		c.conn.Close()
	}()
}

// worker runs turns one at a time in arrival order.
func (c *client) worker() {
	for in := range c.work {
		start := time.Now()
		c.serve(in)
		c.hub.metrics.turns.WithLabelValues(in.Type).Observe(time.Since(start).Seconds())
	}
}

func (c *client) serve(in Inbound) {
	h := c.hub
	ctx, cancel := context.WithTimeout(c.ctx, h.cfg.TurnTimeout)
	defer cancel()
	if in.Type == "hello" {
		c.hello(ctx, in)
		return
	}
	sid := c.session()
	if sid == "" {
		c.sendFrame(errorFrame(errNoSession))
		return
	}
	unlock := h.lockSession(sid)
	defer unlock()
	out, err := h.engine.handle(ctx, sid, in, c.sendFrame, func() bool { return h.allowLookup(c.ip) })
	if err != nil {
		c.sendFrame(errorFrame(err))
		return
	}
	for _, o := range out {
		c.sendFrame(o)
	}
}

// hello starts a new session or resumes one by its token. An unknown token
// (expired, purged, from another deployment) starts afresh rather than fail.
func (c *client) hello(ctx context.Context, in Inbound) {
	h := c.hub
	if c.session() != "" {
		return
	}
	var sid, token string
	if in.ResumeToken != "" {
		s, err := sessionByToken(ctx, h.cfg.Pool, in.ResumeToken)
		switch {
		case err == nil:
			sid, token = s.ID, in.ResumeToken
		case !errors.Is(err, ErrSessionNotFound):
			c.sendFrame(errorFrame(errUnavailable))
			return
		}
	}
	resumed := sid != ""
	if !resumed {
		s, tok, err := createSession(ctx, h.cfg.Pool)
		if err != nil {
			h.log.WarnContext(ctx, "creating chat session failed", "err", err)
			c.sendFrame(errorFrame(errUnavailable))
			return
		}
		sid, token = s.ID, tok
	}
	c.mu.Lock()
	c.sessionID = sid
	c.mu.Unlock()
	h.bind(c, sid)
	c.sendFrame(Outbound{Type: "session", SessionID: sid, ResumeToken: token})
	if resumed {
		hist, err := h.engine.resume(ctx, sid)
		if err != nil {
			c.sendFrame(errorFrame(errUnavailable))
			return
		}
		c.sendFrame(hist)
		return
	}
	c.sendFrame(Outbound{Type: "reply", ID: newMessageID(),
		Text:         "您好，我是小保，金融消费者的投诉助手。遇到银行、保险、支付或贷款方面的问题，直接告诉我发生了什么；也可以问我相关的规定。",
		QuickReplies: []string{"我要投诉", "查询投诉进度", "投诉多久有答复？"}})
}
