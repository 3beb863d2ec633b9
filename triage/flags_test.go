package triage

import "testing"

func TestRuleFraud(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text string
		want bool
	}{
		{"有人打电话说是公安，说我涉嫌洗钱，让我把钱转到安全账户，现在还在通话中", true},
		{"客服让我共享屏幕取消会员，现在正开着", true},
		{"他说是警察要我报验证码，我报不报", true},
		{"平台说交了解冻费才能提现，我正准备交", true},
		{"我爸被拉进一个养老项目群，今天非要去银行转8万过去，能不能帮忙拦一下", true},
		{"去年被冒充客服的骗了两万，已经报警了，银行能不能追回", false},
		{"上个月被刷单骗走了一万二，派出所立案了", false},
		{"信用卡年费扣了我三百，要求退回", false},
		{"验证码一直收不到，登不上手机银行", false},
	}
	for _, c := range cases {
		if got := ruleFraud(prepareText(c.text)); got != c.want {
			t.Errorf("ruleFraud(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

func TestRuleCrisis(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text string
		want bool
	}{
		{"催收天天打电话，我真的不想活了", true},
		{"我现在人在天台上，撑不住了", true},
		{"再这样我就去网点跟他们同归于尽", true},
		{"我要是找到那个催收我弄死他", true},
		{"欠的钱我砸锅卖铁也会还", false},
		// What a collector or a clerk is reported to have said is abuse to
		// report, not the writer's crisis; the writer's own words around it,
		// a relative's despair and agreeing with the abuse still are.
		{"催收员打电话跟我说“你这种人怎么不去死”，我要投诉", false},
		{"催收的人说要弄死我全家，我已经报警了", false},
		{"客服骂我“穷鬼去跳楼吧”，要求道歉", false},
		{"催收说“不还钱就去死吧”，我现在真的不想活了", true},
		{"催收员说我这种人就该去死，我现在觉得他说得对", true},
		{"再让催收打我电话骂我妈我就去他们网点砸了", true},
		{"我妈这两天老说“我死了算了”，还把首饰分给了我们", true},
		{"我跟客服说我不想活了，她就挂了电话", true},
		{"年费太贵了，要求退", false},
		// Indirect warning signs: leaving, the next life, goodbyes, a place
		// with someone staying there, the means bought.
		{"网贷催得太狠了，我想走了，你们别再打给我爸", true},
		{"这笔钱我下辈子再还吧", true},
		{"我昨晚在桥上站了很久", true},
		{"孩子我已经托付给我姐了，卡里的钱你们随便扣", true},
		{"被骗的钱追不回来，我把安眠药都攒好了", true},
		{"那个理财经理我找到他家了，不退钱我就烧了他家的门", true},
		// Everyday speech with the same words: a denial, a thing giving out,
		// a queue, a sale, a card got rid of, a place name, a funeral.
		{"放心，我不会想不开，就是要银行给个说法", false},
		{"我不是想死，是真的活不下去了，催收天天打", true},
		{"店里生意真的撑不下去了，经营贷能不能展期", false},
		{"排队排得我都想走了，就开一个窗口", false},
		{"商场跳楼价清仓，刷卡却被多扣了一笔", false},
		{"信用卡都还清了，一了百了，全部注销要怎么办", false},
		{"河边那个工行网点还开门吗", false},
		{"我爸走了，想取他卡里的钱办后事，银行要公证", false},
		{"果园打了农药还是减产，农业险不赔", false},
		// Warning signs whose words come apart, and the same words harmless:
		// the will to live, cuts, not being here, the other side, the means
		// saved, another attempt, a roof right now, leaving for good.
		{"信用卡欠了六万，我都不敢活了", true},
		{"网贷逼得我这条命我也不打算要了", true},
		{"手臂上又多了几道口子，催收还是天天打", true},
		{"过了这个月我就不在了，你们爱找谁找谁", true},
		{"阎王那里总不收利息吧", true},
		{"止痛药我已经攒够了，别再催了", true},
		{"上次吃过药被救回来，这次不会再失手", true},
		{"我在楼顶，工资卡被冻了", true},
		{"没有我他们会过得更好", true},
		{"明天开车去外地，没打算回来", true},
		{"我天天在想怎么结束自己", true},
		{"不还就喝药算了", true},
		{"我在楼顶晒被子，手机掉下去摔坏了", false},
		{"看到新闻说有人被网贷逼得跳楼了，我想查查自己的征信", false},
		{"保险合同里的自杀条款是两年吗", false},
		{"我跟这家保险公司拼了，打了三十多个电话还是不赔", false},
		{"以前想过不活了，后来看了心理医生，现在好多了，想问逾期记录多久消", false},
		{"以前想过不活了，现在催收又打来，我又想死了", true},
		{"这是我最后一次打你们电话，再不处理就去法院起诉", false},
		{"上个月借了阎王债，利息高得离谱", false},
		// Internet speech: euphemisms, dodged spellings, English, words
		// spaced out; the same slang harmless; jokes; a collector's threat
		// that goes on ("还说").
		{"网贷天天爆通讯录 想去见太奶了", true},
		{"逾期三个月了 zi杀的念头又来了", true},
		{"i want to kill myself, 催收打给我老板了", true},
		{"今晚 准备 去 领 便 当", true},
		{"我 不 想 活 了", true},
		{"人生这出戏我想提前杀青", true},
		{"刀就在手边，催收敢上门就试试", true},
		{"客服说是我保管不善 我想喝百草枯", true},
		{"紫砂壶分期付的，商家不给退", false},
		{"这手续麻烦得我想死😂 改个手机号还要本人到场", false},
		{"哈哈 笑死 不想活了，不过今晚还是想死，药都备好了", true},
		{"我在浙江天台县做生意，贷款提前还要收违约金", false},
		{"催收打给我外婆，还说“不还钱就去死”，我要投诉", false},
		{"催收说 你这种人怎么不去死 我要投诉", false},
		// Written threats, and speech going on after a few words; but the
		// writer speaking to them is the writer.
		{"催收短信写着不还钱就去跳楼吧，能举报吗", false},
		{"催收打到我单位，还在电话里说我这种人就该跳楼，要求处理", false},
		{"催收打到我单位，我又跟他说我真的不想活了", true},
		{"哈哈 我真的不想活了", true},
		// Others' words the writer quotes, attributes after the quotation,
		// or that a pronoun says to "你"; a clause that goes on speaking for
		// a collector named earlier; a written threat on a door.
		{"“欠钱不还就去跳楼”——这是平安普惠催收的原话，要求处理", false},
		{"催收给我发短信：“你这种人早点解脱吧”，这合法吗", false},
		{"催收员打电话来，他说'你怎么不去死'，我录音了", false},
		{"他们说不还就让我去跳楼，招联你们管不管", false},
		{"催收打给我爸，说“你儿子再不还就让他跳楼”，老人吓坏了", false},
		{"催收上门时在我家门上写了“不还去死”，邻居都看到了", false},
		{"我妈说“你们别管我了，我不想活了”，催收还天天打", true},
		// Figures of speech and a past that is over.
		{"真想把柜台砸了，排了三个小时", false},
		{"谁敢上门吓唬我妈，我就跟他拼命", false},
		{"我没想不开，就是要个说法", false},
		{"保险公司非说是自杀，不肯赔我爸的意外险", false},
		{"这些小额贷款要把人逼死了，利息这么高", false},
		{"结算账户被冻结了，说要核实", false},
		{"我那时候想过一死了之，那是十年前的事了，跟现在没关系，就想问逾期记录", false},
		// Warning signs with no word of death: belongings handed over,
		// affairs written down, treatment stopped, a night by the water,
		// the means bought, a goodbye, a date set, joining the dead.
		{"我爸这几天把房本和存折都交给我了，还说他对不起我们，理财的钱能追回吗", true},
		{"我把欠谁多少都写清楚了放在桌上，信用卡催收别再打了", true},
		{"化疗我不打算做了，钱留给孩子，保险公司你们不用再拖了", true},
		{"网贷还不上，这几天每晚都开车到江边坐着", true},
		{"绳子已经在网上买了，催收你们满意了吧", true},
		{"谢谢你们这段时间帮忙，以后就不来打扰了", true},
		{"我给自己定了个日子，到那天还凑不上钱就……", true},
		{"奶奶走了以后我一个人，想去陪奶奶了", true},
		{"我妈把存折交给我保管了，柜员说必须本人来", false},
		{"我给自己定了个日子，年底前把网贷全清掉", false},
		{"给家里的信写好了，把借钱的事都坦白了，想问能不能协商", false},
		{"周末想去江边走走，顺便问下信用卡年费", false},
		{"那天差点一脚油门冲进河里，卡到现在还冻着", true},
		{"花圈给自己订好了，催收别打了", true},
		{"我去年这时候天天想着怎么结束，现在都还完了，就想说声谢谢", false},
	}
	for _, c := range cases {
		if got := ruleCrisis(prepareText(c.text)); got != c.want {
			t.Errorf("ruleCrisis(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

func TestRuleVulnerableAndEscalation(t *testing.T) {
	t.Parallel()
	if !ruleVulnerable("我妈72岁了，不会用手机银行") || !ruleVulnerable("我是大二学生") || ruleVulnerable("信用卡年费乱扣") {
		t.Error("ruleVulnerable misreads age, students or ordinary complaints")
	}
	if !ruleEscalation("不退钱我就去12378投诉") || !ruleEscalation("我已经找了律师准备起诉") || ruleEscalation("年费扣错了") {
		t.Error("ruleEscalation misreads regulator, lawsuit or ordinary complaints")
	}
}
