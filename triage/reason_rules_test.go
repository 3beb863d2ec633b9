package triage

import (
	"slices"
	"testing"
)

// TestFreeCreditPitch: credit sold as free that then charges is
// marketing (MK-PITCH b); a fee waiver, a fund's fee, the grace period and
// a written term against the pitch are not.
func TestFreeCreditPitch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text string
		want bool
	}{
		{"电话里客服说账单分期免息，结果每期收了80块手续费", true},
		{"信用卡客服打电话推账单分期，一口一个免息免息，结果每期多了个手续费144块", true},
		{"网贷广告写着首月0利息，借了两千还是扣了利息和服务费", true},
		{"信用卡首年免年费，第二年被扣了三百年费", false},
		{"业务员说零利息，合同里却写着六千的服务费", false},
		{"基金申购的时候说零手续费，结果每年扣销售服务费", false},
		{"取现的利息从当天就开始算，我以为也有免息期", false},
		{"信用卡分期免息挺好的，想问问怎么办", false},
	}
	for _, c := range cases {
		if got := freeCreditPitch(asciiLower(prepareText(c.text))); got != c.want {
			t.Errorf("freeCreditPitch(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

// TestClassifyFreeInstalmentIsMarketing: the rule reaches the
// classification (the model alone reads this text as fees, at 0.94).
func TestClassifyFreeInstalmentIsMarketing(t *testing.T) {
	t.Parallel()
	c := testClassifier()
	got := c.ClassifyOffline("客服说分期免息我才办的，现在每个月扣我手续费，这算什么免息", testNow)
	if got.Intent != "complaint" || got.Reason != "marketing" {
		t.Fatalf("intent %s reason %s (%.2f), want a marketing complaint", got.Intent, got.Reason, got.ReasonConfidence)
	}
}

// The reason rules' tests, each with the lookalikes it must leave alone.
func TestReasonRules(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		rule func(string) bool
		text string
		want bool
	}{
		// CH-DEFAULT: a box ticked by default, a renewal never switched on.
		{"CH-DEFAULT", switchedOnByDefault, "付款页面上自动续费是默认勾好的，我根本没看到，每个月被扣25", true},
		{"CH-DEFAULT", switchedOnByDefault, "扫码领鸡蛋的时候默认勾选了会员，每月19.9", false},
		{"CH-DEFAULT", switchedOnByDefault, "系统默认勾选了续期，把我选的赎回重置了", false},
		{"CH-DEFAULT", switchedOnByDefault, "微信莫名奇妙每个月扣我25 一查是个剪辑app的自动续费 我压根没开过自动续费啊", true},
		{"CH-DEFAULT", switchedOnByDefault, "我妈微信每个月被扣二十九块九，说是啥健康课堂的自动续费，她哪知道啥叫自动续费", true},
		{"CH-DEFAULT", switchedOnByDefault, "视频会员自动续费取消了还在扣", false},
		{"CH-DEFAULT", switchedOnByDefault, "扫码送礼品以后被开通了自动续费的会员，老人都不知道", false},
		{"CH-DEFAULT", switchedOnByDefault, "信用卡年费乱扣", false},
		{"CH-DEFAULT", switchedOnByDefault, "付钱的时候支付宝自己给选了花呗分期，他根本不知道啥是花呗", true},
		{"CH-DEFAULT", switchedOnByDefault, "我从来没有开通过什么大额消费自动分期，工行在我不知情的情况下给我开了", true},
		{"CH-DEFAULT", switchedOnByDefault, "我自己选了分期，后来想提前还", false},
		// S1: a loan disbursement delayed past what staff said.
		{"S1", loanDelayed, "客户经理说好签完合同两周放款，结果拖了快两个月，卖家按合同要我付违约金", true},
		{"S1", loanDelayed, "房贷批了以后银行又说要重新审批，放款拖了两个月", false},
		{"S1", loanDelayed, "放款以后才发现利率比合同高", false},
		// S2: documents asked for piecemeal, visit after visit.
		{"S2", piecemealDocs, "跑了三趟了 第一趟说要学生证 第二趟说要实习协议 第三趟又要公司开证明 一次说清楚很难吗", true},
		{"S2", piecemealDocs, "理赔材料交了三次，每次都说缺东西", true},
		{"S2", piecemealDocs, "能不能给个固定的、一次性说清楚的材料要求？每个月都要交流水", false},
		// MK-PITCH (a): credit sold as something else.
		{"MK-PITCH-a", disguisedCredit, "95508打电话说给我提额两万 让我按1确认 结果是办了个现金分期 每个月还收手续费", true},
		{"MK-PITCH-a", disguisedCredit, "申请提额被拒了，客服说综合评分不足", false},
		// F1: an ATM that paid out nothing.
		{"F1-atm", atmNoCash, "广州农商行的柜员机取钱，机器咔咔响了一阵没出钱，卡里扣了2000", true},
		{"F1-atm", atmNoCash, "atm取了两千，回家发现卡被人盗刷了", false},
		// S1: a clerk keyed the wrong account.
		{"S1-staff", staffMisrouted, "邮储柜员给我转学费转错了 卡号输错了一位 五千块钱转到别人那去了", true},
		{"S1-staff", staffMisrouted, "我自己手机银行转账输错了卡号，钱转给了陌生人", false},
		// F1: one payment taken twice by a glitch.
		{"F1-twice", chargedTwice, "支付宝交电费，转圈圈提示网络异常，我又点了一次，结果扣了两次", true},
		{"F1-twice", chargedTwice, "给主播充抖币 扣了我两次钱 648扣了两遍 抖币就到了一份", true},
		{"F1-twice", chargedTwice, "代扣燃气费一个月扣了两回，客服说系统出毛病了", true},
		{"F1-twice", chargedTwice, "代扣的物业费一个月扣了两次，物业和银行互相推", false},
		{"F1-twice", chargedTwice, "名字多了个空格被退回，来回扣了两次手续费", false},
		// F1: an automatic debit the institution's system failed.
		{"F1", systemFailedDebit, "8月中信系统升级，自动还款没扣成，也没人通知我，征信上多了一条逾期记录", true},
		{"F1", systemFailedDebit, "自动还款没扣成，因为我卡里钱不够", false},
		{"F1", systemFailedDebit, "风控系统判定异常，自动还款没扣成", false},
		// MK-LURE: insurance given free, then charged.
		{"MK-LURE", freeInsuranceLure, "电话里说免费送我一份医疗险，结果每个月从我微信扣168", true},
		{"MK-LURE", freeInsuranceLure, "买理财送了一桶油", false},
		{"MK-LURE", freeInsuranceLure, "保险每年扣费，买的时候没说", false},
		// FC-1: a charge the contract says is not due.
		{"FC-1", chargeNotInContract, "合同上白纸黑字写着满三年提前还款不收违约金，上个月我提前还了20万，结果被扣了2000块违约金", true},
		{"FC-1", chargeNotInContract, "合同写着提前还款收3%违约金，业务员说满一年随便还，现在要收我4500", false},
		{"FC-1", chargeNotInContract, "分期协议写得很清楚，提前还款不收手续费，后来协议改成收了", false},
	} {
		if got := c.rule(asciiLower(prepareText(c.text))); got != c.want {
			t.Errorf("%s(%q) = %v, want %v", c.name, c.text, got, c.want)
		}
	}
}

// FD-1 turns an untold charge wanted back into fees.
func TestUntoldChargeWanted(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text string
		want bool
	}{
		{"汇学费被中间行扣了25镑，页面一个字都没提，把被扣的钱退给我", true},
		{"汇款的时候柜员没说中间行还要扣费，为什么不说清楚", false},
		{"退保的时候才知道有退保费用，投保的时候谁也没提", false},
		{"合同里藏着服务费，没人告诉我，要求退还", false},
		{"基金赎回扣了1.5% 买的时候根本没提示 退我", true},
	} {
		lower := asciiLower(prepareText(c.text))
		if got := untoldChargeWanted(lower, ParseDemands(c.text)); got != c.want {
			t.Errorf("untoldChargeWanted(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

// FD-1's other side: a fee not told about whose refund the consumer
// declines is an objection to not being told.
func TestUntoldChargeDeclined(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text string
		want bool
	}{
		{"取现还收手续费，办卡的时候一句都没提过。钱不多我也不要了，就是想问为啥不说", true},
		{"每月扣2块短信费，开卡时谁也没跟我说过。钱不用退，给我解释一下", true},
		{"每月扣2块短信费，开卡时谁也没跟我说过，退给我", false},
		{"钱不用退了，柜员态度太差", false},
	} {
		if got := untoldChargeDeclined(asciiLower(prepareText(c.text))); got != c.want {
			t.Errorf("untoldChargeDeclined(%q) = %v, want %v", c.text, got, c.want)
		}
	}
	c := testClassifier()
	got := c.ClassifyOffline("中信信用卡取现还收手续费，办卡的时候那个小姑娘一句都没提过。钱不多我也不要了，就是想问问为啥不说清楚", testNow)
	if got.Reason != "disclosure" || slices.Contains(got.Demands, "refund") {
		t.Errorf("a declined untold fee: reason %s, demands %v; want disclosure without refund", got.Reason, got.Demands)
	}
}

// FD-1 reaches a fee on an annuity the model reads as returns; a payout
// (返还) is not money asked back.
func TestClassifyUntoldFeeOnAnAnnuity(t *testing.T) {
	t.Parallel()
	c := testClassifier()
	if got := c.ClassifyOffline("新华的养老年金带个万能账户，每年偷偷扣什么初始费用、管理费，买的时候没一个人说过，扣的钱给我退回来", testNow); got.Reason != "fees" {
		t.Errorf("untold annuity fee wanted back: reason %s, want fees", got.Reason)
	}
	if got := c.ClassifyOffline("我买的新华惠福宝，说每年返还10%，实际返还的是基本保额的10%，不是保费的10%，差了一大半，管理费也没人说", testNow); got.Reason == "fees" {
		t.Errorf("a payout short of what was said read as fees")
	}
}
