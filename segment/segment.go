// Package segment splits Chinese text into words with jieba. Knowledge
// retrieval and triage both need the same segmentation (and the same
// staff-curated user words), so it lives in one leaf package used by both.
package segment

import (
	"strings"
	"sync"
	"unicode"

	"github.com/yanyiwu/gojieba"
)

var (
	mu    sync.RWMutex
	jieba *gojieba.Jieba
	added = map[string]bool{}
)

// load builds the jieba instance on first use: its dictionaries take about a
// second and ~100 MB, so processes that never segment do not pay for them.
func load() *gojieba.Jieba {
	mu.RLock()
	j := jieba
	mu.RUnlock()
	if j != nil {
		return j
	}
	mu.Lock()
	defer mu.Unlock()
	if jieba == nil {
		jieba = gojieba.NewJieba()
		for _, w := range builtinWords {
			jieba.AddWord(w)
			added[w] = true
		}
	}
	return jieba
}

// AddWords adds words to jieba's user dictionary, e.g. synonyms curated by
// staff, so that colloquial financial terms are kept whole.
func AddWords(words ...string) {
	load()
	mu.Lock()
	defer mu.Unlock()
	for _, w := range words {
		w = strings.TrimSpace(w)
		if w == "" || added[w] || strings.ContainsFunc(w, unicode.IsSpace) {
			continue
		}
		jieba.AddWord(w)
		added[w] = true
	}
}

// Words segments text with jieba's precise mode (HMM on for unknown words)
// and drops whitespace and punctuation; Latin letters are lower-cased.
func Words(text string) []string {
	j := load()
	mu.RLock()
	raw := j.Cut(text, true)
	mu.RUnlock()
	return clean(raw)
}

// SearchWords segments like Words and also emits the shorter words inside
// long ones (jieba's search mode), which raises recall for retrieval.
func SearchWords(text string) []string {
	j := load()
	mu.RLock()
	raw := j.CutForSearch(text, true)
	mu.RUnlock()
	return clean(raw)
}

func clean(raw []string) []string {
	out := raw[:0]
	for _, w := range raw {
		w = strings.ToLower(strings.TrimSpace(w))
		if w == "" || !strings.ContainsFunc(w, isWordRune) {
			continue
		}
		out = append(out, w)
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// builtinWords are domain terms jieba's general dictionary splits badly.
var builtinWords = []string{
	"信用卡", "借记卡", "储蓄卡", "贷记卡", "年费", "违约金", "滞纳金", "最低还款", "分期", "手续费",
	"征信", "征信报告", "不良记录", "逾期", "催收", "暴力催收", "网贷", "校园贷", "消费贷", "经营贷",
	"房贷", "车贷", "助贷", "砍头息", "提前还款", "理财产品", "风险等级", "风险测评", "双录", "代销",
	"犹豫期", "退保", "现金价值", "理赔", "拒赔", "保单", "投保人", "被保险人", "存款保险",
	"安全账户", "验证码", "屏幕共享", "刷单", "返利", "冻结", "解冻", "止付", "挂失", "盗刷",
	"自动扣费", "自动续费", "免密支付", "扫码", "转账", "汇款", "转错账", "签购单", "拒收现金",
	"花呗", "借呗", "白条", "微粒贷", "支付宝", "微信支付", "云闪付", "银联", "工行", "建行", "农行",
	"招行", "中行", "交行", "邮储", "浦发", "兴业", "民生", "光大", "广发", "平安", "中信",
	"投诉", "消保", "金融监管局", "银保监", "人民银行", "非法集资", "代理维权", "反催收", "征信修复",
}
