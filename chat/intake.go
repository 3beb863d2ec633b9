package chat

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xiaobao-cn/xiaobao/pii"
	"github.com/xiaobao-cn/xiaobao/triage"
)

// minStoryRunes is how long an opening must be to count as the description;
// "银行乱扣我钱" is not enough to file, a few sentences are.
const minStoryRunes = 25

// clearStoryRunes is how long an opening must be to count as the
// description even when triage cannot classify it with confidence: a
// shorter one the classifier is unsure of gets "能具体说说发生了什么吗", so
// the handler gets the facts the category turns on (a box ticked by
// default, a system error, three trips for one form).
const clearStoryRunes = 80

// startIntake opens a complaint form and fills every slot the story already
// answers, so the consumer is only asked for what is missing.
func (e *Engine) startIntake(t *turn, text string, c triage.Classification) {
	st := t.st()
	st.Stage = stageIntake
	st.Intake++
	st.Retries = nil
	st.Form = Form{Story: []string{text}, Filled: map[string]bool{}}
	e.prefill(t, text, c, true)
	opening := "听起来这件事让您很烦心，我来帮您把情况整理成正式投诉，提交给机构处理。"
	if c.HasFlag("crisis") {
		opening = "我们一步一步来，我帮您把情况整理成正式投诉。"
	}
	e.askNext(t, opening)
}

// preambleRE is a bare "I want to complain" before the story: the case's
// account of what happened should start with what happened.
var preambleRE = regexp.MustCompile(`^\s*(?:你好|您好)?[，,。.！!\s]*(?:我要投诉|我想投诉|我要举报|投诉)(?:一下)?[，,。.：:！!\s]+`)

// withoutPreamble is text without a leading preamble.
func withoutPreamble(text string) string {
	if m := preambleRE.FindStringIndex(text); m != nil {
		return text[m[1]:]
	}
	return text
}

// prefill takes slot values out of free text without overwriting answers.
func (e *Engine) prefill(t *turn, text string, c triage.Classification, opening bool) {
	f := &t.st().Form
	// "农商行" alone names a kind of bank, not one: the form asks which.
	if !f.Filled[slotInstitution] && c.Institution != "" && !triage.GenericInstitution(c.Institution) {
		f.Institution = c.Institution
		f.fill(slotInstitution)
	}
	if story := withoutPreamble(text); opening && !f.Filled[slotDescription] {
		// A story too short or too unclear to stand alone still opens
		// the description; the details asked for are added to it.
		f.Description = strings.TrimSpace(story)
		if storyEnough(story, c) {
			f.fill(slotDescription)
		}
	}
	if !f.Filled[slotOccurredAt] && c.OccurredAt != nil && !c.OccurredAt.After(t.now) {
		f.OccurredAt = c.OccurredAt.Format("2006-01-02")
		f.fill(slotOccurredAt)
	}
	if !f.Filled[slotAmount] && c.AmountYuan != nil {
		v := *c.AmountYuan
		f.AmountYuan = &v
		f.fill(slotAmount)
	} else if !f.Filled[slotAmount] && c.AmountForeign != "" {
		f.AmountForeign = c.AmountForeign
		f.fill(slotAmount)
	}
	// Only a demand the consumer stated fills the slot, or the question is
	// asked: the model's implied demands alone ("乱扣年费" suggests a
	// refund) would put words in their mouth.
	// The model's implied demands join them: "我要退钱" about an insurance
	// policy sold as a deposit also means cancelling it.
	if d := triage.StatedDemands(text); !f.Filled[slotDemand] && len(d) > 0 {
		f.Demands = union(d, c.Demands)
		f.Request = demandSentence(text)
		f.fill(slotDemand)
	}
	if !f.Filled[slotPhone] {
		if p := pii.Phones(text); len(p) > 0 {
			f.Phone = p[0]
			f.fill(slotPhone)
		}
	}
	if !f.Filled[slotName] {
		if m := nameRE.FindStringSubmatch(text); m != nil {
			f.Name = m[1]
			f.fill(slotName)
		}
	}
}

// unknownName is the name in an answer naming an institution the table
// does not know: its first clause, since what follows is the consumer
// saying where or what it is ("滴滴，司机端app里头的钱包").
func unknownName(text string) string {
	for _, p := range clauseSepRE.Split(strings.TrimSpace(text), -1) {
		p = strings.TrimPrefix(strings.TrimPrefix(p, "就是"), "是")
		if utf8.RuneCountInString(p) >= 2 && !containsAny(p, "那个", "叫什么", "嗯", "就是") {
			return p
		}
	}
	return strings.TrimPrefix(strings.TrimSpace(text), "是")
}

