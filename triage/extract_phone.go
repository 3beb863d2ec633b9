package triage

import (
	"strings"

	"github.com/xiaobao-cn/xiaobao/pii"
)

// ParsePhone reads a mainland mobile number from a slot answer and returns
// its 11 digits: "13812345678", "+86 138-1234-5678", "我手机是１３８１２３４５６７８",
// even spoken digits ("幺三八…"). Landlines, short numbers and numbers
// with a digit too many are rejected.
func ParsePhone(s string) (string, bool) {
	s = prepareText(s)
	if p := phoneIn(s); p != "" {
		return p, true
	}
	if !strings.ContainsAny(s, "幺一二三四五六七八九零〇") {
		return "", false
	}
	var b strings.Builder
	for _, r := range s {
		if d := strings.IndexRune("零一二三四五六七八九", r); d >= 0 {
			b.WriteByte(byte('0' + d/3))
			continue
		}
		switch r {
		case '〇':
			b.WriteByte('0')
		case '幺':
			b.WriteByte('1')
		case '两':
			b.WriteByte('2')
		default:
			b.WriteRune(r)
		}
	}
	if p := phoneIn(b.String()); p != "" {
		return p, true
	}
	return "", false
}

// phoneIn finds a mobile number in a slot answer however its digits are
// grouped: people type "13597 628 413" or "188-7406-5317" as they read
// the number off a card. Separators are dropped only between digits, so
// two numbers apart in words stay apart.
func phoneIn(s string) string {
	if p := pii.Phones(s); len(p) > 0 {
		return p[0]
	}
	rs := []rune(s)
	digit := func(r rune) bool { return r >= '0' && r <= '9' }
	var b strings.Builder
	for i, r := range rs {
		if strings.ContainsRune(" -.·—\u3000_", r) && i > 0 && i+1 < len(rs) && digit(rs[i-1]) && digit(rs[i+1]) {
			continue
		}
		b.WriteRune(r)
	}
	if p := pii.Phones(b.String()); len(p) > 0 {
		return p[0]
	}
	return ""
}
