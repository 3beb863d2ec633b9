package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/xiaobao-cn/xiaobao/knowledge"
	"github.com/xiaobao-cn/xiaobao/triage"
)

// handle runs one inbound frame against the stored session and stores the
// result before returning the frames to send: whatever the consumer is told
// is already durable. A concurrent save from another tab or replica makes
// the turn run again on the fresh state.
func (e *Engine) handle(ctx context.Context, sessionID string, in Inbound, emit func(Outbound), allowLookup func() bool) ([]Outbound, error) {
	for attempt := 0; attempt < 3; attempt++ {
		sess, err := sessionByID(ctx, e.db, sessionID)
		if err != nil {
			e.log.WarnContext(ctx, "loading chat session failed", "session_id", sessionID, "err", err)
			return nil, errUnavailable
		}
		if in.Type == "message" {
			seen, err := messageSeen(ctx, e.db, sessionID, in.ClientMsgID)
			if err != nil {
				return nil, errUnavailable
			}
			if seen {
				return nil, nil // a resend after reconnect: already answered
			}
		}
		t := &turn{ctx: ctx, sess: sess, now: e.now(), emit: emit, allowLookup: allowLookup}
		e.dispatch(t, in)
		if t.err != nil {
			return nil, t.err
		}
		if len(t.rows) == 0 && len(t.out) == 0 {
			return nil, nil
		}
		_, err = saveTurn(ctx, e.db, sess, t.rows)
		if errors.Is(err, errStaleState) {
			continue
		}
		if err != nil {
			e.log.WarnContext(ctx, "saving chat turn failed", "session_id", sessionID, "err", err)
			return nil, errUnavailable
		}
		return t.out, nil
	}
	return nil, errUnavailable
}

func (e *Engine) dispatch(t *turn, in Inbound) {
	switch in.Type {
	case "message":
		t.rows = append(t.rows, messageRow{Role: "consumer", Text: in.Text, ClientMsgID: in.ClientMsgID, Payload: map[string]any{}})
		if e.rateByText(t, in.Text) {
			return
		}
		e.message(t, in.Text)
	case "action":
		e.action(t, in)
	}
}

func (e *Engine) action(t *turn, in Inbound) {
	st := t.st()
	switch in.Name {
	case "confirm":
		if st.Stage == stageConfirm {
			e.file(t)
		} else if st.Form.Filed != "" {
			t.say(Outbound{Text: fmt.Sprintf("您的投诉已经提交过了（编号 %s），不会重复提交。", st.Form.Filed)})
		} else {
			t.say(Outbound{Text: "现在没有待确认的投诉。遇到问题可以直接告诉我经过。"})
		}
	case "edit":
		if st.Stage == stageConfirm || st.Stage == stageIntake {
			t.say(Outbound{Text: "请直接告诉我要改哪一项，比如“机构写错了，是建设银行”“手机号改成 139…”“金额是 3000 元”。", Expecting: st.Expecting})
		}
	case "cancel":
		if st.Stage == stageIntake || st.Stage == stageConfirm {
			e.cancelIntake(t)
		} else {
			st.Stage = stageIdle
			t.say(Outbound{Text: "好的。还有什么可以帮您？"})
		}
	case "handoff":
		e.handoff(t)
	case "status":
		tn := strings.ToUpper(strings.TrimSpace(in.TrackingNo))
		if m := trackingRE.FindStringSubmatch(tn); m != nil {
			tn = "TS" + m[1] + "-" + m[2]
		}
		if !last4OnlyRE.MatchString(in.PhoneLast4) || !trackingRE.MatchString(tn) {
			t.say(Outbound{Text: "请填写正确的投诉编号（形如 TS20261123-4821）和手机号后四位。"})
			return
		}
		e.lookup(t, tn, in.PhoneLast4)
	case "rate":
		e.rate(t, in.TrackingNo, in.Score, in.Comment)
	case "feedback":
		e.feedback(t, in)
	}
}

var last4OnlyRE = regexp.MustCompile(`^\d{4}$`)

var rateTextRE = regexp.MustCompile(`^\s*([1-5])\s*分`)

