package knowledge

import (
	"hash/fnv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/xiaobao-cn/xiaobao/segment"
)

// Feature kinds are hashed with a one-byte prefix so a word and a character
// n-gram with the same letters stay distinct features.
const (
	featWord    = 'w'
	featUnigram = 'u'
	featBigram  = 'b'
	featTrigram = 't'
)

// lexDims is the dimension of the BM25 sparse vectors: terms are hashed into
// pgvector's largest sparsevec space, where collisions are negligible.
const lexDims = 1_000_000_000

// foldText maps full-width letters and digits to half-width (１５日 → 15日)
// so that consumers typing on a Chinese keyboard match the documents.
func foldText(s string) string { return width.Fold.String(s) }

// terms returns the lexical terms of text: jieba search-mode words (which add
// the shorter words inside long ones), lower-cased and split into runs of
// letters and digits, so "3.5%" and "3．5％" give the same terms and the
// `simple` text-search parser sees exactly the same tokens as the Go side.
func terms(text string) []string {
	if text == "" {
		return nil
	}
	words := segment.SearchWords(foldText(text))
	out := make([]string, 0, len(words))
	for _, w := range words {
		if isPlainTerm(w) {
			out = append(out, w)
			continue
		}
		out = append(out, strings.FieldsFunc(w, func(r rune) bool { return !isWordRune(r) })...)
	}
	return out
}

func isPlainTerm(w string) bool {
	for _, r := range w {
		if !isWordRune(r) {
			return false
		}
	}
	return w != ""
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// isHan reports whether r is a Chinese character.
func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// units splits text into runs of n-gram units: each Chinese character is a
// unit, each run of Latin letters or digits is one unit (so "95516" or "etc"
// count once), and anything else ends the run.
func units(text string) [][]string {
	text = strings.ToLower(foldText(text))
	var runs [][]string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			runs = append(runs, cur)
			cur = nil
		}
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isHan(r):
			cur = append(cur, text[i:i+size])
			i += size
		case r < utf8.RuneSelf && isWordRune(r):
			j := i
			for j < len(text) && text[j] < utf8.RuneSelf && isWordRune(rune(text[j])) {
				j++
			}
			cur = append(cur, text[i:j])
			i = j
		case isWordRune(r):
			cur = append(cur, text[i:i+size])
			i += size
		default:
			flush()
			i += size
		}
	}
	flush()
	return runs
}

// hashFeature is the 64-bit FNV-1a hash of a prefixed feature. It is stable
// across processes and releases: stored vectors and statistics depend on it.
func hashFeature(kind byte, s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte{kind})
	h.Write([]byte(s))
	return h.Sum64()
}

// lexical is what lexical search indexes of a text: its jieba words and its
// character bigrams. Bigrams catch what segmentation misses (jieba may cut
// 签购单 and 签购 单 differently in a question and a document); for Chinese,
// words plus bigrams rank clearly better than either alone.
type lexical struct {
	words, bigrams []string
}

// lexTerms returns the lexical terms of text.
func lexTerms(text string) lexical {
	l := lexical{words: terms(text)}
	for _, run := range units(text) {
		for i := 0; i+1 < len(run); i++ {
			l.bigrams = append(l.bigrams, run[i]+run[i+1])
		}
	}
	return l
}

// lexSep separates words from bigrams in a stored lex_text; the text-search
// parser ignores it.
const lexSep = " | "

// text is the stored form: words, then bigrams, space-separated.
func (l lexical) text() string {
	return strings.Join(l.words, " ") + lexSep + strings.Join(l.bigrams, " ")
}

// parseLex reads the stored form back.
func parseLex(s string) lexical {
	w, b, _ := strings.Cut(s, strings.TrimSpace(lexSep))
	return lexical{words: strings.Fields(w), bigrams: strings.Fields(b)}
}

// size is the BM25 document length.
func (l lexical) size() int { return len(l.words) + len(l.bigrams) }

// hashes returns every term's hash, repeats included (they are the term
// frequencies): words as word features, bigrams as bigram features, the
// same hashes the statistics count.
func (l lexical) hashes() []uint64 {
	out := make([]uint64, 0, l.size())
	for _, w := range l.words {
		out = append(out, hashFeature(featWord, w))
	}
	for _, b := range l.bigrams {
		out = append(out, hashFeature(featBigram, b))
	}
	return out
}

// lexIndex places a term in the sparse BM25 vector.
func lexIndex(h uint64) int32 { return int32(h % lexDims) }

// kindedFeature is one hashed feature of a text with its kind (words and
// n-gram sizes are weighted differently) and its count.
type kindedFeature struct {
	hash  uint64
	kind  byte
	count float64
}

// kindedFeatures returns the hashed features of text for the offline
// embedder and the IDF statistics: the words ws and the character uni-, bi-
// and trigrams of text.
func kindedFeatures(text string, ws []string) []kindedFeature {
	idx := make(map[uint64]int, len(ws)+len(text)/2)
	var out []kindedFeature
	add := func(kind byte, s string) {
		h := hashFeature(kind, s)
		if i, ok := idx[h]; ok {
			out[i].count++
			return
		}
		idx[h] = len(out)
		out = append(out, kindedFeature{hash: h, kind: kind, count: 1})
	}
	for _, w := range ws {
		add(featWord, w)
	}
	for _, run := range units(text) {
		for i := range run {
			add(featUnigram, run[i])
			if i+1 < len(run) {
				add(featBigram, run[i]+run[i+1])
			}
			if i+2 < len(run) {
				add(featTrigram, run[i]+run[i+1]+run[i+2])
			}
		}
	}
	return out
}

// truncateRunes cuts s to at most n runes.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
