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
	if p := pii.Phones(s); len(p) > 0 {
		return p[0], true
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
	if p := pii.Phones(b.String()); len(p) > 0 {
		return p[0], true
	}
	return "", false
}
