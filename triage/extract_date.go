package triage

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// BeijingTime is China Standard Time (UTC+8, no daylight saving): the
// clock consumers mean by 昨天 or 10月3号. Callers without a message time
// of their own should resolve dates against time.Now().In(BeijingTime).
var BeijingTime = time.FixedZone("CST", 8*3600)

// ParseDate reads a date as consumers write it and resolves it against
// now (the message time, whose location is used): 2025-10-03, 2025年10月3日,
// 10月3号, 上个月15号, 上个月, 前天, 三天前, 上周三, 昨天晚上, 去年12月.
// Dates without a year are the latest such date not after now, because
// complaints are about the past; a part of day (晚上) or an hour (8点半)
// sets the time, otherwise it is midnight. Periods (上个月, 去年) resolve to
// their first day.
func ParseDate(s string, now time.Time) (time.Time, bool) {
	return findDate(prepareText(s), now)
}

// N is a small number written in digits or Chinese numerals.
const datePatN = `(\d{1,2}|[一二两三四五六七八九十]{1,3})`

// dateRule is one way to write a date; resolve turns a match into a time.
type dateRule struct {
	// need lists characters of which the text must contain one for the
	// rule to be tried: a cheap test that spares most regexp scans. With
	// afterNumber, the character must follow a digit or numeral (10月, 3号).
	need        string
	afterNumber bool
	// pre, when set, is a cheaper test than need for rules whose first
	// character is common (这, 两).
	pre     func(text string) bool
	re      *regexp.Regexp
	resolve func(m []string, now time.Time) (time.Time, bool)
}

