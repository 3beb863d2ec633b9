package chat

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// nameIntroRE finds a name introduced in a sentence: "叫陈静", "名字是王芳",
// "姓名：李娜", "我是张伟". People answering for someone else say who they
// are first ("我是她女儿，叫陈静"), so the last introduction wins.
var nameIntroRE = regexp.MustCompile(`(?:叫|名字是|名字叫|姓名是|姓名[:：]?|我是|俺是|本人)\s*([\p{Han}·]{2,5}|[A-Za-z][A-Za-z .'-]{1,30})`)

// notNameStart are first characters of what follows 我是 when it is a
// relation, not a name ("我是她女儿", "我是他儿子").
const notNameStart = "他她我俺你您本家其"

// bracketRE is a remark in brackets after a name ("陈静（她女儿）").
var bracketRE = regexp.MustCompile(`[（(][^）)]*[）)]`)

// parseName reads the consumer's answer to "what is your name?". It
// returns false for anything that cannot be a name (too short, digits).
func parseName(text string) (string, bool) {
	if nameRefused(text) {
		return "", false
	}
	s := dropSpellings(strings.TrimSpace(bracketRE.ReplaceAllString(text, "")))
	name := ""
	for _, m := range nameIntroRE.FindAllStringSubmatch(s, -1) {
		cand := strings.TrimSpace(m[1])
		if r, _ := utf8.DecodeRuneInString(cand); strings.ContainsRune(notNameStart, r) {
			continue
		}
		name = cand
	}
	if name == "" {
		if sur, title, ok := surnameOf(s); ok {
			// "我姓胡，胡德明": the full name follows the surname.
			full := fullNameRE.FindString(s[strings.LastIndex(s, sur):])
			if utf8.RuneCountInString(full) > utf8.RuneCountInString(sur) && !titleWordRE.MatchString(full[len(sur):]) {
				return full, true
			}
			if title == "" {
				return "", false
			}
			return sur + title, true
		}
		name = s
		for _, p := range []string{"我叫", "俺叫", "我是", "俺是", "我姓", "俺姓", "姓名", "名字是", "叫我", "叫", "本人", "姓"} {
			name = strings.TrimSpace(strings.TrimPrefix(name, p))
		}
		for _, suf := range []string{"就行了", "就行", "就好", "就可以", "就是了"} {
			name = strings.TrimSpace(strings.TrimSuffix(name, suf))
		}
	}
	name = strings.TrimFunc(name, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r) })
	n := utf8.RuneCountInString(name)
	if n < 2 || n > 20 || strings.ContainsFunc(name, unicode.IsDigit) {
		return "", false
	}
	return name, true
}

// clauseSepRE parts the clauses of a name answer.
var clauseSepRE = regexp.MustCompile(`[，,、。；;\s]+`)

// spellingMarks are the words of a remark that spells a character out
// ("钱是钞票的钱", "冯是两点水那个冯", "弓长张").
var spellingMarks = []string{"是", "的", "那个", "字", "旁", "两点水", "三点水", "草头", "木子", "耳东", "口天", "立早", "弓长", "古月", "言午", "人可", "文刀", "关耳", "双木"}

// dropSpellings removes, after the clause that gives the name, the
// clauses that spell one of its characters out, as people do on the phone
// ("张德顺，弓长张", "钱国华，钱是钞票的钱"); they are not part of the name.
// A clause is a spelling when it ends in a character of the clause before
// it and reads like one.
func dropSpellings(s string) string {
	parts := clauseSepRE.Split(s, -1)
	if len(parts) < 2 {
		return s
	}
	kept := []string{parts[0]}
	for _, p := range parts[1:] {
		last, _ := utf8.DecodeLastRuneInString(p)
		prev := strings.Join(kept, "")
		n := utf8.RuneCountInString(p)
		if p != "" && n >= 3 && n <= 12 && strings.ContainsRune(prev, last) && containsAny(p, spellingMarks...) && unicode.Is(unicode.Han, last) {
			continue
		}
		kept = append(kept, p)
	}
	if len(kept) == len(parts) {
		return s
	}
	return strings.Join(kept, "，")
}

// nameRefusedRE is an answer that declines or questions giving a name
// ("不想说", "匿名可以吗", "为什么要名字"): never a name to file.
var nameRefusedRE = regexp.MustCompile(`不想|不方便|不愿|不说|保密|匿名|不告诉|不给|为什么|为啥|干嘛|凭什么|有必要|隐私|不能说`)

// nameRefused reports whether text declines to give a name.
func nameRefused(text string) bool { return nameRefusedRE.MatchString(text) }

// surnameRE is a surname given alone, the way people give it on the phone:
// "我姓林", "免贵姓张，弓长张", "姓欧阳的欧阳". What follows the surname
// is read for a title ("我姓林，林女士").
var surnameRE = regexp.MustCompile(`^(?:免贵|我|俺|本人|我就)?(?:免贵)?姓\s*(\p{Han}{1,2})`)

// fullNameRE is a name of two to four characters at the start of a text.
var fullNameRE = regexp.MustCompile(`^\p{Han}{2,4}`)

// titleWordRE is a form of address after a surname ("林女士", "王大爷").
var titleWordRE = regexp.MustCompile(`^(?:女士|先生|小姐|阿姨|大姐|大爷|大叔|大哥|大妈|老师|师傅|姐|哥|叔|姨|总)`)

// compoundSurnames are the two-character surnames common enough to meet.
var compoundSurnames = []string{"欧阳", "司马", "诸葛", "上官", "东方", "慕容", "司徒", "皇甫", "令狐", "夏侯", "尉迟", "长孙", "宇文", "公孙", "端木", "南宫", "西门", "独孤"}

// surnameOf reads an answer that gives only a surname. title is 先生 or
// 女士 when the answer also says which; ok is false when the answer is
// not a surname.
func surnameOf(text string) (surname, title string, ok bool) {
	text = strings.TrimSpace(text) // the title is read at offsets of the match
	m := surnameRE.FindStringSubmatch(text)
	if m == nil {
		return "", "", false
	}
	surname = string([]rune(m[1])[:1])
	for _, c := range compoundSurnames {
		if m[1] == c {
			surname = c
		}
	}
	return surname, titleOf(text[len(m[0])-len(m[1])+len(surname):]), true
}

// titleOf reads how someone wants to be addressed from an answer to
// "先生还是女士？": "女的", "是女士", "阿姨".
func titleOf(text string) string {
	switch {
	case strings.ContainsAny(text, "女姐姨婆妈娘"):
		return "女士"
	case strings.ContainsAny(text, "男先生叔伯爷哥"):
		return "先生"
	}
	return ""
}
