package triage

import (
	"regexp"
	"strings"
)

// The flag rules. Fraud in progress and crisis are where a miss costs the
// most, so their rules aim at recall and are OR-ed with a model head; the
// other flags are read from explicit words alone, because a handler must
// be able to see in the text why a case was flagged.

// trackingRE matches a complaint tracking number (TSYYYYMMDD-NNNN).
var trackingRE = regexp.MustCompile(`(?i)TS\d{8}-\d{4}`)

var (
	// fraudScam are the marks of a scam script: a "safe account", a code
	// to read out, screen sharing, a fee to unlock money, an impersonated
	// authority.
	fraudScam = phrases(
		"安全账户", "清查账户", "监管账户", "核查账户", "验证账户", "核验账户", "备付金账户", "机构专户", "国家账户", "保护资金", "资金核查", "资金清查", "流水验证", "验证流水", "刷流水",
		"验证码", "屏幕共享", "共享屏幕", "开共享", "会议软件", "会议app", "腾讯会议", "zoom", "远程控制", "向日葵",
		"解冻费", "解冻金", "保证金", "出金", "所得税", "交税", "先交税", "清关费", "通道费", "公关费", "包装费", "手续费才能", "先交", "先付", "先转", "认缴金", "加急费",
		"刷单", "百万保障", "学生账户", "校园贷", "校园金条", "注销账户", "「清零」", "额度借出来", "借出来转", "配合操作", "分期要扣款", "开视频",
		"洗钱", "被通缉", "要通缉", "逮捕令", "警官", "公安", "检察院", "国家安全", "自称证监会", "说是证监会", "医保局", "社保局", "反诈中心", "配合调查", "机密", "不能告诉", "别告诉",
		"中奖", "领奖", "返息", "养老项目", "养老保障项目", "养老公寓", "每月返", "每年返", "再投", "外盘", "机构票", "内部份额", "带单", "导师", "投资老师", "理财老师", "股票老师", "炒股老师", "分析师",
		"指定账户", "指定的账户", "个人账户", "对公账户", "他给的账户", "他提供的账户", "提供的账户", "转到他", "转给他", "点链接", "个人收款码",
		"出车祸", "车祸", "不方便接电话", "快递丢", "理赔款", "退保费", "多交的保费", "征信修复", "修复征信", "消除征信", "删除记录",
		"升级保单", "提额", "降低利率", "停息挂账", "清关", "包裹", "提现", "充值", "再充", "再交", "再转",
		// Other common scripts: a boss or relative in urgent need, romance
		// and crypto "investments", refunds and subsidies, game trades.
		"我的领导", "老板让我转", "冒充我", "借钱说急用", "急用钱", "住院急需", "视频电话", "网恋", "交友软件", "网友", "杀猪盘",
		"虚拟币", "数字货币", "usdt", "退税", "补贴", "助学金", "航班", "改签", "退票", "私下转账", "裸聊", "敲诈", "游戏账号", "买装备",
		"医保卡", "社保卡", "etc", "认证失效", "账户异常", "重新认证", "冻结资金", "资金冻结", "涉案", "原路退回",
		"垫付", "做任务", "返佣", "钱转出来", "降低分期", "激活额度", "安全盾",
	)

	// fraudNowStrong say the scam is under way right now: the caller is on
	// the line, the consumer is about to pay or asks whether to. (Strong
	// and weak signs count the same in the rule; the split documents how
	// sure each is.)
	fraudNowStrong = phrases(
		"正在", "还在通话", "还在电话", "在线上", "电话里", "通话中", "在通话", "还在视频", "在视频", "还没转", "还没输", "还没说", "还没操作", "还没付",
		"准备转", "准备交", "准备汇", "准备付", "能挂断吗", "挂断吗", "别挂电话", "只限今天", "下午要去", "打开手机银行", "有点不对", "正要", "要不要", "该不该", "要转吗", "要报吗", "报不报", "可以转吗", "能转吗", "能给吗", "要打开吗", "要照做吗", "该怎么办",
		"拦一下", "拦下", "拦住", "在路上", "在排队", "银行排队", "银行柜台", "在柜台", "在atm", "atm旁边", "atm前面", "还在催", "一直在催", "在催我", "一直催", "他还催",
		"现在让我", "让我现在", "现在要我", "现在就", "现在在", "现在正", "现在还在", "马上转", "马上交", "马上汇", "今天必须", "今天之内", "今天内", "今天是最后", "最后一天", "半小时内", "两小时内", "小时内",
		"前转", "截止", "正开着", "现在开着", "我开着", "共享中", "刚才", "刚刚", "刚接到", "刚收到", "刚有人", "救命", "不让我挂", "别挂", "不能挂", "还差", "凑钱", "犹豫",
		"下载好了", "已经下载", "已经下好", "打开了", "还在页面", "转账页面", "汇款页面",
		"在等我", "等我回复", "在电话上", "还没扫", "还没开", "还没填", "填到一半", "分钟时间", "分钟内", "正准备", "站在atm",
	)

	// fraudNowWeak suggest it, unless the story is told as over.
	fraudNowWeak = phrases(
		"现在", "今天", "马上", "催我", "是真的吗", "真的吗", "靠谱吗", "正常吗", "可以信吗", "能信吗", "骗局", "是不是骗", "诈骗吗", "安全吗", "怎么判断", "怎么确认", "不对劲",
		"是你们发的吗", "是不是你们的人", "对吗", "怎么办",
	)

	// fraudPast say it is over: reported, months ago, nothing left to stop.
	fraudPast = phrases(
		"报警了", "已经报警", "已报警", "报了警", "报警半年", "报案", "立案", "派出所", "回执", "上个月", "去年", "前年", "几个月", "半年", "之前被", "以前被", "那时候", "当时",
		"过去了", "上周", "上礼拜", "两个月", "三个月", "事后", "时效", "已经被骗", "被骗了", "骗走了", "骗了我", "人不见", "拉黑", "跑路", "追回", "认栽",
	)
)

