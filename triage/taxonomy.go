package triage

// Product codes (业务类别). The Chinese names are what UIs show.
var Products = []Code{
	{"savings", "储蓄与借记卡"}, {"credit_card", "信用卡"}, {"loan", "贷款"}, {"payment", "支付结算"},
	{"wealth", "理财与基金"}, {"insurance", "保险"}, {"personal_info", "个人金融信息与征信"},
	{"forex", "外汇"}, {"cash", "人民币现金服务"}, {"securities", "证券期货"}, {"other", "其他"},
}

// Reasons are the JR/T 0169-2018 complaint reasons (投诉原因).
var Reasons = []Code{
	{"service", "服务态度及服务质量"}, {"facilities", "服务设施、设备、业务系统"},
	{"rules", "管理制度、业务规则与流程"}, {"marketing", "营销方式和手段"}, {"disclosure", "信息披露"},
	{"choice", "自主选择权"}, {"fees", "定价收费"}, {"returns", "产品收益"}, {"contract", "合同条款"},
	{"fund_security", "消费者资金安全"}, {"info_security", "消费者信息安全"},
	{"collection", "债务催收方式和手段"}, {"other", "其他"},
}

// Flags mark urgency and handling needs.
var Flags = []Code{
	{"fraud_in_progress", "诈骗进行中"}, {"crisis", "危机（自伤/暴力风险）"}, {"vulnerable", "特殊群体"},
	{"escalation", "升级风险（媒体/监管/诉讼）"}, {"large_amount", "大额"}, {"repeat", "重复投诉"},
	{"handoff", "要求人工"},
}

// Demands are what the consumer asks for (诉求).
var Demands = []Code{
	{"refund", "退款"}, {"compensation", "赔偿"}, {"stop_harassment", "停止骚扰"},
	{"correction", "更正记录"}, {"explanation", "解释说明"}, {"cancel", "取消/解约"}, {"other", "其他"},
}

// Intents of a single consumer message.
var Intents = []Code{
	{"complaint", "投诉"}, {"question", "咨询"}, {"status", "查询进度"}, {"chitchat", "闲聊"},
}

// Code is a taxonomy entry: a stable code and its Chinese name.
type Code struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// NameOf returns the Chinese name of code in list, or code itself.
func NameOf(list []Code, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Name
		}
	}
	return code
}

// Valid reports whether code is in list.
func Valid(list []Code, code string) bool {
	for _, c := range list {
		if c.Code == code {
			return true
		}
	}
	return false
}
