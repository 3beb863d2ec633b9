package chat

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xiaobao-cn/xiaobao/triage"
)

// message handles one consumer text: alerts first, then global commands,
// then whatever the current stage expects.
func (e *Engine) message(t *turn, text string) {
	st := t.st()
	st.Turns++
	c := e.tri.Classify(t.ctx, text, t.now)
	t.class = &c
	e.alerts(t, c)
	norm := normalize(text)

	switch {
	case isHandoff(norm):
		e.handoff(t)
		return
	case isCancel(norm) && (st.Stage == stageIntake || st.Stage == stageConfirm):
		e.cancelIntake(t)
		return
	}
	switch st.Stage {
	case stageIntake:
		e.intakeAnswer(t, text, c)
	case stageConfirm:
		e.confirmAnswer(t, text, c)
	case stageStatus:
		if !trackingRE.MatchString(text) && !bare4RE.MatchString(text) {
			// Not a tracking number or digits: the consumer moved on.
			st.Stage = stageIdle
			e.idle(t, text, c)
			return
		}
		e.statusAnswer(t, text)
	default:
		e.idle(t, text, c)
	}
}

// alerts puts crisis and fraud alerts before any other reply, crisis first
// when a message has both: a life comes before money, and someone
// despairing over a scam should not first be told how to stop a transfer.
// The same banner is not repeated on the very next message of one story.
func (e *Engine) alerts(t *turn, c triage.Classification) {
	st := t.st()
	if st.Alerted == nil {
		st.Alerted = map[string]int{}
	}
	// A flag on the message right after one that already alerted is the same
	// story going on; a later one, or the first, alerts again.
	fresh := func(kind string) bool {
		last, seen := st.Alerted[kind]
		return !seen || last != st.Turns-1
	}
	if c.HasFlag("crisis") {
		if fresh("crisis") {
			t.say(crisisAlert())
		}
		st.Alerted["crisis"] = st.Turns
	}
	if c.HasFlag("fraud_in_progress") {
		if fresh("fraud") {
			t.say(fraudAlert(c.Institution))
		}
		st.Alerted["fraud"] = st.Turns
	}
}

func (e *Engine) idle(t *turn, text string, c triage.Classification) {
	st := t.st()
	explicit := containsAny(normalize(text), complaintWords...)
	if !explicit && (trackingRE.MatchString(text) || (c.Intent == "status" && containsAny(text, statusWords...))) {
		e.startStatus(t, text)
		return
	}
	if isConfirm(normalize(text)) && st.Form.Filed != "" {
		t.say(Outbound{Text: fmt.Sprintf("您的投诉已经提交过了（编号 %s），不会重复提交。需要查询进度可以随时告诉我。", st.Form.Filed),
			QuickReplies: []string{"查询进度"}})
		return
	}
	intent := c.Intent
	if explicit {
		intent = "complaint" // said in so many words; the model may hear a question
	}
	if intent == "status" {
		// A status query without a tracking number or status words is
		// usually a question about deadlines ("多久给我答复？").
		intent = "question"
	}
	switch intent {
	case "complaint":
		e.startIntake(t, text, c)
	case "question":
		e.answer(t, text, true)
	default:
		if c.HasFlag("fraud_in_progress") || c.HasFlag("crisis") {
			t.say(Outbound{Text: "如果您愿意，可以告诉我发生了什么，我帮您一起想办法。",
				QuickReplies: []string{"我被骗了怎么办", "我要投诉", "转人工"}})
			return
		}
		e.chitchat(t, text)
	}
}

func (e *Engine) chitchat(t *turn, text string) {
	norm := normalize(text)
	var reply string
	switch {
	case containsAny(norm, "谢谢", "感谢", "多谢", "辛苦"):
		reply = "不客气！还有其他问题随时告诉我。"
	case containsAny(norm, "机器人", "真人", "你是谁", "ai"):
		reply = "我是小保，一个帮您处理金融消费问题的自动助手。需要真人处理时，说“转人工”就可以。"
	case containsAny(norm, "你好", "您好", "在吗", "hello", "hi", "嗨", "早上好", "晚上好"):
		reply = "您好！我是小保。遇到银行、保险、支付或贷款方面的问题，可以直接告诉我发生了什么，我帮您整理并提交投诉；也可以问我相关的规定。"
	default:
		reply = "我是小保，专门帮您处理银行、保险、支付和贷款方面的问题。您可以直接说遇到了什么事，或者问我相关规定。"
	}
	t.say(Outbound{Text: reply, QuickReplies: []string{"我要投诉", "查询投诉进度", "投诉多久有答复？"}})
}

