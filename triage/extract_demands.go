package triage

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// demandCues are the phrases that show what a consumer explicitly asks for.
// They are deliberately concrete (a demand on a case is a promise to
// check); the classifier adds the demands people imply ("乱扣年费" implies
// a refund) from its model.
var demandCues = []struct {
	code string
	list *phraseList
}{
	{"refund", phrases(
		"退款", "退钱", "退回", "退还", "返还", "退费", "把钱退", "钱退", "还我钱", "还我的钱", "要回来", "钱要回", "要回钱", "追回", "拿回", "退给我", "退我",
		"全额退", "退掉", "退多收", "退差价", "把钱还", "钱还给我", "给我退", "退保费", "退手续费", "退年费", "免了", "减免", "免掉", "撤销扣款", "冲正", "退了", "调回", "退回来",
		// Cantonese: 退返 (give back); money put back on the card.
		"退返", "退到我", "退到卡", "退进",
		// Said as an obligation: "钱得退", "年费必须退".
		"钱得退", "费得退", "得退给", "得退回", "必须退",
	)},
	{"compensation", phrases(
		"赔偿", "赔钱", "补偿", "赔给我", "赔我", "承担损失", "承担责任", "负责任", "负责到底", "损失由", "该赔", "应该赔", "要赔", "按合同赔", "精神损失",
		"承担部分", "承担全部", "误工费", "兑付", "补给我", "补上", "补发", "补回",
		"理赔款", "赔付", "赔款", "把理赔款", "把理赔金", "钱赔", "赔了",
		"银行赔", "你们赔", "该银行赔", "由银行赔", "平台赔", "公司赔", "你们得赔", "你们要赔", "得赔给我", "得赔",
	)},
	{"stop_harassment", phrases(
		"别再打", "不要再打", "停止骚扰", "停止催收", "别骚扰", "不要骚扰", "别打电话", "不要打电话", "别给我打", "不要给我打", "别再发", "不要再发", "别再催",
		"不要再联系", "别联系我", "停止推销", "别再推销", "不要再推销", "别打了", "不要打了", "别发了",
		"别再骚扰", "不要再骚扰", "骚扰我", "别找我家人", "别打我家", "别再来", "别老缠着", "别缠着", "不要缠着",
		"别冒充", "不要冒充", "不许冒充", "别吓唬", "不要吓唬", "别吓人",
		"别再给我打", "不要再给我打", "别再给我发", "不要再给我发", "别再打电话", "不要再打电话", "别再发短信", "不要再发短信",
	)},
	{"correction", phrases(
		"更正", "修改征信", "消除", "删除记录", "删掉记录", "撤销不良", "恢复征信", "纠正", "异议", "改过来", "改正", "改回", "删除不良", "删掉不良", "恢复额度", "修复征信",
		"征信上删", "从征信", "消掉", "删掉", "撤掉记录", "记录删", "记录消", "记录改掉", "记录给我改掉",
		"逾期给我撤", "记录给我撤", "逾期撤掉", "记录撤掉", "撤掉逾期", "撤掉记录", "撤掉这条",
		"给我消了", "逾期消了", "记录消了", "给消了", "给我删了", "记录删了", "逾期删了",
		"征信改成", "征信改为", "记录改成", "改成已结清", "改成正常", "改成结清",
		"逾期改掉", "逾期去掉", "去掉逾期", "逾期给我改", "逾期删",
		"记录给删", "记录给我删", "记录给消", "记录给我消", "这条记录删",
	)},
	{"explanation", explanationAsked},
	{"explanation", phrases(
		// Indignant questions imply the demand; in a story they are often
		// rhetorical ("这合理吗？"), so StatedDemands leaves them out.
		"为什么", "凭什么", "怎么回事", "怎么算", "合理吗", "合法吗", "合规吗", "是否合理", "是否合法", "什么意思", "啥意思", "凭啥", "为啥",
	)},
	{"cancel", phrases(
		"取消", "解约", "注销", "退保", "销户", "解绑", "退订", "停止扣", "停掉", "关掉", "关闭", "撤销合同", "撤销", "终止", "不想要了", "不要了", "不续",
		// 销卡 said plainly, and surrendering a policy in everyday words.
		"销卡", "销掉", "给我销", "把卡销", "保险退了", "保险退掉", "把保险退", "保单退了", "保单退掉",
		"保险给我退", "保单给我退", "险给我退", "保险我要退", "保单我要退", "保险要退掉", "保险我要取消",
		// A service switched off, or refused, in plain words.
		"给我关了", "给我关掉", "把它关了", "我不要这个", "不要这个东西", "保险我们不要", "保险我不要", "这个保险不要",
		"保险给退", "保单给退", "续费给关", "给关了", "保险我退了", "保单我退了",
		"给我停了", "给我停掉", "帮我停了", "服务停了", "帮我撤了", "帮我撤掉",
		// An account closed, said the other way round ("把户销了").
		"把户销", "把账户销", "把账号销", "户给我销", "户给销",
	)},
}

