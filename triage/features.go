package triage

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/xiaobao-cn/xiaobao/segment"
)

// Feature namespaces. Each feature is a string hashed to 32 bits; the
// model's vocabulary maps the hashes seen in training to weight rows, so
// the model file needs no strings and unseen features cost nothing.
const (
	nsWord       = 'w' // a jieba word
	nsWordBigram = 'b' // two adjacent jieba words
	nsChar2      = '2' // a character bigram
	nsMeta       = 'm' // length, punctuation and extraction facts
	nsFirst      = 'f' // a jieba word of the first clause
)

// featurize returns the sorted, unique feature hashes of a text. The text
// must already be prepared (prepareText); lower is asciiLower(text), h its
// phrase hits and ex its extraction facts. Features are cheap on purpose:
// jieba dominates the cost.
func featurize(text, lower string, h *textHits, ex *Extraction) []uint32 {
	f := make([]uint32, 0, 64+3*len(text)/2)
	words := segment.Words(text)
	prev := ""
	for _, w := range words {
		w = normDigits(w)
		f = append(f, hashFeature(nsWord, w, ""))
		if prev != "" {
			f = append(f, hashFeature(nsWordBigram, prev, w))
		}
		prev = w
	}
	f = appendCharGrams(f, text)
	f = productLexicon.appendLexicon(f, h)
	f = reasonLexicon.appendLexicon(f, h)
	f = intentLexicon.appendLexicon(f, h)
	// The opening words usually name the product ("招行信用卡乱扣年费"), so
	// in a longer text they get features of their own.
	if head := len(firstClause(lower)); head < len(lower) {
		cursor := 0
		for _, w := range words {
			i := strings.Index(lower[cursor:], w)
			if i < 0 || cursor+i+len(w) > head {
				break
			}
			cursor += i + len(w)
			f = append(f, hashFeature(nsFirst, normDigits(w), ""))
		}
		f = productLexicon.appendLexiconBefore(f, h, head, "f")
	}
	f = appendMeta(f, text, len(words), ex)
	slices.Sort(f)
	return slices.Compact(f)
}

// appendCharGrams adds the character bigrams of each run of letters and
// digits; digit runs read as one "0" so amounts and dates do not flood the
// vocabulary. (Trigrams were tried: no better in cross-validation, and
// twice the features.)
func appendCharGrams(f []uint32, text string) []uint32 {
	var prev rune
	n := 0
	lastDigit := false
	for _, r := range text {
		switch {
		case r >= '0' && r <= '9':
			if lastDigit {
				continue
			}
			r, lastDigit = '0', true
		case unicode.IsLetter(r):
			lastDigit = false
			if r < unicode.MaxASCII {
				r = unicode.ToLower(r)
			}
		default:
			n, lastDigit = 0, false
			continue
		}
		n++
		if n >= 2 {
			f = append(f, hashRunes(nsChar2, prev, r))
		}
		prev = r
	}
	return f
}

// appendMeta adds coarse facts: length, question and exclamation marks,
// a tracking number, and what extraction found (institution kind and
// name, an amount's order of magnitude, a date).
func appendMeta(f []uint32, text string, words int, ex *Extraction) []uint32 {
	meta := func(k, v string) { f = append(f, hashFeature(nsMeta, k, v)) }
	meta("len", lengthBucket(words))
	if strings.ContainsAny(text, "?？吗呢") {
		meta("q", "")
	}
	if strings.ContainsAny(text, "!！") {
		meta("excl", "")
	}
	if trackingRE.MatchString(text) {
		meta("ts", "")
	}
	if ex == nil {
		return f
	}
	if ex.InstitutionKind != "" {
		meta("kind", ex.InstitutionKind)
	}
	if ex.Institution != "" {
		meta("inst", ex.Institution)
	}
	if ex.AmountYuan != nil {
		meta("amt", strconv.Itoa(int(math.Log10(math.Max(*ex.AmountYuan, 1)))))
	}
	if ex.AmountForeign != "" {
		meta("fx", "")
	}
	if ex.OccurredAt != nil {
		meta("date", "")
	}
	if len(ex.Phones) > 0 {
		meta("phone", "")
	}
	return f
}

func lengthBucket(words int) string {
	switch {
	case words <= 2:
		return "2"
	case words <= 5:
		return "5"
	case words <= 10:
		return "10"
	case words <= 25:
		return "25"
	case words <= 60:
		return "60"
	}
	return "long"
}

// normDigits maps every digit run in a word to "0".
func normDigits(w string) string {
	if !strings.ContainsAny(w, "0123456789") {
		return w
	}
	var b strings.Builder
	last := false
	for _, r := range w {
		if r >= '0' && r <= '9' {
			if !last {
				b.WriteByte('0')
			}
			last = true
			continue
		}
		last = false
		b.WriteRune(r)
	}
	return b.String()
}

// FNV-1a, inlined so hashing a feature allocates nothing.
const (
	fnvOffset32 = 2166136261
	fnvPrime32  = 16777619
)

func hashFeature(ns byte, a, b string) uint32 {
	h := uint32(fnvOffset32)
	h = (h ^ uint32(ns)) * fnvPrime32
	for i := 0; i < len(a); i++ {
		h = (h ^ uint32(a[i])) * fnvPrime32
	}
	if b != "" {
		h = (h ^ 0x1f) * fnvPrime32
		for i := 0; i < len(b); i++ {
			h = (h ^ uint32(b[i])) * fnvPrime32
		}
	}
	return h
}

func hashRunes(ns byte, a, b rune) uint32 {
	h := uint32(fnvOffset32)
	h = (h ^ uint32(ns)) * fnvPrime32
	for _, r := range [2]rune{a, b} {
		h = (h ^ uint32(r&0xff)) * fnvPrime32
		h = (h ^ uint32(r>>8&0xff)) * fnvPrime32
		h = (h ^ uint32(r>>16)) * fnvPrime32
	}
	return h
}

// firstClauseRunes bounds the opening that gets features of its own.
const firstClauseRunes = 20

// firstClause is the text up to the first sentence end, at most
// firstClauseRunes runes: where people usually say what it is about.
func firstClause(s string) string {
	end := len(s)
	if i := strings.IndexAny(s, "。！？!?；;\n"); i >= 0 {
		end = i
	}
	return firstRunes(s[:end], firstClauseRunes)
}
