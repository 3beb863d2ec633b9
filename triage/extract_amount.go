package triage

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseAmount reads a money amount as consumers write it and returns it in
// yuan: 12000, 1.2万, 两万三, 5w, 3k, 八百块, 1,500元, 一千二, ¥299, "大概两万多".
// It is meant for a slot answer ("涉及多少钱？"): when s holds several
// numbers, the first that reads as money wins. Dates, phone numbers,
// percentages and counts ("3次", "12期") are not amounts.
func ParseAmount(s string) (yuan float64, ok bool) {
	s = prepareText(s)
	if strings.TrimSpace(s) == "" {
		return 0, false
	}
	spans := scanAmounts(s, true)
	for _, sp := range spans {
		if sp.strength > 0 {
			if sp.currency != "" {
				return 0, false // ParseForeignAmount reads it
			}
			return sp.yuan, true
		}
	}
	return 0, false
}

// amountSpan is one amount found in a text.
type amountSpan struct {
	yuan     float64
	start    int // byte offsets of the numeral run
	end      int
	strength int // 3 explicit currency, 2 number word, 1 money context
	cue      bool
	// limit marks a credit line or threshold ("额度五万", "超过5万要预约"),
	// which is money written down but not money in dispute.
	limit bool
	// currency is the foreign currency the amount is written in ("英镑"),
	// empty for renminbi. Such an amount is not a number of yuan: without a
	// dated exchange rate it cannot become one, so it is kept as written.
	currency string
}

// findAmounts returns the renminbi amounts in free text, in order, and the
// first amount written in a foreign currency, as written ("两万英镑").
func findAmounts(text string) (yuan []amountSpan, foreign string) {
	for _, sp := range scanAmounts(text, false) {
		switch {
		case sp.strength == 0:
		case sp.currency != "":
			if foreign == "" {
				foreign = text[sp.start:sp.end] + sp.currency
			}
		default:
			yuan = append(yuan, sp)
		}
	}
	return yuan, foreign
}

// ParseForeignAmount reads a slot answer that gives the amount in a
// foreign currency ("两万英镑", "$500") and returns it as written, with the
// currency named after the number.
func ParseForeignAmount(s string) (string, bool) {
	s = prepareText(s)
	for _, sp := range scanAmounts(s, true) {
		if sp.strength > 0 {
			if sp.currency == "" {
				return "", false
			}
			return s[sp.start:sp.end] + sp.currency, true
		}
	}
	return "", false
}

// mainAmount picks the amount a complaint is about: the first amount that
// follows a money verb (扣了, 被骗, 转了, 亏了 …), else the first with an
// explicit currency or number word, else the first at all.
func mainAmount(spans []amountSpan) (float64, bool) {
	var disputed []amountSpan
	for _, sp := range spans {
		if !sp.limit {
			disputed = append(disputed, sp)
		}
	}
	spans = disputed
	if len(spans) == 0 {
		return 0, false
	}
	for _, sp := range spans {
		if sp.cue && sp.strength >= 2 {
			return sp.yuan, true
		}
	}
	best := spans[0]
	for _, sp := range spans[1:] {
		if sp.strength > best.strength {
			best = sp
		}
	}
	return best.yuan, true
}

// Numeral classes.
var (
	cnDigits = map[rune]float64{
		'零': 0, '〇': 0, '一': 1, '壹': 1, '二': 2, '贰': 2, '两': 2, '俩': 2, '三': 3, '叁': 3, '四': 4, '肆': 4,
		'五': 5, '伍': 5, '六': 6, '陆': 6, '七': 7, '柒': 7, '八': 8, '捌': 8, '九': 9, '玖': 9,
	}
	cnUnits = map[rune]float64{
		'十': 10, '拾': 10, '百': 100, '佰': 100, '千': 1000, '仟': 1000, '万': 1e4, '萬': 1e4, '亿': 1e8, '億': 1e8,
	}
)

// numeralRune reports whether r can be part of a numeral run.
func numeralRune(r rune) bool {
	if r >= '0' && r <= '9' {
		return true
	}
	_, d := cnDigits[r]
	_, u := cnUnits[r]
	return d || u || r == '几' || r == '多' || r == '余' || r == '来'
}

