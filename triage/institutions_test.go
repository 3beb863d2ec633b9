package triage

import "testing"

func TestNormalizeInstitution(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		known    bool
	}{
		{"工行", "中国工商银行", true},
		{"工商银行", "中国工商银行", true},
		{"ICBC", "中国工商银行", true},
		{"建行", "中国建设银行", true},
		{"农行", "中国农业银行", true},
		{"中行", "中国银行", true},
		{"交行", "交通银行", true},
		{"招行", "招商银行", true},
		{"泰隆银行", "浙江泰隆商业银行", true},
		{"掌上生活", "招商银行", true},
		{"中华财险", "中华联合保险", true},
		{"中国太平洋财产保险", "太平洋保险", true},
		{"中国平安人寿", "中国平安", true},
		// A rural bank with its place is a bank of its own, written out.
		{"武汉农商行，黄陂那个支行的", "武汉农商行", false},
		{"会宁农信社", "会宁农信社", false},
		{"黑龙江桦南农村商业银行", "黑龙江桦南农村商业银行", false},
		{"镇上农商行", "农村商业银行", true},
		{"农商行", "农村商业银行", true},
		{"买单吧", "交通银行", true},
		{"上海农商行", "上海农商银行", true},
		{"邮储", "中国邮政储蓄银行", true},
		{"浦发", "浦发银行", true},
		{"中信", "中信银行", true},
		{"光大", "中国光大银行", true},
		{"华夏", "华夏银行", true},
		{"民生", "中国民生银行", true},
		{"广发", "广发银行", true},
		{"平安", "平安银行", true},
		{"兴业", "兴业银行", true},
		{"北京银行", "北京银行", true},
		{"支付宝", "支付宝", true},
		{"微信", "微信支付", true},
		{"微信支付", "微信支付", true},
		{"花呗", "花呗", true},
		{"借呗", "借呗", true},
		{"京东白条", "京东金融", true},
		{"白条", "京东金融", true},
		{"美团月付", "美团", true},
		{"度小满", "度小满", true},
		{"微粒贷", "微众银行", true},
		{"360借条", "360借条", true},
		{"国寿", "中国人寿", true},
		{"中国人寿", "中国人寿", true},
		{"平安保险", "中国平安", true},
		{"太保", "太平洋保险", true},
		{"人保", "中国人保", true},
		{"泰康", "泰康人寿", true},
		{"新华保险", "新华保险", true},
		{"华泰", "华泰证券", true},
		{"招商证券", "招商证券", true},
		{"安逸花", "马上消费金融", true},
		{" 招行。", "招商银行", true},
		{"我在建行办的", "中国建设银行", true},
		{"鼎盛国际", "鼎盛国际", false},
		{"某某小额贷款公司", "某某小额贷款公司", false},
		{"", "", false},
	}
	for _, c := range cases {
		got, known := NormalizeInstitution(c.in)
		if got != c.want || known != c.known {
			t.Errorf("NormalizeInstitution(%q) = %q, %v; want %q, %v", c.in, got, known, c.want, c.known)
		}
	}
}

func TestFindInstitution(t *testing.T) {
	t.Parallel()
	cases := []struct{ text, want string }{
		{"招行信用卡乱扣年费", "招商银行"},
		{"我在工行办的房贷，后来转到建行", "中国工商银行"},
		{"有人加我微信说是浦发信用卡的客户经理", "浦发银行"},
		{"微信零钱提现收手续费", "微信支付"},
		{"招商证券的佣金比别家高", "招商证券"},
		{"平安的车险理赔拖了两个月", "中国平安"},
		{"平安信用卡扣了我年费", "平安银行"},
		{"我已经向人民银行投诉了，农行还是不处理", "中国农业银行"},
		{"我去人民银行打印征信报告排了两个小时", "中国人民银行"},
		{"我在哈尔滨银行存的定期被提前支取了", "哈尔滨银行"},
		{"我在浙江农商银行买的理财", "浙江农商银行"},
		{"农商行贷款砍头息", "农村商业银行"},
		{"你们银行的服务太差了", ""},
		{"硬币银行必须收吗", ""},
		{"想问银行能不能帮我冻结对方账户", ""},
		{"信用卡逾期几天会上征信", ""},
		{"民生问题要重视，交通银行的app太难用", "交通银行"},
		// A source of funds gives way to where the money went, unless the
		// story goes on about the source.
		{"我从工行卡里转了十万到华泰证券的账户，投顾推荐的基金亏了三万", "华泰证券"},
		{"从农行卡充了五千到微信零钱，转错了人，客服不管", "微信支付"},
		{"把余额宝里的钱提到建行卡里，第二天去网点取现要预约", "中国建设银行"},
		{"想把20万从建行转到招行的账户，建行手机银行说超过限额", "中国建设银行"},
		// The institution a role names: the lender behind a platform, the
		// bank whose ATM kept another's card, the one held responsible.
		{"在支付宝借钱里借的 点进去才知道是招联放的款 提前还款扣了我900违约金", "招联消费金融"},
		{"我的邮储卡在农行ATM上取钱被吞了，找农行网点说第二天来拿", "中国农业银行"},
		{"我微信号被盗了!!!绑的农行卡被人用微信支付刷走八千六，微信得给我负责", "微信支付"},
		{"农行的卡被盗刷了，银行得给我负责", "中国农业银行"},
		{"", ""},
	}
	for _, c := range cases {
		if got := FindInstitution(c.text); got != c.want {
			t.Errorf("FindInstitution(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestInstitutionKind(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{"招商银行": KindBank, "支付宝": KindPayment, "借呗": KindLender, "中国人寿": KindInsurer, "华泰证券": KindBroker, "众诚保险": KindInsurer, "鼎盛国际": ""} {
		if got := InstitutionKind(name); got != want {
			t.Errorf("InstitutionKind(%q) = %q, want %q", name, got, want)
		}
	}
}
