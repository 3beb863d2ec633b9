package triage

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// maxMessageRunes bounds a handler's message to a consumer.
const maxMessageRunes = 4000

// Outcomes of a decision (处理结果), with the names consumers see.
var Outcomes = []Code{
	{"explanation", "解释说明"}, {"refund", "退费"}, {"compensation", "赔偿"},
	{"correction", "更正记录"}, {"other", "其他"},
}

// remediesNotice ends every decision, because 第十九条 requires telling the
// consumer what they can do if they disagree.
const remediesNotice = "如对处理结果有异议，您可以自收到处理决定之日起30日内向被投诉机构的上级机构书面申请核查，" +
	"也可以申请调解、仲裁或依法向人民法院提起诉讼。"

// Start marks a claimed case as being worked, or resumes work after the
// consumer answered outside the chat.
func (s *Service) Start(ctx context.Context, actor Actor, ref string) (Case, error) {
	return s.apply(ctx, actor, ref, ActionStart, func(tx pgx.Tx, c *Case, now time.Time) (effect, error) {
		eff := effect{}
		if c.Status == StatusAwaitingConsumer {
			eff.toConsumer, eff.kind = "已收到您补充的信息，我们会继续处理您的投诉。", "status"
		}
		return eff, nil
	})
}

// Reply sends the consumer a message from the handler.
func (s *Service) Reply(ctx context.Context, actor Actor, ref, message string) (Case, error) {
	message, err := limitText("回复内容", message, maxMessageRunes, true)
	if err != nil {
		return Case{}, err
	}
	return s.apply(ctx, actor, ref, ActionReply, func(tx pgx.Tx, c *Case, now time.Time) (effect, error) {
		return effect{toConsumer: message, kind: "reply"}, nil
	})
}

// Ask asks the consumer for more information; the case then awaits them.
func (s *Service) Ask(ctx context.Context, actor Actor, ref, question string) (Case, error) {
	question, err := limitText("需要补充的信息", question, maxMessageRunes, true)
	if err != nil {
		return Case{}, err
	}
	return s.apply(ctx, actor, ref, ActionAsk, func(tx pgx.Tx, c *Case, now time.Time) (effect, error) {
		return effect{toConsumer: question, kind: "ask"}, nil
	})
}

// TransferInput moves a case to another institution or team (转办).
type TransferInput struct {
	Institution string `json:"institution"`
	Team        string `json:"team"`
	Note        string `json:"note"`
}

// Transfer hands a case to another institution or team. It leaves the
// current handler's hands and waits in the new queue; the consumer is told
// and the legal clock keeps running.
func (s *Service) Transfer(ctx context.Context, actor Actor, ref string, in TransferInput) (Case, error) {
	note, err := limitText("转办说明", in.Note, maxShortTextRunes, true)
	if err != nil {
		return Case{}, err
	}
	inst, err := limitText("机构", in.Institution, maxInstitutionRunes, false)
	if err != nil {
		return Case{}, err
	}
	team, err := limitText("团队", in.Team, maxNameRunes, false)
	if err != nil {
		return Case{}, err
	}
	if inst == "" && team == "" {
		return Case{}, invalidf("请选择转办的机构或团队")
	}
	return s.apply(ctx, actor, ref, ActionTransfer, func(tx pgx.Tx, c *Case, now time.Time) (effect, error) {
		from := map[string]any{"institution": c.Institution, "team": c.Team}
		if inst != "" {
			c.Institution, _ = s.cfg.Routing.Canonical(inst)
			if team == "" {
				team = cmp.Or(s.cfg.Routing.TeamOf(c.Institution), s.cfg.Routing.cfg.DefaultTeam)
			}
		}
		if team != "" {
			c.Team = team
		}
		if c.Institution == from["institution"] && c.Team == from["team"] {
			return effect{}, invalidf("转办目标与当前机构和团队相同")
		}
		c.Assignee, c.ClaimedAt = "", nil
		eff := effect{
			detail:   map[string]any{"from": from, "to": map[string]any{"institution": c.Institution, "team": c.Team}},
			internal: note,
		}
		if c.Institution != from["institution"] {
			eff.toConsumer = fmt.Sprintf("您的投诉已转交%s处理，处理期限不变（%s前）。", c.Institution, chineseDate(c.DeadlineAt))
			eff.kind = "transfer"
		}
		return eff, nil
	})
}