var dateRules = []dateRule{
	// 2025-10-03, 2025/10/3, 2025.10.03, 2025年10月3日
	{"-/.年", true, nil, regexp.MustCompile(`((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?`), func(m []string, now time.Time) (time.Time, bool) {
		return ymd(atoi(m[1]), atoi(m[2]), atoi(m[3]), now)
	}},
	// 2025年10月(份)(初/中/底)
	{"年", true, nil, regexp.MustCompile(`((?:19|20)\d\d)\s*年\s*` + datePatN + `\s*月份?(初|中旬|中|下旬|底|末)?`), func(m []string, now time.Time) (time.Time, bool) {
		return ymd(atoi(m[1]), smallNum(m[2]), partOfMonth(m[3]), now)
	}},
	// 2023年(初/底)
	{"年", true, nil, regexp.MustCompile(`((?:19|20)\d\d)\s*年(初|底|末)?`), func(m []string, now time.Time) (time.Time, bool) {
		month, day := 1, 1
		if m[2] == "底" || m[2] == "末" {
			month, day = 12, 1
		}
		return ymd(atoi(m[1]), month, day, now)
	}},
	// (去年|前年|今年) 10月(份) (3号)
	{"月", true, nil, regexp.MustCompile(`(去年|前年|今年)?\s*` + datePatN + `\s*月份?\s*(初|中旬|中|下旬|底|末)?\s*(?:` + datePatN + `\s*[日号])?`), func(m []string, now time.Time) (time.Time, bool) {
		month := smallNum(m[2])
		day := partOfMonth(m[3])
		if m[4] != "" {
			day = smallNum(m[4])
		}
		switch m[1] {
		case "去年":
			return ymd(now.Year()-1, month, day, now)
		case "前年":
			return ymd(now.Year()-2, month, day, now)
		case "今年":
			return ymd(now.Year(), month, day, now)
		}
		return pastMonthDay(month, day, now)
	}},
	// 上个月15号, 这个月3号, 上上个月, 上个月底
	{"月", false, nil, regexp.MustCompile(`(上上个?月|上个?月|这个?月|本月)\s*(初|中旬|中|下旬|底|末)?\s*(?:` + datePatN + `\s*[日号])?`), func(m []string, now time.Time) (time.Time, bool) {
		back := map[string]int{"上上个月": 2, "上上月": 2, "上个月": 1, "上月": 1}[m[1]]
		first := time.Date(now.Year(), now.Month()-time.Month(back), 1, 0, 0, 0, 0, now.Location())
		day := partOfMonth(m[2])
		if m[3] != "" {
			day = smallNum(m[3])
		}
		return ymd(first.Year(), int(first.Month()), day, now)
	}},
	// 国庆节后, 腊月底, 去年春节 (extract_date_festivals.go), before the bare
	// year, which would read 今年六一八 as an age
	{festivalNeed, false, nil, festivalRE, resolveFestival},
	// 去年, 前年, 今年年初 (after the month rules, which take 去年10月)
	// A number right after a bare year is an age ("我妈今年七十二了",
	// "去年才18岁"), not a date: the match fails and a later date counts.
	{"年", false, nil, regexp.MustCompile(`(去年|前年|今年)(年初|年底|年末|初|底)?([0-9零一二两三四五六七八九十]*)`), func(m []string, now time.Time) (time.Time, bool) {
		if m[2] == "" && m[3] != "" {
			return time.Time{}, false
		}
		y := now.Year() - map[string]int{"去年": 1, "前年": 2}[m[1]]
		if strings.Contains(m[2], "底") || strings.Contains(m[2], "末") {
			return ymd(y, 12, 1, now)
		}
		return ymd(y, 1, 1, now)
	}},
	// 上周三, 上个星期五, 上礼拜, 这周一, 周三, 星期天
	{"周星拜", false, nil, regexp.MustCompile(`(上上个?|上个?|这个?|本)?\s*(星期|礼拜|周)([一二三四五六日天1-7])?`), func(m []string, now time.Time) (time.Time, bool) {
		if m[1] == "" && m[3] == "" {
			return time.Time{}, false // bare 周 (周末, 每周) is no date
		}
		back := 0
		switch strings.TrimSuffix(m[1], "个") {
		case "上":
			back = 1
		case "上上":
			back = 2
		}
		today := midnight(now)
		monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
		wd := 0
		if m[3] != "" {
			wd = strings.Index("一二三四五六日", m[3]) / 3
			if m[3] == "天" {
				wd = 6
			} else if m[3][0] >= '1' && m[3][0] <= '7' {
				wd = int(m[3][0]-'1') % 7
			}
		}
		d := monday.AddDate(0, 0, wd-7*back)
		if back == 0 && d.After(today) && m[1] == "" {
			d = d.AddDate(0, 0, -7) // 周三 said on a Monday: last Wednesday
		}
		return d, true
	}},
	// 三天前, 两周前, 半个月前, 3个月之前, 一年前, 半年前
	{"前", false, nil, regexp.MustCompile(`(` + datePatN[1:len(datePatN)-1] + `|半)\s*(?:个)?\s*(多)?\s*(天|日|周|星期|礼拜|月|年)\s*(?:前|之前|以前)`), func(m []string, now time.Time) (time.Time, bool) {
		n := 0
		half := m[1] == "半"
		if !half {
			n = smallNum(m[1])
			if n <= 0 {
				return time.Time{}, false
			}
		}
		t := midnight(now)
		switch m[3] {
		case "天", "日":
			return t.AddDate(0, 0, -n), !half
		case "周", "星期", "礼拜":
			return t.AddDate(0, 0, -7*n), !half
		case "月":
			if half {
				return t.AddDate(0, 0, -15), true
			}
			return t.AddDate(0, -n, 0), true
		default:
			if half {
				return t.AddDate(0, -6, 0), true
			}
			return t.AddDate(-n, 0, 0), true
		}
	}},
	// 这一个礼拜, 这半个月, 最近三个月, 近一年: a stretch of time up to
	// now resolves to its start, as 上个月 does to its first day.
	{"这近", false, recentStretch, regexp.MustCompile(`(?:这|最近|近)\s*(` + datePatN[1:len(datePatN)-1] + `|半|几)\s*(?:个)?\s*(?:多|来)?\s*(天|日|周|星期|礼拜|月|年)`), func(m []string, now time.Time) (time.Time, bool) {
		n := 3 // 几
		switch m[1] {
		case "半":
			n = 0
		case "几":
		default:
			if n = smallNum(m[1]); n <= 0 {
				return time.Time{}, false
			}
		}
		t := midnight(now)
		switch m[2] {
		case "天", "日":
			return t.AddDate(0, 0, -max(n, 1)), true
		case "周", "星期", "礼拜":
			if n == 0 {
				return t.AddDate(0, 0, -3), true
			}
			return t.AddDate(0, 0, -7*n), true
		case "月":
			if n == 0 {
				return t.AddDate(0, 0, -15), true
			}
			return t.AddDate(0, -n, 0), true
		default:
			if n == 0 {
				return t.AddDate(0, -6, 0), true
			}
			return t.AddDate(-n, 0, 0), true
		}
	}},
	// 前几天, 这两天, 前些日子: a few days back.
	{"几两些", false, fewDaysBack, regexp.MustCompile(`(?:前|这|最近)\s*(几|两|些)\s*(?:天|日子)`), func(m []string, now time.Time) (time.Time, bool) {
		back := map[string]int{"几": 3, "两": 2, "些": 7}[m[1]]
		return midnight(now).AddDate(0, 0, -back), true
	}},
	// 今天, 昨天, 前天, 大前天, 昨晚, 今早, 刚才
	{"前昨今天晚早刚儿", false, nil, regexp.MustCompile(`大前天|前天|昨天|昨日|昨晚|昨儿|今天|今日|今早|今晚|今儿|刚才|刚刚`), func(m []string, now time.Time) (time.Time, bool) {
		t := midnight(now)
		switch m[0] {
		case "大前天":
			return t.AddDate(0, 0, -3), true
		case "前天":
			return t.AddDate(0, 0, -2), true
		case "昨天", "昨日", "昨儿":
			return t.AddDate(0, 0, -1), true
		case "昨晚":
			return t.AddDate(0, 0, -1).Add(20 * time.Hour), true
		case "今早":
			return t.Add(8 * time.Hour), true
		case "今晚":
			return t.Add(20 * time.Hour), true
		case "刚才", "刚刚":
			return now, true
		}
		return t, true
	}},
	// 15号 on its own: a day of this month, or last month if still ahead.
	{"日号", true, nil, regexp.MustCompile(`(^|[^\d编尾账单工卡第号])` + datePatN + `\s*[日号]([^\d线楼门窗柜机床位房院店码内后之以期到起]|$)`), func(m []string, now time.Time) (time.Time, bool) {
		day := smallNum(m[2])
		t, ok := ymd(now.Year(), int(now.Month()), day, now)
		if ok && t.After(now) {
			prev := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, now.Location())
			return ymd(prev.Year(), int(prev.Month()), day, now)
		}
		return t, ok
	}},
}