// storyEnough reports whether an opening story can stand as the case's
// description without asking for more.
func storyEnough(story string, c triage.Classification) bool {
	n := utf8.RuneCountInString(story)
	return n >= clearStoryRunes || n >= minStoryRunes && !c.NeedsReview
}

var nameRE = regexp.MustCompile(`(?:我叫|我的名字是|姓名[:：是]?\s*)([\p{Han}]{2,4}|[A-Za-z][A-Za-z .]{1,30})`)

// demandSentence keeps the consumer's own words for their request: the
// sentences of the story that state a demand.
func demandSentence(text string) string {
	var out []string
	for _, s := range splitSentences(text) {
		if len(triage.StatedDemands(s)) == 0 {
			continue
		}
		// A long sentence is often the whole story run together with
		// commas, as chat messages are; the handler needs the ask, so keep
		// only its clauses that state one (when the ask is spread over
		// clauses, none does alone, and the sentence stays whole).
		if utf8.RuneCountInString(s) > longDemandRunes {
			var clauses []string
			for _, c := range strings.FieldsFunc(s, func(r rune) bool { return r == '，' || r == ',' }) {
				if len(triage.StatedDemands(c)) > 0 {
					clauses = append(clauses, strings.TrimSpace(c))
				}
			}
			if len(clauses) > 0 {
				out = append(out, strings.Join(clauses, "，"))
				continue
			}
		}
		out = append(out, strings.TrimSpace(s))
	}
	if len(out) == 0 {
		return text
	}
	return strings.Join(out, "；")
}

// unknownInstitution is what a case names when the consumer cannot say
// which institution it was; routing sends it to the triage team.
const unknownInstitution = "不详"

// longDemandRunes is the length above which a sentence with a demand is
// narrowed to the clauses that state it.
const longDemandRunes = 40

func splitSentences(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune("。！？!?；;\n", r) })
}

// askNext asks for the first missing slot, or shows the summary.
func (e *Engine) askNext(t *turn, lead string) {
	st := t.st()
	slot := st.Form.missing()
	if slot == "" {
		e.showSummary(t, lead)
		return
	}
	st.Expecting = slot
	q, quick := slotQuestion(slot, st.Retries[slot])
	if slot == slotInstitution && st.Retries[slot] == 0 && triage.GenericInstitution(triage.FindInstitution(strings.Join(st.Form.Story, "\n"))) {
		q = "请问是哪个地方的农商行、信用社或村镇银行？比如“上海农商银行”“长兴联合村镇银行”。"
	}
	if lead != "" {
		q = lead + "\n" + q
	}
	t.say(Outbound{Text: q, Expecting: slot, QuickReplies: quick})
}

func slotQuestion(slot string, retry int) (string, []string) {
	switch slot {
	case slotInstitution:
		if retry > 0 {
			return "没太听明白是哪家机构。请告诉我银行、保险公司、支付平台或贷款机构的名字，比如“建设银行”“支付宝”“平安保险”。", nil
		}
		return "请问是哪家银行、保险公司或支付、贷款机构？", nil
	case slotDescription:
		return "能具体说说发生了什么吗？比如经过是怎样的、对方是怎么说怎么做的。", nil
	case slotOccurredAt:
		if retry > 0 {
			return "日期我没能看懂。可以写“2025年10月3日”“10月3号”“上个月”“前天”这样的；实在记不清就说“记不清了”。", []string{"记不清了"}
		}
		return "这件事大概是什么时候发生的？说“10月3号”“上个月”都可以。", []string{"今天", "昨天", "上周", "上个月", "记不清了"}
	case slotAmount:
		if retry > 0 {
			return "金额我没能看懂。可以写“2000元”“1.2万”“两万三”；不涉及钱就说“没有”。", []string{"不涉及金额"}
		}
		return "这件事涉及多少钱？不涉及具体金额的话说“没有”就行。", []string{"不涉及金额"}
	case slotDemand:
		return "您希望机构怎么处理？比如退款、赔偿、停止催收骚扰、更正征信记录、给个解释说法，都可以直接说。",
			[]string{"退款", "赔偿损失", "停止骚扰", "更正记录", "给个说法", "取消/解约"}
	case slotName:
		if retry > 0 {
			return "请告诉我您的真实姓名（投诉登记需要，例如“张三”）。", nil
		}
		return "为了正式登记投诉，请告诉我您的真实姓名。", nil
	case slotPhone:
		if retry > 0 {
			return "这个手机号好像不太对。请输入 11 位大陆手机号，例如 138 1234 5678。", nil
		}
		return "请留一个能联系到您的手机号。处理人员会用它联系您，以后查询进度也要用到后四位。", nil
	case slotConsent:
		return "最后一步：为了处理投诉，需要把您的姓名、手机号和投诉内容转给被投诉机构和监管部门。根据《个人信息保护法》，这需要您的同意。您同意吗？",
			[]string{"同意", "不同意"}
	}
	return "", nil
}