// explanationAsked are the words of someone asking for an explanation.
var explanationAsked = phrases(
	"解释", "说法", "依据", "讲清楚", "说清楚", "说明", "给个答复", "交代", "查清楚", "查明", "搞清楚",
	"给我看清楚", "计算过程", "怎么算的",
	// "告诉我" alone is mostly a report ("客服告诉我要等三天").
	"想知道为", "想知道到底", "想知道怎么", "想知道凭", "想知道是", "想问问为", "想问问到底",
	"告诉我你们", "告诉我为什么", "告诉我到底", "告诉我是从", "告诉我从哪", "告诉我哪来", "告诉我是怎么", "全告诉我", "都告诉我", "一次性告诉",
)

// demandMasks are words that contain a demand cue's characters without
// asking for anything: "被辞退了" is not "退了", "说稳赚不赔" is a sales
// promise, not a claim. They are blanked before the cues are read.
var demandMasks = strings.NewReplacer(
	"辞退", "□□", "退休", "□□", "退役", "□□", "减退", "□□", "倒退", "□□",
	"稳赚不赔", "□□□□", "保赚不赔", "□□□□", "只赚不赔", "□□□□", "包赔", "□□",
	// A claim paid is a report ("又帮客户理赔了一单"), a product's payout
	// (年金返还) is not money asked back.
	"理赔了", "□□□", "年金返还", "□□□□", "满期返还", "□□□□", "生存金返还", "□□□□□",
	// "取消掉" cancels; its 消掉 is not a record removed.
	"取消掉", "取消□",
	// Documents a clerk asks for, not an explanation asked of them.
	"情况说明", "□□□□", "用途说明", "□□□□", "说明书", "□□□", "收入说明", "□□□□", "来源说明", "□□□□", "产品说明", "□□□□", "风险说明", "□□□□",
)

// cancelDoneRE finds cancel words that tell what happened rather than ask
// for it: done already (已经销户了, 早就取消了, 注销以后), done to the writer
// (额度被关闭), a step of some other business (抵押注销, 销户证明, 注销校园贷
// is a scam's script), or someone else's act (客户取消了合作). Out of fold
// on the train split most "cancel" cues were these: a handler would read
// 取消/解约 on cases that never asked for it.
var cancelDoneRE = regexp.MustCompile(
	`(已经|早就|早已|已|都|刚|去年|前年|上个?月|之前|以前|当时|当场)[^，。！？；,.!?;]{0,6}?(销户|注销|取消|解约|退订|关掉|关闭|解绑|退保|终止|停掉)` +
		`|(销户|注销|取消|解约|退订|退保|解绑|终止)(了|以后|之后|后|的时候|时|完)` +
		`|被[^，。！？；,.!?;]{0,6}?(取消|关闭|注销|终止|停掉|关掉|解约)` +
		`|抵押注销|注销(证明|回执|手续|材料|登记)|销户(证明|回执|手续)|(要|让我|配合)?注销[^，。！？；,.!?;]{0,2}(校园贷|账户|网贷账户)[^，。！？；,.!?;]{0,6}(否则|不然|影响征信)` +
		`|(客户|对方|他们|合作方|卖家|房东)[^，。！？；,.!?;]{0,4}(取消|解约|终止)` +
		// A caller's script ("有人打电话说我的校园贷要注销", "他说要帮我关闭"):
		// the scam's words, not the writer's ask.
		`|(有人|他|她|对方|骗子|自称)[^。！？!?]{0,12}?说[^。！？!?]{0,20}?(取消|注销|关闭|解绑|销户)` +
		// Undoing charges or records is a refund or a correction.
		`|撤销[^，。！？；,.!?;]{0,4}(这|那|几|两|三|每)?[^，。！？；,.!?;]{0,2}(笔|扣款|交易|消费|逾期|不良|记录|罚息|滞纳金|违约金)|(笔|逾期|记录|罚息|滞纳金|违约金|交易|扣款)[^，。！？；,.!?;]{0,8}撤销`)