// answer replies from the knowledge base, honestly saying so when there is
// no confident answer. The question is recorded for staff in that case.
func (e *Engine) answer(t *turn, question string, standalone bool) {
	id := newMessageID()
	streamed := false
	a, err := e.kb.AnswerStream(t.ctx, question, func(delta string) {
		streamed = true
		if t.emit != nil {
			t.emit(Outbound{Type: "reply_delta", ID: id, Delta: delta})
		}
	})
	if err != nil {
		e.log.WarnContext(t.ctx, "knowledge answer failed", "session_id", t.sess.ID, "err", err)
	}
	if err != nil || !a.Confident {
		// Answer.Score is on the relevance threshold's scale, so staff can
		// see how far from answerable each question was.
		if rerr := e.kb.RecordUnanswered(t.ctx, question, t.sess.ID, a.Score); rerr != nil {
			e.log.WarnContext(t.ctx, "recording unanswered question failed", "err", rerr)
		}
		typ := "reply"
		if streamed {
			typ = "reply_end"
		}
		o := Outbound{Type: typ, ID: id,
			Text: "这个问题我暂时没有把握回答准确，不想给您不对的信息。您可以换个说法再问；如果是遇到了具体的纠纷，直接告诉我经过，我帮您提交投诉；也可以转人工。"}
		if standalone {
			o.QuickReplies = []string{"我要投诉", "转人工"}
		}
		t.say(o)
		return
	}
	cites := make([]Citation, 0, len(a.Citations))
	for _, c := range a.Citations {
		cites = append(cites, Citation{Title: c.Title, Citation: c.Citation, DocumentID: c.DocumentID})
	}
	chunkIDs := make([]int64, 0, len(a.Hits))
	for _, h := range a.Hits {
		chunkIDs = append(chunkIDs, h.ChunkID)
	}
	typ := "reply"
	if streamed {
		typ = "reply_end"
	}
	o := Outbound{Type: typ, ID: id, Text: a.Text, Citations: cites, Answer: true}
	if standalone {
		o.QuickReplies = []string{"我要投诉", "还有别的问题"}
	}
	t.sayWith(o, map[string]any{"question": question, "chunk_ids": chunkIDs})
}

// complaintWords say in so many words that the consumer wants something
// done, whatever the intent model hears: "有没有人管管" ends an indignant
// story, not a question for the knowledge base.
var complaintWords = []string{"我要投诉", "我想投诉", "投诉一下", "帮我投诉", "有没有人管", "有人管管", "有人管吗", "谁来管管", "没人管吗"}

// statusWords back up the intent model before a status lookup starts, so an
// angry "有没有人管管" is not mistaken for a progress query.
var statusWords = []string{"进度", "有结果", "处理结果", "结果出来", "编号", "查一下", "查查", "查询", "处理到", "回复了", "怎么样了", "受理", "处理了没", "有消息"}

var trackingRE = regexp.MustCompile(`(?i)TS\s*-?\s*(\d{8})\s*-\s*(\d{4,6})`)
var last4RE = regexp.MustCompile(`(?:尾号|后四位|后4位|末四位)[^\d]{0,4}(\d{4})`)
var bare4RE = regexp.MustCompile(`(?:^|\D)(\d{4})(?:\D|$)`)

func (e *Engine) startStatus(t *turn, text string) {
	st := t.st()
	st.Stage = stageStatus
	st.Form = Form{Filled: map[string]bool{}}
	e.statusAnswer(t, text)
}

// statusAnswer gathers a tracking number and the phone's last four digits
// over one or more messages, then looks the case up.
func (e *Engine) statusAnswer(t *turn, text string) {
	st := t.st()
	if m := trackingRE.FindStringSubmatch(text); m != nil {
		st.Form.Description = "TS" + m[1] + "-" + m[2]
		text = trackingRE.ReplaceAllString(text, " ")
	}
	if m := last4RE.FindStringSubmatch(text); m != nil {
		st.Form.Phone = m[1]
	} else if m := bare4RE.FindStringSubmatch(text); m != nil && st.Form.Description != "" {
		st.Form.Phone = m[1]
	}
	switch {
	case st.Form.Description == "" && len(st.Cases) == 1:
		for tn, last4 := range st.Cases {
			st.Form.Description, st.Form.Phone = tn, last4
		}
		e.lookup(t, st.Form.Description, st.Form.Phone)
	case st.Form.Description == "":
		t.say(Outbound{Text: "请告诉我投诉编号（形如 TS20261123-4821）和登记手机号的后四位，我帮您查询进度。", Expecting: "tracking_no"})
	case st.Form.Phone == "":
		t.say(Outbound{Text: "好的，请再告诉我登记手机号的后四位，用来核实是您本人的投诉。", Expecting: "phone_last4"})
	default:
		e.lookup(t, st.Form.Description, st.Form.Phone)
	}
}

