package triage

// demandCues are the phrases that show what a consumer explicitly asks for.
// They are deliberately concrete (a demand on a case is a promise to
// check); the classifier adds the demands people imply ("乱扣年费" implies
// a refund) from its model.
var demandCues = []struct {
	code string
	list *phraseList
}{
	{"refund", phrases(
		"退款", "退钱", "退回", "退还", "返还", "退费", "把钱退", "钱退", "还我钱", "还我的钱", "要回", "追回", "拿回", "退给我", "退我",
		"全额退", "退掉", "把钱还", "钱还给我", "给我退", "退保费", "退手续费", "退年费", "免了", "减免", "免掉", "撤销扣款", "冲正", "退了", "调回", "退回来",
	)},
	{"compensation", phrases(
		"赔偿", "赔钱", "补偿", "赔给我", "赔我", "承担损失", "承担责任", "负责任", "负责到底", "损失由", "该赔", "应该赔", "要赔", "按合同赔", "精神损失",
		"承担部分", "承担全部", "误工费", "兑付", "补给我", "补上", "补发", "补回",
	)},
	{"stop_harassment", phrases(
		"别再打", "不要再打", "停止骚扰", "停止催收", "别骚扰", "不要骚扰", "别打电话", "不要打电话", "别给我打", "不要给我打", "别再发", "不要再发", "别再催",
		"不要再联系", "别联系我", "停止推销", "别再推销", "不要再推销", "别打了", "不要打了", "别发了",
		"别再骚扰", "不要再骚扰", "骚扰我", "别再让", "不要再让", "别找我家人", "别打我家",
	)},
	{"correction", phrases(
		"更正", "修改征信", "消除", "删除记录", "删掉记录", "撤销不良", "恢复征信", "纠正", "异议", "改过来", "改正", "改回", "删除不良", "删掉不良", "恢复额度", "修复征信",
		"征信上删", "从征信", "消掉", "删掉", "撤掉记录", "记录删", "记录消",
	)},
	{"explanation", phrases(
		"解释", "说法", "为什么", "凭什么", "怎么回事", "怎么算", "合理吗", "合法吗", "合规吗", "是否合理", "是否合法", "什么意思", "依据", "讲清楚", "说清楚", "说明", "给个答复", "交代", "啥意思", "凭啥", "查清楚", "查明", "搞清楚",
	)},
	{"cancel", phrases(
		"取消", "解约", "注销", "退保", "销户", "解绑", "退订", "停止扣", "停掉", "关掉", "关闭", "撤销合同", "撤销", "终止", "不想要了", "不要了", "不续",
	)},
}

// ParseDemands returns the demand codes found in text, in taxonomy order.
// It reads only what the consumer wrote; a complaint with no clear demand
// yields none, and the caller decides whether that means "other".
func ParseDemands(text string) []string {
	return demandsFrom(scanPhrases(asciiLower(prepareText(text))))
}

func demandsFrom(h *textHits) []string {
	var out []string
	for _, d := range demandCues {
		if h.any(d.list) {
			out = append(out, d.code)
		}
	}
	return out
}
