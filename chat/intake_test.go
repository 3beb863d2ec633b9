package chat

import "testing"

func TestIsNoAmount(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"没有", "没有涉及金额", "不涉及钱", "没损失", "不知道", "无", "0"} {
		if !isNoAmount(normalize(s)) {
			t.Errorf("isNoAmount(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"两千", "好的", "被扣了钱"} {
		if isNoAmount(normalize(s)) {
			t.Errorf("isNoAmount(%q) = true, want false", s)
		}
	}
}

func TestLastCodeTakesTheCorrection(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"类别不对，不是信用卡，是贷款":  "loan",
		"分类应该是理财与基金":      "wealth",
		"业务类别改成个人金融信息与征信": "personal_info",
		"类别写错了，是保险":       "insurance",
		"类别不对":            "",
	}
	for text, want := range cases {
		if got := lastCode(text, productWords); got != want {
			t.Errorf("lastCode(%q) = %q, want %q", text, got, want)
		}
	}
	if got := lastCode("原因不对，是乱收费", reasonWords); got != "fees" {
		t.Errorf("reason = %q, want fees", got)
	}
}

func TestWithoutPreamble(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"我要投诉。我的佣金比开户时说好的高": "我的佣金比开户时说好的高",
		"您好，我要投诉一下，招行乱扣年费":  "招行乱扣年费",
		"投诉：光大信用卡分期收手续费":    "光大信用卡分期收手续费",
		"我要投诉招行":            "我要投诉招行", // the institution follows directly: keep the words
		"招行乱扣年费，我要投诉":       "招行乱扣年费，我要投诉",
		"投诉处理太慢了":           "投诉处理太慢了",
	}
	for in, want := range cases {
		if got := withoutPreamble(in); got != want {
			t.Errorf("withoutPreamble(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDemandSentenceKeepsTheAsk(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		// One long comma-run sentence: only the clause with the ask.
		"10月份光大信用卡客服打电话推荐分期，说免息，我就把一万二分了12期，结果每期收72块手续费，这不是骗人吗，要把手续费退给我": "要把手续费退给我",
		// Short sentences stay whole.
		"年费被乱扣了。请把年费退给我，谢谢": "请把年费退给我，谢谢",
		// Every clause that asks is kept, in order.
		"招行信用卡我一年都没用过，今天一看账单扣了三百块年费，办卡的时候明明说刷满六次免年费，要求退还年费，并赔偿我来回跑网点的损失": "要求退还年费，并赔偿我来回跑网点的损失",
		// No stated demand: the text itself.
		"信用卡被扣了年费": "信用卡被扣了年费",
	}
	for in, want := range cases {
		if got := demandSentence(in); got != want {
			t.Errorf("demandSentence(%q) = %q, want %q", in, got, want)
		}
	}
}