// intakeAnswer handles a message while a slot is being asked: an edit, the
// answer itself, or an interruption (a question) after which the form resumes.
func (e *Engine) intakeAnswer(t *turn, text string, c triage.Classification) {
	st := t.st()
	if e.tryEdit(t, text, c) {
		e.askNext(t, "好的，已经改过来了。")
		return
	}
	slot := st.Expecting
	if slot == "" {
		slot = st.Form.missing()
	}
	// The same words sent again after their answer are the consumer's
	// answer to the form, not the question again: answering them twice
	// would loop.
	// A story asked for and told with an indignant question mark ("销户要我
	// 跑一千多公里？") is the story: the consumer is complaining, not asking.
	story := slot == slotDescription && c.Intent == "complaint" && utf8.RuneCountInString(text) >= minStoryRunes
	if looksLikeQuestion(text, c) && !story && !e.parses(t, slot, text) && text != st.Aside {
		st.Aside = text
		e.answer(t, text, false)
		e.askNext(t, "我们接着刚才的投诉：")
		return
	}
	st.Aside = ""
	ok, note := e.fillSlot(t, slot, text, c)
	if !ok {
		if st.Retries == nil {
			st.Retries = map[string]int{}
		}
		st.Retries[slot]++
		if slot == slotAmount && st.Retries[slot] >= 2 {
			st.Form.fill(slotAmount) // optional: let it go rather than loop
			e.askNext(t, "金额先空着，处理人员之后可以再跟您核实。")
			return
		}
		if slot == slotOccurredAt && st.Retries[slot] >= 2 {
			// A date that will not parse, or lies ahead, twice: keep the
			// consumer's words for the handler rather than loop.
			f := &st.Form
			f.OccurredAt = "不详"
			f.Description = strings.TrimSpace(f.Description + "\n（发生时间，原话：" + strings.TrimSpace(text) + "）")
			f.fill(slotOccurredAt)
			e.askNext(t, "时间我先按您的原话记下，处理人员之后可以再跟您核实。")
			return
		}
		if note != "" {
			t.say(Outbound{Text: note, Expecting: slot})
			st.Expecting = slot
			return
		}
		e.askNext(t, "")
		return
	}
	// An answer often carries other facts too ("上个月被扣了200").
	e.prefill(t, text, c, false)
	e.askNext(t, note)
}

// parses reports whether text is a valid answer to slot, without storing it.
func (e *Engine) parses(t *turn, slot, text string) bool {
	switch slot {
	case slotPhone:
		_, ok := triage.ParsePhone(text)
		return ok
	case slotAmount:
		_, ok := triage.ParseAmount(text)
		return ok
	case slotOccurredAt:
		_, ok := triage.ParseDate(text, t.now)
		return ok
	case slotInstitution:
		return triage.FindInstitution(text) != ""
	case slotDemand:
		// "把合同发给我，再解释一下提前还款怎么算" asks the institution
		// for something; a question mark makes it a question to us.
		s := strings.TrimSpace(text)
		return !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "？") &&
			containsAny(s, "给我", "要求", "希望", "请", "帮我", "让", "把") && len(triage.ParseRequest(s)) > 0
	}
	return false
}

