package chat

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Data minimisation (个人信息保护法 第十九条, 第四十七条): a chat transcript is
// kept only while it serves the consumer. Once a session has been idle for
// the retention period and nothing filed from it is still being handled,
// the session and its messages go. Cases keep their own copy of what the
// statutory record needs (triage's sweeper empties case transcripts on
// the same schedule).

// purgeBatch bounds one DELETE, so a backlog is removed in short
// transactions that never hold many row locks.
const purgeBatch = 1000

const (
	// sqlPurgeSessions deletes a batch of idle sessions (messages go by ON
	// DELETE CASCADE) with no case still open, or closed too recently.
	// cases.session_id is text (a handoff may predate the session's uuid
	// form), so the join compares text. SKIP LOCKED lets replicas purge at
	// once and never waits on a session a connection is saving.
	sqlPurgeSessions = `WITH old AS (
    SELECT s.id FROM chat_sessions s
    WHERE s.updated_at < @before
      AND NOT EXISTS (
        SELECT 1 FROM cases c
        WHERE c.session_id = s.id::text
          AND (c.status NOT IN ('closed', 'merged') OR COALESCE(c.closed_at, c.updated_at) >= @before))
    ORDER BY s.updated_at
    LIMIT @batch
    FOR UPDATE OF s SKIP LOCKED)
DELETE FROM chat_sessions s USING old WHERE s.id = old.id`

	// sqlDeleteSessionsForPhone deletes every session that holds the phone:
	// sessions that filed a case with it, sessions whose form has it, and
	// sessions where the consumer typed it (full-width digits, spaces and
	// dashes folded away). The last test scans messages; it runs only on an
	// administrator's deletion request.
	sqlDeleteSessionsForPhone = `DELETE FROM chat_sessions s
WHERE s.id::text IN (SELECT session_id FROM cases WHERE phone = @phone AND session_id <> '')
   OR s.state->'form'->>'phone' = @phone
   OR EXISTS (
        SELECT 1 FROM chat_messages m
        WHERE m.session_id = s.id AND m.role = 'consumer'
          AND strpos(translate(m.text, '０１２３４５６７８９ -－　', '0123456789'), @phone) > 0)`
)

// PurgeSessions deletes the chat sessions, with their messages, last
// updated before olderThan whose cases (if they filed any) are closed or
// merged since before olderThan too. It returns how many sessions it
// deleted. It works in batches, each its own statement, so on a pool a
// large backlog never holds locks for long; on a transaction the caller
// commits them together.
func PurgeSessions(ctx context.Context, db DBTX, olderThan time.Time) (int64, error) {
	var total int64
	for {
		tag, err := db.Exec(ctx, sqlPurgeSessions, pgx.NamedArgs{"before": olderThan, "batch": purgeBatch})
		if err != nil {
			return total, fmt.Errorf("purging chat sessions: %w", err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < purgeBatch {
			return total, nil
		}
	}
}

// DeleteSessionsForPhone deletes every chat session, with its messages,
// that holds the consumer's phone: sessions linked to the consumer's cases,
// sessions whose complaint form has the phone and sessions where the
// consumer typed it. phone must be the normalised digits (7–15 of them, as
// triage stores it). Run it before erasing the cases, in the same
// transaction, since the cases are what links the sessions to the phone.
func DeleteSessionsForPhone(ctx context.Context, db DBTX, phone string) (int64, error) {
	if !validPhoneDigits(phone) {
		// An empty or short pattern would match far more than one person.
		return 0, errors.New("chat: deleting sessions needs a phone number of 7 to 15 digits")
	}
	tag, err := db.Exec(ctx, sqlDeleteSessionsForPhone, pgx.NamedArgs{"phone": phone})
	if err != nil {
		return 0, fmt.Errorf("deleting chat sessions: %w", err)
	}
	return tag.RowsAffected(), nil
}

func validPhoneDigits(p string) bool {
	if len(p) < 7 || len(p) > 15 {
		return false
	}
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
