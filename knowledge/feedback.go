package knowledge

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/xiaobao-cn/xiaobao/pii"
)

// Feedback is a consumer's 👍/👎 on one answer, linked to the exact message
// and the passages it showed.
type Feedback struct {
	SessionID string  `json:"session_id"`
	MessageID string  `json:"message_id"`
	Question  string  `json:"question"`
	Answer    string  `json:"answer"`
	ChunkIDs  []int64 `json:"chunk_ids"`
	Helpful   bool    `json:"helpful"`
	Comment   string  `json:"comment"`
}

// FeedbackRecord is stored feedback as staff see it.
type FeedbackRecord struct {
	ID            int64      `json:"id" db:"id"`
	SessionID     string     `json:"session_id" db:"session_id"`
	MessageID     string     `json:"message_id" db:"message_id"`
	Question      string     `json:"question" db:"question"`
	Answer        string     `json:"answer" db:"answer"`
	ChunkIDs      []int64    `json:"chunk_ids" db:"chunk_ids"`
	Helpful       bool       `json:"helpful" db:"helpful"`
	Comment       string     `json:"comment" db:"comment"`
	CreatedAt     time.Time  `json:"created_at" db:"created_at"`
	ResolvedAt    *time.Time `json:"resolved_at" db:"resolved_at"`
	ResolvedFAQID *int64     `json:"resolved_faq_id" db:"resolved_faq_id"`
}

// Unanswered is a question the bot could not answer confidently, grouped by
// its text.
type Unanswered struct {
	ID        int64     `json:"id" db:"id"` // the newest record
	Question  string    `json:"question" db:"question"`
	Count     int       `json:"count" db:"count"`
	TopScore  float64   `json:"top_score" db:"top_score"`
	FirstSeen time.Time `json:"first_seen" db:"first_seen"`
	LastSeen  time.Time `json:"last_seen" db:"last_seen"`
}

const (
	sqlInsertUnanswered = `INSERT INTO kb_unanswered (question, session_id, top_score) VALUES ($1, $2, $3)`
	sqlListUnanswered   = `SELECT max(id) AS id, question, count(*)::int AS count, max(top_score)::float8 AS top_score,
	min(created_at) AS first_seen, max(created_at) AS last_seen
FROM kb_unanswered WHERE resolved_at IS NULL
GROUP BY question ORDER BY count(*) DESC, max(created_at) DESC LIMIT $1 OFFSET $2`
	sqlUnansweredQuestion = `SELECT question FROM kb_unanswered WHERE id = $1`
	sqlDismissUnanswered  = `UPDATE kb_unanswered SET resolved_at = now() WHERE question = $1 AND resolved_at IS NULL`
	sqlUpsertFeedback     = `INSERT INTO kb_feedback (session_id, message_id, question, answer, chunk_ids, helpful, comment)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (session_id, message_id) DO UPDATE SET question = EXCLUDED.question, answer = EXCLUDED.answer,
	chunk_ids = EXCLUDED.chunk_ids, helpful = EXCLUDED.helpful, comment = EXCLUDED.comment, updated_at = now()`
	sqlListFeedback = `SELECT id, session_id, message_id, question, answer, chunk_ids, helpful, comment, created_at, resolved_at, resolved_faq_id
FROM kb_feedback WHERE ($1::bool IS NULL OR helpful = $1) AND ($2 OR resolved_at IS NULL)
ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`
	sqlFeedbackQuestion = `SELECT question FROM kb_feedback WHERE id = $1`
	sqlDismissFeedback  = `UPDATE kb_feedback SET resolved_at = coalesce(resolved_at, now()) WHERE id = $1`
	sqlResolveQuestion  = `WITH u AS (UPDATE kb_unanswered SET resolved_at = now(), resolved_faq_id = $2
	WHERE question = $1 AND resolved_at IS NULL)
UPDATE kb_feedback SET resolved_at = now(), resolved_faq_id = $2 WHERE question = $1 AND resolved_at IS NULL`
)

// maxStoredQuestion bounds stored consumer text: the chat limits messages
// to 2,000 characters, and staff need the gist, not a novel.
const maxStoredQuestion = 2000

