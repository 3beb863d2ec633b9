package triage

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xiaobao-cn/xiaobao/pii"
)

// maxScanRunes bounds how much of a text triage reads. Complaints longer
// than this are rare and their first few thousand characters carry the
// facts; the bound keeps a 20,000-character paste as cheap as a tweet.
const maxScanRunes = 4000

// Extraction holds the facts read from a complaint text by rules alone.
type Extraction struct {
	// Institution is the first institution named, normalised, or "".
	Institution string
	// InstitutionKind is the kind of Institution (bank, payment, …) or "".
	InstitutionKind string
	// AmountYuan is the amount in dispute, if one is written.
	AmountYuan *float64
	// AmountForeign is the first amount written in a foreign currency, as
	// written with its currency ("两万英镑"); it is never converted into
	// AmountYuan.
	AmountForeign string
	// MaxAmountYuan is the largest amount written anywhere in the text; the
	// large_amount flag uses it.
	MaxAmountYuan float64
	// OccurredAt is the first date mentioned, resolved against the message
	// time, if any.
	OccurredAt *time.Time
	// Phones are the mainland mobile numbers in the text, digits only.
	Phones []string
	// Demands are the demand codes found in the text.
	Demands []string
}

// Extract reads institution, amount, date, phones and demands from text.
// now resolves relative dates ("前天"). It never fails: missing facts are
// simply absent.
func Extract(text string, now time.Time) Extraction {
	text = prepareText(text)
	lower := asciiLower(text)
	return extract(text, lower, now, scanPhrases(lower))
}

// extract is Extract on a prepared text whose phrases are already found.
func extract(text, lower string, now time.Time, h *textHits) Extraction {
	e := Extraction{Demands: demandsOf(lower, h)}
	if m, ok := findInstitution(text, false); ok {
		e.Institution, e.InstitutionKind = m.name, m.kind
	}
	amounts, foreign := findAmounts(text)
	e.AmountForeign = foreign
	if a, ok := mainAmount(amounts); ok {
		e.AmountYuan = &a
	}
	for _, a := range amounts {
		e.MaxAmountYuan = max(e.MaxAmountYuan, a.yuan)
	}
	if d, ok := findDate(text, now); ok {
		e.OccurredAt = &d
	}
	e.Phones = pii.Phones(text)
	return e
}

// prepareText makes any input safe to scan: valid UTF-8, full-width
// letters and digits folded to ASCII, and at most maxScanRunes runes.
func prepareText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	return foldWidth(truncateRunes(s, maxScanRunes))
}

// truncateRunes cuts s to at most n runes, on a rune boundary.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// foldWidth maps full-width ASCII forms (１２３, ｋ, ％, ￥ stays) and the
// ideographic space to their half-width forms, which phones and pasted
// amounts often arrive in.
func foldWidth(s string) string {
	needs := false
	for _, r := range s {
		if (r >= 0xFF01 && r <= 0xFF5E) || r == 0x3000 {
			needs = true
			break
		}
	}
	if !needs {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteRune(r - 0xFEE0)
		case r == 0x3000:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// asciiLower lower-cases ASCII letters only, so byte offsets into the
// result are valid in the input too.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// hasAnySuffix reports whether s ends with one of list.
func hasAnySuffix(s string, list []string) bool {
	for _, x := range list {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

// hasAnyPrefix reports whether s starts with one of list.
func hasAnyPrefix(s string, list []string) bool {
	for _, x := range list {
		if strings.HasPrefix(s, x) {
			return true
		}
	}
	return false
}

// containsAny reports whether s contains one of list.
func containsAny(s string, list []string) bool {
	for _, x := range list {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// lastRunes returns at most n runes from the end of s.
func lastRunes(s string, n int) string {
	i := len(s)
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return s[i:]
}

// firstRunes returns at most n runes from the start of s.
func firstRunes(s string, n int) string {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}
