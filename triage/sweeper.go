package triage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// SweeperConfig configures a Sweeper.
type SweeperConfig struct {
	// Interval is the time between sweeps. Defaults to 1 minute.
	Interval time.Duration
	// Batch bounds how many cases one step of a sweep touches, so a backlog
	// is worked off in short transactions. Defaults to 500.
	Batch int
}

// Sweeper watches the legal clock in the background: it marks cases due
// soon and overdue (once each, with an audit event and a console
// notification), closes resolved cases after AutoCloseAfter and empties
// the transcripts of long-closed cases after TranscriptRetention. Several
// replicas may sweep at once; SKIP LOCKED and the marks keep each case
// handled once.
type Sweeper struct {
	s   *Service
	cfg SweeperConfig

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// SweepResult counts what one sweep did.
type SweepResult struct {
	DueSoon int `json:"due_soon"`
	Overdue int `json:"overdue"`
	Closed  int `json:"closed"`
	Purged  int `json:"purged"`
}

// NewSweeper returns a stopped sweeper for s.
func (s *Service) NewSweeper(cfg SweeperConfig) *Sweeper {
	cfg.Interval = cmp.Or(cfg.Interval, time.Minute)
	cfg.Batch = cmp.Or(cfg.Batch, 500)
	return &Sweeper{s: s, cfg: cfg}
}

// Start sweeps now and then every Interval until Stop or ctx ends.
func (w *Sweeper) Start(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancel != nil {
		return errors.New("triage: sweeper already started")
	}
	ctx, w.cancel = context.WithCancel(ctx)
	w.done = make(chan struct{})
	go w.run(ctx, w.done)
	return nil
}

// Stop ends the background sweeps and waits for a running one to finish.
func (w *Sweeper) Stop() {
	w.mu.Lock()
	cancel, done := w.cancel, w.done
	w.cancel = nil
	w.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

func (w *Sweeper) run(ctx context.Context, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(w.cfg.Interval)
	defer t.Stop()
	for {
		res, err := w.Sweep(ctx)
		// A sweep that finished is logged even when Stop raced it; only an
		// error caused by the cancellation itself stays quiet.
		switch {
		case err != nil && ctx.Err() != nil:
			return
		case err != nil:
			w.s.log.Error("deadline sweep failed", "err", err)
		case res != SweepResult{}:
			w.s.log.Info("deadline sweep", "due_soon", res.DueSoon, "overdue", res.Overdue, "closed", res.Closed,
				"transcripts_purged", res.Purged)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweeperActor is how the sweeper appears in audit trails.
const sweeperActor = "system:sweeper"

// Sweep runs one pass: due-soon marks, overdue marks, auto-closing.
func (w *Sweeper) Sweep(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	var err error
	now := w.s.now()
	if res.DueSoon, err = w.mark(ctx, sqlSweepDueSoon, "due_soon", now); err != nil {
		return res, fmt.Errorf("marking due-soon cases: %w", err)
	}
	if res.Overdue, err = w.mark(ctx, sqlSweepOverdue, "overdue", now); err != nil {
		return res, fmt.Errorf("marking overdue cases: %w", err)
	}
	if res.Closed, err = w.autoClose(ctx, now); err != nil {
		return res, fmt.Errorf("closing resolved cases: %w", err)
	}
	tag, err := w.s.db.Exec(ctx, sqlSweepPurgeTranscripts, pgx.NamedArgs{
		"before": now.Add(-w.s.cfg.TranscriptRetention), "batch": w.cfg.Batch, "now": now, "actor": sweeperActor,
	})
	if err != nil {
		return res, fmt.Errorf("purging old transcripts: %w", err)
	}
	res.Purged = int(tag.RowsAffected())
	return res, nil
}

// mark sets one deadline mark on a batch and tells audit trail and consoles.
func (w *Sweeper) mark(ctx context.Context, sql, what string, now time.Time) (int, error) {
	var n int
	err := w.s.tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sql, pgx.NamedArgs{
			"open": openStatuses, "now": now, "soon": now.Add(w.s.cfg.Deadlines.DueSoon), "batch": w.cfg.Batch,
		})
		if err != nil {
			return err
		}
		marked, err := pgx.CollectRows(rows, pgx.RowToStructByName[sweptRow])
		if err != nil {
			return err
		}
		for _, r := range marked {
			ch := CaseChange{ID: r.ID, TrackingNo: r.TrackingNo, Institution: r.Institution, Team: r.Team,
				Status: r.Status, Assignee: r.Assignee, DeadlineAt: r.DeadlineAt, Action: what, At: now}
			detail := map[string]any{"deadline_at": ch.DeadlineAt}
			if err := insertEvent(ctx, tx, ch.ID, sweeperActor, "deadline."+what, ch.Status, ch.Status, detail, now); err != nil {
				return err
			}
			if err := notify(ctx, tx, ChannelCaseChanged, ch); err != nil {
				return err
			}
			if what == "overdue" {
				w.s.log.Warn("case overdue", "tracking_no", ch.TrackingNo, "team", ch.Team, "deadline_at", ch.DeadlineAt)
			}
		}
		n = len(marked)
		return nil
	})
	return n, err
}

// sweptRow is a case the sweeper just marked.
type sweptRow struct {
	ID          int64     `db:"id"`
	TrackingNo  string    `db:"tracking_no"`
	Institution string    `db:"institution"`
	Team        string    `db:"team"`
	Status      string    `db:"status"`
	Assignee    string    `db:"assignee"`
	DeadlineAt  time.Time `db:"deadline_at"`
}

// autoClose closes resolved cases nobody reopened within AutoCloseAfter.
func (w *Sweeper) autoClose(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := w.s.tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sqlSweepResolved, now.Add(-w.s.cfg.AutoCloseAfter), w.cfg.Batch)
		if err != nil {
			return err
		}
		cases, err := pgx.CollectRows(rows, pgx.RowToStructByName[Case])
		if err != nil {
			return err
		}
		for _, c := range cases {
			prev := c
			c.Status, c.ClosedAt, c.UpdatedAt = StatusClosed, &now, now
			if err := updateCase(ctx, tx, c); err != nil {
				return err
			}
			eff := effect{detail: map[string]any{"auto": true}, kind: "status",
				toConsumer: "您的投诉已办结。欢迎对本次处理作出评价（1–5 分），帮助我们改进。"}
			if err := w.s.record(ctx, tx, sweeperActor, ActionClose, prev, c, eff, now); err != nil {
				return err
			}
		}
		n = len(cases)
		return nil
	})
	return n, err
}
