package triage

import "testing"

func TestConventionProduct(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ text, want string }{
		// CL-PAY: checkout credit and its collection are payment.
		{"花呗逾期了两个月，催收天天打到我公司", "payment"},
		{"美团月付默认给我开了分期，每期还收服务费", "payment"},
		// Cash loans, 征信 and deposits paying monthly interest are not.
		{"借呗和花呗都逾期了，催收打给我爸妈", ""},
		{"京东白条结清了，征信显示逾期一次", ""},
		{"中行那个按月付息的存款，利息越来越少", ""},
		// BUNDLE: the forced insurance is the product.
		{"平安普惠借款必须买一个借款人意外险，不买系统就过不去", "insurance"},
		{"美团上借钱的时候被默认勾选了一个账户安全险", "insurance"},
		// INS-GUAR and two forced products keep the host.
		{"网贷每期多扣一笔履约保证保险的保费，借的时候没说", ""},
		{"办房贷客户经理说必须买保险和理财，不买就不放款", ""},
		// DEP-TIE: a deposit tied to a wealth product.
		{"办大额存单必须先买一份理财才给额度", "wealth"},
		{"存定期的时候柜员推销理财，我没买", ""},
		{"信用卡年费乱扣", ""},
		// ATMNET: access to cash; the account's own trouble is savings.
		{"村里的取款机半个月没加钞了，老人取钱要跑到镇上", "cash"},
		{"ATM取款没出钞，卡里钱却扣了", ""},
		{"部分付款以后商家不发货", ""},
		// CL-PAY covers WeChat's 分付 too.
		{"微信分付默认给我分了期，每期扣手续费", "payment"},
		// BR: the social security card is the branch's service.
		{"我爸社保卡丢了去补办，非要本人到场，他卧床下不了地", "other"},
		// PI-LEAK: staff telling others what a customer has.
		{"网点的柜员转头就跟村里人说老太太存了多少钱，现在全村都知道", "personal_info"},
		{"客户经理说我自己泄露了密码，盗刷不管", ""},
		{"平安的保险业务员把我住院理赔的材料发朋友圈当广告，名字身份证号诊断书全都看得见", "personal_info"},
		{"那个柜员跟我阿嫂系老乡，居然把我卡里有几多钱讲给我阿嫂听，我在广发存了点钱", "personal_info"},
		// STAFF-LOAN: an employee's private borrowing is the branch's business.
		{"民生银行的客户经理以家里急用为由找我借了五万，现在人离职了", "other"},
		{"保险业务员找我借了两万不还", ""},
		// FX-CARD: conversion fees on card spending abroad; fraud abroad stays.
		{"在新加坡刷中信信用卡，每笔都多收了货币兑换费", "forex"},
		{"信用卡在境外被盗刷了三笔，汇率还按最高的算", ""},
		// CORP: opening a corporate account; money moved through one is not.
		{"开个对公户跑了三趟了还没开下来", "other"},
		{"对公账户转个人账户要提供合同发票", ""},
		// ACC-LIMIT: the consumer's own account restricted; money from abroad is forex.
		{"邮储把我的卡限制了非柜面交易，要我交收入证明", "savings"},
		{"我老公在国外打工汇回来的钱被农行冻了，要解释资金来源", ""},
		// DEP-INS: a deposit visit that ends in a policy.
		{"我妈去农行存定期，回来才知道是张保险单子，终身寿", "insurance"},
		{"去存定期，客户经理推销保险，我没买", ""},
	} {
		if got := conventionProduct(asciiLower(prepareText(c.text))); got != c.want {
			t.Errorf("conventionProduct(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// TestClassifyAppliesConventionProduct: the rules reach the
// classification (the model alone reads the 白条 story as loan, at 0.94).
func TestClassifyAppliesConventionProduct(t *testing.T) {
	t.Parallel()
	c := testClassifier()
	for _, c2 := range []struct{ text, want string }{
		{"借个钱还非要我买保险，不勾那个意外险就不给放款，保费每期从还款里扣", "insurance"},
		{"京东白条晚还了几天，催收就打电话到我单位和老家", "payment"},
		{"想存个大额存单，银行非要我先买五万理财才给办", "wealth"},
		{"光大银行的客户经理小吴前年说家里急用钱找我借了三万，到现在一分没还，支行说是他个人的事", "other"},
		{"我妈去农行存定期，柜台边上的人说这个跟存款一样还保本，回来才发现是张保险单子，增额终身寿", "insurance"},
	} {
		got := c.ClassifyOffline(c2.text, testNow)
		if got.Intent != "complaint" || got.Product != c2.want {
			t.Errorf("%s: intent %s product %s (%.2f), want a %s complaint", c2.text, got.Intent, got.Product, got.ProductConfidence, c2.want)
		}
	}
}

func TestConventionCreditMarkAndTiedSale(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text, product string
		tied          bool
	}{
		// PI-CR: a mark put there by the institution's failed debit.
		{"民生银行系统升级那两天我的自动还款没扣成，征信上多了一个1", "personal_info", false},
		// ... or by a customer-service error (PI-CR names both).
		{"客服报给我的结清金额少算了2块8利息，两个月后我征信上出来一个逾期，客服的错凭什么让我背", "personal_info", false},
		{"月付默认开通，逾期了还会上征信，风险全让消费者担", "", false},
		{"我征信那么好，系统评定给我9.8%的利率", "", false},
		// CASHX: an appointment or questions for a large cash withdrawal.
		{"取自己卡里五万块钱，工行非要我提前一天预约，还盘问我取钱干嘛用", "cash", false},
		{"存款的时候签的单子上写着存款可随时支取，现在要取说大额要提前一天预约", "", false},
		// CH-TIE: the forced product is a matter of choice.
		{"银行说买大额存单必须同时买一款理财产品，不买就不卖存单", "wealth", true},
		{"后来我孙子帮我看才知道存款到期转存买的是权益类基金", "", false},
		{"车贷必须买他们指定的车险，不买不放款", "insurance", true},
	} {
		lower := asciiLower(prepareText(c.text))
		if got := conventionProduct(lower); got != c.product {
			t.Errorf("conventionProduct(%q) = %q, want %q", c.text, got, c.product)
		}
		if got := tiedSale(lower); got != c.tied {
			t.Errorf("tiedSale(%q) = %v, want %v", c.text, got, c.tied)
		}
	}
}

// Forex needs something foreign: a domestic tuition transfer is not.
func TestClassifyForexNeedsSomethingForeign(t *testing.T) {
	t.Parallel()
	c := testClassifier()
	if got := c.ClassifyOffline("中行手机银行转钱给女儿交学费，钱扣了三天了还显示处理中，女儿那边一分没收到", testNow); got.Product == "forex" {
		t.Errorf("a domestic tuition transfer read as forex")
	}
	if got := c.ClassifyOffline("在中行给澳大利亚的学校汇学费，中间行扣了25澳元，要求退还", testNow); got.Product != "forex" {
		t.Errorf("a tuition remittance abroad: %s, want forex", got.Product)
	}
}

// DEP-INS's sale misrepresented the product: marketing.
func TestClassifyDepositTurnedInsuranceIsMarketing(t *testing.T) {
	t.Parallel()
	c := testClassifier()
	got := c.ClassifyOffline("我妈去邮储存定期，柜员说这个跟存款一样利息还高，前几天才发现是一份分红险，现在退只能拿回一半", testNow)
	if got.Product != "insurance" || got.Reason != "marketing" {
		t.Errorf("deposit turned policy: %s / %s, want insurance / marketing", got.Product, got.Reason)
	}
}

// A gold bar bought at a bank is wealth; 京东金条 and a safe-deposit box
// are not.
func TestGoldBarIsWealth(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"前年在农业银行网点买了两根金条，一共100克，现在想卖回给银行，回购每克要扣15块手续费": "wealth",
		"京东金条逾期了一天，额度直接冻结":                             "",
		"我在银行保管箱里放的金条少了两根":                             "",
	} {
		if got := conventionProduct(asciiLower(prepareText(text))); got != want {
			t.Errorf("conventionProduct(%q) = %q, want %q", text, got, want)
		}
	}
}

// ACC: a bank account closed is savings, whatever the trips; other
// closures and a 销户证明 are not this rule's.
func TestBankClosure(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text string
		want bool
	}{
		{"交通银行销个户让我来回跑，柜台让我去机器上办，机器上说要去柜台办", true},
		{"去建行把不用的储蓄卡销户，柜员让我等了两个小时", true},
		{"华泰证券销个户咋就这么难呢，跑了三趟", false},
		{"信用卡销户以后还在扣年费", false},
		{"社保说要原银行开销户证明，农行说不开", false},
		{"态度这么差，今天就销户", false},
	} {
		if got := bankClosure(asciiLower(prepareText(c.text))); got != c.want {
			t.Errorf("bankClosure(%q) = %v, want %v", c.text, got, c.want)
		}
	}
	// An institution suspected of selling the data is personal_info; a
	// scammer saying so is not.
	if !dataSold(asciiLower("刚在人保买完车险 第二天就七八家公司打电话 我的信息是不是被你们卖了")) ||
		dataSold(asciiLower("有人打电话说我的个人信息被泄露了，要我注销一个网贷账户")) {
		t.Error("dataSold misreads a leak suspected or a scam's script")
	}
	// CH-TIE for a loan: the wealth product forced on is the product.
	for _, c := range []struct {
		text string
		want bool
	}{
		{"客户经理说贷经营贷必须先买五万块钱理财才给批，不买就不放款", true},
		{"办经营贷的时候被要求买5万理财才能放款", true},
		{"贷款时让我买了理财，到期收益只有2.1%", false},
		{"办贷款必须买一份意外保险", false},
	} {
		if got := tiedLoan(asciiLower(prepareText(c.text))); got != c.want {
			t.Errorf("tiedLoan(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