// refundDoneRE finds refund words that tell what happened: money sent
// back by the system or already returned ("钱被退回来拖了一个月", "已经退了一部分")
// is not an ask to refund.
// A charge between 已经 and 退 ("已经扣的担保费退给我") makes it an ask
// again unless 了 says the refund is done.
// A caller's promise ("说验证完流水原路退回") is a scam's script.
var refundDoneRE = regexp.MustCompile(`被[^，。！？；,.!?;被的钱]{0,4}?退(回|还)` +
	`|(有人|他|她|对方|骗子|自称)[^。！？!?]{0,12}?说[^。！？!?]{0,20}?(原路)?退(回|还)` +
	`|(已经|早就)[^，。！？；,.!?;扣收交缴付转花买借]{0,6}?退(回|还|了|给)` +
	`|(已经|早就)[^，。！？；,.!?;]{0,6}?退(回|还|给)[^，。！？；,.!?;]{0,4}?了|退回来了`)

// refundWorseRE is getting out weighed and rejected ("退了损失更大"): a
// reason not to cancel, not an ask.
var refundWorseRE = regexp.MustCompile(`退(了|保)?[^，。！？；,.!?;]{0,2}(损失更大|损失更多|亏得更多|更亏|亏更多|亏更大)`)

// scamPromiseRE is a scammer's bait ("接到个电话说是快递理赔客服，说我快递丢
// 了要赔我钱"): what the caller promised, not what the writer asks.
var scamPromiseRE = regexp.MustCompile(`(电话|骗子|冒充|假)[^。！？!?]{0,30}说[^。！？!?]{0,16}(赔|退)`)

// imperativeDone are cancel words with 了 that order rather than report
// ("分期给我取消了"): the 了 is hidden from cancelDoneRE.
var imperativeDone = strings.NewReplacer(
	"给我取消了", "给我取消□", "帮我取消了", "帮我取消□", "给我注销了", "给我注销□", "帮我注销了", "帮我注销□",
	"给我关闭了", "给我关闭□", "给我退订了", "给我退订□", "给我解约了", "给我解约□",
	"给取消了", "给取消□", "给注销了", "给注销□",
)

// declinedRE is money the writer says they do not want back ("不用退，给我
// 解释一下", "钱不多我也不要了"): the refund is declined, and its "不要了" is
// not a cancel either.
var declinedRE = regexp.MustCompile(`(不用|不必|无需|不需要|用不着)[^，。！？；,.!?;]{0,2}(退|赔)[^，。！？；,.!?;]{0,2}|不要(你们|银行|他们)(退|赔)` +
	`|(钱|费|这点)[^，。！？；,.!?;]{0,6}?(不要了|不想要了|不要回来了|不想要回来了|不用退了?)|不想要回来了?|不要回来了`)

// cancelWords are the words cancelDoneRE looks around; it runs only on the
// texts that have one.
var cancelWords = phrases("销户", "注销", "取消", "解约", "退订", "关掉", "关闭", "解绑", "退保", "终止", "停掉", "撤销")

// blank replaces a match by as many □ as it has runes, so offsets of the
// rest stay meaningful to a reader of the masked text.
func blank(m string) string { return strings.Repeat("□", utf8.RuneCountInString(m)) }

