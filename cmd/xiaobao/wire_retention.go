package main

import (
	"context"
	"time"

	"github.com/xiaobao-cn/xiaobao/chat"
)

// chatRetentionInterval is how often idle chat sessions are purged. The
// retention period is counted in days, so hourly is prompt enough and the
// indexed query costs nothing when there is nothing to purge.
const chatRetentionInterval = time.Hour

// startChatRetention purges chat sessions idle for XIAOBAO_RETENTION_DAYS
// (whose cases, if any, are closed or merged) now and then every
// chatRetentionInterval until the process closes, alongside the triage
// sweeper that empties the transcripts of closed cases after the same
// period. Every replica may run it: the purge skips rows another one holds.
func (m *Main) startChatRetention(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(chatRetentionInterval)
		defer t.Stop()
		for {
			m.purgeChatSessions(ctx, time.Now())
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	m.onClose(func() { cancel(); <-done })
}

// purgeChatSessions runs one purge as of now and logs what it did.
func (m *Main) purgeChatSessions(ctx context.Context, now time.Time) int64 {
	keep := time.Duration(m.Config.RetentionDays) * 24 * time.Hour
	n, err := chat.PurgeSessions(ctx, m.Pool, now.Add(-keep))
	// A purge that finished reports its count even when Close raced it;
	// only an error caused by the cancellation itself stays quiet.
	switch {
	case err != nil && ctx.Err() != nil:
	case err != nil:
		m.Logger.Error("chat retention purge failed", "err", err)
	case n > 0:
		m.Logger.Info("chat retention purge", "sessions_purged", n, "retention_days", m.Config.RetentionDays)
	}
	return n
}