// fillSlot validates and stores an answer. It returns false with an optional
// gentle note when the answer does not fit.
func (e *Engine) fillSlot(t *turn, slot, text string, c triage.Classification) (bool, string) {
	f := &t.st().Form
	norm := normalize(text)
	switch slot {
	case slotInstitution:
		if inst := triage.FindInstitution(text); inst != "" {
			f.Institution = inst
		} else if containsAny(norm, "不知道", "不清楚", "忘了", "记不清", "不记得", "说不上来") {
			// An elderly caller may not know who sold the policy or runs
			// the app: the case goes to the triage team (unknown
			// institution) with their words, rather than "不知道" as a name.
			f.Institution = unknownInstitution
			f.Description = strings.TrimSpace(f.Description + "\n（机构，原话：" + strings.TrimSpace(text) + "）")
		} else if n := utf8.RuneCountInString(norm); n >= 2 && n <= 30 {
			name, _ := triage.NormalizeInstitution(unknownName(text))
			f.Institution = name
		} else {
			return false, ""
		}
		f.fill(slotInstitution)
	case slotDescription:
		if utf8.RuneCountInString(norm) < 4 {
			return false, "能再多说几句吗？比如什么时候、在哪里、对方做了什么，越具体越好处理。"
		}
		f.Description = strings.TrimSpace(strings.Join([]string{f.Description, text}, "\n"))
		f.Story = append(f.Story, text)
		f.fill(slotDescription)
	case slotOccurredAt:
		if containsAny(norm, "记不清", "不记得", "忘了", "不清楚", "不知道") {
			f.OccurredAt = "不详"
		} else if d, ok := triage.ParseDate(text, t.now); ok {
			if d.After(t.now.Add(24 * time.Hour)) {
				return false, "这个日期还没到呢，请再确认一下是哪一天？"
			}
			f.OccurredAt = d.Format("2006-01-02")
		} else {
			return false, ""
		}
		f.fill(slotOccurredAt)
	case slotAmount:
		if v, ok := triage.ParseAmount(text); ok && v > 0 {
			f.AmountYuan, f.AmountForeign = &v, ""
		} else if fx, ok := triage.ParseForeignAmount(text); ok {
			f.AmountYuan, f.AmountForeign = nil, fx
		} else if isNoAmount(norm) {
			f.AmountYuan, f.AmountForeign = nil, ""
		} else if containsAny(norm, "积分", "里程", "金币", "豆") {
			// Points are what was lost, not money: no amount in yuan, and
			// the consumer's words go to the handler with the facts.
			f.AmountYuan, f.AmountForeign = nil, ""
			f.Description = strings.TrimSpace(f.Description + "\n（金额，原话：" + strings.TrimSpace(text) + "）")
		} else {
			return false, ""
		}
		f.fill(slotAmount)
	case slotDemand:
		f.Demands = triage.ParseRequest(text)
		if len(f.Demands) == 0 {
			f.Demands = []string{"other"}
		}
		f.Request = strings.TrimSpace(text)
		f.fill(slotDemand)
	case slotName:
		if nameRefused(text) {
			return false, "理解您的顾虑。投诉要正式登记，需要一个称呼和联系方式，只用于处理这件投诉，转给机构和监管部门时受《个人信息保护法》保护，不会公开。只留姓也可以，比如“王先生”“李女士”。不想登记的话说“算了”就行，有问题我照样可以回答。"
		}
		name, ok := parseName(text)
		// After "林先生还是林女士？" a short "女的" is the answer, not a name;
		// a full name ("林伯涛") still is one.
		if title := titleOf(text); f.Surname != "" && title != "" && utf8.RuneCountInString(text) <= 6 && (!ok || !strings.HasPrefix(name, f.Surname)) {
			name, ok = f.Surname+title, true
		}
		if !ok {
			if sur, _, isSur := surnameOf(text); isSur {
				if f.Surname == sur {
					// Asked 先生 or 女士 and given the surname again: file it
					// as it is rather than ask a third time.
					f.Name = sur + "先生/女士"
					f.fill(slotName)
					return true, ""
				}
				f.Surname = sur
				return false, "好的，请问怎么称呼您：" + sur + "先生还是" + sur + "女士？"
			}
			return false, ""
		}
		f.Name = name
		f.fill(slotName)
	case slotPhone:
		p, ok := triage.ParsePhone(text)
		if !ok {
			return false, ""
		}
		f.Phone = p
		f.fill(slotPhone)
	case slotConsent:
		switch {
		case containsAny(norm, "不同意", "不行", "不要", "拒绝", "不愿意", "不可以", "不是", "不对", "不中", "不成"):
			return false, "理解您的顾虑。不过没有您的同意，我们没法把投诉转给机构处理。您可以选择“同意”继续，或者说“取消”放弃这次投诉。"
		case containsAny(norm, "同意", "可以", "好", "行", "没问题", "是", "嗯", "ok", "yes", "愿意", "接受", "要得", "没得问题", "妥", "当然") || dialectYes[norm]:
			f.Consent = true
			f.fill(slotConsent)
		default:
			return false, "请回复“同意”或“不同意”。"
		}
	default:
		return false, ""
	}
	return true, ""
}

