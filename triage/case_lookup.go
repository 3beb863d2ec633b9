package triage

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// CaseStatus is what a consumer may see of their case.
type CaseStatus struct {
	TrackingNo      string     `json:"tracking_no"`
	Status          string     `json:"status"`
	StatusName      string     `json:"status_name"`
	DeadlineAt      time.Time  `json:"deadline_at"`
	LatestMessage   string     `json:"latest_message,omitempty"`
	LatestMessageAt *time.Time `json:"latest_message_at,omitempty"`
	Product         string     `json:"product"`
	Institution     string     `json:"institution"`
	CanRate         bool       `json:"can_rate"`
}

// Lookup returns the status of a case to a consumer who knows its tracking
// number and the last four digits of the phone it was filed with. Any
// mismatch is ErrNotFound, so a wrong guess cannot tell whether the case
// exists; after LookupMaxFailures wrong suffixes within LookupWindow the
// tracking number refuses lookups for the rest of the window.
func (s *Service) Lookup(ctx context.Context, trackingNo, phoneLast4 string) (CaseStatus, error) {
	st, _, err := s.verifyConsumer(ctx, s.db, trackingNo, phoneLast4)
	if err != nil {
		return CaseStatus{}, wrap("looking up case", err)
	}
	return st, nil
}

// verifyConsumer checks a tracking number and phone suffix and returns the
// case's public status and id.
func (s *Service) verifyConsumer(ctx context.Context, db DBTX, trackingNo, phoneLast4 string) (CaseStatus, int64, error) {
	no, ok := parseTrackingNo(trackingNo)
	last4, ok4 := parseLast4(phoneLast4)
	if !ok || !ok4 {
		return CaseStatus{}, 0, ErrNotFound
	}
	var (
		st       CaseStatus
		id       int64
		phone    string
		failures int
		failedAt *time.Time
		msg      *string
		rated    bool
	)
	err := db.QueryRow(ctx, sqlLookup, no).Scan(&id, &st.TrackingNo, &st.Status, &st.DeadlineAt, &st.Product,
		&st.Institution, &phone, &failures, &failedAt, &msg, &st.LatestMessageAt, &rated)
	if err != nil {
		return CaseStatus{}, 0, interpretError(err)
	}
	now := s.now()
	windowStart := now.Add(-s.cfg.LookupWindow)
	if failures >= s.cfg.LookupMaxFailures && failedAt != nil && failedAt.After(windowStart) {
		return CaseStatus{}, 0, ErrNotFound
	}
	if len(phone) < 4 || subtle.ConstantTimeCompare([]byte(phone[len(phone)-4:]), []byte(last4)) != 1 {
		if _, err := db.Exec(ctx, sqlLookupFailed, id, windowStart, now); err != nil {
			return CaseStatus{}, 0, err
		}
		s.log.Info("case lookup refused: wrong phone suffix", "tracking_no", no, "failures", failures+1)
		return CaseStatus{}, 0, ErrNotFound
	}
	if failures > 0 {
		if _, err := db.Exec(ctx, sqlLookupReset, id); err != nil {
			return CaseStatus{}, 0, err
		}
	}
	if msg != nil {
		st.LatestMessage = *msg
	}
	st.StatusName = StatusName(st.Status)
	st.CanRate = (st.Status == StatusResolved || st.Status == StatusClosed) && !rated
	return st, id, nil
}

// parseLast4 accepts exactly four digits, full-width ones included.
func parseLast4(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		default:
			return "", false
		}
	}
	return b.String(), b.Len() == 4
}

// maxCommentRunes bounds a rating's comment.
const maxCommentRunes = 500

// Rate records the consumer's satisfaction (1–5 and an optional comment)
// with a resolved or closed case; a later rating replaces the earlier one.
func (s *Service) Rate(ctx context.Context, trackingNo, phoneLast4 string, score int, comment string) error {
	if score < 1 || score > 5 {
		return invalidf("评分应为 1 到 5 分")
	}
	comment, err := limitText("评价", comment, maxCommentRunes, false)
	if err != nil {
		return err
	}
	// Verify outside the transaction so a wrong suffix is counted even
	// though the rating is refused.
	st, id, err := s.verifyConsumer(ctx, s.db, trackingNo, phoneLast4)
	if err != nil {
		return wrap("rating case", err)
	}
	if st.Status != StatusResolved && st.Status != StatusClosed {
		return wrap("rating case", ErrNotRatable)
	}
	now := s.now()
	err = s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sqlRatingUpsert, id, score, comment, now); err != nil {
			return err
		}
		return insertEvent(ctx, tx, id, "consumer", "case.rate", st.Status, st.Status,
			map[string]any{"score": score, "has_comment": comment != ""}, now)
	})
	return wrap("rating case", err)
}

// ConsumerReply records the consumer's answer on their case (for example
// the information a handler asked for). A case awaiting the consumer goes
// back to in progress; handler consoles are notified.
func (s *Service) ConsumerReply(ctx context.Context, trackingNo, phoneLast4, text string) error {
	text, err := limitText("补充内容", text, maxShortTextRunes, true)
	if err != nil {
		return err
	}
	if _, _, err := s.verifyConsumer(ctx, s.db, trackingNo, phoneLast4); err != nil {
		return wrap("consumer reply", err)
	}
	_, err = s.apply(ctx, Actor{Name: "consumer"}, trackingNo, ActionConsumerReply, func(tx pgx.Tx, c *Case, now time.Time) (effect, error) {
		m := Message{CaseID: c.ID, Direction: FromConsumer, Kind: "consumer", Body: text, Author: "consumer", CreatedAt: now}
		m.Status, _ = NextState(ActionConsumerReply, c.Status)
		if _, err := insertMessage(ctx, tx, m); err != nil {
			return effect{}, err
		}
		return effect{detail: map[string]any{"chars": len([]rune(text))}}, nil
	})
	return err
}

// MessagesForSession returns what handlers told the consumer, and the status
// changes the consumer sees, on cases filed from a chat session after
// since, oldest first (at most 200): the chat replays them on reconnect.
func (s *Service) MessagesForSession(ctx context.Context, sessionID string, since time.Time) ([]ConsumerUpdate, error) {
	if strings.TrimSpace(sessionID) == "" {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, sqlSessionUpdates, sessionID, since)
	if err != nil {
		return nil, fmt.Errorf("reading session updates: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ConsumerUpdate, error) {
		var u ConsumerUpdate
		err := r.Scan(&u.TrackingNo, &u.SessionID, &u.Status, &u.Message, &u.At)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("reading session updates: %w", err)
	}
	return out, nil
}
