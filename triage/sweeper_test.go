package triage

import (
	"context"
	"testing"
	"time"
)

func TestSweeperMarksAndCloses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clock := newTxService(t)
	h := handler("王芳", "")
	w := s.NewSweeper(SweeperConfig{})

	a := fileSample(t, s)
	paused := fileSample(t, s)
	_, err := s.Claim(ctx, h, paused.TrackingNo)
	noErr(t, err)
	_, err = s.PauseClock(ctx, h, paused.TrackingNo, "司法鉴定")
	noErr(t, err)
	resolved := fileSample(t, s)
	_, err = s.Claim(ctx, h, resolved.TrackingNo)
	noErr(t, err)
	_, err = s.Resolve(ctx, h, resolved.TrackingNo, ResolveInput{Outcome: "explanation", Message: "已解释收费依据。"})
	noErr(t, err)

	res, err := w.Sweep(ctx)
	noErr(t, err)
	eq(t, res, SweepResult{}, "nothing due on the filing day")

	clock.AddDays(13) // 2 days and a bit before the deadline
	res, err = w.Sweep(ctx)
	noErr(t, err)
	eq(t, res, SweepResult{DueSoon: 1, Closed: 1}, "a is due soon, the paused case is not; the resolved case closes")
	res, err = w.Sweep(ctx)
	noErr(t, err)
	eq(t, res, SweepResult{}, "each mark once")

	closed, err := s.Get(ctx, h, resolved.TrackingNo)
	noErr(t, err)
	eq(t, closed.Status, StatusClosed)
	isTrue(t, closed.ClosedAt != nil)

	clock.AddDays(3)
	res, err = w.Sweep(ctx)
	noErr(t, err)
	eq(t, res, SweepResult{Overdue: 1})
	got, err := s.Get(ctx, h, a.TrackingNo)
	noErr(t, err)
	isTrue(t, got.DueSoonAt != nil && got.OverdueAt != nil, "both marks set")
	eq(t, countRows(t, s.db, `SELECT count(*) FROM case_events WHERE case_id = $1 AND actor = 'system:sweeper'
AND action IN ('deadline.due_soon', 'deadline.overdue')`, a.ID), 2)

	// A year after closing, the transcript goes; the facts stay.
	clock.AddDays(366)
	res, err = w.Sweep(ctx)
	noErr(t, err)
	eq(t, res.Purged, 1, "the auto-closed case's transcript")
	closed, err = s.Get(ctx, h, resolved.TrackingNo)
	noErr(t, err)
	eq(t, len(closed.Transcript), 0)
	isTrue(t, closed.Description != "" && closed.Phone != "", "facts kept")
	res, err = w.Sweep(ctx)
	noErr(t, err)
	eq(t, res.Purged, 0, "purged once")
	clock.AddDays(-366)

	// An extension that gives room again clears the marks.
	_, err = s.Claim(ctx, h, a.TrackingNo)
	noErr(t, err)
	got, err = s.Extend(ctx, h, a.TrackingNo, ExtendInput{Complex: true, Reason: "需调查"})
	noErr(t, err)
	isTrue(t, got.DueSoonAt == nil && got.OverdueAt == nil, "marks cleared: %v %v", got.DueSoonAt, got.OverdueAt)
}

func TestSweeperStartStop(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool, clock := newDBService(t)
	c := fileSample(t, s)
	clock.AddDays(20)
	w := s.NewSweeper(SweeperConfig{Interval: 20 * time.Millisecond})
	noErr(t, w.Start(ctx))
	isTrue(t, w.Start(ctx) != nil, "a second Start is refused")
	deadline := time.Now().Add(10 * time.Second)
	for countRows(t, pool, `SELECT count(*) FROM cases WHERE id = $1 AND overdue_at IS NOT NULL`, c.ID) == 0 {
		isTrue(t, time.Now().Before(deadline), "the background sweep never marked the case")
		time.Sleep(10 * time.Millisecond)
	}
	w.Stop()
	w.Stop()
}