// dialectYes are whole answers that say yes in a dialect ("中" in Henan,
// "得" or "成" in the north); inside a longer answer they mean other things.
var dialectYes = map[string]bool{"中": true, "中中": true, "中啊": true, "中嘞": true, "中吧": true, "得": true, "成": true, "成啊": true, "成吧": true, "对": true, "对的": true, "嗯呐": true, "嗯哪": true}

// isNoAmount recognises "no amount" however it is put ("没有涉及金额",
// "不涉及钱", "没损失"); it is asked only after the text failed to parse
// as an amount.
func isNoAmount(n string) bool {
	switch n {
	case "无", "没", "0", "零", "跳过":
		return true
	}
	return containsAny(n, "没有", "不涉及", "没涉及", "没损失", "没有损失", "没花钱", "没扣钱", "不知道", "不清楚", "记不清", "说不清", "无金额")
}

// looksLikeQuestion spots an interruption such as "投诉一般多久有结果？".
// It needs a question's surface form: answers to a slot ("把钱退回我卡上")
// often look like questions to the intent model, and a false interruption
// loses the answer.
func looksLikeQuestion(text string, c triage.Classification) bool {
	s := strings.TrimSpace(text)
	if strings.HasSuffix(s, "?") || strings.HasSuffix(s, "？") {
		return true
	}
	marked := containsAny(s, "吗", "怎么办", "多久", "是不是", "能不能", "可不可以", "合法", "有没有规定", "为什么", "怎么", "如何", "什么")
	return marked && c.Intent == "question"
}

var editNameRE = regexp.MustCompile(`(?:是|为|成)\s*([\p{Han}]{2,4})`)

var editRE = regexp.MustCompile(`写错|填错|说错|搞错|弄错|改成|改为|改一下|更正|不对，|不对,|应该是|不是.{1,12}是`)

// notEditRE is a denial inside a story ("我从来没填错过地址"), not a
// correction of the form.
var notEditRE = regexp.MustCompile(`(没|没有|不会|不可能|从来没|从没)[过了]?(写错|填错|说错|搞错|弄错)`)

// maxEditRunes is the length above which a message is a story, not a
// correction: "机构写错了，是建设银行" is short, and a long story that says
// "柜员把名字写错了" is telling what happened.
const maxEditRunes = 50

// tryEdit applies corrections like "机构写错了，是建设银行" at any point.
func (e *Engine) tryEdit(t *turn, text string, c triage.Classification) bool {
	if utf8.RuneCountInString(text) > maxEditRunes || !editRE.MatchString(notEditRE.ReplaceAllString(text, "")) {
		return false
	}
	f := &t.st().Form
	changed := false
	after := text
	if i := strings.LastIndexAny(text, "是为成"); i >= 0 {
		after = text[i:]
	}
	norm := normalize(text)
	switch {
	case containsAny(norm, "手机", "电话", "号码"):
		if p, ok := triage.ParsePhone(text); ok {
			f.Phone, changed = p, p != f.Phone
			f.fill(slotPhone)
		}
	case containsAny(norm, "金额", "钱", "元", "块"):
		if v, ok := triage.ParseAmount(after); ok {
			f.AmountYuan, f.AmountForeign, changed = &v, "", true
			f.fill(slotAmount)
		} else if fx, ok := triage.ParseForeignAmount(after); ok {
			f.AmountYuan, f.AmountForeign, changed = nil, fx, true
			f.fill(slotAmount)
		}
	case containsAny(norm, "时间", "日期", "号", "月"):
		if d, ok := triage.ParseDate(after, t.now); ok {
			v := d.Format("2006-01-02")
			f.OccurredAt, changed = v, v != f.OccurredAt
			f.fill(slotOccurredAt)
		}
	case containsAny(norm, "名字", "姓名"):
		if m := editNameRE.FindStringSubmatch(text); m != nil {
			f.Name, changed = m[1], m[1] != f.Name
			f.fill(slotName)
		}
	case containsAny(norm, "类别", "类型", "分类", "种类", "原因", "业务"):
		if code := lastCode(text, productWords); code != "" {
			f.Product, changed = code, true
		}
		if code := lastCode(text, reasonWords); code != "" {
			f.Reason, changed = code, true
		}
	}
	if !changed {
		// "机构写错了，是建设银行" or just "不是工行，是建行".
		// The same institution again changes nothing: the message is then
		// read as the answer it also is, so the form cannot loop on it.
		if inst := lastInstitution(text); inst != "" && inst != f.Institution {
			f.Institution, changed = inst, true
			f.fill(slotInstitution)
		}
	}
	return changed
}

