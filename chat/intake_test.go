package chat

import (
	"context"
	"testing"
	"time"

	"github.com/xiaobao-cn/xiaobao/triage"
)

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

// recordingTriage remembers the texts it was asked to classify.
type recordingTriage struct {
	Triage
	texts []string
}

func (r *recordingTriage) Classify(_ context.Context, text string, _ time.Time) triage.Classification {
	r.texts = append(r.texts, text)
	return triage.Classification{Product: "loan", Reason: "service"}
}

// The summary classifies the consumer's words once each: a demand line
// taken from the opening, or an institution the opening already names,
// repeated in the classified text, outweighed the rest of the story (a
// delayed mortgage read as a contract dispute because "按合同…违约金" came
// twice).
func TestSummaryClassifiesEachWordOnce(t *testing.T) {
	t.Parallel()
	opening := "在华夏银行办的房贷，客户经理说10月初肯定放款，一拖再拖到现在还没放。卖家按合同要我们付两万违约金，我们要求银行赔偿这两万违约金"
	cases := []struct {
		name string
		form Form
		want string
	}{
		{"request and institution from the opening",
			Form{Story: []string{opening}, Institution: "华夏银行", Request: demandSentence(opening)},
			opening},
		{"request answered on its own",
			Form{Story: []string{opening}, Institution: "华夏银行", Request: "赔我违约金"},
			opening + "\n赔我违约金"},
		{"institution answered on its own",
			Form{Story: []string{"客户经理找我私人借了五万，现在联系不上"}, Institution: "中国民生银行", Request: "帮我要回来"},
			"中国民生银行：\n客户经理找我私人借了五万，现在联系不上\n帮我要回来"},
	}
	for _, tc := range cases {
		rec := &recordingTriage{}
		e := &Engine{tri: rec}
		tr := &turn{ctx: context.Background(), sess: storedSession{State: &State{Form: tc.form}}}
		e.summary(tr)
		if len(rec.texts) != 1 || rec.texts[0] != tc.want {
			t.Errorf("%s: classified %q, want %q", tc.name, rec.texts, tc.want)
		}
	}
}

func TestIsHandoff(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]bool{
		"转人工":    true,
		"我要人工客服": true,
		"给我安排个人工客服回个电话":    false,
		"建行客服打不通人工":        false,
		"电话里要能转人工，给老年人留条路": false,
		"能不能帮我转人工":         true,
	} {
		if got := isHandoff(normalize(text)); got != want {
			t.Errorf("isHandoff(%q) = %v, want %v", text, got, want)
		}
	}
}
