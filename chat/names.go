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
		for _, p := range []string{"我叫", "俺叫", "我是", "俺是", "我姓", "俺姓", "姓名", "名字是", "叫", "本人", "姓"} {
			name = strings.TrimSpace(strings.TrimPrefix(name, p))
		}
	}
	name = strings.TrimFunc(name, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r) })
	n := utf8.RuneCountInString(name)
	if n < 2 || n > 20 || strings.ContainsFunc(name, unicode.IsDigit) {
		return "", false
	}
	return name, true
}