// lookup answers a status query. A wrong number and a wrong phone suffix
// get the same reply, so the lookup never confirms that a case exists.
func (e *Engine) lookup(t *turn, trackingNo, last4 string) {
	st := t.st()
	st.Stage = stageIdle
	st.Form = Form{}
	if st.LookupWindow.Before(t.now.Add(-15 * time.Minute)) {
		st.LookupWindow, st.FailedLookups = t.now, 0
	}
	if st.FailedLookups >= 5 {
		t.say(Outbound{Text: "查询失败次数太多了，为保护投诉人的信息，请 15 分钟后再试。"})
		return
	}
	if t.allowLookup != nil && !t.allowLookup() {
		t.say(Outbound{Text: "查询太频繁了，为保护投诉人的信息，请稍后再试。"})
		return
	}
	cs, err := e.tri.Lookup(t.ctx, strings.ToUpper(trackingNo), last4)
	if errors.Is(err, triage.ErrNotFound) {
		st.FailedLookups++
		t.say(Outbound{Text: "没有找到对应的投诉。请核对投诉编号和手机号后四位是否正确（编号形如 TS20261123-4821）。",
			QuickReplies: []string{"重新查询"}})
		return
	}
	if err != nil {
		t.err = errUnavailable
		return
	}
	if st.Cases == nil {
		st.Cases = map[string]string{}
	}
	st.Cases[cs.TrackingNo] = last4
	t.out = append(t.out, Outbound{Type: "status", TrackingNo: cs.TrackingNo, Status: cs.Status, StatusName: cs.StatusName,
		Deadline: cs.DeadlineAt.Format("2006-01-02"), LatestMessage: cs.LatestMessage, CanRate: cs.CanRate})
	msg := fmt.Sprintf("投诉 %s 当前状态：%s。机构答复期限：%s。", cs.TrackingNo, cs.StatusName, cs.DeadlineAt.Format("2006年1月2日"))
	if cs.LatestMessage != "" {
		msg += "\n处理人员最新回复：" + cs.LatestMessage
	} else {
		msg += "\n处理人员还没有回复，有进展时会在这里通知您。"
	}
	o := Outbound{Text: msg}
	if cs.CanRate {
		o.Text += "\n这件投诉已经处理完毕，欢迎给这次处理打个分（1–5 分）。"
		o.QuickReplies = []string{"5分 非常满意", "4分", "3分", "2分", "1分 很不满意"}
	}
	t.say(o)
}

func (e *Engine) handoff(t *turn) {
	st := t.st()
	if st.Handoff {
		t.say(Outbound{Text: "已经为您转给人工处理人员了，他们回复后会在这里显示，请稍候。"})
		return
	}
	story := strings.Join(st.Form.Story, "\n")
	if story == "" {
		story = "消费者请求人工服务"
	}
	in := triage.CaseInput{
		IdempotencyKey: t.sess.ID + "#handoff",
		SessionID:      t.sess.ID,
		Channel:        "chat",
		Name:           st.Form.Name,
		Phone:          st.Form.Phone,
		Institution:    st.Form.Institution,
		Description:    firstNonEmpty(st.Form.Description, story),
		Request:        st.Form.Request,
		AmountYuan:     st.Form.AmountYuan,
		Demands:        st.Form.Demands,
		Classification: e.tri.Classify(t.ctx, story, t.now),
		Handoff:        true,
	}
	c, err := e.tri.File(t.ctx, in)
	if err != nil {
		e.log.ErrorContext(t.ctx, "handoff failed", "session_id", t.sess.ID, "err", err)
		t.err = errUnavailable
		return
	}
	st.Handoff = true
	if st.Cases == nil {
		st.Cases = map[string]string{}
	}
	st.Cases[c.TrackingNo] = last4(st.Form.Phone)
	t.say(Outbound{Text: fmt.Sprintf("好的，已经为您转给人工处理人员（编号 %s）。他们回复后会在这里显示；如果您先离开，之后凭编号和手机号后四位也能查到。", c.TrackingNo)})
}

func (e *Engine) cancelIntake(t *turn) {
	st := t.st()
	st.Stage, st.Expecting = stageIdle, ""
	st.Form = Form{}
	t.say(Outbound{Text: "好的，这次投诉已取消，您填写的信息不会提交。之后需要的话随时再来找我。",
		QuickReplies: []string{"我要投诉", "我有问题想咨询"}})
}

// normalize lower-cases and drops spaces and punctuation for command matching.
func normalize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// isHandoff reports whether the consumer asks us for a person. Asking
// the institution for its own human agent to call back ("给我安排个人工客服
// 回个电话"), complaining that its hotline has none, or asking that it
// should have one ("电话里要能转人工") is what the complaint is about, not a
// request to leave the form.
func isHandoff(n string) bool {
	return containsAny(n, "转人工", "人工客服", "人工服务", "找真人", "真人客服", "要人工", "找人工") && utf8.RuneCountInString(n) <= 20 &&
		!containsAny(n, "回电", "回个电", "打电话", "打给我", "打不通", "转不到", "转不了", "转不过", "接不通", "联系我",
			"电话里", "热线", "客服电话", "要能", "能转", "应该", "以后", "留条路")
}

func isCancel(n string) bool {
	if utf8.RuneCountInString(n) > 16 {
		return false
	}
	return containsAny(n, "算了", "不投诉了", "不想投诉", "取消投诉", "撤销投诉", "不用了") || n == "取消"
}

func isConfirm(n string) bool {
	switch n {
	case "确认", "确定", "是的", "是", "对", "对的", "没错", "没问题", "确认提交", "提交", "好的", "好", "可以", "ok", "yes", "嗯", "嗯嗯", "对没问题", "确认无误", "无误":
		return true
	}
	return false
}

func last4(phone string) string {
	if len(phone) < 4 {
		return ""
	}
	return phone[len(phone)-4:]
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
