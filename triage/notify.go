package triage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgreSQL notification channels. Notifications are sent inside the
// transaction that made the change, so listeners on every replica hear of
// committed changes only, and of all of them.
const (
	// ChannelNewCase carries a NewCaseEvent for each filed case.
	ChannelNewCase = "xiaobao_new_case"
	// ChannelCaseUpdate carries a ConsumerUpdate whenever a handler replies,
	// asks for information or the status changes in a way the consumer sees.
	ChannelCaseUpdate = "xiaobao_case_update"
	// ChannelCaseChanged carries a CaseChange for every change handler
	// consoles should show (claims, transfers, deadlines…).
	ChannelCaseChanged = "xiaobao_case_changed"
)

// NewCaseEvent announces a filed case to handler consoles. It holds no
// personal data.
type NewCaseEvent struct {
	ID          int64     `json:"id"`
	TrackingNo  string    `json:"tracking_no"`
	Institution string    `json:"institution"`
	Team        string    `json:"team"`
	Priority    int       `json:"priority"`
	Flags       []string  `json:"flags"`
	DeadlineAt  time.Time `json:"deadline_at"`
}

// ConsumerUpdate is what a consumer should hear about their case: a
// handler's message or a status change. The chat pushes it to the session
// that filed the case, live or on reconnect (MessagesForSession).
type ConsumerUpdate struct {
	TrackingNo string    `json:"tracking_no"`
	SessionID  string    `json:"session_id"`
	Status     string    `json:"status"`
	Message    string    `json:"message"`
	At         time.Time `json:"at"`
}

// CaseChange tells handler consoles that a case changed. PrevInstitution is
// set when a transfer moved the case between institutions, so the console
// that lost it can drop it.
type CaseChange struct {
	ID              int64     `json:"id"`
	TrackingNo      string    `json:"tracking_no"`
	Institution     string    `json:"institution"`
	PrevInstitution string    `json:"prev_institution,omitempty"`
	Team            string    `json:"team"`
	Status          string    `json:"status"`
	Action          string    `json:"action"`
	Assignee        string    `json:"assignee,omitempty"`
	DeadlineAt      time.Time `json:"deadline_at"`
	At              time.Time `json:"at"`
}

// notify sends v as JSON on channel within db's transaction.
func notify(ctx context.Context, db DBTX, channel string, v any) error {
	payload, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding notification: %w", err)
	}
	if _, err := db.Exec(ctx, sqlNotify, channel, string(payload)); err != nil {
		return fmt.Errorf("sending notification: %w", err)
	}
	return nil
}

// Listen delivers new-case events and consumer updates from every replica
// until ctx ends, then returns nil. It holds one dedicated connection with
// LISTEN and reconnects with backoff when it drops; notifications sent
// while disconnected are missed, which is why the chat also replays
// MessagesForSession on reconnect. Callbacks run on Listen's goroutine and
// should not block. Either callback may be nil.
func (s *Service) Listen(ctx context.Context, onNewCase func(NewCaseEvent), onUpdate func(ConsumerUpdate)) error {
	s.listen(ctx, []string{ChannelNewCase, ChannelCaseUpdate}, nil, func(channel string, payload []byte) {
		switch channel {
		case ChannelNewCase:
			var ev NewCaseEvent
			if err := json.Unmarshal(payload, &ev); err != nil {
				s.log.Warn("bad new-case notification", "err", err)
				return
			}
			if onNewCase != nil {
				onNewCase(ev)
			}
		case ChannelCaseUpdate:
			var u ConsumerUpdate
			if err := json.Unmarshal(payload, &u); err != nil {
				s.log.Warn("bad case-update notification", "err", err)
				return
			}
			if onUpdate != nil {
				onUpdate(u)
			}
		}
	})
	return nil
}

// Listener backoff bounds.
const (
	listenMinBackoff = 250 * time.Millisecond
	listenMaxBackoff = 30 * time.Second
)

// listen runs LISTEN on channels over a dedicated connection until ctx
// ends, reconnecting with exponential backoff. onConnect (optional) runs
// after every successful (re)connection, before any notification of it.
func (s *Service) listen(ctx context.Context, channels []string, onConnect func(), handle func(channel string, payload []byte)) {
	backoff := listenMinBackoff
	for ctx.Err() == nil {
		connected, err := s.listenOnce(ctx, channels, onConnect, handle)
		if ctx.Err() != nil {
			return
		}
		if connected {
			backoff = listenMinBackoff
		}
		s.log.Warn("case notifications: listener disconnected, reconnecting", "err", err, "retry_in", backoff)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(backoff*2, listenMaxBackoff)
	}
}

func (s *Service) listenOnce(ctx context.Context, channels []string, onConnect func(), handle func(string, []byte)) (connected bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, ch := range channels {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return false, err
		}
	}
	if onConnect != nil {
		onConnect()
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		handle(n.Channel, []byte(n.Payload))
	}
}
