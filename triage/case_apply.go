package triage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// updateCase writes the fields an action may change. Actions compute the
// new case in Go on a row locked FOR UPDATE, so one statement serves them
// all and no update is lost.
func updateCase(ctx context.Context, db DBTX, c Case) error {
	_, err := db.Exec(ctx, sqlCaseUpdate, pgx.NamedArgs{
		"id": c.ID, "status": c.Status, "assignee": c.Assignee, "institution": c.Institution, "team": c.Team,
		"priority": c.Priority, "claimed_at": c.ClaimedAt, "outcome": c.Outcome, "resolved_at": c.ResolvedAt,
		"closed_at": c.ClosedAt, "merged_into": c.MergedInto, "intent": c.Intent, "product": c.Product,
		"product_confidence": c.ProductConfidence, "reason": c.Reason, "reason_confidence": c.ReasonConfidence,
		"needs_review": c.NeedsReview, "flags": c.Flags, "complex": c.Complex, "clock_started_at": c.ClockStartedAt,
		"deadline_days": c.DeadlineDays, "extension_days": c.ExtensionDays, "extension_reason": c.ExtensionReason,
		"paused_at": c.PausedAt, "pause_reason": c.PauseReason, "paused_days": c.PausedDays,
		"deadline_at": c.DeadlineAt, "due_soon_at": c.DueSoonAt, "overdue_at": c.OverdueAt, "updated_at": c.UpdatedAt,
	})
	if err != nil {
		return fmt.Errorf("updating case: %w", err)
	}
	return nil
}

// effect is what an action does beyond the state change, built from the
// locked case by the action's function.
type effect struct {
	// detail goes to the audit event; never personal data.
	detail map[string]any
	// toConsumer is a message the consumer sees (kind says what it is);
	// it is stored and sent as a ConsumerUpdate in the same transaction.
	toConsumer, kind string
	// internal is a note only staff see.
	internal string
	// readOnly actions (reveal) write only the audit event.
	readOnly bool
}

// apply runs one handler action on a case in one transaction: lock the
// row, check scope, state and assignee, let fn change the case, then write
// the case, the audit event, any message and the notifications together.
// fn may use tx for what else the action writes (a correction, a merge).
func (s *Service) apply(ctx context.Context, actor Actor, ref, action string, fn func(tx pgx.Tx, c *Case, now time.Time) (effect, error)) (Case, error) {
	if actor.Name == "" {
		return Case{}, errors.New("triage: an action needs an actor name")
	}
	now := s.now()
	var out Case
	err := s.tx(ctx, func(tx pgx.Tx) error {
		c, err := findRef(ctx, tx, ref, true)
		if err != nil {
			return err
		}
		if err := s.checkScope(actor, c); err != nil {
			return err
		}
		to, err := NextState(action, c.Status)
		if err != nil {
			// An action a claimed case allows, on a case waiting in the
			// queue: the useful answer is "claim it first".
			if _, ok := stateMachine[action][StatusClaimed]; ok && (c.Status == StatusNew || c.Status == StatusTransferred) {
				return ErrNotAssignee
			}
			return err
		}
		if needsAssignee(action, c.Status) && c.Assignee != actor.Name {
			if c.Assignee == "" {
				return ErrNotAssignee
			}
			return ErrAlreadyClaimed
		}
		prev := c
		eff, err := fn(tx, &c, now)
		if err != nil {
			return err
		}
		c.Status = to
		if !eff.readOnly {
			c.UpdatedAt = now
			if err := updateCase(ctx, tx, c); err != nil {
				return err
			}
		}
		if err := s.record(ctx, tx, actor.Name, action, prev, c, eff, now); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return Case{}, wrap("case "+action, err)
	}
	return out, nil
}

// record writes what an action did: audit event, messages and the
// notifications for consoles and, if it has something to say, the consumer.
func (s *Service) record(ctx context.Context, tx pgx.Tx, actor, action string, prev, c Case, eff effect, now time.Time) error {
	if err := insertEvent(ctx, tx, c.ID, actor, "case."+action, prev.Status, c.Status, eff.detail, now); err != nil {
		return err
	}
	if eff.internal != "" {
		m := Message{CaseID: c.ID, Direction: Internal, Kind: "note", Body: eff.internal, Status: c.Status, Author: actor, CreatedAt: now}
		if _, err := insertMessage(ctx, tx, m); err != nil {
			return err
		}
	}
	if eff.toConsumer != "" {
		m := Message{CaseID: c.ID, Direction: ToConsumer, Kind: eff.kind, Body: eff.toConsumer, Status: c.Status, Author: actor, CreatedAt: now}
		if _, err := insertMessage(ctx, tx, m); err != nil {
			return err
		}
		u := ConsumerUpdate{TrackingNo: c.TrackingNo, SessionID: c.SessionID, Status: c.Status, Message: eff.toConsumer, At: now}
		if err := notify(ctx, tx, ChannelCaseUpdate, u); err != nil {
			return err
		}
	}
	if eff.readOnly {
		return nil
	}
	ch := CaseChange{ID: c.ID, TrackingNo: c.TrackingNo, Institution: c.Institution, Team: c.Team,
		Status: c.Status, Action: action, Assignee: c.Assignee, DeadlineAt: c.DeadlineAt, At: now}
	if prev.Institution != c.Institution {
		ch.PrevInstitution = prev.Institution
	}
	return notify(ctx, tx, ChannelCaseChanged, ch)
}

// setDeadline recomputes the deadline from the clock and clears the
// sweeper's marks when the new deadline gives the case room again.
func (s *Service) setDeadline(c *Case, now time.Time) {
	c.DeadlineAt = s.cfg.Deadlines.Deadline(c.Clock())
	if c.DeadlineAt.After(now) {
		c.OverdueAt = nil
	}
	if c.DeadlineAt.After(now.Add(s.cfg.Deadlines.DueSoon)) {
		c.DueSoonAt = nil
	}
}

// chineseDate formats a deadline the way notices to consumers write it.
func chineseDate(t time.Time) string { return t.In(ChinaTime).Format("2006年1月2日") }