// timeOfDayRE reads a part of day and hour right after a date: 晚上8点半.
var timeOfDayRE = regexp.MustCompile(`^\s*(早上|早晨|上午|中午|下午|傍晚|晚上|夜里|半夜|凌晨)?\s*(?:` + datePatN + `\s*[点时:：]\s*(半|\d{1,2}分?|[一二三四五十]{1,3}分)?)?`)

// partOfDayHours are the hours a bare part of day stands for.
var partOfDayHours = map[string]int{"早上": 8, "早晨": 8, "上午": 10, "中午": 12, "下午": 15, "傍晚": 18, "晚上": 20, "夜里": 23, "半夜": 0, "凌晨": 3}

// findDate returns the earliest date expression in text. A match that
// reads as an impossible date (2月30日) hides the shorter matches inside
// it, so "30日" alone is not taken from it.
func findDate(text string, now time.Time) (time.Time, bool) {
	if !strings.ContainsAny(text, "年月日号天周星拜前刚晚早-/."+festivalNeed) && !recentStretch(text) {
		return time.Time{}, false // most messages: skip the regexps
	}
	type match struct {
		start, end int
		t          time.Time
		ok         bool
	}
	var ms []match
	for _, rule := range dateRules {
		if !strings.ContainsAny(text, rule.need) || (rule.afterNumber && !numeralBefore(text, rule.need)) || (rule.pre != nil && !rule.pre(text)) {
			continue
		}
		for _, loc := range rule.re.FindAllStringSubmatchIndex(text, 8) {
			m := make([]string, len(loc)/2)
			for k := range m {
				if loc[2*k] >= 0 {
					m[k] = text[loc[2*k]:loc[2*k+1]]
				}
			}
			start := loc[0]
			// The bare-day rule may start its match one rune early.
			if strings.HasPrefix(rule.re.String(), "(^|") && m[1] != "" {
				start += len(m[1])
			}
			if loc[1] <= start {
				continue
			}
			t, ok := rule.resolve(m, now)
			ms = append(ms, match{start, loc[1], t, ok})
		}
	}
	slices.SortStableFunc(ms, func(a, b match) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	blockedUntil := -1
	for _, m := range ms {
		if m.start < blockedUntil {
			continue
		}
		if !m.ok {
			blockedUntil = max(blockedUntil, m.end)
			continue
		}
		best := m.t
		if best.Equal(midnight(best)) {
			best = applyTimeOfDay(best, text[m.end:])
		}
		return best, true
	}
	return time.Time{}, false
}

// numeralBefore reports whether one of the characters in chars follows a
// digit or a Chinese numeral (十月, 3号), allowing one space between.
func numeralBefore(text, chars string) bool {
	for i, r := range text {
		if !strings.ContainsRune(chars, r) {
			continue
		}
		before := strings.TrimRight(text[:i], " ")
		if p, _ := utf8.DecodeLastRuneInString(before); (p >= '0' && p <= '9') || strings.ContainsRune("一二两三四五六七八九十", p) {
			return true
		}
	}
	return false
}

// applyTimeOfDay sets the hour from "晚上8点半" following a date.
func applyTimeOfDay(day time.Time, rest string) time.Time {
	m := timeOfDayRE.FindStringSubmatch(rest)
	if m == nil || (m[1] == "" && m[2] == "") {
		return day
	}
	hour, minute := partOfDayHours[m[1]], 0
	if m[2] != "" {
		hour = smallNum(m[2])
		if hour < 12 && (m[1] == "下午" || m[1] == "晚上" || m[1] == "傍晚" || (m[1] == "中午" && hour < 3)) {
			hour += 12
		}
		switch {
		case m[3] == "半":
			minute = 30
		case m[3] != "":
			minute = smallNum(strings.TrimSuffix(m[3], "分"))
		}
	}
	if hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return day
	}
	return day.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}

