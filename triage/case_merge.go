package triage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// MergeInto ends a duplicate by merging it into another open case of the
// same complainant (第十八条: a repeated complaint within the period may be
// handled together). The consumer is told which tracking number to follow.
func (s *Service) MergeInto(ctx context.Context, actor Actor, ref, intoRef string) (Case, error) {
	return s.apply(ctx, actor, ref, ActionMerge, func(tx pgx.Tx, c *Case, now time.Time) (effect, error) {
		target, err := findRef(ctx, tx, intoRef, true)
		if err == nil {
			err = s.checkScope(actor, target)
		}
		switch {
		case errors.Is(err, ErrNotFound):
			return effect{}, invalidf("要合并到的案件不存在")
		case err != nil:
			return effect{}, err
		case target.ID == c.ID:
			return effect{}, invalidf("不能把案件合并到它自己")
		case !target.Open():
			return effect{}, invalidf("要合并到的案件已%s，不能合并", StatusName(target.Status))
		case !sameComplainant(*c, target):
			return effect{}, invalidf("只能合并同一投诉人的投诉")
		}
		c.MergedInto = &target.ID
		detail := map[string]any{"from": c.TrackingNo, "from_id": c.ID}
		if err := insertEvent(ctx, tx, target.ID, actor.Name, "case.merged_from", target.Status, target.Status, detail, now); err != nil {
			return effect{}, err
		}
		return effect{
			detail:     map[string]any{"into": target.TrackingNo, "into_id": target.ID},
			toConsumer: fmt.Sprintf("您的投诉 %s 与投诉 %s 合并处理，请以 %s 查询处理进度。", c.TrackingNo, target.TrackingNo, target.TrackingNo),
			kind:       "status",
		}, nil
	})
}

// sameComplainant reports whether two cases come from one person: the same
// phone, or the same chat session (a handoff filed before the phone was given).
func sameComplainant(a, b Case) bool {
	return (a.Phone != "" && a.Phone == b.Phone) || (a.SessionID != "" && a.SessionID == b.SessionID)
}
