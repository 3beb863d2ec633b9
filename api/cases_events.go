package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// sseHeartbeat keeps idle event streams alive through proxies that close
// quiet connections, and notices consoles that went away.
const sseHeartbeat = 25 * time.Second

// caseEventsHandler streams queue events to handler consoles as
// Server-Sent Events: new cases and case changes of every replica (from
// PostgreSQL LISTEN/NOTIFY), filtered to the caller's institution scope.
// Consoles read it with fetch, because EventSource cannot send the bearer
// token. On "resync" (the server's listener reconnected, so events may have
// been missed) a console reloads its list.
//
// Streams end when the server shuts down, so draining never waits for them;
// consoles reconnect to another replica.
func (s *Server) caseEventsHandler() http.HandlerFunc {
	shutdown := make(chan struct{})
	var once sync.Once
	s.OnShutdown(func() { once.Do(func() { close(shutdown) }) })

	return func(w http.ResponseWriter, r *http.Request) {
		p, _ := PrincipalFrom(r.Context())
		scope := s.cfg.Triage.Scope(p.Institution)
		rc := http.NewResponseController(w)
		events, stop := s.cfg.Triage.Subscribe(r.Context())
		defer stop()

		h := w.Header()
		h.Set("Content-Type", "text/event-stream; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
		w.WriteHeader(http.StatusOK)
		// retry tells EventSource-style clients how soon to reconnect.
		if _, err := fmt.Fprint(w, "retry: 3000\n: connected\n\n"); err != nil || rc.Flush() != nil {
			return
		}
		ping := time.NewTicker(sseHeartbeat)
		defer ping.Stop()
		for {
			var frame []byte
			select {
			case <-r.Context().Done():
				return
			case <-shutdown:
				return
			case <-ping.C:
				frame = []byte(": ping\n\n")
			case ev, ok := <-events:
				if !ok {
					return // fell behind or the listener stopped: the console reconnects and reloads
				}
				if !ev.VisibleTo(scope) {
					continue
				}
				data, err := json.Marshal(ev)
				if err != nil {
					continue
				}
				frame = fmt.Appendf(nil, "event: %s\ndata: %s\n\n", ev.Kind, data)
			}
			if _, err := w.Write(frame); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
	}
}