// pastMonthDay resolves a month and day without a year to the latest such
// date not after now.
func pastMonthDay(month, day int, now time.Time) (time.Time, bool) {
	t, ok := ymd(now.Year(), month, day, now)
	if !ok {
		return t, false
	}
	if t.After(now) {
		return ymd(now.Year()-1, month, day, now)
	}
	return t, true
}

// ymd builds a date in now's location and rejects impossible ones (2月30日).
func ymd(y, m, d int, now time.Time) (time.Time, bool) {
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, now.Location())
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// partOfMonth is the day a part of a month stands for (初 1, 中 15, 底 25).
func partOfMonth(s string) int {
	switch s {
	case "中", "中旬":
		return 15
	case "下旬":
		return 21
	case "底", "末":
		return 25
	}
	return 1
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// smallNum parses a small number in digits or Chinese numerals (十五, 二十三).
func smallNum(s string) int {
	if s == "" {
		return -1
	}
	if s[0] >= '0' && s[0] <= '9' {
		return atoi(s)
	}
	v, _, ok := parseNumeral(s)
	if !ok || v > 1000 {
		return -1
	}
	return int(v)
}

// recentStretch and fewDaysBack are the cheap tests of the two rules for
// a stretch up to now and a few days back.
func recentStretch(text string) bool {
	return numeralAfter(text, "这") || numeralAfter(text, "近")
}

// numeralAfter reports whether word is followed somewhere in text by a
// numeral, 半 or 几 (这两个礼拜, 近三个月), allowing one space between.
func numeralAfter(text, word string) bool {
	for rest := text; ; {
		i := strings.Index(rest, word)
		if i < 0 {
			return false
		}
		rest = rest[i+len(word):]
		r, _ := utf8.DecodeRuneInString(strings.TrimLeft(rest, " "))
		if strings.ContainsRune("一二两三四五六七八九十半几0123456789", r) {
			return true
		}
	}
}

func fewDaysBack(text string) bool {
	return strings.Contains(text, "几天") || strings.Contains(text, "两天") || strings.Contains(text, "些天") || strings.Contains(text, "些日子")
}
