package triage

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Institution kinds. The kind of the institution a complaint names is a
// strong hint for its product (an insurer's complaint is rarely about a
// credit card), so the classifier uses it as a feature.
const (
	KindBank      = "bank"
	KindPayment   = "payment"
	KindLender    = "lender"
	KindInsurer   = "insurer"
	KindBroker    = "broker"
	KindFund      = "fund"
	KindRegulator = "regulator"
)

// institution is one canonical name with the ways people write it.
type institution struct {
	name    string
	kind    string
	aliases []string
}

// institutionTable lists the institutions consumers name most, with the
// apps people call a bank by (掌上生活 is 招商银行's card app). Canonical
// names are what handlers, routing and statistics use; aliases are
// matched case-insensitively after full-width folding. Longer aliases win
// at the same position, so "招商证券" is not read as "招商" + 证券.
var institutionTable = []institution{
	// State-owned and joint-stock banks.
	{"中国工商银行", KindBank, []string{"工商银行", "工行", "工商行", "icbc", "工银e生活", "工银融e联"}},
	{"中国建设银行", KindBank, []string{"建设银行", "建行", "ccb", "建行生活"}},
	{"中国农业银行", KindBank, []string{"农业银行", "农行", "农行掌银"}},
	{"中国银行", KindBank, []string{"中行", "缤纷生活"}},
	{"交通银行", KindBank, []string{"交行", "买单吧"}},
	{"中国邮政储蓄银行", KindBank, []string{"邮政储蓄银行", "邮储银行", "邮储", "邮政储蓄", "邮政银行", "邮政"}},
	{"招商银行", KindBank, []string{"招行", "招商", "cmb", "掌上生活"}},
	{"浦发银行", KindBank, []string{"浦发", "上海浦东发展银行", "浦东发展银行", "浦大喜奔"}},
	{"中信银行", KindBank, []string{"中信", "动卡空间"}},
	{"中国光大银行", KindBank, []string{"光大银行", "光大", "阳光惠生活"}},
	{"华夏银行", KindBank, []string{"华夏"}},
	{"中国民生银行", KindBank, []string{"民生银行", "民生", "全民生活"}},
	{"广发银行", KindBank, []string{"广发", "广东发展银行", "发现精彩"}},
	{"平安银行", KindBank, []string{"平安", "平安口袋银行", "口袋银行"}},
	{"兴业银行", KindBank, []string{"兴业", "好兴动"}},
	{"浙商银行", KindBank, []string{"浙商"}},
	{"渤海银行", KindBank, nil},
	{"恒丰银行", KindBank, nil},
	// City, rural and online banks.
	{"北京银行", KindBank, nil},
	{"上海银行", KindBank, nil},
	{"江苏银行", KindBank, nil},
	{"宁波银行", KindBank, nil},
	{"南京银行", KindBank, nil},
	{"杭州银行", KindBank, nil},
	{"徽商银行", KindBank, nil},
	{"长沙银行", KindBank, nil},
	{"成都银行", KindBank, nil},
	{"重庆银行", KindBank, nil},
	{"广州银行", KindBank, nil},
	{"青岛银行", KindBank, nil},
	{"苏州银行", KindBank, nil},
	{"厦门银行", KindBank, nil},
	{"天津银行", KindBank, nil},
	{"河北银行", KindBank, nil},
	{"哈尔滨银行", KindBank, nil},
	{"盛京银行", KindBank, nil},
	{"郑州银行", KindBank, nil},
	{"贵阳银行", KindBank, nil},
	{"西安银行", KindBank, nil},
	{"齐鲁银行", KindBank, nil},
	{"东莞银行", KindBank, nil},
	{"台州银行", KindBank, nil},
	{"浙江泰隆商业银行", KindBank, []string{"泰隆银行", "泰隆"}},
	{"浙江民泰商业银行", KindBank, []string{"民泰银行"}},
	{"浙江稠州商业银行", KindBank, []string{"稠州银行"}},
	{"北京农商银行", KindBank, []string{"北京农村商业银行", "北京农商行", "北农商"}},
	{"上海农商银行", KindBank, []string{"上海农村商业银行", "上海农商行"}},
	{"重庆农村商业银行", KindBank, []string{"重庆农商银行", "重庆农商行", "渝农商行"}},
	{"广州农村商业银行", KindBank, []string{"广州农商银行", "广州农商行"}},
	{"农村商业银行", KindBank, []string{"农商银行", "农商行"}},
	{"农村信用社", KindBank, []string{"信用社", "农信社"}},
	{"村镇银行", KindBank, nil},
	{"微众银行", KindBank, []string{"微粒贷", "微众", "微业贷"}},
	{"网商银行", KindBank, []string{"网商贷", "网商"}},
	{"新网银行", KindBank, nil},
	{"百信银行", KindBank, nil},
	// Payment institutions.
	{"支付宝", KindPayment, []string{"alipay", "余额宝", "蚂蚁财富"}},
	{"微信支付", KindPayment, []string{"微信", "财付通", "零钱通", "wechat"}},
	{"银联", KindPayment, []string{"中国银联", "云闪付", "unionpay"}},
	{"京东金融", KindPayment, []string{"京东白条", "白条", "京东金条", "京东支付", "京东"}},
	{"美团", KindPayment, []string{"美团月付", "美团借钱", "美团生活费"}},
	{"拉卡拉", KindPayment, nil},
	{"滴滴出行", KindPayment, []string{"滴滴", "滴滴支付", "滴滴金融"}},
	{"抖音支付", KindPayment, []string{"抖音月付", "放心借"}},
	{"翼支付", KindPayment, nil},
	// Consumer lenders.
	{"花呗", KindLender, nil},
	{"借呗", KindLender, nil},
	{"度小满", KindLender, []string{"有钱花", "度小满金融"}},
	{"360借条", KindLender, []string{"奇富借条", "360借款", "奇富科技"}},
	{"分期乐", KindLender, nil},
	{"拍拍贷", KindLender, nil},
	{"你我贷", KindLender, nil},
	{"马上消费金融", KindLender, []string{"安逸花", "马上金融"}},
	{"招联消费金融", KindLender, []string{"招联", "好期贷", "招联金融"}},
	{"中银消费金融", KindLender, nil},
	{"兴业消费金融", KindLender, nil},
	{"捷信", KindLender, []string{"捷信消费金融"}},
	{"宜人贷", KindLender, nil},
	{"洋钱罐", KindLender, nil},
	{"优分期", KindLender, nil},
	{"小赢卡贷", KindLender, nil},
	{"省呗", KindLender, nil},
	// Insurers.
	{"中国人寿", KindInsurer, []string{"国寿", "中国人寿保险", "人寿"}},
	{"中国平安", KindInsurer, []string{"平安保险", "平安人寿", "平安财险", "平安产险", "平安车险", "平安好医生", "平安普惠", "平安e生保", "平安健康", "中国平安人寿", "平安人寿保险", "中国平安财产保险", "平安财产保险"}},
	{"太平洋保险", KindInsurer, []string{"太保", "中国太保", "太平洋人寿", "太平洋财险", "太平洋产险", "cpic", "中国太平洋保险", "中国太平洋财产保险", "太平洋财产保险", "中国太平洋人寿保险", "太平洋人寿保险", "中国太平洋人寿", "中国太平洋财险"}},
	{"中国人保", KindInsurer, []string{"人保", "人保财险", "中国人民保险", "人保寿险", "picc", "中国人民财产保险", "人民财产保险"}},
	{"中华联合保险", KindInsurer, []string{"中华财险", "中华联合", "中华联合财产保险", "中华联合财险", "中华联合人寿", "中华保险"}},
	{"泰康人寿", KindInsurer, []string{"泰康", "泰康保险"}},
	{"新华保险", KindInsurer, []string{"新华人寿", "新华"}},
	{"友邦保险", KindInsurer, []string{"友邦"}},
	{"太平人寿", KindInsurer, []string{"中国太平", "太平保险"}},
	{"阳光保险", KindInsurer, []string{"阳光人寿", "阳光财险"}},
	{"众安保险", KindInsurer, []string{"众安"}},
	{"大地保险", KindInsurer, []string{"大地财险"}},
	{"华夏保险", KindInsurer, []string{"华夏人寿"}},
	{"富德生命人寿", KindInsurer, []string{"富德生命"}},
	{"信泰人寿", KindInsurer, []string{"信泰保险"}},
	{"水滴保", KindInsurer, nil},
	{"微医保", KindInsurer, nil},
	// Brokers, futures companies and fund platforms.
	{"中信证券", KindBroker, nil},
	{"中信建投证券", KindBroker, []string{"中信建投"}},
	{"华泰证券", KindBroker, []string{"涨乐财富通", "华泰"}},
	{"国泰君安证券", KindBroker, []string{"国泰君安"}},
	{"海通证券", KindBroker, nil},
	{"招商证券", KindBroker, nil},
	{"广发证券", KindBroker, nil},
	{"中国银河证券", KindBroker, []string{"银河证券"}},
	{"东方财富", KindBroker, []string{"东方财富证券", "东财"}},
	{"同花顺", KindBroker, nil},
	{"老虎证券", KindBroker, nil},
	{"富途证券", KindBroker, []string{"富途牛牛", "富途"}},
	{"中金财富", KindBroker, []string{"中金公司"}},
	{"平安证券", KindBroker, nil},
	{"国信证券", KindBroker, nil},
	{"申万宏源", KindBroker, []string{"申万宏源证券"}},
	{"兴业证券", KindBroker, nil},
	{"光大证券", KindBroker, nil},
	{"长江证券", KindBroker, nil},
	{"天天基金", KindFund, nil},
	{"华夏基金", KindFund, nil},
	{"易方达基金", KindFund, []string{"易方达"}},
	{"南方基金", KindFund, nil},
	{"天弘基金", KindFund, nil},
	// Regulators are named too, but a complaint about a firm that mentions
	// "I went to the PBoC" is not about the PBoC; see FindInstitution.
	{"中国人民银行", KindRegulator, []string{"人民银行", "人行", "央行", "征信中心"}},
}