// lastInstitution returns the institution named last in text, which in a
// correction is the right one ("不是工行，是建行").
func lastInstitution(text string) string {
	runes := []rune(text)
	for i := len(runes) - 1; i >= 0; i-- {
		if inst := triage.FindInstitution(string(runes[i:])); inst != "" {
			return inst
		}
	}
	return ""
}

// summary classifies the whole story and builds what the consumer confirms.
// The institution leads the text because who it is often settles the
// product (捷信 lends, 人保 insures) when the story does not say.
func (e *Engine) summary(t *turn) (*Summary, triage.Classification) {
	f := &t.st().Form
	parts := append([]string{}, f.Story...)
	if f.Institution != "" && !namesInstitution(f.Story, f.Institution) {
		parts = append([]string{f.Institution + "："}, parts...)
	}
	if !quotes(f.Story, f.Request) {
		parts = append(parts, f.Request)
	}
	story := strings.Join(parts, "\n")
	c := e.tri.Classify(t.ctx, story, t.now)
	if f.Product != "" {
		c.Product, c.ProductConfidence = f.Product, 1
	}
	if f.Reason != "" {
		c.Reason, c.ReasonConfidence = f.Reason, 1
	}
	s := &Summary{
		Product: c.Product, ProductName: triage.NameOf(triage.Products, c.Product),
		Reason: c.Reason, ReasonName: triage.NameOf(triage.Reasons, c.Reason),
		Institution: f.Institution, Description: f.Description, OccurredAt: f.OccurredAt,
		AmountYuan: f.AmountYuan, AmountForeign: f.AmountForeign, Demands: f.Demands, Request: f.Request,
		Name: maskName(f.Name), Phone: pii.MaskPhone(f.Phone),
	}
	for _, d := range f.Demands {
		s.DemandNames = append(s.DemandNames, triage.NameOf(triage.Demands, d))
	}
	return s, c
}

// namesInstitution reports whether the story already names the
// institution; naming it a second time would only weigh its words twice.
func namesInstitution(story []string, institution string) bool {
	for _, s := range story {
		if triage.FindInstitution(s) == institution {
			return true
		}
	}
	return false
}

// quotes reports whether every clause of request is already in the story,
// as when the request was taken from the opening message. The classifier
// reads a bag of words: the same clauses twice would count twice ("按合同
// 要我们付违约金" read as a contract dispute because the demand line
// repeated it).
func quotes(story []string, request string) bool {
	if strings.TrimSpace(request) == "" {
		return true
	}
	all := strings.Join(story, "\n")
	for _, c := range strings.FieldsFunc(request, func(r rune) bool { return r == '；' || r == '，' }) {
		if c = strings.TrimSpace(c); c != "" && !strings.Contains(all, c) {
			return false
		}
	}
	return true
}

func (e *Engine) showSummary(t *turn, lead string) {
	st := t.st()
	st.Stage, st.Expecting = stageConfirm, "confirm"
	s, c := e.summary(t)
	st.Form.Shown = &c
	var b strings.Builder
	if lead != "" {
		b.WriteString(lead + "\n")
	}
	b.WriteString("请核对投诉信息，确认无误后我会正式提交：\n")
	fmt.Fprintf(&b, "· 类别：%s / %s\n", s.ProductName, s.ReasonName)
	fmt.Fprintf(&b, "· 被投诉机构：%s\n", s.Institution)
	fmt.Fprintf(&b, "· 经过：%s\n", s.Description)
	if s.OccurredAt != "" {
		fmt.Fprintf(&b, "· 时间：%s\n", s.OccurredAt)
	}
	if s.AmountYuan != nil {
		fmt.Fprintf(&b, "· 金额：%s 元\n", formatYuan(*s.AmountYuan))
	} else if s.AmountForeign != "" {
		fmt.Fprintf(&b, "· 金额：%s\n", s.AmountForeign)
	}
	fmt.Fprintf(&b, "· 诉求：%s（%s）\n", strings.Join(s.DemandNames, "、"), s.Request)
	fmt.Fprintf(&b, "· 联系人：%s，%s", s.Name, s.Phone)
	t.say(Outbound{Text: b.String(), Expecting: "confirm", Summary: s, QuickReplies: []string{"确认", "修改", "取消"}})
}