// refundRE catches "退" + a named sum ("退违约金", "退多扣的利息"), which
// a fixed list cannot enumerate.
var refundRE = regexp.MustCompile(`退(?:还|回|给我)?[\p{Han}]{0,5}?(?:费|金|款|息|钱)`)

// sumBackRE is a sum wanted back ("一千二还给我", "3000元还给我").
// Money is also wanted back for someone else ("把五万块钱原数还给我妈").
var sumBackRE = regexp.MustCompile(`(钱|款|原数|全数|[0-9一二两三四五六七八九十百千万块元])还给(我|俺|她|他|老人|我们)([^了]|$)`)

// harassRE is an ask to stop coming after the writer that names how
// ("别再来我直播间闹了", "别再拉着我妈推销了", "别再让催收打电话"); "别再让我来回
// 跑" is not one.
var harassRE = regexp.MustCompile(`(别|不要|不准|不许)再?(来|到|上|拉着|缠着)[^，。！？；,.!?;]{0,10}(闹|骚扰|刷屏|堵|推销|烦)` +
	`|(别|不要|不准|不许)再?(给|往|跟|半夜|天天|老)[^，。！？；,.!?;]{0,10}(打电话|发短信|发信息)` +
	`|(别|不要)再让[^，。！？；,.!?;]{0,8}(打电话|打给|发短信|发信息|联系|骚扰|催|上门)` +
	// Who not to call or visit ("别再去找我女儿", "不准再打我爸电话", "莫打我屋里人
	// 的电话了"): 莫 is 别 in much of the south.
	`|(别|不要|不准|不许|莫|不得|禁止)再?(去|来)?(打|找|联系|骚扰|吓唬|吓|打扰|烦)(我|俺)?的?(电话|爸|妈|父|母|家|女儿|儿子|孩子|老人|老婆|老公|媳妇|丈人|岳|亲戚|朋友|同事|领导|主管|老板|公司|单位|屋里|村|邻居|通讯录)`)

// switchOffRE is a product or service to be switched off or undone in
// plain words ("把这个分期撤了", "把花呗给我爸关了"): the object makes it a
// cancel, where "门关了" or "记录撤了" are not.
var switchOffRE = regexp.MustCompile(`(花呗|白条|月付|分付|分期|自动续费|自动扣款|免密|会员|服务|业务|功能|套餐|理财|保险|短信通知)[^，。！？；,.!?;]{0,6}?(关了|关掉|撤了|撤掉|停了|停掉|我不要|不想要)`)

// switchOffWords gate switchOffRE.
var switchOffWords = []string{"关了", "关掉", "撤了", "撤掉", "停了", "停掉", "不要", "不想要"}

// harassGate are the words every ask of harassRE starts with.
var harassGate = []string{"别", "不要", "不准", "不许", "莫", "不得", "禁止"}

// tellMeRE asks to be told where, why, how or who ("告诉我他们从哪弄到我的信
// 息"); "告诉我" alone is mostly a report ("客服告诉我要等三天").
var tellMeRE = regexp.MustCompile(`告诉我[^，。！？；,.!?;]{0,6}?(从哪|哪来|哪里来|哪弄|为什么|为啥|凭什么|怎么回事|是谁|谁给|干什么|干啥|做什么|用在哪|怎么用)`)

// asksToBeTold reports tellMeRE behind its cheap gate.
func asksToBeTold(lower string) bool {
	return strings.Contains(lower, "告诉我") && tellMeRE.MatchString(lower)
}

// ParseDemands returns the demand codes found in text, in taxonomy order.
// It reads only what the consumer wrote; a complaint with no clear demand
// yields none, and the caller decides whether that means "other".
func ParseDemands(text string) []string {
	lower := asciiLower(prepareText(text))
	return demandsOf(lower, scanPhrases(lower))
}

