package triage

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Consumers often quote what a collector or a clerk said to them: "催收说
// 我“不还钱就跳楼去吧”", "他们说要弄死我全家". Those words are abuse to
// report (collection, service), not the writer's own thoughts of suicide
// or threats, so the crisis rule reads the text with them taken out. Only
// the rule does: the model head still sees everything, and a writer who
// goes on in their own words ("…我现在真觉得他说得对，活着给家里丢人")
// keeps those words, because a quote ends at its closing mark and a
// reported clause at the end of the clause.

// othersSpeechRE finds someone on the other side starting to speak: a
// collector, a clerk, a scammer; a few characters (打电话, 跟我); and a verb
// of speaking. Bare pronouns are not speakers here: "她说了好几次“我死了
// 算了”" is a mother's own despair, which the flag must catch.
// After 骂, 吼, 喊 or 威胁 only a quotation counts: without one, what
// follows is who was shouted at and then the writer's own words ("骂我妈
// 我就去他们网点砸了").
var othersSpeechRE = regexp.MustCompile(
	`(` + speakers + `)[^，。！？；,.!?;“”"「」『』\n]{0,6}?(` + speechVerbs + `)道?[：:，,]?`)

// speakers and speechVerbs are the people whose words are left out and
// the verbs that start their words.
const (
	speakers    = `催收[的公司人员]*|讨债的人?|要债的人?|对方|客服|员工|柜员|经理|业务员|工作人员|保安|骗子`
	speechVerbs = `说|讲|扬言|放话|叫嚣|骂|吼|喊|威胁|写着|写的是|写道`
)

// speakerRE finds a speaker named anywhere, for continuedSpeechRE.
var speakerRE = regexp.MustCompile(speakers)

// continuedSpeechRE is speech going on ("还说", "又骂") whose speaker was
// named before; its second group is the verb, as in othersSpeechRE.
// A few characters may come between ("还在电话里说", "又发短信说"), but
// not the writer or someone spoken to ("又跟他说我不想活了" is the writer).
var continuedSpeechRE = regexp.MustCompile(`(还|又|并|接着|甚至)[^，。！？；,.!?;“”"「」\n我跟和对给向同想]{0,6}?(` + speechVerbs + `)道?[：:，,]?`)

// agreeing marks the writer taking the others' words as their own ("他说得
// 对，活着给家里丢人"): then the words count as the writer's.
var agreeing = []string{"说得对", "说的对", "说得没错", "说的没错", "说得也对", "说的也对", "也这么觉得", "也是这么想"}

// addresseeMarks before a speaker make it the one spoken to ("我跟客服说我
// 不想活了"), so the words that follow are the writer's.
const addresseeMarks = "跟和对给向同"

// quoteOnly are the verbs that need a quotation to report speech.
var quoteOnly = map[string]bool{"骂": true, "吼": true, "喊": true, "威胁": true}

// quotePairs are the opening and closing marks of a quotation.
var quotePairs = map[rune]rune{'“': '”', '「': '」', '『': '』', '"': '"', '\'': '\''}

// withoutOthersSpeech returns s with what others are reported to have said
// replaced by a space, and whether anything was removed. Case does not
// matter: speakers, verbs and quotation marks have none.
func withoutOthersSpeech(s string) (string, bool) {
	locs := othersSpeechRE.FindAllStringSubmatchIndex(s, -1)
	// "还说…", "又骂…" after a speaker named earlier is that
	// speaker going on ("催收打给我外婆，还说“…”"); a bare "，说" may be the
	// writer, so it is not.
	if sp := speakerRE.FindStringIndex(s); sp != nil {
		if more := continuedSpeechRE.FindAllStringSubmatchIndex(s[sp[1]:], -1); more != nil {
			for _, m := range more {
				for i := range m {
					m[i] += sp[1]
				}
			}
			locs = append(locs, more...)
			slices.SortFunc(locs, func(a, b []int) int { return a[0] - b[0] })
		}
	}
	if locs == nil {
		return s, false
	}
	for _, a := range agreeing {
		if strings.Contains(s, a) {
			return s, false
		}
	}
	var b strings.Builder
	last := 0
	for _, loc := range locs {
		start, end := loc[0], loc[1]
		if start < last {
			continue // inside a span already removed
		}
		if r, _ := utf8.DecodeLastRuneInString(s[:start]); strings.ContainsRune(addresseeMarks, r) {
			continue
		}
		stop, quoted := speechEnd(s, end)
		if !quoted && quoteOnly[s[loc[4]:loc[5]]] {
			continue
		}
		b.WriteString(s[last:end])
		b.WriteByte(' ')
		last = stop
	}
	if last == 0 {
		return s, false
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// speechEnd returns where the words starting at i end: at the closing mark
// when a quotation opens within the next few characters ("说我“…”"),
// otherwise at the end of the clause. quoted tells which.
func speechEnd(s string, i int) (end int, quoted bool) {
	// Spaces right after the verb start the speech; they do not end it
	// ("催收说 你怎么不去死").
	for strings.HasPrefix(s[i:], " ") || strings.HasPrefix(s[i:], "\u3000") {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	j := i
	for n := 0; n < 3 && j < len(s); n++ {
		r, size := utf8.DecodeRuneInString(s[j:])
		if r == '我' || r == '们' || r == '人' || r == '：' || r == ':' {
			j += size // 骂我“…”, 说：“…”
			continue
		}
		if closing, ok := quotePairs[r]; ok {
			if k := strings.IndexRune(s[j+size:], closing); k >= 0 {
				return j + size + k + utf8.RuneLen(closing), true
			}
			return len(s), true
		}
		if strings.ContainsRune("，。！？；,.!?;\n \u3000", r) {
			break
		}
		j += size
	}
	// Unquoted speech ends with its clause; in chat messages a space often
	// ends one ("客服说是我保管不善 我想喝百草枯").
	if k := strings.IndexAny(s[i:], "，。！？；,.!?;\n \u3000"); k >= 0 {
		return i + k, false
	}
	return len(s), false
}