// Context words that decide whether a number is money.
var (
	// currencyAfter follow an amount (optionally after 多/余/来/左右).
	currencyAfter = []string{"元", "块", "圆", "人民币", "rmb", "美元", "美金", "港币", "港元", "欧元", "日元", "英镑", "澳元", "加元", "新加坡元", "新币", "韩元", "泰铢", "镑", "毛", "蚊"}
	// currencyBefore precede an amount.
	currencyBefore = []string{"¥", "￥", "rmb", "人民币", "$", "€", "£"}
	// foreignAfter and foreignBefore are the foreign currencies among them,
	// with the name an amount is shown with; longer names first.
	foreignAfter = [][2]string{
		{"美元", "美元"}, {"美金", "美元"}, {"港币", "港币"}, {"港元", "港币"}, {"欧元", "欧元"}, {"日元", "日元"}, {"英镑", "英镑"},
		{"澳元", "澳元"}, {"加元", "加元"}, {"新加坡元", "新加坡元"}, {"新币", "新加坡元"}, {"韩元", "韩元"}, {"泰铢", "泰铢"}, {"镑", "英镑"},
	}
	foreignBefore = [][2]string{{"us$", "美元"}, {"hk$", "港币"}, {"$", "美元"}, {"€", "欧元"}, {"£", "英镑"}}
	// notMoneyAfter are counters and time words: "3次", "12期", "90岁".
	notMoneyAfter = []string{
		"%", "％", "‰", "年", "月", "日", "号", "天", "岁", "周", "星期", "礼拜", "期", "次", "个", "点", "分钟", "秒", "倍", "条", "位", "张", "笔",
		"家", "人", "遍", "层", "楼", "小时", "公里", "里", "米", "斤", "折", "成", "名", "趟", "单", "页", "级", "档", "种", "股", "手", "只",
		"项", "份", "代", "辈", "口", "间", "套", "台", "部", "本", "句", "声", "下", "回", "届", "季", "批", "轮", "起", "群", "字", "户", "座",
		"辆", "所", "颗", "片", "集", "场", "步", "样", "段", "行", "组", "把", "号码", "度", "岁数", "克", "两", "寸", "毫",
		// Points and miles are not money ("用三万积分换的").
		"积分", "分积分", "里程",
	}
	// moneyAfterOverride beat notMoneyAfter: "300年费", "12期手续费" is not.
	moneyAfterOverride = []string{"年费", "块"}
	// notMoneyBefore mark identifiers and ordinals: "尾号5678", "第3期", "R2".
	// A person's age said without 岁 ("俺妈六十八，…", "今年七十三了") is
	// not money either.
	notMoneyBefore = []string{"尾号", "编号", "卡号", "工号", "单号", "订单号", "账号", "号码", "号", "第", "ts", "利率", "费率", "年化", "利息率", "收益率", "万分之", "千分之", "百分之", "t+",
		"今年", "妈", "爸", "奶奶", "爷爷", "婆婆", "公公", "姥姥", "姥爷", "外婆", "外公", "老人", "老太太", "老爷子", "老伴", "岳母", "岳父", "父亲", "母亲"}
	// moneyCues are verbs and nouns after which a bare number is money.
	moneyCues = []string{
		"扣", "扣了", "扣款", "转", "转了", "付", "付了", "收", "收了", "交", "交了", "借", "借了", "欠", "欠了", "还", "还了", "取", "取了", "存", "存了",
		"赔", "退", "亏", "亏了", "损失", "骗", "骗了", "骗走", "刷", "刷了", "金额", "费", "款", "额度", "共计", "合计", "一共", "总共", "余额", "充", "充了",
		"花了", "买了", "投了", "投", "本金", "贷", "贷了", "到手", "多收", "少给", "盗刷", "扣除", "被扣", "保费", "保额", "理赔", "赔付", "工资", "押金", "定金",
		"分红", "收益", "利息", "罚息", "违约金", "滞纳金", "保证金", "解冻费", "服务费", "手续费", "年费", "会员费", "现金", "差价", "价值", "买", "卖", "交易",
		"共", "金", "转账", "账", "取现", "现", "汇", "汇款", "提现", "充值", "缴", "缴纳",
	}
	// moneyCueAfter follow a bare number that is money: "3000的手续费".
	moneyCueAfter = []string{"年费", "手续费", "的手续费", "利息", "的利息", "违约金", "滞纳金", "保证金", "会员费", "服务费", "的年费", "的保费", "保费", "的费用", "费用", "现金", "的现金", "额度", "的额度", "定期", "的定期", "的理财", "理财", "的贷款", "贷款"}
	// cueVerbs mark the amount a complaint is about, for mainAmount.
	cueVerbs = []string{"扣", "转", "骗", "亏", "损失", "盗刷", "刷", "借", "欠", "贷", "投", "买", "存", "收", "交", "付", "取", "赔", "退", "少给", "多收", "被"}
)

