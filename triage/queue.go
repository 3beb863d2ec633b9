package triage

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"
)

// claimNotice tells the consumer a person has their complaint.
const claimNotice = "您的投诉已有工作人员开始处理，如需补充信息我们会与您联系。"

// ClaimNext claims the most urgent case waiting in the actor's scope
// (optionally one team's queue): lowest priority number first, then the
// nearest deadline. ErrQueueEmpty when nothing waits.
func (s *Service) ClaimNext(ctx context.Context, actor Actor, team string) (Case, error) {
	if actor.Name == "" {
		return Case{}, errors.New("triage: claiming needs an actor name")
	}
	now := s.now()
	var out Case
	err := s.tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sqlClaimNext, pgx.NamedArgs{
			"scope": s.Scope(actor.Institution), "team": team, "assignee": actor.Name, "now": now,
		})
		if err != nil {
			return err
		}
		row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[claimedRow])
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrQueueEmpty
		}
		if err != nil {
			return err
		}
		prev := row.Case
		prev.Status, prev.Assignee = row.PrevStatus, ""
		if err := s.record(ctx, tx, actor.Name, ActionClaim, prev, row.Case, claimEffect(), now); err != nil {
			return err
		}
		out = row.Case
		return nil
	})
	if err != nil {
		return Case{}, wrap("claiming next case", err)
	}
	return out, nil
}

// claimedRow is a claimed case with the state it was claimed from.
type claimedRow struct {
	PrevStatus string `db:"prev_status"`
	Case
}

func claimEffect() effect { return effect{toConsumer: claimNotice, kind: "status"} }

// Claim claims one case. Claiming a case the actor already holds returns
// it unchanged; a case another handler holds is ErrAlreadyClaimed.
func (s *Service) Claim(ctx context.Context, actor Actor, ref string) (Case, error) {
	if actor.Name == "" {
		return Case{}, errors.New("triage: claiming needs an actor name")
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
		if slices.Contains(handling, c.Status) {
			if c.Assignee == actor.Name {
				out = c
				return nil
			}
			return ErrAlreadyClaimed
		}
		to, err := NextState(ActionClaim, c.Status)
		if err != nil {
			return err
		}
		prev := c
		c.Status, c.Assignee, c.ClaimedAt, c.UpdatedAt = to, actor.Name, &now, now
		if err := updateCase(ctx, tx, c); err != nil {
			return err
		}
		if err := s.record(ctx, tx, actor.Name, ActionClaim, prev, c, claimEffect(), now); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return Case{}, wrap("claiming case", err)
	}
	return out, nil
}

// QueueDepth counts the claimable cases in a scope, for console badges and
// metrics.
func (s *Service) QueueDepth(ctx context.Context, actor Actor) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, sqlQueueDepth, s.Scope(actor.Institution)).Scan(&n)
	if err != nil {
		return 0, wrap("counting queue", err)
	}
	return n, nil
}
