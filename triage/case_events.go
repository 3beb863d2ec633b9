package triage

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Event is one entry of a case's append-only audit trail: who did what,
// when, from which state to which. Details never hold the complainant's
// personal data, so supervisors can read the trail freely.
type Event struct {
	ID        int64          `json:"id" db:"id"`
	CaseID    int64          `json:"case_id" db:"case_id"`
	At        time.Time      `json:"at" db:"at"`
	Actor     string         `json:"actor" db:"actor"`
	Action    string         `json:"action" db:"action"`
	FromState string         `json:"from_state" db:"from_state"`
	ToState   string         `json:"to_state" db:"to_state"`
	Detail    map[string]any `json:"detail" db:"detail"`
}

// Message is something said on a case: a handler's reply or question, a
// notice to the consumer, the consumer's answer or an internal note.
type Message struct {
	ID        int64     `json:"id" db:"id"`
	CaseID    int64     `json:"case_id" db:"case_id"`
	Direction string    `json:"direction" db:"direction"`
	Kind      string    `json:"kind" db:"kind"`
	Body      string    `json:"body" db:"body"`
	Status    string    `json:"status" db:"status"`
	Author    string    `json:"author" db:"author"`
	Visible   bool      `json:"visible" db:"visible"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
}

// Message directions.
const (
	ToConsumer   = "to_consumer"
	FromConsumer = "from_consumer"
	Internal     = "internal"
)

func insertEvent(ctx context.Context, db DBTX, caseID int64, actor, action, from, to string, detail map[string]any, at time.Time) error {
	if detail == nil {
		detail = map[string]any{}
	}
	if _, err := db.Exec(ctx, sqlEventInsert, caseID, actor, action, from, to, detail, at); err != nil {
		return fmt.Errorf("writing audit event: %w", err)
	}
	return nil
}

func insertMessage(ctx context.Context, db DBTX, m Message) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, sqlMessageInsert, m.CaseID, m.Direction, m.Kind, m.Body, m.Status, m.Author,
		m.Direction == ToConsumer, m.CreatedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("writing case message: %w", err)
	}
	return id, nil
}

// Events returns the audit trail of a case the actor may see.
func (s *Service) Events(ctx context.Context, actor Actor, ref string) ([]Event, error) {
	c, err := s.Get(ctx, actor, ref)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, sqlEventList, c.ID)
	if err != nil {
		return nil, fmt.Errorf("reading audit trail: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Event])
}

// Messages returns the messages of a case the actor may see.
func (s *Service) Messages(ctx context.Context, actor Actor, ref string) ([]Message, error) {
	c, err := s.Get(ctx, actor, ref)
	if err != nil {
		return nil, err
	}
	return listMessages(ctx, s.db, c.ID)
}

func listMessages(ctx context.Context, db DBTX, caseID int64) ([]Message, error) {
	rows, err := db.Query(ctx, sqlMessageList, caseID)
	if err != nil {
		return nil, fmt.Errorf("reading case messages: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Message])
}