// Limits and thresholds: "额度提到十万", "超过5万要预约", "5万以上".
var (
	limitBefore = []string{"额度", "提额", "提到", "限额", "超过", "满", "降到", "从", "升到", "调到", "最高", "最多", "上限", "起点", "门槛", "保额", "奖品", "中奖", "放", "批", "给我办", "可以借", "能借", "能贷", "可以贷"}
	limitAfter  = []string{"以上", "以下", "额度", "的额度", "限额", "上限", "起", "的分期要", "的分期"}
)

// scanAmounts finds every numeral run in text and rates how surely it is
// money. With lenient (a slot answer) a bare number counts as money.
func scanAmounts(text string, lenient bool) []amountSpan {
	lower := asciiLower(text)
	var out []amountSpan
	i := 0
	for i < len(lower) {
		r, size := utf8.DecodeRuneInString(lower[i:])
		if !numeralRune(r) || r == '多' || r == '余' || r == '几' || r == '来' {
			i += size
			continue
		}
		start := i
		end := scanNumeralRun(lower, i)
		i = end
		run := lower[start:end]
		if _, unit := cnUnits[r]; unit && r != '十' && r != '拾' {
			continue // 千万别, 万一, 日息万五: unit words, not amounts
		}
		val, kind, ok := parseNumeral(run)
		if !ok || val <= 0 || val > 1e12 || math.IsNaN(val) {
			continue
		}
		// Trailing k/w multiplies an ASCII number: 5w, 3k, 1.5W.
		if end < len(lower) && kind == numASCII {
			switch lower[end] {
			case 'k':
				if end+1 >= len(lower) || !isASCIILetter(lower[end+1]) {
					val *= 1000
					kind = numWord
					end++
				}
			case 'w':
				if end+1 >= len(lower) || !isASCIILetter(lower[end+1]) {
					val *= 1e4
					kind = numWord
					end++
				}
			}
			i = end
			if val > 1e12 {
				continue // "1000000001k": the multiplier takes it past any real amount
			}
		}
		before, after := strings.TrimRight(lower[:start], "」』”\"')）) "), lower[end:]
		sp := amountSpan{yuan: math.Round(val*100) / 100, start: start, end: end}
		if sp.yuan <= 0 {
			continue // less than a fen
		}
		sp.strength = rateAmount(before, after, run, val, kind, lenient)
		if sp.strength > 0 {
			sp.currency = foreignCurrency(before, after)
			sp.cue = containsAny(lastRunes(before, 4), cueVerbs)
			sp.limit = containsAny(lastRunes(before, 4), limitBefore) || hasAnyPrefix(strings.TrimLeft(after, "多余块元钱 "), limitAfter)
			sp.yuan += jiaoAfter(after)
			out = append(out, sp)
		}
	}
	return out
}

// foreignCurrency names the foreign currency around an amount, if any.
func foreignCurrency(before, after string) string {
	trail := strings.TrimPrefix(strings.TrimLeft(strings.TrimLeft(after, " "), "多余来几"), "左右")
	for _, c := range foreignAfter {
		if strings.HasPrefix(trail, c[0]) {
			return c[1]
		}
	}
	tb := strings.TrimRight(before, " ")
	for _, c := range foreignBefore {
		if strings.HasSuffix(tb, c[0]) {
			return c[1]
		}
	}
	return ""
}