// StatedDemands is ParseDemands without the indignant questions ("凭什么",
// "这合理吗"): what a story states as a demand, so that a dialog does not
// take "这合理吗" for an answer to "what do you want them to do?".
func StatedDemands(text string) []string {
	lower := asciiLower(prepareText(text))
	masked := statedMasks.Replace(demandMasks.Replace(lower))
	if strings.Contains(masked, "不能") || strings.Contains(masked, "一次") {
		masked = rhetoricalAskRE.ReplaceAllStringFunc(masked, blank)
	}
	// Only in a story: an answer to "what do you want" may well start
	// with what was said on the phone ("电话里说免息就得按免息来，手续费全退给我").
	if strings.Contains(masked, "说") && strings.ContainsAny(masked, "电骗冒假") {
		masked = scamPromiseRE.ReplaceAllStringFunc(masked, blank)
	}
	h := scanPhrases(masked)
	var out []string
	for _, d := range demandsOf(masked, h) { // already masked: no second scan
		if d != "explanation" || h.any(explanationAsked) || asksToBeTold(masked) {
			out = append(out, d)
		}
	}
	// Terms asked for from now on ("以后按协议收") and a member of staff to
	// be disciplined ("那个理财经理也要处理") are asks none of the codes
	// names; the corpus labels them other.
	if !slices.Contains(out, "other") && (strings.Contains(masked, "按") && futureTermsRE.MatchString(masked) ||
		containsAny(masked, []string{"处理", "处分", "开除", "追责"}) && disciplineRE.MatchString(masked)) {
		out = append(out, "other")
	}
	return out
}

// disciplineRE asks for a member of staff to be disciplined.
var disciplineRE = regexp.MustCompile(`(处理|处分|开除|追责)[^，。！？；,.!?;]{0,3}(员工|柜员|经理|业务员|工作人员|客服|催收员|信贷员)` +
	`|(员工|柜员|经理|业务员|工作人员|客服|催收员|信贷员)[^，。！？；,.!?;]{0,6}(处理|处分|开除|追责)`)

// futureTermsRE is a rate or price asked for from now on, as a story
// states it ("以后按协议上的万一五收", "剩下几期按0.6%算").
var futureTermsRE = regexp.MustCompile(`(以后|今后|往后|剩下的?|后面的?)[^，。！？；,.!?;]{0,6}按[^，。！？；,.!?;]{1,12}?(收|算|扣|计)`)

// statedMasks are reports that read as demands only to a classifier: a
// denied claim ("拒赔了") implies the wish to be paid, which is how the
// corpus labels a story, but it does not say what the consumer asks, so a
// dialog still asks them ("给我一个书面解释" is as likely as "赔钱").
var statedMasks = strings.NewReplacer(
	"拒赔", "□□", "不赔", "□□", "不予赔", "□□□", "都能赔", "□□□", "都赔", "□□",
)

// rhetoricalAskRE is a reproach put as a question ("就不能一次说清楚吗？",
// "办汇款就不能提前说清楚吗"): it says what went wrong, not that the writer
// wants an explanation now, so a dialog still asks what they want.
// "能不能一次说清楚？？" after trips made in vain is the same reproach.
var rhetoricalAskRE = regexp.MustCompile(`不能[^，。！？；,.!?;]{0,12}?(说清楚|讲清楚|说明白|讲明白|说明|解释)[^，。！？；,.!?;]{0,6}?吗` +
	`|(就不能|能不能|不能)一次(性)?(说清楚|讲清楚|说全|说明白|讲明白|告诉)` +
	// "一次说清楚就那么难？", "一次说清楚会死吗": the same reproach.
	`|一次(性)?(说清楚|讲清楚|说全|说明白|讲明白|说完|讲完)[^，。！？；,.!?;]{0,3}(那么难|这么难|很难|难吗|会死|不行吗|会怎样|怎么了)`)

