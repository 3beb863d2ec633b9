package chat

// Alert texts are written for a frightened person reading on a phone:
// the action first, short sentences, numbers they can tap.
const fraudAlertText = "请立即停止转账、不要再操作！这很可能是诈骗。" +
	"公安、检察院、法院不会电话办案，更不会让您把钱转到“安全账户”；" +
	"任何人索要短信验证码、让您共享屏幕、下载会议或远程软件、交“解冻费”“保证金”，都是骗局。\n" +
	"现在请：1. 挂断电话、退出共享，不要透露验证码和密码；" +
	"2. 拨打 110 报警，或拨打 96110 反诈专线咨询；" +
	"3. 如果已经转出钱，马上打您银行的客服电话申请紧急止付、冻结，并保留聊天记录和转账凭证。"

const crisisAlertText = "听到您这么说，我很担心您。您的安全比任何钱的问题都重要。" +
	"如果您现在有伤害自己的想法，或者身处危险，请立即拨打 110 或 120；" +
	"也可以拨打心理援助热线 12356，那里有人愿意听您说。" +
	"债务和纠纷都有合法的办法慢慢解决，您不是一个人，我会一直在这里帮您。"

var fraudHotlines = []Hotline{
	{Name: "报警电话", Number: "110"},
	{Name: "反诈专线", Number: "96110"},
}

var crisisHotlines = []Hotline{
	{Name: "报警电话", Number: "110"},
	{Name: "急救电话", Number: "120"},
	{Name: "心理援助热线", Number: "12356"},
}

// bankHotlines lets the fraud alert add the right number for stopping a
// payment when the institution is known.
var bankHotlines = map[string]string{
	"中国工商银行": "95588", "中国建设银行": "95533", "中国农业银行": "95599", "中国银行": "95566",
	"交通银行": "95559", "招商银行": "95555", "中国邮政储蓄银行": "95580", "浦发银行": "95528",
	"中信银行": "95558", "中国光大银行": "95595", "华夏银行": "95577", "中国民生银行": "95568",
	"广发银行": "95508", "平安银行": "95511", "兴业银行": "95561", "支付宝": "95188", "微信支付": "95017",
}

func fraudAlert(institution string) Outbound {
	hl := append([]Hotline(nil), fraudHotlines...)
	if n, ok := bankHotlines[institution]; ok {
		hl = append(hl, Hotline{Name: institution + "客服（止付）", Number: n})
	}
	return Outbound{Type: "alert", Kind: "fraud", Text: fraudAlertText, Hotlines: hl}
}

func crisisAlert() Outbound {
	return Outbound{Type: "alert", Kind: "crisis", Text: crisisAlertText, Hotlines: crisisHotlines}
}