func (e *Engine) confirmAnswer(t *turn, text string, c triage.Classification) {
	norm := normalize(text)
	switch {
	case isConfirm(norm):
		e.file(t)
	case e.tryEdit(t, text, c):
		e.showSummary(t, "好的，已经改过来了。")
	case norm == "修改" || norm == "我要修改" || norm == "改一下" || norm == "有错":
		t.say(Outbound{Text: "请直接告诉我要改哪一项，比如“机构写错了，是建设银行”“手机号改成 139…”“金额是 3000 元”。", Expecting: "confirm"})
	case looksLikeQuestion(text, c):
		e.answer(t, text, false)
		t.say(Outbound{Text: "投诉还没提交。信息无误的话请点“确认”，需要修改就直接告诉我。", Expecting: "confirm", QuickReplies: []string{"确认", "修改", "取消"}})
	default:
		// More facts at the confirm step go into the description.
		f := &t.st().Form
		f.Description = strings.TrimSpace(f.Description + "\n" + text)
		f.Story = append(f.Story, text)
		e.prefill(t, text, c, false)
		e.showSummary(t, "已补充到投诉经过里。")
	}
}

// file submits the case through triage exactly once: the idempotency key is
// the session and the intake number, so a double click, a repeated confirm
// or a reconnect returns the same case.
func (e *Engine) file(t *turn) {
	st := t.st()
	if st.Stage != stageConfirm {
		if st.Form.Filed != "" {
			t.say(Outbound{Text: fmt.Sprintf("您的投诉已经提交过了（编号 %s），不会重复提交。", st.Form.Filed)})
		}
		return
	}
	var c triage.Classification
	if st.Form.Shown != nil {
		c = *st.Form.Shown
	} else {
		_, c = e.summary(t)
	}
	f := st.Form
	var occurred *time.Time
	if d, err := time.ParseInLocation("2006-01-02", f.OccurredAt, t.now.Location()); err == nil {
		occurred = &d
	}
	transcript, err := e.transcript(t)
	if err != nil {
		t.err = errUnavailable
		return
	}
	description := f.Description
	if f.AmountForeign != "" && !strings.Contains(description, f.AmountForeign) {
		// Cases hold renminbi amounts only; the handler reads the foreign
		// one in the facts.
		description += "\n涉及金额：" + f.AmountForeign
	}
	in := triage.CaseInput{
		IdempotencyKey: fmt.Sprintf("%s#%d", t.sess.ID, st.Intake),
		SessionID:      t.sess.ID,
		Channel:        "chat",
		Name:           f.Name,
		Phone:          f.Phone,
		Institution:    f.Institution,
		Description:    description,
		Request:        f.Request,
		OccurredAt:     occurred,
		AmountYuan:     f.AmountYuan,
		Demands:        f.Demands,
		Transcript:     transcript,
		Classification: c,
		Handoff:        st.Handoff,
	}
	cs, err := e.tri.File(t.ctx, in)
	if err != nil {
		e.log.ErrorContext(t.ctx, "filing complaint failed", "session_id", t.sess.ID, "err", err)
		t.err = errUnavailable
		return
	}
	st.Stage, st.Expecting = stageIdle, ""
	st.Form = Form{Filed: cs.TrackingNo}
	if st.Cases == nil {
		st.Cases = map[string]string{}
	}
	st.Cases[cs.TrackingNo] = last4(f.Phone)
	deadline := cs.DeadlineAt.Format("2006-01-02")
	t.out = append(t.out, Outbound{Type: "filed", TrackingNo: cs.TrackingNo, Deadline: deadline, Case: &FiledCase{
		Product: cs.Product, Reason: cs.Reason, Flags: nonNil(cs.Flags), Demands: nonNil(cs.Demands),
		Institution: cs.Institution, AmountYuan: cs.AmountYuan,
	}})
	t.rows = append(t.rows, messageRow{Role: "system", Text: "filed " + cs.TrackingNo, Payload: map[string]any{"tracking_no": cs.TrackingNo, "deadline": deadline}})
	t.say(Outbound{Text: fmt.Sprintf("投诉已提交，编号 %s，请保存好。\n按规定，机构应在 %s 前给您答复。处理人员回复后会在这里通知您；您也可以随时凭编号和手机号后四位查询进度。",
		cs.TrackingNo, cs.DeadlineAt.Format("2006年1月2日")), QuickReplies: []string{"查询进度", "我还有问题"}})
}