// rateAmount decides whether a number is money from its neighbours.
func rateAmount(before, after, run string, val float64, kind numKind, lenient bool) int {
	after = strings.TrimLeft(after, " ")
	trail := strings.TrimLeft(after, "多余来几")
	trail = strings.TrimPrefix(trail, "左右")
	if hasAnyPrefix(trail, currencyAfter) && !strings.HasPrefix(trail, "元旦") {
		if hasAnySuffix(before, []string{"尾号", "编号", "第"}) {
			return 0
		}
		if kind == numCN && val < 10 && strings.HasPrefix(trail, "块") && !strings.HasPrefix(trail, "块钱") {
			return 0 // 一块去: "together", not one yuan
		}
		return 3
	}
	tb := strings.TrimRight(before, " ")
	if hasAnySuffix(tb, currencyBefore) {
		return 3
	}
	if prev, _ := utf8.DecodeLastRuneInString(tb); prev < utf8.RuneSelf && (isASCIILetter(byte(prev)) || prev == '-' || prev == '/' || prev == '.' || prev == ':') {
		return 0 // part of a code, a date or a time
	}
	if next, _ := utf8.DecodeRuneInString(after); next < utf8.RuneSelf && (isASCIILetter(byte(next)) || next == '-' || next == '/' || next == ':' || next == '.') {
		return 0
	}
	if hasAnySuffix(tb, notMoneyBefore) {
		return 0
	}
	if !hasAnyPrefix(trail, moneyAfterOverride) && hasAnyPrefix(after, notMoneyAfter) {
		return 0
	}
	// An age closing a clause with 了 ("我七十多了跑了三趟", "他都八十了"):
	// a sum is rarely left bare like that without a verb of paying.
	if val >= 40 && val <= 120 && val == math.Trunc(val) && strings.HasPrefix(trail, "了") && !hasAnySuffix(lastRunes(tb, 3), moneyCues) {
		return 0
	}
	if kind == numASCII {
		digits := strings.Count(run, "") - 1
		if digits >= 11 || (val >= 1900 && val <= 2100 && !strings.Contains(run, ".")) && !hasAnySuffix(lastRunes(tb, 3), moneyCues) {
			return 0 // a phone, card or order number, or a year
		}
	}
	if kind == numWord {
		if val < 10 {
			return 0
		}
		return 2
	}
	if kind == numCN {
		return 0 // 三, 五: bare Chinese digits are almost never money
	}
	if lenient {
		return 1
	}
	if val < 10 {
		return 0
	}
	if containsAny(lastRunes(tb, 4), moneyCues) || hasAnyPrefix(trail, moneyCueAfter) {
		return 1
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// thousandsGroup reports whether s starts with exactly three digits, as
// after the comma in 1,500; "360,1440" is a list, not a number.
func thousandsGroup(s string) bool {
	return len(s) >= 3 && isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) && (len(s) == 3 || !isDigit(s[3]))
}

func isASCIILetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// scanNumeralRun returns the end of the numeral run starting at i:
// digits, Chinese numerals and units, with "," and "." only between digits.
func scanNumeralRun(s string, i int) int {
	end := i
	for j := i; j < len(s); {
		r, size := utf8.DecodeRuneInString(s[j:])
		switch {
		case numeralRune(r):
			j += size
			end = j
		case r == '.' && j > i && j+1 < len(s) && isDigit(s[j-1]) && isDigit(s[j+1]):
			j += size
		case r == ',' && j > i && isDigit(s[j-1]) && thousandsGroup(s[j+1:]):
			j += size
		default:
			return end
		}
	}
	return end
}

// numKind says how a numeral was written.
type numKind int

const (
	numASCII numKind = iota // 12000, 1,500, 0.6
	numCN                   // 三, 一二三: Chinese digits without units
	numWord                 // 两万三, 1.2万, 5w, 八百: with number words
)

// parseNumeral evaluates a numeral run: ASCII numbers, Chinese numerals
// with units, and mixtures (5万2, 1.2万, 两万三千). Colloquial abbreviations
// follow the spoken rule: a trailing digit counts in the next unit down
// (一千二 = 1200, 两万三 = 23000); 多/余/几/来 are ignored (两百多 = 200);
// adjacent digits are a range and read as the lower one (两三千 = 2000).
func parseNumeral(run string) (float64, numKind, bool) {
	var (
		total, section float64
		cur            = -1.0
		curDigits      int // digits in cur, for the colloquial rule
		lastUnit       float64
		zero           bool
		kind           = numASCII
		sawCN, sawUnit bool
		prevDigit      = -1.0
	)
	rs := run
	for len(rs) > 0 {
		r, size := utf8.DecodeRuneInString(rs)
		switch {
		case r >= '0' && r <= '9':
			j := 0
			for j < len(rs) && (isDigit(rs[j]) || (rs[j] == ',' && thousandsGroup(rs[j+1:])) || (rs[j] == '.' && j+1 < len(rs) && isDigit(rs[j+1]))) {
				j++
			}
			num := strings.ReplaceAll(rs[:j], ",", "")
			v, err := strconv.ParseFloat(num, 64)
			if err != nil {
				return 0, kind, false
			}
			if cur >= 0 {
				return 0, kind, false // 5三: not a number
			}
			cur, curDigits, prevDigit = v, len(strings.SplitN(num, ".", 2)[0]), -1
			if strings.Contains(num, ".") {
				curDigits = 99 // 1.5 is never the colloquial tail digit
			}
			rs = rs[j:]
			continue
		case r == '多' || r == '余' || r == '几' || r == '来': // 十来万 = 100000
			if r == '几' && cur < 0 {
				cur, curDigits = 0, 1
			}
		default:
			if d, ok := cnDigits[r]; ok {
				sawCN = true
				if d == 0 {
					zero, prevDigit = true, -1
					break
				}
				if cur >= 0 && prevDigit >= 0 {
					if d == prevDigit+1 {
						break // 两三千, 三四万: a range, keep the lower
					}
					cur, curDigits = cur*10+d, curDigits+1
				} else if cur >= 0 {
					return 0, kind, false
				} else {
					cur, curDigits = d, 1
				}
				prevDigit = d
				break
			}
			u, ok := cnUnits[r]
			if !ok {
				return 0, kind, false
			}
			sawUnit, prevDigit = true, -1
			switch {
			case u < 1e4:
				if cur < 0 {
					cur = 1 // 十 = 10, 百 alone reads as 一百
				}
				section += cur * u
				lastUnit = u
			case u == 1e4:
				total += (section + max(cur, 0)) * u
				if section == 0 && cur < 0 && total == 0 {
					total = u
				}
				section, lastUnit = 0, u
			default:
				total = (total + section + max(cur, 0)) * u
				section, lastUnit = 0, u
			}
			cur, curDigits, zero = -1, 0, false
		}
		rs = rs[size:]
	}
	if cur >= 0 {
		if lastUnit >= 100 && !zero && curDigits == 1 {
			cur *= lastUnit / 10
		}
		section += cur
	}
	total += section
	switch {
	case sawUnit:
		kind = numWord
	case sawCN:
		kind = numCN
	}
	return total, kind, !math.IsInf(total, 0)
}

// jiaoAfter reads the tenths in "38块6" or "3元5角": a single digit right
// after 块/元 that is not the start of another number.
func jiaoAfter(after string) float64 {
	rest, ok := strings.CutPrefix(after, "块")
	if !ok {
		if rest, ok = strings.CutPrefix(after, "元"); !ok {
			return 0
		}
	}
	r, size := utf8.DecodeRuneInString(rest)
	d, isCN := cnDigits[r]
	if r >= '0' && r <= '9' {
		d, isCN = float64(r-'0'), true
	}
	if !isCN || d == 0 {
		return 0
	}
	if next, _ := utf8.DecodeRuneInString(rest[size:]); numeralRune(next) || next == '.' {
		return 0
	}
	return d / 10
}