// ruleFraud reports a scam that acting now can still stop: the marks of
// a scam script and signs that it is under way (the caller still on the
// line, a payment about to be made, "should I transfer?").
func ruleFraud(text string) bool { return fraudRule(scanPhrases(asciiLower(text))) }

// A story told as over (reported to the police, last month) does not fire
// the rule even if it says "现在": victims write "现在每个月还要还贷款".
// The model head, OR-ed with the rule, still catches the scams under way
// that mention the past ("上个月投了三万，现在要交解冻金").
func fraudRule(h *textHits) bool {
	return h.any(fraudScam) && (h.any(fraudNowStrong) || h.any(fraudNowWeak)) && !h.any(fraudPast)
}

var (
	// crisisSelf are thoughts of suicide or self-harm.
	crisisSelf = phrases(
		"不想活", "活不下去", "活着没意思", "活着真没意思", "活着没什么意思", "活着还有什么意思", "活着太累", "没脸活", "怎么活下去", "活够了", "活着都没意思", "活着拖累",
		"不如死了", "想死", "去死", "寻死", "自杀", "轻生", "一了百了", "一死了之", "跳楼", "跳下去", "跳河", "跳江",
		"安眠药", "割腕", "遗书", "遗言", "撑不住了", "撑不下去", "想不开", "不想再治", "不想治了", "一睡不醒", "不要醒", "还要不要醒", "不配活",
		"还有什么意义", "死在你们", "撞死", "这条命不要", "命不要了", "没有活路", "给我一条活路",
		"了结自己", "结束生命", "结束自己", "死了算了", "跳海", "卧轨", "上吊", "喝农药", "农药", "烧炭", "生无可恋", "熬不下去",
		"走投无路", "绝路", "逼死", "死给你们看", "不活了", "寻短见", "短见", "离开这个世界", "消失在这个世界", "不想醒", "活着干什么", "活着有什么用",
		// Indirect ways of saying it: no courage left to live, no place in
		// the world, not waking up again, pills saved up or taken.
		"活下去的勇气", "没有活下去", "bu想活", "活着没啥意思", "活着真没", "活着没劲", "活着就是受罪", "活着就是拖累", "活着没意义", "活着已经没意义",
		"没有我的位置", "不打算再醒", "别醒过来", "再也不醒", "想好怎么走", "一起走算了", "结束这一切", "这辈子就到这", "撑不到", "不想撑了",
		"一瓶药", "一把药", "半瓶药", "攒了药", "洗胃", "不如真死",
		"活着真的没", "活着好累", "一睡不起", "攒了一瓶", "敌敌畏", "百草枯", "死了干净", "早点解脱", "是个累赘", "还要不要活", "没脸再活", "活在这个世上",
		"人要是走了", "要是我走了", "一起去了算了",
		// The warning signs crisis lines teach: leaving, disappearing,
		// being a burden, settling affairs and saying goodbye, the means
		// bought, the next life, joining the dead.
		"想走了", "走了算了", "一走了之", "不如消失", "消失了对谁都好", "从这个世界上消失", "这个世界上消失", "多余的人",
		"活着图个啥", "活着还图", "活着图什么", "不想拖累", "不拖累谁", "拖累家里", "添堵", "对不起所有人",
		"下辈子再还", "下辈子还", "下辈子做牛做马", "下辈子还做", "来世再",
		"去陪老伴", "去陪我", "陪着他", "下去找我", "去找我爸", "去找我妈", "没什么牵挂", "没有牵挂", "了无牵挂",
		"托付给", "都送人了", "送给朋友了", "分给我们", "说了再见", "再见了", "照顾好爸妈", "照顾好我妈", "照顾好孩子",
		"交代后事", "安排后事", "准备后事", "安排好后事", "把事情都安排好", "写好了给", "写好了信", "留给我妈", "留给家里",
		"一觉睡过去", "别再起来", "不用再醒", "想到死", "想着死", "往前迈一步", "往下跳", "跳下来",
		"炭都买", "买了炭", "药我已经买", "药都买好", "买好了药", "安眠", "出个意外", "出个\"意外\"", "受益人改成",
		"拿这条命", "这条老命", "拿命换", "命去换", "不熬到", "熬不动", "扛不住了", "不想再扛",
		"就不回来了", "再也不回来", "不会回了", "不会再回", "不用再接", "就没人接了", "最后再找你们", "最后一次打你们",
		"把管子拔", "不做了，人走了", "治疗我不做", "人走了债", "人没了", "重度抑郁", "抑郁症",
		// Internet speech: euphemisms, filter-dodging spellings, English.
		"见太奶", "领便当", "躺板板", "吃我的席", "去投胎", "先去投胎", "孟婆", "自刹", "自鲨", "zi杀", "zisha", "自sha", "自s的", "4了算了", "si了算了",
		"紫砂", "tiao楼", "tiaolou", "跳lou", "一跃而下", "把自己饿死", "饿死自己", "安心上路", "命赔给", "拿命赔", "怎么走都想好", "没打算活", "又割了", "又划了",
		"吞了一把", "吞了一瓶", "火葬场插", "去火葬场", "下辈子再当", "下辈子再做", "下辈子再见", "🪢",
		"kill myself", "how to end it", "end it all", "kms", "unalive", "suicide", "want to die", "wanna die", "end my life", "checking out for good", "gonna jump", "in another life",
	)

	// crisisViolence are threats against others.
	crisisViolence = phrases(
		"弄死", "杀了", "砍死", "砍你", "捅死", "同归于尽", "拼了", "拼命", "砸了", "砸烂", "动手", "算账", "浇汽油", "汽油", "点一把火", "放火", "炸了",
		"带着刀", "刀都带", "拿刀", "见一个打一个", "别想开门", "一起完蛋", "大家一起别过", "后果自负", "让他知道什么叫后果", "别怪我", "讨个说法", "带几个兄弟", "等着瞧",
		"杀人", "砍人", "捅了", "报复他", "报复你们", "去报复", "报复社会", "炸掉", "炸药", "烧了你们", "血债", "见血", "动刀", "打死", "要你命", "偿命", "陪葬", "一起死", "鱼死网破", "玉石俱焚",
		"什么事都做得出来", "什么都做得出来", "做出什么事", "极端", "一命换一命", "拿把刀", "揣把刀", "刀都拿好", "菜刀",
		// Indirect threats: found where the person lives, a weapon ready,
		// they will regret it, not afraid of prison.
		"废了他", "废了你", "烧了她家", "烧了他家", "烧了你家", "准备好家伙", "家伙准备", "拿着刀", "去堵他", "去堵她", "堵在门口",
		"让她后悔", "让他后悔", "让你们后悔", "后悔一辈子", "骂人的下场", "不怕坐牢", "进去过", "没什么可失去",
	)
)

