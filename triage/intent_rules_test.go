package triage

import "testing"

func TestScamIntent(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text, want string
	}{
		// Asked what to do, or whether it is genuine: a question.
		{"他说是公安，让我把钱转到安全账户，现在还没挂，我要不要转？", "question"},
		{"客服让我开屏幕共享退款，正在弄，这安全吗", "question"},
		{"有人说能帮我提额，要先交两千保证金，这是不是骗子", "question"},
		// Asked to act: a complaint.
		{"我妈正在银行排队要给骗子转钱，快帮我拦住她", "complaint"},
		{"骗子让我转到安全账户，我已经转了一笔，请马上帮我冻结对方账户", "complaint"},
		// Neither asked nor ordered: the model decides.
		{"有人说我中奖了要先交税，我正准备转", ""},
		{"刷单的让我再转五千，我正在犹豫要不要转", ""},
	}
	for _, c := range cases {
		if got := scamIntent(asciiLower(prepareText(c.text))); got != c.want {
			t.Errorf("scamIntent(%q) = %q, want %q", c.text, got, c.want)
		}
	}
	// The convention applies only where the fraud rule fires: an ordinary
	// question keeps the model's intent.
	c := testClassifier()
	for _, text := range []string{"他说是公安，让我把钱转到安全账户，现在还没挂，我要不要转？", "客服让我开屏幕共享退款，现在正开着，这安全吗"} {
		if got := c.ClassifyOffline(text, testNow); got.Intent != "question" || !got.HasFlag("fraud_in_progress") {
			t.Errorf("Classify(%q) = %s %v, want a question flagged fraud_in_progress", text, got.Intent, got.Flags)
		}
	}
}
