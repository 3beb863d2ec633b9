package triage

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xiaobao-cn/xiaobao/pii"
)

// Channels a complaint can arrive through.
const (
	ChannelChat = "chat"
	ChannelAPI  = "api"
)

// TranscriptLine is one turn of the chat that led to a case.
type TranscriptLine struct {
	// Role is "consumer", "bot" or "handler".
	Role string    `json:"role"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// CaseInput is a complaint ready to be filed: the facts 第十三条 of
// 《银行业保险业消费投诉处理管理办法》 asks for, the chat's classification of
// the whole story and the transcript.
type CaseInput struct {
	// IdempotencyKey makes filing safe to retry: the same key always returns
	// the same case, never a second one. Empty means no deduplication.
	IdempotencyKey string
	// SessionID is the chat session, so handler replies reach it.
	SessionID string
	// Channel is ChannelChat or ChannelAPI. Defaults to ChannelChat.
	Channel string
	// Name and Phone are the complainant's; both required.
	Name, Phone string
	// Institution is the institution complained about, as the consumer
	// wrote it; routing normalises aliases (工行 → 中国工商银行).
	Institution string
	// Description is the facts in the consumer's words; required.
	Description string
	// Request is the consumer's demand in their own words.
	Request string
	// Basis is what the consumer relies on (contract, rule, receipt).
	Basis      string
	OccurredAt *time.Time
	AmountYuan *float64
	// Demands are demand codes (refund, compensation…).
	Demands    []string
	Transcript []TranscriptLine
	// Classification is the classifier's reading of the whole story. The
	// service recomputes the flags that depend on the database or settings
	// (repeat, large_amount, handoff).
	Classification Classification
	// Handoff means the consumer asked for a person: the case is flagged
	// handoff and needs review.
	Handoff bool
}

// Case is a filed complaint with its classification, handling state and
// legal clock. Lists and handler views show Masked copies.
type Case struct {
	ID             int64            `json:"id" db:"id"`
	TrackingNo     string           `json:"tracking_no" db:"tracking_no"`
	Status         string           `json:"status" db:"status"`
	SessionID      string           `json:"session_id,omitempty" db:"session_id"`
	Channel        string           `json:"channel" db:"channel"`
	Name           string           `json:"name" db:"name"`
	Phone          string           `json:"phone" db:"phone"`
	Institution    string           `json:"institution" db:"institution"`
	InstitutionRaw string           `json:"institution_raw,omitempty" db:"institution_raw"`
	Request        string           `json:"request" db:"request"`
	Description    string           `json:"description" db:"description"`
	Basis          string           `json:"basis,omitempty" db:"basis"`
	OccurredAt     *time.Time       `json:"occurred_at,omitempty" db:"occurred_at"`
	AmountYuan     *float64         `json:"amount_yuan,omitempty" db:"amount_yuan"`
	Demands        []string         `json:"demands" db:"demands"`
	Transcript     []TranscriptLine `json:"transcript,omitempty" db:"transcript"`

	Intent            string   `json:"intent" db:"intent"`
	Product           string   `json:"product" db:"product"`
	ProductConfidence float64  `json:"product_confidence" db:"product_confidence"`
	Reason            string   `json:"reason" db:"reason"`
	ReasonConfidence  float64  `json:"reason_confidence" db:"reason_confidence"`
	Engine            string   `json:"engine,omitempty" db:"engine"`
	NeedsReview       bool     `json:"needs_review" db:"needs_review"`
	Flags             []string `json:"flags" db:"flags"`

	Assignee    string     `json:"assignee,omitempty" db:"assignee"`
	Team        string     `json:"team" db:"team"`
	Priority    int        `json:"priority" db:"priority"`
	ClaimedAt   *time.Time `json:"claimed_at,omitempty" db:"claimed_at"`
	Outcome     string     `json:"outcome,omitempty" db:"outcome"`
	ResolvedAt  *time.Time `json:"resolved_at,omitempty" db:"resolved_at"`
	ClosedAt    *time.Time `json:"closed_at,omitempty" db:"closed_at"`
	MergedInto  *int64     `json:"merged_into,omitempty" db:"merged_into"`
	DuplicateOf *int64     `json:"duplicate_of,omitempty" db:"duplicate_of"`

	Complex         bool       `json:"complex" db:"complex"`
	ClockStartedAt  time.Time  `json:"clock_started_at" db:"clock_started_at"`
	DeadlineDays    int        `json:"deadline_days" db:"deadline_days"`
	ExtensionDays   int        `json:"extension_days" db:"extension_days"`
	ExtensionReason string     `json:"extension_reason,omitempty" db:"extension_reason"`
	PausedAt        *time.Time `json:"paused_at,omitempty" db:"paused_at"`
	PauseReason     string     `json:"pause_reason,omitempty" db:"pause_reason"`
	PausedDays      int        `json:"paused_days" db:"paused_days"`
	DeadlineAt      time.Time  `json:"deadline_at" db:"deadline_at"`
	DueSoonAt       *time.Time `json:"due_soon_at,omitempty" db:"due_soon_at"`
	OverdueAt       *time.Time `json:"overdue_at,omitempty" db:"overdue_at"`

	CreatedAt time.Time `json:"created_at" db:"created_at"`
	UpdatedAt time.Time `json:"updated_at" db:"updated_at"`
}

// caseColumns lists the columns scanned into Case, in one place so every
// query returns the same shape.
const caseColumns = `id, tracking_no, status, session_id, channel, name, phone, institution, institution_raw,
request, description, basis, occurred_at, amount_yuan::float8 AS amount_yuan, demands, transcript,
intent, product, product_confidence, reason, reason_confidence, engine, needs_review, flags,
assignee, team, priority, claimed_at, outcome, resolved_at, closed_at, merged_into, duplicate_of,
complex, clock_started_at, deadline_days, extension_days, extension_reason, paused_at, pause_reason,
paused_days, deadline_at, due_soon_at, overdue_at, created_at, updated_at`

// StatusName returns the Chinese name of the case's status.
func (c Case) StatusName() string { return StatusName(c.Status) }

// Open reports whether the case still awaits a decision.
func (c Case) Open() bool { return isOpen(c.Status) }

// Clock returns the case's legal clock.
func (c Case) Clock() Clock {
	return Clock{StartedAt: c.ClockStartedAt, Days: c.DeadlineDays, ExtensionDays: c.ExtensionDays, PausedDays: c.PausedDays}
}

// HasFlag reports whether the case carries flag.
func (c Case) HasFlag(flag string) bool {
	for _, f := range c.Flags {
		if f == flag {
			return true
		}
	}
	return false
}

// Masked returns a copy fit for lists and handler screens: the name partly
// hidden, the phone as 138****5678, and identifiers in free text masked.
// The unmasked case is only returned by an audited reveal.
func (c Case) Masked() Case {
	c.Name = MaskName(c.Name)
	c.Phone = pii.MaskPhone(c.Phone)
	c.Description = pii.Mask(c.Description)
	c.Request = pii.Mask(c.Request)
	c.Basis = pii.Mask(c.Basis)
	if c.Transcript != nil {
		lines := make([]TranscriptLine, len(c.Transcript))
		for i, l := range c.Transcript {
			l.Text = pii.Mask(l.Text)
			lines[i] = l
		}
		c.Transcript = lines
	}
	return c
}

// MaskName hides the middle of a name: 张三 → 张*, 张三丰 → 张*丰,
// 欧阳娜娜 → 欧**娜. Enough for a handler to address the person, not enough
// to identify them from a screenshot.
func MaskName(name string) string {
	name = strings.TrimSpace(name)
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		return ""
	case n == 1:
		return "*"
	case n == 2:
		r, _ := utf8.DecodeRuneInString(name)
		return string(r) + "*"
	}
	runes := []rune(name)
	return string(runes[0]) + strings.Repeat("*", n-2) + string(runes[n-1])
}