// ruleCrisis reports suicidal thoughts, self-harm or threats of violence.
// It is deliberately broad: a false alarm costs a handler a minute, a
// missed one can cost a life.
func ruleCrisis(text string) bool {
	lower := asciiLower(text)
	return crisisRule(lower, scanPhrases(lower))
}

// crisisFigures are figures of speech that look like threats: "拼了命地还钱".
var crisisFigures = phrases("砸锅卖铁", "拼了命", "拼命还", "拼命工作", "拼命赚", "被石头砸", "被砸了")

// crisisRule reads h, the phrases of lower; when they fire, it reads the
// text again without what others are reported to have said.
func crisisRule(lower string, h *textHits) bool {
	signs := crisisSigns(lower, h)
	if !signs {
		if d, ok := despaceCJK(lower); ok {
			signs = crisisSigns(d, scanPhrases(d))
		}
	}
	return signs && !crisisOver(lower) && !crisisJoke(lower)
}

// crisisSigns is crisisRule before jokes and a crisis told as over are
// left out.
func crisisSigns(lower string, h *textHits) bool {
	if !crisisPhrases(h) {
		if (!h.any(crisisPlaceWords) || !crisisPlace.MatchString(lower)) && !crisisMeaning(lower, h) {
			return false
		}
		// A place to end it, named with someone staying there, or a
		// warning sign in words of its own, fires even without a word of
		// the lists.
		h = nil
	}
	text := lower
	if own, ok := withoutOthersSpeech(lower); ok {
		text, h = own, nil
	}
	if masked, ok := maskCrisisFigures(text); ok {
		text, h = masked, nil
	}
	if h == nil {
		h = scanPhrases(text)
		return crisisPhrases(h) || (h.any(crisisPlaceWords) && crisisPlace.MatchString(text)) || crisisMeaning(text, h)
	}
	return true
}

