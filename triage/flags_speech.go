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
// 算了”" is a mother's own despair, which the flag must catch
// (pronounSpeechRE takes "他说" only when the words are said to "你").
// After 骂, 吼, 喊 or 威胁 only a quotation counts: without one, what
// follows is who was shouted at and then the writer's own words ("骂我妈
// 我就去他们网点砸了").
var othersSpeechRE = regexp.MustCompile(
	`(` + speakers + `)[^，。！？；,.!?;“”"「」『』\n]{0,6}?(` + speechVerbs + `)道?[：:，,]?`)

// speakers and speechVerbs are the people whose words are left out and
// the verbs that start their words.
const (
	speakers    = `催收[的公司人员]*|讨债的人?|要债的人?|对方|客服|员工|柜员|经理|业务员|工作人员|保安|骗子`
	speechVerbs = `说|讲|扬言|放话|叫嚣|骂|吼|喊|威胁|写着|写的是|写道|原话是|原话|发短信|发消息|发信息|发微信|留言`
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
var quoteOnly = map[string]bool{"骂": true, "吼": true, "喊": true, "威胁": true,
	"发短信": true, "发消息": true, "发信息": true, "发微信": true, "留言": true}

// pronounSpeechRE is "他说" or "她说" after a collector or clerk was named:
// it counts only when the words are addressed ("他说'你怎么不去死'"),
// because "她说了好几次“我死了算了”" is a mother's own.
var pronounSpeechRE = regexp.MustCompile(`(他|她)[^，。！？；,.!?;“”"「」『』\n我们]{0,4}?(说|骂|讲|吼|威胁)道?[：:，,]?`)

// pluralSpeechRE is "他们说", the other side speaking.
var pluralSpeechRE = regexp.MustCompile(`(他们|她们|那帮人|那些人)[^，。！？；,.!?;“”"「」『』\n我]{0,4}?(说|讲|扬言|放话|骂|威胁)道?[：:，,]?`)

// bareSpeechRE is a clause that starts with a verb of speaking ("…打给我
// 老父亲，说“你儿子…”"): after a speaker named earlier it is that
// speaker's when the words are quoted or addressed to "你".
var bareSpeechRE = regexp.MustCompile(`[，,]\s*(还)?(说|骂|骂道|吼)[：:]?`)

// writtenSpeechRE is a quotation the other side wrote or posted, with
// the speaker anywhere earlier in the clause ("催收上门的时候在我家门上用
// 红漆写了“…”").
var writtenSpeechRE = regexp.MustCompile(`(` + speakers + `)[^，。！？；,.!?;“”"「」『』\n]{0,24}?(写了|写着|写的是|贴了|喷了|发了)[：:]?`)

// attributedQuoteRE is a quotation attributed after it ("“…”——这是催收的
// 原话").
var attributedQuoteRE = regexp.MustCompile(`[“「『"'][^”」』"'\n]{1,120}[”」』"'][—\-－ ，,：:]{0,3}(这是|这就是|是)?[^。！？，,\n]{0,10}?(` + speakers + `)[^。！？，,\n]{0,6}?(的原话|原话|说的|骂的|讲的|发的|写的)`)

// quotePairs are the opening and closing marks of a quotation.
var quotePairs = map[rune]rune{'“': '”', '「': '」', '『': '』', '"': '"', '\'': '\'', '‘': '’'}

// withoutOthersSpeech returns s with what others are reported to have said
// replaced by a space, and whether anything was removed. Case does not
// matter: speakers, verbs and quotation marks have none.
func withoutOthersSpeech(s string) (string, bool) {
	var spans []speechSpan
	add := func(ms [][]int, off int, kind speechKind) {
		for _, m := range ms {
			// The verb is the last group of every pattern.
			spans = append(spans, speechSpan{m[0] + off, m[1] + off, m[len(m)-2] + off, m[len(m)-1] + off, kind})
		}
	}
	add(othersSpeechRE.FindAllStringSubmatchIndex(s, -1), 0, speechAny)
	// "还说…", "又骂…" after a speaker named earlier is that speaker
	// going on ("催收打给我外婆，还说“…”"); so are a bare "，说" and "他说"
	// when the words are addressed ("，说你这种人…"), which the writer's own
	// words rarely are.
	if sp := speakerRE.FindStringIndex(s); sp != nil {
		after := s[sp[1]:]
		add(continuedSpeechRE.FindAllStringSubmatchIndex(after, -1), sp[1], speechAny)
		add(bareSpeechRE.FindAllStringSubmatchIndex(after, -1), sp[1], speechLoose)
		add(pronounSpeechRE.FindAllStringSubmatchIndex(after, -1), sp[1], speechStrict)
	}
	// "他们说" is the other side wherever it comes: a family's despair is
	// not told as what "they" said.
	add(pluralSpeechRE.FindAllStringSubmatchIndex(s, -1), 0, speechAny)
	add(writtenSpeechRE.FindAllStringSubmatchIndex(s, -1), 0, speechLoose)
	attributed := attributedQuoteRE.MatchString(s)
	if spans == nil && !attributed {
		return s, false
	}
	for _, a := range agreeing {
		if strings.Contains(s, a) {
			return s, false
		}
	}
	// At one start the least demanding reading comes first.
	slices.SortFunc(spans, func(a, b speechSpan) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return int(a.kind) - int(b.kind)
	})
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		if sp.start < last {
			continue // inside a span already removed
		}
		if r, _ := utf8.DecodeLastRuneInString(s[:sp.start]); strings.ContainsRune(addresseeMarks, r) {
			continue
		}
		stop, quoted := speechEnd(s, sp.end)
		if !quoted && quoteOnly[s[sp.verbStart:sp.verbEnd]] {
			continue
		}
		switch sp.kind {
		case speechLoose:
			if !quoted && !addressed(s[sp.end:]) {
				continue
			}
		case speechStrict:
			if !addressed(s[sp.end:]) {
				continue
			}
		}
		b.WriteString(s[last:sp.end])
		b.WriteByte(' ')
		last = stop
	}
	if last == 0 && !attributed {
		return s, false
	}
	b.WriteString(s[last:])
	out := b.String()
	if attributed {
		out = attributedQuoteRE.ReplaceAllString(out, " ")
	}
	return out, true
}

// speechSpan is where someone else's speech starts (the speaker), where
// the words start, the verb, and what it needs to count.
type speechSpan struct {
	start, end, verbStart, verbEnd int
	kind                           speechKind
}

// speechKind says what speech needs before it counts as someone else's.
type speechKind int

const (
	speechAny    speechKind = iota
	speechLoose             // quoted, or addressed to someone
	speechStrict            // addressed to someone
)

// addressed reports whether the words right after a verb of speaking are
// said to someone: past a colon, "我" or an opening quotation mark they
// open with 你 ("说你这种人…", "骂我“你…”", "他说'你爸妈…'").
func addressed(s string) bool {
	s = strings.TrimLeft(s, " \u3000：:")
	s = strings.TrimPrefix(s, "我")
	s = strings.TrimLeft(s, "“「『\"'‘")
	return strings.HasPrefix(s, "你")
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