// aliasEntry is one lowercase alias pointing at its institution.
type aliasEntry struct {
	alias string
	inst  *institution
}

var (
	// aliasIndex maps an alias's first rune to its entries, longest first.
	aliasIndex = map[rune][]aliasEntry{}
	// exactIndex maps every alias and canonical name to its institution.
	exactIndex = map[string]*institution{}
	// genericSuffixes end names of institutions not in the table; a name
	// ending in one of them is kept as written.
	genericSuffixes = []string{"农商银行", "村镇银行", "消费金融", "银行", "人寿", "财险", "保险公司", "证券公司", "证券", "信托", "小贷"}
)

func init() {
	for i := range institutionTable {
		inst := &institutionTable[i]
		for _, a := range append([]string{inst.name}, inst.aliases...) {
			a = strings.ToLower(a)
			exactIndex[a] = inst
			r, _ := utf8.DecodeRuneInString(a)
			aliasIndex[r] = append(aliasIndex[r], aliasEntry{a, inst})
		}
	}
	for r := range aliasIndex {
		list := aliasIndex[r]
		sort.SliceStable(list, func(i, j int) bool { return len(list[i].alias) > len(list[j].alias) })
	}
}

// NormalizeInstitution maps a name as a consumer writes it (工行, 招行,
// 微粒贷, "我在建行办的") to its canonical name. known is false when the
// name is not in the alias table; then name is the input, trimmed, so
// unknown institutions are kept as written.
func NormalizeInstitution(s string) (name string, known bool) {
	s = strings.TrimFunc(foldWidth(s), func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	if s == "" {
		return "", false
	}
	if inst, ok := exactIndex[strings.ToLower(s)]; ok {
		return inst.name, true
	}
	if m, ok := findInstitution(s, true); ok && m.inst != nil {
		// "武汉农商行" is one bank, not the family: keep its place.
		if genericFamily[m.name] {
			if g, ok := findInstitution(s, false); ok && g.inst == nil && !genericFamily[g.name] && g.name != "" {
				return g.name, false
			}
		}
		return m.name, true
	}
	return s, false
}

// FindInstitution returns the first institution mentioned in free text,
// normalised, or "". Unknown names ending in 银行, 保险, 证券… are returned
// as written; mentions of a regulator as the place a consumer complained to
// ("已经向人民银行投诉") are skipped, as are mentions of WeChat as a chat
// channel ("加我微信").
func FindInstitution(text string) string {
	m, _ := findInstitution(foldWidth(text), false)
	return m.name
}

// institutionMatch is one institution found in a text.
type institutionMatch struct {
	name string
	kind string
	inst *institution
	pos  int // byte offset in the lowercased text
}

// fundsSourceRE finds where money came from before it moved elsewhere:
// "从工行卡里转了十万到华泰证券", "把余额宝里的钱提到建行卡里",
// "从农行卡充了五千到微信零钱". The institution complained about is the
// one the money went to or the story goes on with, not the source.
var fundsSourceRE = regexp.MustCompile(`(?:从|把)[^，。！？；,!?;]{0,12}?(?:转|充|提|划|汇|存)[^，。！？；,!?;]{0,8}?(?:到|进|入)`)

// findInstitution returns the first acceptable mention, passing over a
// source of funds when another institution follows it. With tableOnly it
// ignores unknown generic names.
func findInstitution(text string, tableOnly bool) (institutionMatch, bool) {
	text = truncateRunes(text, maxScanRunes)
	m, ok := firstInstitution(text, tableOnly)
	if ok && containsAny(text, roleGate) {
		if r, found := roleInstitution(text, tableOnly); found && r.name != m.name {
			return r, true
		}
	}
	if !ok || !strings.ContainsAny(text, "从把") {
		return m, ok
	}
	for _, span := range fundsSourceRE.FindAllStringIndex(text, 4) {
		if m.pos < span[0] || m.pos >= span[1] {
			continue
		}
		if mentionedIn(asciiLower(text[span[1]:]), m) {
			continue // the story goes on about the source: its transfer failed there
		}
		if next, found := firstInstitution(text[span[1]:], tableOnly); found && next.name != m.name {
			next.pos += span[1]
			return next, true
		}
	}
	return m, ok
}

// roleRE names the institution a story's grievance is with when another
// was mentioned first: the lender behind a platform ("点进去才知道是招联放
// 的款"), the bank whose ATM kept another bank's card ("我的邮储卡在农行ATM
// 上被吞了"), the one the writer holds responsible ("微信得给我负责").
var roleRE = regexp.MustCompile(`(?:是|由)([^，。！？；,!?;\s]{2,10}?)(?:放的款|放款|出的钱|出资)` +
	`|卡在([^，。！？；,!?;\s]{2,8}?)的?(?:atm|取款机|柜员机|自助机|存取款机)` +
	`|([^，。！？；,!?;\s]{2,8}?)(?:得|要|必须|应该)(?:给我)?(?:负责|负全责)`)

// roleGate are the literal words roleRE needs one of, tested first.
var roleGate = []string{"放的款", "放款", "出的钱", "出资", "卡在", "负责", "负全责"}

// roleInstitution returns the institution roleRE names, if any.
func roleInstitution(text string, tableOnly bool) (institutionMatch, bool) {
	lower := asciiLower(text)
	for _, sm := range roleRE.FindAllStringSubmatchIndex(lower, 4) {
		for g := 1; g < len(sm)/2; g++ {
			if sm[2*g] < 0 {
				continue
			}
			if m, ok := firstInstitution(text[sm[2*g]:sm[2*g+1]], true); ok {
				m.pos += sm[2*g]
				return m, true
			}
		}
	}
	return institutionMatch{}, false
}

// mentionedIn reports whether lower names m's institution by any of its
// names.
func mentionedIn(lower string, m institutionMatch) bool {
	if strings.Contains(lower, asciiLower(m.name)) {
		return true
	}
	if m.inst != nil {
		for _, a := range m.inst.aliases {
			if strings.Contains(lower, asciiLower(a)) {
				return true
			}
		}
	}
	return false
}

// firstInstitution scans text for the first acceptable mention.
func firstInstitution(text string, tableOnly bool) (institutionMatch, bool) {
	lower := asciiLower(text)
	var regulator *institutionMatch
	skipUntil := 0 // end of an alias that was skipped: no generic name inside it
	for i, r := range lower {
		for _, e := range aliasIndex[r] {
			if !strings.HasPrefix(lower[i:], e.alias) {
				continue
			}
			if skipMention(lower, i, e) {
				skipUntil = i + len(e.alias)
				break
			}
			m := institutionMatch{name: e.inst.name, kind: e.inst.kind, inst: e.inst, pos: i}
			if m.name == "平安银行" && e.alias == "平安" && mentionsInsurance(lower) {
				m.name, m.kind, m.inst = "中国平安", KindInsurer, exactIndex["中国平安"]
			}
			if m.kind == KindRegulator {
				if regulator == nil {
					regulator = &m
				}
				skipUntil = i + len(e.alias)
				break
			}
			if genericFamily[m.name] && !tableOnly {
				// "浙江农商银行" is a bank of its own, not the generic family.
				if name := genericName(text, lower, i); name != "" {
					return institutionMatch{name: name, kind: KindBank, pos: i}, true
				}
			}
			return m, true
		}
		if !tableOnly && i >= skipUntil && isGenericEnd(lower, i) {
			if name := genericName(text, lower, i); name != "" {
				return institutionMatch{name: name, kind: genericKind(name), pos: i}, true
			}
		}
	}
	if regulator != nil {
		return *regulator, true
	}
	return institutionMatch{}, false
}

// GenericInstitution reports whether name is a kind of bank (农村商业银行,
// 农村信用社, 村镇银行) rather than one bank: a dialog asks which.
func GenericInstitution(name string) bool { return genericFamily[name] }

// genericFamily are table entries that name a kind of bank rather than
// one bank; a place name before them makes a name of its own.
var genericFamily = map[string]bool{"农村商业银行": true, "农村信用社": true, "村镇银行": true}

// skipMention reports whether the alias at byte i is not an institution
// the consumer is complaining about: a chat channel, a word that merely
// contains the alias, or the regulator they complained to.
func skipMention(lower string, i int, e aliasEntry) bool {
	before, after := lower[:i], lower[i+len(e.alias):]
	switch e.alias {
	case "微信":
		for _, p := range []string{"加", "加了", "通过", "用", "发", "加我", "加他", "加她", "在", "回", "只收", "的"} {
			if strings.HasSuffix(before, p) {
				return true
			}
		}
		for _, s := range []string{"群", "好友", "上", "里", "聊", "联系", "发", "视频", "语音", "号", "名", "头像", "记录", "和支付宝", "或支付宝", "支付宝"} {
			if strings.HasPrefix(after, s) {
				return true
			}
		}
	case "邮政":
		// 邮政 alone is often the post office (快递, 邮政局).
		for _, s := range []string{"局", "快递", "编码", "ems"} {
			if strings.HasPrefix(after, s) {
				return true
			}
		}
	case "京东":
		// Shopping on JD is not a JD Finance complaint unless money is.
		return !strings.Contains(lower, "白条") && !strings.Contains(lower, "金条") && !strings.Contains(lower, "京东金融") &&
			(strings.HasPrefix(after, "上") || strings.HasPrefix(after, "买") || strings.HasPrefix(after, "购物") || strings.HasPrefix(after, "商城"))
	case "民生", "华夏", "平安", "光大", "兴业", "中信", "招商", "广发", "浙商", "太平", "泰康", "友邦", "众安", "网商", "富途", "华泰":
		// Short aliases are also ordinary words (民生问题, 平安无事).
		return hasAnyPrefix(after, []string{"问题", "无事", "是福", "夜", "大道", "引资", "局", "社区", "工程", "门", "大街", "路"})
	case "新华":
		return hasAnyPrefix(after, []string{"书店", "社", "网", "字典", "路", "街"})
	case "人寿":
		return hasAnyPrefix(after, []string{"险", "保险"})
	case "人行":
		// 人行道 is a pavement; 个人行为 is behaviour.
		return strings.HasPrefix(after, "道") || strings.HasPrefix(after, "为") || strings.HasSuffix(before, "个") || strings.HasSuffix(before, "本")
	case "人保":
		return strings.HasSuffix(before, "个") || strings.HasSuffix(before, "担")
	case "太保":
		return strings.HasSuffix(before, "太")
	case "交行":
		return strings.HasSuffix(before, "成")
	case "中行":
		return strings.HasSuffix(before, "在") && strings.HasPrefix(after, "驶")
	case "京东白条", "白条":
		return false
	}
	if e.inst.kind == KindRegulator {
		// "向人民银行投诉", "打了人民银行的投诉电话": a place complained to.
		for _, p := range []string{"向", "到", "给", "找", "和", "去当地", "当地的", "当地", "跟"} {
			if strings.HasSuffix(before, p) {
				return true
			}
		}
		window := after
		if len(window) > 30 {
			window = window[:30]
		}
		for _, s := range []string{"投诉", "举报", "反映", "反馈", "信访"} {
			if strings.Contains(window, s) {
				return true
			}
		}
		trimmed := strings.TrimRight(before, "「“\"'《(（ ")
		if hasAnySuffix(trimmed, []string{"冒充", "自称", "假冒", "自称是"}) {
			return true
		}
	}
	return false
}

func mentionsInsurance(lower string) bool {
	for _, w := range []string{"保险", "保单", "车险", "寿险", "理赔", "退保", "投保", "保费", "医疗险", "重疾",
		"万能险", "万能账户", "年金险", "意外险", "分红险", "两全险", "养老险", "健康险", "财险", "险种"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// isGenericEnd reports whether a generic institution suffix starts at i.
func isGenericEnd(lower string, i int) bool {
	for _, s := range genericSuffixes {
		if strings.HasPrefix(lower[i:], s) {
			return true
		}
	}
	return false
}

// genericName reads an unknown institution name such as "鼎盛银行" or
// "众诚保险公司": two to four Han characters before the suffix that stand
// on their own (after the start of the text, punctuation or a word like
// 在/是/找), so that "想问银行" or "冒充保险公司" are not read as names.
// References ("你们银行", "那家银行") are not names either.
func genericName(text, lower string, i int) string {
	var suffix string
	rural := false
	for _, r := range ruralForms {
		if suffix == "" && strings.HasPrefix(lower[i:], r) {
			suffix, rural = r, true
		}
	}
	for _, s := range genericSuffixes {
		if suffix != "" {
			break
		}
		if strings.HasPrefix(lower[i:], s) {
			suffix = strings.TrimSuffix(text[i:i+len(s)], "公司")
			break
		}
	}
	start := i
	n := 0
	for start > 0 && n < 7 {
		r, size := utf8.DecodeLastRuneInString(text[:start])
		if !unicode.Is(unicode.Han, r) || strings.ContainsRune(nameStopRunes, r) {
			break
		}
		start -= size
		n++
	}
	prefix := text[start:i]
	// A rural bank's place may be a county after its province (黑龙江桦南).
	if c := utf8.RuneCountInString(prefix); c < 2 || c > 4 && !(rural && c <= 6) {
		return ""
	}
	// A bare 银行 needs a word before the name ("在哈尔滨银行"): at the
	// start of a sentence "硬币银行必须收吗" is no name.
	r, _ := utf8.DecodeLastRuneInString(text[:start])
	switch {
	case start > 0 && unicode.Is(unicode.Han, r) && !strings.ContainsRune(nameBoundaryRunes, r):
		return ""
	case suffix == "银行" && (start == 0 || !strings.ContainsRune(nameBoundaryRunes, r)):
		return ""
	}
	for _, bad := range []string{"你们", "他们", "我们", "那家", "这家", "哪家", "某家", "各家", "几家", "其他", "别的", "商业", "国有", "外资", "地方", "手机", "网上", "个人", "正规", "所有", "大型", "小型", "一家", "两家", "三家", "五家", "冒充", "自称", "假", "投诉", "联系", "问", "希望", "觉得", "告诉", "通过", "什么", "时候", "之后", "以后", "如果", "最近", "打开", "请", "怎么", "硬币", "规定", "赎回", "转账", "支持", "换", "离", "至", "资产", "村里", "当地", "本地", "镇上", "县里", "县城", "乡里", "村上", "市里", "老家", "城里", "乡下", "附近", "那个", "这个"} {
		if strings.Contains(prefix, bad) {
			return ""
		}
	}
	return prefix + suffix
}

// ruralForms are the ways a rural bank's kind is written, longest first;
// a name keeps the form it was written in.
var ruralForms = []string{"农村商业银行", "农村信用合作联社", "农村信用社", "农商银行", "村镇银行", "农商行", "信用社", "农信社"}

// nameStopRunes cannot appear in the part of an institution name before
// its suffix; they mark where the sentence around it begins.
const nameStopRunes = "在的了是我你他她它们去到从向给把被让跟和与或对说找办买用存取借欠要这那个家些某款卡里下每张钱叫打先"

// nameBoundaryRunes may stand right before an institution name.
const nameBoundaryRunes = "在的了是我去到从向给把被跟和与或对找办叫家"

func genericKind(name string) string {
	switch {
	case strings.HasSuffix(name, "银行") || strings.HasSuffix(name, "信用社"):
		return KindBank
	case strings.HasSuffix(name, "保险") || strings.HasSuffix(name, "人寿") || strings.HasSuffix(name, "财险"):
		return KindInsurer
	case strings.HasSuffix(name, "证券") || strings.HasSuffix(name, "期货"):
		return KindBroker
	case strings.HasSuffix(name, "基金") || strings.HasSuffix(name, "信托"):
		return KindFund
	case strings.HasSuffix(name, "消费金融") || strings.HasSuffix(name, "小贷"):
		return KindLender
	}
	return ""
}

// InstitutionKind returns the kind (bank, payment, lender, insurer, broker,
// fund, regulator) of a canonical or aliased name, or "".
func InstitutionKind(name string) string {
	if inst, ok := exactIndex[strings.ToLower(name)]; ok {
		return inst.kind
	}
	return genericKind(name)
}
