package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"github.com/jackc/pgx/v5"
	"log/slog"
	"time"

	"github.com/xiaobao-cn/xiaobao/knowledge"
	"github.com/xiaobao-cn/xiaobao/triage"
)

// Knowledge is what the dialog needs from the knowledge base.
// *knowledge.Store satisfies it.
type Knowledge interface {
	AnswerStream(ctx context.Context, question string, onDelta func(string)) (knowledge.Answer, error)
	RecordUnanswered(ctx context.Context, question, sessionID string, topScore float64) error
	RecordFeedback(ctx context.Context, f knowledge.Feedback) error
}

// Triage is what the dialog needs from triage. *triage.Service satisfies it.
type Triage interface {
	Classify(ctx context.Context, text string, now time.Time) triage.Classification
	File(ctx context.Context, in triage.CaseInput) (triage.Case, error)
	Lookup(ctx context.Context, trackingNo, phoneLast4 string) (triage.CaseStatus, error)
	Rate(ctx context.Context, trackingNo, phoneLast4 string, score int, comment string) error
	MessagesForSession(ctx context.Context, sessionID string, since time.Time) ([]triage.ConsumerUpdate, error)
}

// Engine runs dialog turns. It holds no per-session state: everything is in
// the State loaded for the turn, so any replica can serve any session.
type Engine struct {
	db  dbBeginner
	kb  Knowledge
	tri Triage
	log *slog.Logger
	now func() time.Time
}

// dbBeginner is a pool: turns read with it and store in a transaction.
type dbBeginner interface {
	DBTX
	Begin(ctx context.Context) (pgx.Tx, error)
}

// turn collects what one consumer input produces: frames to send (after the
// turn is stored), transcript rows to store, and an emit hook for frames
// that must go out immediately (streamed answer deltas).
type turn struct {
	ctx   context.Context
	sess  storedSession
	now   time.Time
	out   []Outbound
	rows  []messageRow
	emit  func(Outbound)
	err   error
	class *triage.Classification
	// allowLookup spends one of the client address's status lookups;
	// nil allows all (tests of the engine alone).
	allowLookup func() bool
}

func (t *turn) st() *State { return t.sess.State }

// say queues a bot reply and its transcript row.
func (t *turn) say(o Outbound) {
	if o.Type == "" {
		o.Type = "reply"
	}
	if o.ID == "" && (o.Type == "reply" || o.Type == "reply_end") {
		o.ID = newMessageID()
	}
	t.out = append(t.out, o)
	text := o.Text
	if text == "" {
		text = o.Message
	}
	t.rows = append(t.rows, messageRow{Role: "bot", Text: text, Payload: map[string]any{"id": o.ID, "frame": o}})
}

// sayWith queues a reply with extra payload stored for later (feedback).
func (t *turn) sayWith(o Outbound, extra map[string]any) {
	t.say(o)
	payload := t.rows[len(t.rows)-1].Payload.(map[string]any)
	for k, v := range extra {
		payload[k] = v
	}
}

func newMessageID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "m_" + hex.EncodeToString(b[:])
}
