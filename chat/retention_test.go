package chat

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

var retentionSeq atomic.Int64

// retentionFixture writes sessions and cases straight into a rolled-back
// transaction: what matters here is which rows the purge picks.
type retentionFixture struct {
	t   *testing.T
	tx  pgx.Tx
	now time.Time
}

// session stores a session last updated age ago, with one message, and
// returns its id.
func (f *retentionFixture) session(age time.Duration, formPhone, said string) string {
	f.t.Helper()
	ctx := context.Background()
	s, _, err := createSession(ctx, f.tx)
	if err != nil {
		f.t.Fatal(err)
	}
	if formPhone != "" {
		s.State.Form.Phone = formPhone
	}
	if _, err := f.tx.Exec(ctx, `UPDATE chat_sessions SET state = $2, updated_at = $3 WHERE id = $1`, s.ID, s.State, f.now.Add(-age)); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.tx.Exec(ctx, `INSERT INTO chat_messages (session_id, role, text) VALUES ($1, 'consumer', $2)`, s.ID, said); err != nil {
		f.t.Fatal(err)
	}
	return s.ID
}

// filed stores a case from session with a status, closed (or last updated)
// closedAgo ago.
func (f *retentionFixture) filed(session, phone, status string, closedAgo time.Duration) {
	f.t.Helper()
	at := f.now.Add(-closedAgo)
	var closed *time.Time
	if status == "closed" {
		closed = &at
	}
	// Random like real tracking numbers: parallel transactions inserting
	// the same one would wait on each other's unique-index entry.
	no := fmt.Sprintf("TS20260101-%08d", rand.IntN(100000000))
	_, err := f.tx.Exec(context.Background(), `INSERT INTO cases (tracking_no, session_id, channel, phone, description, status,
    closed_at, clock_started_at, deadline_days, deadline_at, created_at, updated_at)
VALUES ($1, $2, 'chat', $3, '年费', $4, $5, $6, 15, $6, $6, $6)`, no, session, phone, status, closed, at)
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *retentionFixture) exists(id string) bool {
	f.t.Helper()
	var n int
	if err := f.tx.QueryRow(context.Background(),
		`SELECT (SELECT count(*) FROM chat_sessions WHERE id = $1) + (SELECT count(*) FROM chat_messages WHERE session_id = $1)`, id).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n > 0
}

func TestPurgeSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := &retentionFixture{t: t, tx: dbtest.TestTx(t), now: time.Now()}
	const day = 24 * time.Hour
	year := 365 * day

	idleNoCase := f.session(400*day, "", "你好")
	idleClosed := f.session(400*day, "", "投诉年费")
	f.filed(idleClosed, "13800000001", "closed", 380*day)
	idleMerged := f.session(400*day, "", "投诉年费")
	f.filed(idleMerged, "13800000002", "merged", 390*day)
	idleOpen := f.session(400*day, "", "投诉年费")
	f.filed(idleOpen, "13800000003", "in_progress", 390*day)
	idleRecentlyClosed := f.session(400*day, "", "投诉年费")
	f.filed(idleRecentlyClosed, "13800000004", "closed", 10*day)
	idleOneOpen := f.session(400*day, "", "两件投诉")
	f.filed(idleOneOpen, "13800000005", "closed", 380*day)
	f.filed(idleOneOpen, "13800000005", "resolved", 380*day)
	recent := f.session(10*day, "", "你好")

	n, err := PurgeSessions(ctx, f.tx, f.now.Add(-year))
	if err != nil {
		t.Fatal(err)
	}
	// Other tests' rows are invisible (each in its own rolled-back
	// transaction), so the count is exactly ours.
	if n != 3 {
		t.Errorf("purged %d sessions, want 3", n)
	}
	for name, c := range map[string]struct {
		id   string
		kept bool
	}{
		"idle, never filed":              {idleNoCase, false},
		"idle, case closed long ago":     {idleClosed, false},
		"idle, case merged long ago":     {idleMerged, false},
		"idle, case still open":          {idleOpen, true},
		"idle, case closed recently":     {idleRecentlyClosed, true},
		"idle, one of two cases pending": {idleOneOpen, true},
		"recently active":                {recent, true},
	} {
		if got := f.exists(c.id); got != c.kept {
			t.Errorf("%s: kept = %v, want %v", name, got, c.kept)
		}
	}
	if n, err = PurgeSessions(ctx, f.tx, f.now.Add(-year)); err != nil || n != 0 {
		t.Fatalf("second purge = %d, %v; want nothing left to purge", n, err)
	}
}

func TestDeleteSessionsForPhone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := &retentionFixture{t: t, tx: dbtest.TestTx(t), now: time.Now()}
	phone := fmt.Sprintf("1391%07d", retentionSeq.Add(1))
	spaced := phone[:3] + " " + phone[3:7] + "-" + phone[7:]
	fullWidth := ""
	for _, r := range phone {
		fullWidth += string('０' + (r - '0'))
	}

	linked := f.session(time.Hour, "", "信用卡年费")
	f.filed(linked, phone, "in_progress", time.Hour)
	inForm := f.session(time.Hour, phone, "算了不投诉了")
	typed := f.session(time.Hour, "", "我的电话是"+spaced)
	typedWide := f.session(time.Hour, "", "电话"+fullWidth)
	someoneElse := f.session(time.Hour, "13700000000", "我的电话是13700000000")
	otherCase := f.session(time.Hour, "", "年费")
	f.filed(otherCase, "13700000000", "new", time.Hour)

	n, err := DeleteSessionsForPhone(ctx, f.tx, phone)
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("deleted %d sessions, want 4", n)
	}
	for name, c := range map[string]struct {
		id   string
		kept bool
	}{
		"linked by a case":       {linked, false},
		"phone in the form":      {inForm, false},
		"phone typed with gaps":  {typed, false},
		"phone typed full-width": {typedWide, false},
		"another consumer":       {someoneElse, true},
		"another consumer case":  {otherCase, true},
	} {
		if got := f.exists(c.id); got != c.kept {
			t.Errorf("%s: kept = %v, want %v", name, got, c.kept)
		}
	}

	for _, bad := range []string{"", "138", "1381234567890123", "13812345'--"} {
		if _, err := DeleteSessionsForPhone(ctx, f.tx, bad); err == nil {
			t.Errorf("DeleteSessionsForPhone(%q) accepted a pattern that is not a phone", bad)
		}
	}
}