func crisisPhrases(h *textHits) bool {
	return h.any(crisisSelf) || (h.any(crisisViolence) && !h.any(crisisFigures))
}

var (
	// vulnerableWords mark the elderly, disabled, seriously ill, minors,
	// students, or someone writing for them.
	vulnerableWords = phrases(
		"老人", "老年", "老伴", "老头", "老太", "老爷子", "老母亲", "老父亲", "退休", "养老金", "养老钱", "高龄", "爷爷", "奶奶", "姥姥", "姥爷", "外公", "外婆",
		"残疾", "盲人", "视障", "听障", "聋", "哑", "瘫痪", "坐轮椅", "轮椅", "卧床", "下不了床", "中风", "脑梗", "阿尔茨海默", "老年痴呆", "糊涂",
		"癌", "化疗", "透析", "尿毒症", "白血病", "重病", "病重", "绝症", "抑郁症", "住院", "手术", "icu",
		"学生", "大学", "大一", "大二", "大三", "大四", "研究生", "读书", "上学", "高考", "初中", "高中", "小学", "未成年", "孩子的", "我儿子", "我女儿", "上初中",
		"替我", "帮我妈", "帮我爸", "帮我奶奶", "帮我外婆", "帮我姥姥", "替他", "替她", "代我", "不识字", "不会用手机", "不会用智能手机", "低保", "单亲",
	)

	// vulnerableAge finds ages from 60 up ("我妈72岁", "七十多了").
	vulnerableAge = regexp.MustCompile(`([6-9]\d|1[01]\d)\s*(岁|了|多岁)|([六七八九]十[一二三四五六七八九]?|[六七八九]十多)\s*(岁|了)|[六七八九]旬`)
	// escalationWords are media, regulator, lawsuit and petition threats.
	escalationWords = phrases(
		"媒体", "曝光", "记者", "报社", "电视台", "微博", "抖音上发", "发到网上", "发网上", "网上曝光", "热搜", "黑猫投诉", "315",
		"12378", "12363", "12345", "金融监管局", "监管局", "银保监", "银监", "保监", "证监会", "人民银行投诉", "向人民银行", "人民银行的投诉", "监管部门", "找监管", "向监管", "网信办", "消协", "市场监管",
		"起诉", "律师", "打官司", "法院", "告你们", "告到底", "追究法律责任", "仲裁", "信访", "上访", "市长热线", "拉横幅", "集体投诉", "集体起诉", "联名",
	)
)

// ruleVulnerable reports an elderly, disabled, ill or young consumer, or a
// relative writing for one.
func ruleVulnerable(text string) bool { return vulnerableRule(text, scanPhrases(asciiLower(text))) }

func vulnerableRule(text string, h *textHits) bool {
	return h.any(vulnerableWords) || (strings.ContainsAny(text, "岁了旬") && vulnerableAge.MatchString(text))
}

// ruleEscalation reports a threat or fact of escalation: media, the
// regulator, a lawsuit or a petition.
func ruleEscalation(text string) bool { return escalationRule(scanPhrases(asciiLower(text))) }

func escalationRule(h *textHits) bool { return h.any(escalationWords) }
