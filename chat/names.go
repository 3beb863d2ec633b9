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
	s := strings.TrimSpace(bracketRE.ReplaceAllString(text, ""))
	name := ""
	for _, m := range nameIntroRE.FindAllStringSubmatch(s, -1) {
		cand := strings.TrimSpace(m[1])
		if r, _ := utf8.DecodeRuneInString(cand); strings.ContainsRune(notNameStart, r) {
			continue
		}
		name = cand
	}
	if name == "" {
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

// nameRefusedRE is an answer that declines or questions giving a name
// ("不想说", "匿名可以吗", "为什么要名字"): never a name to file.
var nameRefusedRE = regexp.MustCompile(`不想|不方便|不愿|不说|保密|匿名|不告诉|不给|为什么|为啥|干嘛|凭什么|有必要|隐私|不能说`)

// nameRefused reports whether text declines to give a name.
func nameRefused(text string) bool { return nameRefusedRE.MatchString(text) }
