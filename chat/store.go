package chat

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DBTX is a pool, connection or transaction; callers own transactions.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

var (
	// ErrSessionNotFound means a resume token or session id matches nothing.
	ErrSessionNotFound = errors.New("chat session not found")
	// errStaleState means another connection saved the session first.
	errStaleState = errors.New("chat session changed concurrently")
)

const (
	sqlSessionCreate  = `INSERT INTO chat_sessions (resume_token_hash, state) VALUES ($1, $2) RETURNING id::text`
	sqlSessionByToken = `SELECT id::text, state, version FROM chat_sessions WHERE resume_token_hash = $1 AND closed_at IS NULL`
	sqlSessionByID    = `SELECT id::text, state, version FROM chat_sessions WHERE id = $1`
	sqlSessionSave    = `UPDATE chat_sessions SET state = $2, version = version + 1, updated_at = now()
WHERE id = $1 AND version = $3`
	sqlMessageInsert = `INSERT INTO chat_messages (session_id, role, text, client_msg_id, payload) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (session_id, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING`
	sqlMessageSeen = `SELECT EXISTS (SELECT 1 FROM chat_messages WHERE session_id = $1 AND client_msg_id = $2)`
	sqlHistory     = `SELECT role, text, payload, at FROM chat_messages WHERE session_id = $1 ORDER BY id DESC LIMIT $2`
	sqlBotMessage  = `SELECT text, payload FROM chat_messages WHERE session_id = $1 AND role = 'bot' AND payload->>'id' = $2`
)

// storedSession is a session row.
type storedSession struct {
	ID      string
	State   *State
	Version int64
}

// transcriptLine is one stored message.
type transcriptLine struct {
	Role    string
	Text    string
	Payload json.RawMessage
	At      time.Time
}

func newResumeToken() (token string, hash []byte, err error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, err
	}
	token = "rs_" + base64.RawURLEncoding.EncodeToString(b[:])
	return token, hashResume(token), nil
}

func hashResume(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func createSession(ctx context.Context, db DBTX) (storedSession, string, error) {
	token, hash, err := newResumeToken()
	if err != nil {
		return storedSession{}, "", err
	}
	st := newState()
	var id string
	if err := db.QueryRow(ctx, sqlSessionCreate, hash, st).Scan(&id); err != nil {
		return storedSession{}, "", fmt.Errorf("creating chat session: %w", err)
	}
	return storedSession{ID: id, State: st}, token, nil
}

func scanSession(row pgx.Row) (storedSession, error) {
	var s storedSession
	var raw []byte
	if err := row.Scan(&s.ID, &raw, &s.Version); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return s, ErrSessionNotFound
		}
		return s, fmt.Errorf("loading chat session: %w", err)
	}
	s.State = newState()
	if err := json.Unmarshal(raw, s.State); err != nil {
		return s, fmt.Errorf("decoding chat session state: %w", err)
	}
	return s, nil
}

func sessionByToken(ctx context.Context, db DBTX, token string) (storedSession, error) {
	if len(token) > 200 {
		return storedSession{}, ErrSessionNotFound
	}
	return scanSession(db.QueryRow(ctx, sqlSessionByToken, hashResume(token)))
}

func sessionByID(ctx context.Context, db DBTX, id string) (storedSession, error) {
	return scanSession(db.QueryRow(ctx, sqlSessionByID, id))
}

// saveTurn stores a turn's messages and the new state in one transaction,
// with optimistic concurrency: a save against a stale version fails, so two
// tabs on one session can never interleave half-turns.
func saveTurn(ctx context.Context, db interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}, s storedSession, lines []messageRow) (int64, error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("saving chat turn: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	// One round trip for the transcript lines and the state: a turn is on
	// every consumer's critical path.
	b := &pgx.Batch{}
	for _, l := range lines {
		var cid any
		if l.ClientMsgID != "" {
			cid = l.ClientMsgID
		}
		b.Queue(sqlMessageInsert, s.ID, l.Role, l.Text, cid, l.Payload)
	}
	b.Queue(sqlSessionSave, s.ID, s.State, s.Version)
	br := tx.SendBatch(ctx, b)
	for range lines {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return 0, fmt.Errorf("saving chat message: %w", err)
		}
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("saving chat state: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return 0, errStaleState
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("saving chat turn: %w", err)
	}
	return s.Version + 1, nil
}

// messageRow is a transcript line about to be stored.
type messageRow struct {
	Role        string
	Text        string
	ClientMsgID string
	Payload     any
}

func messageSeen(ctx context.Context, db DBTX, sessionID, clientMsgID string) (bool, error) {
	if clientMsgID == "" {
		return false, nil
	}
	var seen bool
	err := db.QueryRow(ctx, sqlMessageSeen, sessionID, clientMsgID).Scan(&seen)
	return seen, err
}

func history(ctx context.Context, db DBTX, sessionID string, limit int) ([]transcriptLine, error) {
	rows, err := db.Query(ctx, sqlHistory, sessionID, limit)
	if err != nil {
		return nil, fmt.Errorf("loading chat history: %w", err)
	}
	lines, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (transcriptLine, error) {
		var l transcriptLine
		err := r.Scan(&l.Role, &l.Text, &l.Payload, &l.At)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("loading chat history: %w", err)
	}
	// Newest first from the query; the transcript reads oldest first.
	for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	return lines, nil
}

func botMessage(ctx context.Context, db DBTX, sessionID, messageID string) (string, json.RawMessage, error) {
	var text string
	var payload json.RawMessage
	err := db.QueryRow(ctx, sqlBotMessage, sessionID, messageID).Scan(&text, &payload)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, ErrSessionNotFound
	}
	return text, payload, err
}
