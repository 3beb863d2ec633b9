package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

// TestChatRetentionRunsInServe checks the wiring: started as buildServer
// starts it, the purge removes a session idle past XIAOBAO_RETENTION_DAYS
// at once, keeps a recent one, logs the count and stops on Close.
func TestChatRetentionRunsInServe(t *testing.T) {
	t.Parallel()
	_, pool := dbtest.NewDB(t)
	ctx := context.Background()
	var logs bytes.Buffer
	m := NewMain(&bytes.Buffer{}, &bytes.Buffer{})
	m.Pool = pool
	m.Config.RetentionDays = 30
	m.Logger = slog.New(slog.NewJSONHandler(&logs, nil))

	var oldID, newID string
	for _, s := range []struct {
		id  *string
		age string
	}{{&oldID, "31 days"}, {&newID, "29 days"}} {
		err := pool.QueryRow(ctx, `INSERT INTO chat_sessions (resume_token_hash, updated_at)
VALUES (sha256(gen_random_uuid()::text::bytea), now() - $1::interval) RETURNING id::text`, s.age).Scan(s.id)
		if err != nil {
			t.Fatal(err)
		}
	}

	m.startChatRetention(ctx)
	exists := func(id string) bool {
		var ok bool
		if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM chat_sessions WHERE id = $1)`, id).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	// The first purge runs as soon as the goroutine starts; wait for it.
	for deadline := time.Now().Add(10 * time.Second); exists(oldID) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	m.Close() // returns only once the goroutine has stopped
	if exists(oldID) {
		t.Fatal("a session idle past the retention period survived the purge")
	}
	if !exists(newID) {
		t.Fatal("a session within the retention period was purged")
	}
	if !strings.Contains(logs.String(), `"sessions_purged":1`) {
		t.Fatalf("purge not logged: %s", logs.String())
	}
}
