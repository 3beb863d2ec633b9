package triage

import "testing"

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
