package triage

import (
	"slices"
	"testing"
)

func TestParseDemands(t *testing.T) {
	t.Parallel()
	checkDemands(t, "ParseDemands", ParseDemands, []demandCase{
		{"要求全额退款", []string{"refund"}},
		{"把钱退给我并赔偿损失", []string{"refund", "compensation"}},
		{"让催收别再打电话了", []string{"stop_harassment"}},
		{"请更正我的征信记录", []string{"correction"}},
		{"给我一个解释，凭什么扣钱", []string{"explanation"}},
		{"我要注销这张卡", []string{"cancel"}},
		{"退保，退还保费", []string{"refund", "cancel"}},
		{"信用卡年费", nil},
		{"", nil},
	})
}

func TestParseDemandsIgnoresLookalikes(t *testing.T) {
	t.Parallel()
	checkDemands(t, "ParseDemands", ParseDemands, []demandCase{
		// "辞退了" contains the cue "退了", "稳赚不赔" a sales promise.
		{"催收天天打到单位，我都要被辞退了", nil},
		{"客户经理说跟着他做稳赚不赔", nil},
		{"我退休了，退休金卡被扣了钱，要求退回", []string{"refund"}},
		// "退" with a named sum is a refund however the sum is called.
		{"退违约金，把合同依据给我说清楚", []string{"refund", "explanation"}},
		{"尽快把理赔款打给我", []string{"compensation"}},
		{"说要回开户地网点办", nil},
		{"把多转的钱要回来", []string{"refund"}},
		// Money the system sent back, or already returned, is a report.
		{"柜员把银行代码填错了，钱被退回来拖了快一个月", nil},
		{"多扣的已经退了一部分，剩下的不给", nil},
		// Still asks.
		{"被骗的钱退回来", []string{"refund"}},
		{"把多收的钱都退给我", []string{"refund"}},
		{"把已经扣的担保费退给我", []string{"refund"}},
		{"已经扣的年费退回来", []string{"refund"}},
		{"已经扣的年费退回来了", nil},
	})
}

// TestCancelWordsThatTellWhatHappened: a cancel word that reports what was
// done, what was done to the writer, another business's step or a
// scammer's script is not a request to cancel.
func TestCancelWordsThatTellWhatHappened(t *testing.T) {
	t.Parallel()
	checkDemands(t, "ParseDemands", ParseDemands, []demandCase{
		{"农行信用卡我已经销户了，又给我出了张账单扣年费", nil},
		{"光大信用卡注销以后还有溢缴款1200多", nil},
		{"借呗额度被关闭了，我一直按时还款", nil},
		{"房贷结清后抵押注销要我自己去不动产中心", nil},
		{"有人打电话说我的校园贷账户要注销，不然影响征信", nil},
		{"客户当天就取消了合作", nil},
		{"要求工行把这几笔撤销", nil},
		{"逾期记录和滞纳金必须撤销", nil},
		// Still asks.
		{"我要注销这张卡", []string{"cancel"}},
		{"要求撤销这个授权", []string{"cancel"}},
		{"请取消这些权限要求", []string{"cancel"}},
		{"把自动续费关掉，退钱", []string{"refund", "cancel"}},
	})
}

func TestStatedDemandsSkipsRhetoricalQuestions(t *testing.T) {
	t.Parallel()
	checkDemands(t, "StatedDemands", StatedDemands, []demandCase{
		{"被强制搭了个保险，不买就不给放款，这合理吗", nil},
		{"转账钱没了，对方也没收到，这算怎么回事", nil},
		{"凭什么收我年费？我要银行给个说法", []string{"explanation"}},
		{"凭什么收我年费？退给我", []string{"refund"}},
		{"跑了四趟，每次说缺一样。一次说清楚就那么难？", nil},
		{"每次只说一样，一次说完会死吗", nil},
		// A denied claim or a sales promise tells what happened, not the ask.
		{"泰康拒赔了，业务员当时说什么病都能赔", nil},
		{"平安拒赔了，要求按合同赔付", []string{"compensation"}},
		// A reproach put as a question is not an ask.
		{"你们办汇款就不能提前说清楚吗？", nil},
		{"理赔材料交了三回，就不能一次说清楚吗，我要你们书面解释", []string{"explanation"}},
		{"理赔要材料能不能一次说清楚？？我交了四次了每次都说还差一样", nil},
		// Documents a clerk asks for are not an ask for an explanation.
		{"网点说公转私要提供股东会决议、完税证明，还要写用途说明", nil},
		// A scammer's promise and a wish about other victims ask nothing.
		{"他全程跟我说验证完流水原路退回，别再让他骗别人", nil},
		{"上周接到个电话说是快递理赔客服，说我快递丢了要赔我钱，我就转了8000过去", nil},
		// Terms from now on, stated in the story.
		{"我要求把多收的退了，以后按协议收。", []string{"refund", "other"}},
		{"你们银行这样卖东西给老人家，要给个说法，那个理财经理也要处理！", []string{"explanation", "other"}},
	})
	// ParseDemands still reads the indignant question as wanting an answer.
	if got := ParseDemands("这合理吗"); !slices.Equal(got, []string{"explanation"}) {
		t.Errorf("ParseDemands(这合理吗) = %v", got)
	}
}

