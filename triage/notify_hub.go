package triage

import (
	"context"
	"encoding/json"
	"sync"
)

// Console event kinds.
const (
	EventNewCase     = "new_case"
	EventCaseChanged = "case_changed"
	// EventResync says notifications may have been missed (the listener
	// reconnected): consoles should reload their lists.
	EventResync = "resync"
)

// ConsoleEvent is one event for handler consoles.
type ConsoleEvent struct {
	Kind    string        `json:"kind"`
	NewCase *NewCaseEvent `json:"new_case,omitempty"`
	Change  *CaseChange   `json:"change,omitempty"`
}

// VisibleTo reports whether a handler with institution scope (canonical;
// "" for all) may see the event. A transfer is visible to both the
// institution that lost the case and the one that got it.
func (e ConsoleEvent) VisibleTo(scope string) bool {
	switch {
	case scope == "" || e.Kind == EventResync:
		return true
	case e.NewCase != nil:
		return e.NewCase.Institution == scope
	case e.Change != nil:
		return e.Change.Institution == scope || e.Change.PrevInstitution == scope
	}
	return false
}

// subscriberBuffer is how many events a slow console may fall behind before
// it is dropped; it then reconnects and reloads, which beats blocking every
// other console.
const subscriberBuffer = 64

// hub shares one LISTEN connection among all console streams of this
// process. It listens only while someone is subscribed.
type hub struct {
	s      *Service
	mu     sync.Mutex
	subs   map[chan ConsoleEvent]struct{}
	cancel context.CancelFunc
	gen    int
	// listening is set once the current generation's LISTEN is in place,
	// so a subscriber that joins later still gets its opening resync.
	listening bool
}

func newHub(s *Service) *hub { return &hub{s: s, subs: map[chan ConsoleEvent]struct{}{}} }

// Subscribe streams console events of every replica until ctx ends or the
// returned cancel is called; the channel is then closed. It is also closed
// if the subscriber falls too far behind. Filter with ConsoleEvent.VisibleTo.
func (s *Service) Subscribe(ctx context.Context) (<-chan ConsoleEvent, func()) {
	h := s.hub
	ch := make(chan ConsoleEvent, subscriberBuffer)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	switch {
	case h.cancel == nil:
		lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		h.cancel = cancel
		h.gen++
		h.listening = false
		go h.run(lctx, h.gen)
	case h.listening:
		// Every stream opens with a resync (load the list now: nothing
		// from here on is missed); the shared listener sent its own to the
		// subscribers it had when it connected.
		ch <- ConsoleEvent{Kind: EventResync}
	}
	h.mu.Unlock()
	var once sync.Once
	unsubscribe := func() { once.Do(func() { h.remove(ch) }) }
	stop := context.AfterFunc(ctx, unsubscribe)
	return ch, func() { stop(); unsubscribe() }
}

func (h *hub) remove(ch chan ConsoleEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[ch]; !ok {
		return
	}
	delete(h.subs, ch)
	close(ch)
	if len(h.subs) == 0 && h.cancel != nil {
		h.cancel()
		h.cancel = nil
	}
}

func (h *hub) run(ctx context.Context, gen int) {
	onConnect := func() {
		h.mu.Lock()
		if gen == h.gen {
			h.listening = true
		}
		h.mu.Unlock()
		h.broadcast(gen, ConsoleEvent{Kind: EventResync})
	}
	h.s.listen(ctx, []string{ChannelNewCase, ChannelCaseChanged}, onConnect, func(channel string, payload []byte) {
		ev := ConsoleEvent{}
		switch channel {
		case ChannelNewCase:
			ev.Kind, ev.NewCase = EventNewCase, &NewCaseEvent{}
			if err := json.Unmarshal(payload, ev.NewCase); err != nil {
				h.s.log.Warn("bad new-case notification", "err", err)
				return
			}
		case ChannelCaseChanged:
			ev.Kind, ev.Change = EventCaseChanged, &CaseChange{}
			if err := json.Unmarshal(payload, ev.Change); err != nil {
				h.s.log.Warn("bad case-changed notification", "err", err)
				return
			}
		default:
			return
		}
		h.broadcast(gen, ev)
	})
}

// broadcast hands ev to every subscriber without ever blocking on one.
func (h *hub) broadcast(gen int, ev ConsoleEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if gen != h.gen {
		return // a listener being shut down; a newer one serves the subscribers
	}
	for ch := range h.subs {
		select {
		case ch <- ev:
		default:
			delete(h.subs, ch)
			close(ch)
		}
	}
	if len(h.subs) == 0 && h.cancel != nil {
		h.cancel()
		h.cancel = nil
	}
}