func (e *Engine) transcript(t *turn) ([]triage.TranscriptLine, error) {
	lines, err := history(t.ctx, e.db, t.sess.ID, 200)
	if err != nil {
		return nil, err
	}
	out := make([]triage.TranscriptLine, 0, len(lines)+len(t.rows))
	for _, l := range lines {
		if l.Role == "system" {
			continue
		}
		out = append(out, triage.TranscriptLine{Role: l.Role, Text: l.Text, At: l.At})
	}
	for _, r := range t.rows {
		if r.Role != "system" {
			out = append(out, triage.TranscriptLine{Role: r.Role, Text: r.Text, At: t.now})
		}
	}
	return out, nil
}

func maskName(n string) string {
	r := []rune(n)
	switch {
	case len(r) == 0:
		return ""
	case len(r) == 1:
		return "*"
	case len(r) == 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

func formatYuan(v float64) string {
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%.2f", v)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// union returns a's codes then b's that a lacks, in taxonomy order.
func union(a, b []string) []string {
	var out []string
	for _, d := range triage.Demands {
		if slices.Contains(a, d.Code) || slices.Contains(b, d.Code) {
			out = append(out, d.Code)
		}
	}
	return out
}

// productWords and reasonWords are how people name a category when they
// correct the summary; the taxonomy's own names are added at start-up.
var productWords = map[string]string{
	"储蓄": "savings", "存款": "savings", "借记卡": "savings", "银行卡": "savings", "存折": "savings",
	"信用卡": "credit_card", "贷记卡": "credit_card",
	"贷款": "loan", "房贷": "loan", "车贷": "loan", "网贷": "loan", "消费贷": "loan", "借款": "loan",
	"支付": "payment", "转账": "payment", "汇款": "payment", "扣费": "payment",
	"理财": "wealth", "基金": "wealth", "黄金": "wealth",
	"保险": "insurance", "理赔": "insurance",
	"征信": "personal_info", "个人信息": "personal_info",
	"外汇": "forex", "换汇": "forex", "境外汇款": "forex",
	"现金": "cash", "硬币": "cash", "假币": "cash", "零钱": "cash",
	"证券": "securities", "股票": "securities", "期货": "securities", "炒股": "securities",
}

var reasonWords = map[string]string{
	"服务态度": "service", "服务质量": "service", "态度": "service",
	"系统": "facilities", "设备": "facilities", "ATM": "facilities",
	"规定": "rules", "流程": "rules", "制度": "rules",
	"营销": "marketing", "推销": "marketing", "误导": "marketing", "忽悠": "marketing",
	"信息披露": "disclosure", "没告知": "disclosure", "没说清": "disclosure",
	"捆绑": "choice", "搭售": "choice", "强制": "choice", "自主选择": "choice",
	"收费": "fees", "手续费": "fees", "年费": "fees", "利息": "fees",
	"收益": "returns", "亏损": "returns",
	"合同": "contract", "条款": "contract",
	"资金安全": "fund_security", "盗刷": "fund_security", "被骗": "fund_security", "诈骗": "fund_security",
	"信息安全": "info_security", "泄露": "info_security",
	"催收": "collection", "催债": "collection",
}

func init() {
	for _, c := range triage.Products {
		productWords[c.Name] = c.Code
	}
	for _, c := range triage.Reasons {
		reasonWords[c.Name] = c.Code
	}
}

// lastCode returns the code of the word of words that ends last in text
// (the longest one when several end there): in a correction the new value
// comes last ("不是信用卡，是贷款").
func lastCode(text string, words map[string]string) string {
	best, bestEnd, bestLen := "", -1, 0
	for w, code := range words {
		i := strings.LastIndex(text, w)
		if i < 0 {
			continue
		}
		if end := i + len(w); end > bestEnd || (end == bestEnd && len(w) > bestLen) {
			best, bestEnd, bestLen = code, end, len(w)
		}
	}
	return best
}