// rateByText lets a consumer rate with the quick replies ("5分 非常满意").
func (e *Engine) rateByText(t *turn, text string) bool {
	m := rateTextRE.FindStringSubmatch(text)
	if m == nil || t.st().Stage != stageIdle || len(t.st().Cases) == 0 {
		return false
	}
	var tn string
	keys := make([]string, 0, len(t.st().Cases))
	for k := range t.st().Cases {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tn = keys[len(keys)-1]
	e.rate(t, tn, int(m[1][0]-'0'), strings.TrimSpace(text[len(m[0]):]))
	return true
}

func (e *Engine) rate(t *turn, trackingNo string, score int, comment string) {
	last4, ok := t.st().Cases[trackingNo]
	if !ok {
		t.say(Outbound{Text: "请先查询这件投诉（编号和手机号后四位），再给处理打分。"})
		return
	}
	if score < 1 || score > 5 {
		t.say(Outbound{Text: "评分请选择 1 到 5 分。"})
		return
	}
	err := e.tri.Rate(t.ctx, trackingNo, last4, score, comment)
	switch {
	case err == nil:
		t.say(Outbound{Text: "谢谢您的评价！您的意见会帮助我们改进处理质量。"})
	case errors.Is(err, triage.ErrNotFound):
		t.say(Outbound{Text: "没有找到这件投诉。"})
	case errors.Is(err, triage.ErrInvalidTransition):
		t.say(Outbound{Text: "这件投诉还在处理中，处理完成后才能评价。"})
	default:
		t.err = errUnavailable
	}
}

func (e *Engine) feedback(t *turn, in Inbound) {
	if in.Helpful == nil || in.MessageID == "" {
		return
	}
	text, raw, err := botMessage(t.ctx, e.db, t.sess.ID, in.MessageID)
	if err != nil {
		return // unknown or foreign message id: nothing to record
	}
	var p struct {
		Question string  `json:"question"`
		ChunkIDs []int64 `json:"chunk_ids"`
	}
	_ = json.Unmarshal(raw, &p)
	if err := e.kb.RecordFeedback(t.ctx, knowledge.Feedback{
		SessionID: t.sess.ID, MessageID: in.MessageID, Question: p.Question, Answer: text,
		ChunkIDs: p.ChunkIDs, Helpful: *in.Helpful, Comment: in.Comment,
	}); err != nil {
		t.err = errUnavailable
		return
	}
	if !*in.Helpful {
		t.say(Outbound{Text: "谢谢反馈，我们会改进这个回答。如果问题还没解决，可以说“转人工”，或者告诉我具体经过来提交投诉。"})
	}
}

// resume builds the frames a reconnecting widget needs: the transcript with
// the handler's messages merged in by time.
func (e *Engine) resume(ctx context.Context, sessionID string) (Outbound, error) {
	lines, err := history(ctx, e.db, sessionID, 200)
	if err != nil {
		return Outbound{}, err
	}
	items := make([]HistoryItem, 0, len(lines))
	for _, l := range lines {
		if l.Role == "system" {
			// A filing: replay the tracking number, so a consumer whose
			// connection dropped right after confirming still gets it.
			var p struct {
				TrackingNo string `json:"tracking_no"`
				Deadline   string `json:"deadline"`
			}
			if json.Unmarshal(l.Payload, &p) == nil && p.TrackingNo != "" {
				items = append(items, HistoryItem{Role: "system", Text: "投诉已提交，编号 " + p.TrackingNo, At: l.At.Format(time.RFC3339),
					Reply: &Outbound{Type: "filed", TrackingNo: p.TrackingNo, Deadline: p.Deadline}})
			}
			continue
		}
		it := HistoryItem{Role: l.Role, Text: l.Text, At: l.At.Format(time.RFC3339)}
		if l.Role == "bot" {
			var p struct {
				Frame *Outbound `json:"frame"`
			}
			if json.Unmarshal(l.Payload, &p) == nil && p.Frame != nil {
				it.Reply = p.Frame
			}
		}
		items = append(items, it)
	}
	updates, err := e.tri.MessagesForSession(ctx, sessionID, time.Time{})
	if err != nil {
		return Outbound{}, err
	}
	for _, u := range updates {
		if u.Message == "" {
			continue
		}
		items = append(items, HistoryItem{Role: "handler", Text: u.Message, At: u.At.Format(time.RFC3339),
			Reply: &Outbound{Type: "case_update", TrackingNo: u.TrackingNo, Status: u.Status, Message: u.Message}})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].At < items[j].At })
	return Outbound{Type: "history", Messages: items}, nil
}