// ResolveInput is the decision on a case.
type ResolveInput struct {
	// Outcome is one of Outcomes' codes.
	Outcome string `json:"outcome"`
	// Message explains the decision, its facts and basis to the consumer.
	Message string `json:"message"`
}

// Resolve records the decision and tells the consumer, with the remedies
// they have if they disagree (第十九条).
func (s *Service) Resolve(ctx context.Context, actor Actor, ref string, in ResolveInput) (Case, error) {
	if !Valid(Outcomes, in.Outcome) {
		return Case{}, invalidf("处理结果应为：解释说明、退费、赔偿、更正记录或其他")
	}
	message, err := limitText("处理决定说明", in.Message, maxMessageRunes, true)
	if err != nil {
		return Case{}, err
	}
	return s.apply(ctx, actor, ref, ActionResolve, func(tx pgx.Tx, c *Case, now time.Time) (effect, error) {
		c.Outcome, c.ResolvedAt, c.PausedAt = in.Outcome, &now, nil
		onTime := !now.After(c.DeadlineAt)
		body := fmt.Sprintf("处理结果：%s。\n%s\n\n%s", NameOf(Outcomes, in.Outcome), message, remediesNotice)
		return effect{
			detail:     map[string]any{"outcome": in.Outcome, "on_time": onTime, "deadline_at": c.DeadlineAt},
			toConsumer: body, kind: "decision",
		}, nil
	})
}

// Close closes a resolved case.
func (s *Service) Close(ctx context.Context, actor Actor, ref string) (Case, error) {
	return s.apply(ctx, actor, ref, ActionClose, func(tx pgx.Tx, c *Case, now time.Time) (effect, error) {
		c.ClosedAt = &now
		return effect{toConsumer: "您的投诉已办结。欢迎对本次处理作出评价（1–5 分），帮助我们改进。", kind: "status"}, nil
	})
}

// Release puts a claimed case back in the queue.
func (s *Service) Release(ctx context.Context, actor Actor, ref, note string) (Case, error) {
	note, err := limitText("备注", note, maxShortTextRunes, false)
	if err != nil {
		return Case{}, err
	}
	return s.apply(ctx, actor, ref, ActionRelease, func(tx pgx.Tx, c *Case, now time.Time) (effect, error) {
		c.Assignee, c.ClaimedAt = "", nil
		return effect{internal: note}, nil
	})
}

// Note adds an internal note only staff see.
func (s *Service) Note(ctx context.Context, actor Actor, ref, note string) (Case, error) {
	note, err := limitText("备注", note, maxShortTextRunes, true)
	if err != nil {
		return Case{}, err
	}
	return s.apply(ctx, actor, ref, ActionNote, func(tx pgx.Tx, c *Case, now time.Time) (effect, error) {
		return effect{internal: note}, nil
	})
}

// Reveal returns the unmasked case and writes who looked to the audit trail.
func (s *Service) Reveal(ctx context.Context, actor Actor, ref, purpose string) (Case, error) {
	purpose, err := limitText("查看原因", purpose, maxShortTextRunes, false)
	if err != nil {
		return Case{}, err
	}
	return s.apply(ctx, actor, ref, ActionReveal, func(tx pgx.Tx, c *Case, now time.Time) (effect, error) {
		return effect{readOnly: true, detail: map[string]any{
			"fields": []string{"name", "phone", "description", "request", "basis", "transcript"}, "purpose": purpose}}, nil
	})
}