func TestParseRequestAddsOtherForUnnamedAsks(t *testing.T) {
	t.Parallel()
	checkDemands(t, "ParseRequest", ParseRequest, []demandCase{
		{"让银行把我的硬币存了，说清楚凭什么不收", []string{"explanation", "other"}},
		{"要求赔偿损失，处理那个客户经理", []string{"compensation", "other"}},
		{"不要再打我单位电话，我愿意协商分期慢慢还", []string{"stop_harassment", "other"}},
		{"正常给我办定期，不能捆绑卖理财", []string{"other"}},
		// A statement about oneself asks nothing.
		{"别再骚扰我家里人和同事，我会想办法还", []string{"stop_harassment"}},
		{"退还所有手续费", []string{"refund"}},
		{"把多收的佣金退给我，以后按万一收", []string{"refund", "other"}},
		{"多扣的利息退回来，按合同约定的利率算", []string{"refund", "other"}},
		{"急用钱的时候要能当天把钱取出来，还要解释清楚凭什么要证明用途", []string{"explanation", "other"}},
		{"多收的手续费退给我，剩下几期按0.6%收", []string{"refund", "other"}},
		{"马上把这张卡给我销了", []string{"cancel"}},
		// An account closed said the other way round, a record deleted, an
		// instalment cancelled as an order; money declined is no ask.
		{"让我在网上把账户销了", []string{"cancel"}},
		{"把我征信上这条记录给删了", []string{"correction"}},
		{"这个分期给取消了，收的手续费全退回来", []string{"refund", "cancel"}},
		{"不用退，给我解释一下为啥办卡的时候不说", []string{"explanation"}},
		{"钱不多我也不要了，就是想问问为啥不说清楚", []string{"explanation"}},
		{"这个钱不多，我也不要你们退，就是为什么不把费用说清楚", []string{"explanation"}},
		{"赔我汇率损失和多出来的手续费", []string{"compensation"}},
		{"把收益的计算过程给我看清楚，把少给我的利息补上", []string{"compensation", "explanation"}},
		// A payout, a claim paid and a reason not to surrender are no asks.
		{"每年的年金返还都进万能账户，退了损失更大", nil},
		{"业务员发朋友圈说又帮客户理赔了一单", nil},
		{"把这份保险退了，五万块一分不少退给我爸", []string{"refund", "cancel"}},
		{"好的", nil},
		{"把征信上那条逾期记录给我改掉", []string{"correction"}},
		{"别再打我家里人和老板的电话了，我想跟他们商量分三个月还清", []string{"stop_harassment", "other"}},
		{"把征信上这条逾期给我撤掉，再给我出个书面说明", []string{"correction", "explanation"}},
		{"把这个保险给我退了，一千二还给我", []string{"refund", "cancel"}},
		{"这个保险我们不要，给退了，一千二还给我爸", []string{"refund", "cancel"}},
		{"多扣的分期手续费退给我，然后把分付给我关了，我不要这个东西", []string{"refund", "cancel"}},
		{"那八千块必须给我追回来。房东扣的三百违约金也该银行赔", []string{"refund", "compensation"}},
		{"别再给我打电话了，告诉我你们是从哪拿到我信息的", []string{"stop_harassment", "explanation"}},
		{"一次性把还缺的材料全告诉我，赶紧给我结案", []string{"explanation", "other"}},
		{"这个保险我要退掉，8600保费全额退给我", []string{"refund", "cancel"}},
		{"马上把这笔货款转到对方账上，供货商扣我的800违约金你们得赔", []string{"compensation", "other"}},
		{"别再给我打电话发短信了，还有说清楚我的号码是从哪来的", []string{"stop_harassment", "explanation"}},
		{"跟我解释一下为什么改收费不通知，以后改规则要提前告诉用户", []string{"explanation", "other"}},
		{"把征信上那条逾期给我消了", []string{"correction"}},
		{"让催收别再来我直播间闹了", []string{"stop_harassment"}},
		{"别再拉着我妈推销了，老人就是去存个钱", []string{"stop_harassment"}},
		// "别再让我来回跑" is not harassment.
		{"要啥材料一次说全，别再让俺一趟趟跑了，赶紧给办下来", []string{"other"}},
		{"解释下为啥不标年化，以后页面上给写清楚", []string{"explanation", "other"}},
		{"那个保险给退了，两万块一分不少退回来", []string{"refund", "cancel"}},
		{"把五万块钱原数还给我妈，她那是存定期的钱", []string{"refund"}},
		{"把收款的那个账户冻结了", []string{"other"}},
		{"告诉我他们从哪弄到我的信息，以后别再打了", []string{"stop_harassment", "explanation"}},
		{"不赔那这保险我退了，三年保费全退给我", []string{"refund", "cancel"}},
		{"中间行扣的那25美金退返给我", []string{"refund"}},
		{"别再半夜打电话吓我了", []string{"stop_harassment"}},
		// Blind persona sets 27–32 answered these ways.
		{"别再去找我女儿和家里人，有事找我本人", []string{"stop_harassment"}},
		{"不准再打我爸电话吓唬老人，有事直接找我", []string{"stop_harassment"}},
		{"以后不许再打我公司电话，也别冒充律师吓人", []string{"stop_harassment"}},
		{"莫打我屋里人的电话了，我月底发了工资就还", []string{"stop_harassment"}},
		{"叫他们莫再打电话推贷款了", []string{"stop_harassment"}},
		{"钱得退，这是肯定的，还得给我道个歉", []string{"refund", "other"}},
		{"卡赶紧还给我，因为你们机器耽误我交房租被扣的违约金得赔", []string{"compensation", "other"}},
		{"我就想知道为啥差这么多，差的收益得给我补上", []string{"compensation", "explanation"}},
		{"把我通讯录的数据给删了，还要告诉我他们拿去干什么用了", []string{"explanation", "other"}},
		{"把这个分期撤了 手续费退我", []string{"refund", "cancel"}},
		{"把花呗给我爸关了，手续费退回来", []string{"refund", "cancel"}},
		{"那个理财我不要，帮我撤了，5万退回来", []string{"refund", "cancel"}},
		{"是你们客服算错的，把征信上的逾期改掉", []string{"correction"}},
		{"赶紧把征信改成已结清", []string{"correction"}},
		// Typed on a phone: spaces part the asks.
		{"多收的佣金退给我 以后按万一收", []string{"refund", "other"}},
		{"手续费全部退给我 分期给我取消了", []string{"refund", "cancel"}},
		{"赶紧把两千块退到我卡里", []string{"refund"}},
		{"把这两年扣的短信费退给我，这个短信服务也给我停了", []string{"refund", "cancel"}},
		{"把收款的支付宝号封了，被骗的钱追回来还给我", []string{"refund", "other"}},
		{"接受盖章复印件，把理赔受理了", []string{"other"}},
		{"别再给我家里人和单位打电话了，钱我会还的", []string{"stop_harassment"}},
		{"电话里说免息就得按免息来，手续费全退给我。剩下几期我也不分了，给我取消掉。", []string{"refund", "cancel"}},
	})
}

type demandCase struct {
	text string
	want []string
}

func checkDemands(t *testing.T, name string, parse func(string) []string, cases []demandCase) {
	t.Helper()
	for _, c := range cases {
		if got := parse(c.text); !slices.Equal(got, c.want) {
			t.Errorf("%s(%q) = %v, want %v", name, c.text, got, c.want)
		}
	}
}
