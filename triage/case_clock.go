package triage

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The legal clock of a case (第十八条): extensions, pauses for outside
// appraisal and restarts when the consumer brings new facts. Each tells the
// consumer the new deadline.

// ExtendInput is a deadline extension (第十八条): a complex case moves to
// the complex period, and a particularly complex one may get extra days.
type ExtendInput struct {
	// Complex switches the case to the complex decision period.
	Complex bool `json:"complex"`
	// Days adds extra days, within the configured extension budget.
	Days int `json:"days"`
	// Reason is required; it is told to the consumer.
	Reason string `json:"reason"`
	// ApprovedBy names who approved the extension, as the rule requires
	// senior approval; recorded in the audit trail.
	ApprovedBy string `json:"approved_by"`
}

// Extend lengthens the deadline with a reason and notifies the consumer.
func (s *Service) Extend(ctx context.Context, actor Actor, ref string, in ExtendInput) (Case, error) {
	reason, err := limitText("延期原因", in.Reason, maxShortTextRunes, true)
	if err != nil {
		return Case{}, err
	}
	approver, err := limitText("审批人", in.ApprovedBy, maxNameRunes, false)
	if err != nil {
		return Case{}, err
	}
	if in.Days < 0 || (!in.Complex && in.Days == 0) {
		return Case{}, invalidf("请填写延长的天数，或标记为复杂案件")
	}
	return s.apply(ctx, actor, ref, ActionExtend, func(tx pgx.Tx, c *Case, now time.Time) (effect, error) {
		budget := s.cfg.Deadlines.maxExtension()
		if c.ExtensionDays+in.Days > budget {
			return effect{}, fmt.Errorf("%w: 已延长 %d 天，最多可再延长 %d 天", ErrExtensionExhausted, c.ExtensionDays, budget-c.ExtensionDays)
		}
		if in.Complex && c.Complex && in.Days == 0 {
			return effect{}, invalidf("该案件已按复杂案件计算期限")
		}
		before := c.DeadlineAt
		if in.Complex {
			c.Complex, c.DeadlineDays = true, s.cfg.Deadlines.ComplexDays
		}
		c.ExtensionDays += in.Days
		c.ExtensionReason = reason
		s.setDeadline(c, now)
		notice := fmt.Sprintf("因%s，您的投诉处理期限延长至%s。", reason, chineseDate(c.DeadlineAt))
		return effect{
			detail: map[string]any{"complex": c.Complex, "days": in.Days, "reason": reason, "approved_by": approver,
				"deadline_before": before, "deadline_after": c.DeadlineAt},
			toConsumer: notice, kind: "extension",
		}, nil
	})
}

// PauseClock stops the legal clock while an outside body appraises, tests
// or assesses (or during mediation); the consumer must be told (第十八条).
func (s *Service) PauseClock(ctx context.Context, actor Actor, ref, reason string) (Case, error) {
	reason, err := limitText("暂停原因", reason, maxShortTextRunes, true)
	if err != nil {
		return Case{}, err
	}
	return s.apply(ctx, actor, ref, ActionPause, func(tx pgx.Tx, c *Case, now time.Time) (effect, error) {
		if c.PausedAt != nil {
			return effect{}, invalidf("处理期限已在暂停中")
		}
		c.PausedAt, c.PauseReason = &now, reason
		return effect{
			detail:     map[string]any{"reason": reason},
			toConsumer: fmt.Sprintf("因%s，需要外部机构协助，相关期间不计入处理期限。完成后我们会继续处理并告知您新的期限。", reason),
			kind:       "clock",
		}, nil
	})
}

// ResumeClock restarts a paused clock; the paused days extend the deadline.
func (s *Service) ResumeClock(ctx context.Context, actor Actor, ref string) (Case, error) {
	return s.apply(ctx, actor, ref, ActionResume, func(tx pgx.Tx, c *Case, now time.Time) (effect, error) {
		if c.PausedAt == nil {
			return effect{}, invalidf("处理期限没有暂停")
		}
		days := s.cfg.Deadlines.CountedDays(*c.PausedAt, now)
		c.PausedDays += days
		c.PausedAt, c.PauseReason = nil, ""
		s.setDeadline(c, now)
		return effect{
			detail:     map[string]any{"paused_days": days, "deadline_at": c.DeadlineAt},
			toConsumer: fmt.Sprintf("外部机构的工作已完成，我们继续处理您的投诉，处理期限为%s前。", chineseDate(c.DeadlineAt)),
			kind:       "clock",
		}, nil
	})
}

// RestartClock restarts the period from today because the consumer brought
// new facts and reasons (第十八条); a granted extension stays granted.
func (s *Service) RestartClock(ctx context.Context, actor Actor, ref, reason string) (Case, error) {
	reason, err := limitText("新的事实和理由", reason, maxShortTextRunes, true)
	if err != nil {
		return Case{}, err
	}
	return s.apply(ctx, actor, ref, ActionRestartClock, func(tx pgx.Tx, c *Case, now time.Time) (effect, error) {
		before := c.DeadlineAt
		c.ClockStartedAt, c.PausedDays, c.PausedAt, c.PauseReason = now, 0, nil, ""
		s.setDeadline(c, now)
		return effect{
			detail:     map[string]any{"reason": reason, "deadline_before": before, "deadline_after": c.DeadlineAt},
			toConsumer: fmt.Sprintf("因您提供了新的事实和理由，处理期限自今日起重新计算，新的期限为%s前。", chineseDate(c.DeadlineAt)),
			kind:       "clock",
		}, nil
	})
}