// demandsOf reads the demands of a lowered, prepared text whose phrases
// are in h. Masked words are rare, so the text is only scanned again when
// one occurs.
func demandsOf(lower string, h *textHits) []string {
	masked := demandMasks.Replace(lower)
	if strings.Contains(masked, "不") {
		masked = declinedRE.ReplaceAllStringFunc(masked, blank)
	}
	if h.any(cancelWords) {
		masked = cancelDoneRE.ReplaceAllStringFunc(imperativeDone.Replace(masked), blank)
	}
	if strings.Contains(masked, "退") {
		masked = refundDoneRE.ReplaceAllStringFunc(masked, blank)
		masked = refundWorseRE.ReplaceAllStringFunc(masked, blank)
	}
	if masked != lower {
		lower, h = masked, scanPhrases(masked)
	}
	var out []string
	seen := map[string]bool{}
	harass := containsAny(lower, harassGate)
	for _, d := range demandCues {
		if seen[d.code] {
			continue
		}
		if h.any(d.list) || d.code == "stop_harassment" && harass && harassRE.MatchString(lower) ||
			d.code == "explanation" && asksToBeTold(lower) {
			seen[d.code] = true
			out = append(out, d.code)
		}
	}
	if !seen["cancel"] && containsAny(lower, switchOffWords) && switchOffRE.MatchString(lower) {
		out = append(out, "cancel") // cancel is the last cue: taxonomy order holds
	}
	if !seen["refund"] && (strings.Contains(lower, "退") && refundRE.MatchString(lower) || strings.Contains(lower, "还给") && sumBackRE.MatchString(lower)) {
		out = append([]string{"refund"}, out...) // refund comes first in taxonomy order
	}
	return out
}

// requestMarkers make a clause a request even when it names none of the
// known demands: "让我提前赎回", "处理那个客户经理", "正常给我办定期".
var requestMarkers = []string{
	"让", "要求", "希望", "请", "帮我", "给我", "必须", "尽快", "赶紧", "能不能", "不能", "不要", "别",
	"处理", "处分", "追责", "道歉", "协商", "商量", "马上", "立刻", "立即", "恢复", "办理", "核实", "查监控", "赎回", "上门", "代取", "开除",
	// Terms asked for from now on ("以后按万一收", "按约定的费率扣"): the
	// corpus labels them other, beside the refund of what was overcharged.
	"以后按", "今后按", "按约定", "按说好", "按合同约定", "按当初",
	// What the institution ought to make possible ("急用的时候要能当天取出来").
	"要能", "应该", "应当",
	// How it should act from now on ("以后改规则要提前告诉用户").
	"以后要", "今后要", "要提前", "提前告知", "提前通知",
	// What the page or paper should say, a file closed, money let through, a
	// recipient's account frozen.
	"写清楚", "标清楚", "写明", "标明", "结案", "放行", "冻结", "冻住", "受理", "接受", "删了", "删除", "封了", "封掉", "封号", "封停", "管管", "管一管",
}

// termsRE is a rate or price asked for from now on ("剩下几期按0.6%收",
// "按原价算"): an ask none of the codes names.
var termsRE = regexp.MustCompile(`按[^，。！？；,!?;]{1,10}?(收|算|扣|计)`)

// ParseRequest reads an answer to "what do you want the institution to
// do?": every clause is meant as a demand, so a clause that asks for
// something none of the codes name adds "other" (kept with the consumer's
// own words in the case's request). Statements about oneself ("我会想办法还")
// add nothing. It returns nil when nothing is asked.
func ParseRequest(text string) []string {
	out := ParseDemands(text)
	for _, clause := range requestClauseRE.Split(text, -1) {
		if clause = strings.TrimSpace(clause); clause == "" || len(ParseDemands(clause)) > 0 || declinedRE.MatchString(clause) {
			continue
		}
		if termsRE.MatchString(clause) {
			if !slices.Contains(out, "other") {
				out = append(out, "other")
			}
			continue
		}
		for _, m := range requestMarkers {
			if strings.Contains(clause, m) {
				if !slices.Contains(out, "other") {
					out = append(out, "other")
				}
				break
			}
		}
	}
	return out
}

// Spaces part clauses too: typed on a phone, "多收的佣金退给我 以后按万一收"
// has no comma.
var requestClauseRE = regexp.MustCompile(`[，,。；;！!？?、\s]|并且|而且|另外|同时|还有`)