// RecordUnanswered stores a question without a confident answer for staff.
// Personal data is masked first.
func (s *Store) RecordUnanswered(ctx context.Context, question, sessionID string, topScore float64) error {
	q := truncateRunes(strings.TrimSpace(pii.Mask(question)), maxStoredQuestion)
	if q == "" {
		return nil
	}
	if math.IsNaN(topScore) || math.IsInf(topScore, 0) {
		topScore = 0
	}
	if _, err := s.db.Exec(ctx, sqlInsertUnanswered, q, truncateRunes(sessionID, 200), topScore); err != nil {
		return fmt.Errorf("recording unanswered question: %w", err)
	}
	return nil
}

// RecordFeedback stores 👍/👎 on an answer; a second vote on the same
// message replaces the first. Personal data is masked first.
func (s *Store) RecordFeedback(ctx context.Context, f Feedback) error {
	if strings.TrimSpace(f.SessionID) == "" || strings.TrimSpace(f.MessageID) == "" {
		return invalidf("反馈需要会话和消息编号")
	}
	ids := f.ChunkIDs
	if ids == nil {
		ids = []int64{}
	}
	_, err := s.db.Exec(ctx, sqlUpsertFeedback, truncateRunes(f.SessionID, 200), truncateRunes(f.MessageID, 200),
		truncateRunes(pii.Mask(f.Question), maxStoredQuestion), truncateRunes(pii.Mask(f.Answer), 10000),
		ids, f.Helpful, truncateRunes(pii.Mask(f.Comment), maxStoredQuestion))
	if err != nil {
		return fmt.Errorf("recording feedback: %w", err)
	}
	return nil
}

// ListUnanswered lists open unanswered questions, the most asked first.
func (s *Store) ListUnanswered(ctx context.Context, limit, offset int) ([]Unanswered, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.db.Query(ctx, sqlListUnanswered, limit, max(offset, 0))
	if err != nil {
		return nil, fmt.Errorf("listing unanswered questions: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Unanswered])
}

// FeedbackFilter selects feedback to list.
type FeedbackFilter struct {
	Helpful         *bool // nil: both
	IncludeResolved bool
	Limit, Offset   int
}

// ListFeedback lists feedback, newest first.
func (s *Store) ListFeedback(ctx context.Context, f FeedbackFilter) ([]FeedbackRecord, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.db.Query(ctx, sqlListFeedback, f.Helpful, f.IncludeResolved, limit, max(f.Offset, 0))
	if err != nil {
		return nil, fmt.Errorf("listing feedback: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[FeedbackRecord])
}

// UnansweredQuestion returns the text of an unanswered record.
func (s *Store) UnansweredQuestion(ctx context.Context, id int64) (string, error) {
	var q string
	if err := s.db.QueryRow(ctx, sqlUnansweredQuestion, id).Scan(&q); err != nil {
		return "", fmt.Errorf("reading unanswered question %d: %w", id, interpretError(err))
	}
	return q, nil
}

// FeedbackQuestion returns the question of a feedback record.
func (s *Store) FeedbackQuestion(ctx context.Context, id int64) (string, error) {
	var q string
	if err := s.db.QueryRow(ctx, sqlFeedbackQuestion, id).Scan(&q); err != nil {
		return "", fmt.Errorf("reading feedback %d: %w", id, interpretError(err))
	}
	return q, nil
}

// DismissUnanswered closes every open record of an unanswered question
// without adding it anywhere (spam, chit-chat).
func (s *Store) DismissUnanswered(ctx context.Context, id int64) error {
	q, err := s.UnansweredQuestion(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, sqlDismissUnanswered, q)
	return err
}

// DismissFeedback closes one feedback record without changing the knowledge
// base (the answer was right, or the 👎 was a slip). Dismissing twice is
// harmless; an unknown id is ErrNotFound.
func (s *Store) DismissFeedback(ctx context.Context, id int64) error {
	tag, err := s.db.Exec(ctx, sqlDismissFeedback, id)
	if err != nil {
		return fmt.Errorf("dismissing feedback %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("dismissing feedback %d: %w", id, ErrNotFound)
	}
	return nil
}

func resolveQuestion(ctx context.Context, db DBTX, question string, faqID int64) error {
	_, err := db.Exec(ctx, sqlResolveQuestion, question, faqID)
	return err
}
