// Package pii finds and masks personal data (mainland mobile numbers,
// resident ID numbers, bank card numbers, e-mail addresses) in free text.
// Everything that leaves the process for an LLM, every log line and every
// handler list goes through Mask.
package pii

import (
	"regexp"
	"strings"
)

var (
	// Order matters: IDs (18 chars) and cards (13–19 digits) are matched
	// before phones so an 11-digit run inside them is not masked twice.
	idRE    = regexp.MustCompile(`(^|\D)([1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])($|[^\dA-Za-z])`)
	cardRE  = regexp.MustCompile(`(^|\D)((?:\d[ -]?){12,18}\d)($|\D)`)
	phoneRE = regexp.MustCompile(`(^|\D)(?:\+?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})($|\D)`)
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
)

// Mask replaces personal identifiers in s with masked forms that keep just
// enough for a person to recognise their own data (the last 4 digits).
func Mask(s string) string {
	if s == "" {
		return s
	}
	s = replaceAllSubmatch(idRE, s, func(m []string) string {
		return m[1] + m[2][:3] + strings.Repeat("*", 11) + m[2][14:] + m[3]
	})
	s = replaceAllSubmatch(cardRE, s, func(m []string) string {
		digits := onlyDigits(m[2])
		if len(digits) == 13 && strings.HasPrefix(digits, "861") {
			digits = digits[2:]
		}
		if len(digits) == 11 && digits[0] == '1' {
			return m[0] // a phone number; masked below
		}
		return m[1] + MaskCard(digits) + m[3]
	})
	s = replaceAllSubmatch(phoneRE, s, func(m []string) string {
		return m[1] + m[2] + "****" + m[4] + m[5]
	})
	s = emailRE.ReplaceAllStringFunc(s, func(e string) string {
		at := strings.IndexByte(e, '@')
		if at <= 1 {
			return "***" + e[at:]
		}
		return e[:1] + "***" + e[at:]
	})
	return s
}

// MaskPhone masks a mobile number to the form 138****5678.
func MaskPhone(p string) string {
	d := onlyDigits(p)
	if len(d) < 7 {
		return strings.Repeat("*", len(d))
	}
	return d[:3] + strings.Repeat("*", len(d)-7) + d[len(d)-4:]
}

// MaskCard masks a card number to its last four digits.
func MaskCard(c string) string {
	d := onlyDigits(c)
	if len(d) <= 4 {
		return d
	}
	return "**** **** **** " + d[len(d)-4:]
}

// Phones returns the mainland mobile numbers found in s, digits only.
func Phones(s string) []string {
	var out []string
	for _, m := range phoneRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[2]+m[3]+m[4])
	}
	return out
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// replaceAllSubmatch is ReplaceAllStringFunc with submatches; it loops
// because matches that share a boundary character need a second pass.
func replaceAllSubmatch(re *regexp.Regexp, s string, f func([]string) string) string {
	for i := 0; i < 3; i++ {
		n := re.ReplaceAllStringFunc(s, func(m string) string { return f(re.FindStringSubmatch(m)) })
		if n == s {
			break
		}
		s = n
	}
	return s
}
