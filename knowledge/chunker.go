package knowledge

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Chunk is one passage of a document, the unit of retrieval and citation.
type Chunk struct {
	Position    int
	HeadingPath string // e.g. "第五章 投诉处理 > 第二十五条 …"
	Citation    string // e.g. "《银行业保险业消费投诉处理管理办法》第二十五条"
	Text        string
}

// Chunk sizes in characters (runes). Prose is cut at paragraphs into pieces
// of about proseMin–proseMax with a sentence of overlap; a legal article is
// kept whole up to legalMax, because splitting an article splits its rule.
const (
	proseMin  = 200
	proseMax  = 600
	legalMax  = 1000
	legalPart = 600
	overlapMx = 120
)

var (
	headingRE = regexp.MustCompile(`^(#{1,6})[ \t]+(.+?)[ \t#]*$`)
	numeral   = `[一二三四五六七八九十百千零〇两0-9]+`
	chapterRE = regexp.MustCompile(`^第` + numeral + `[编章节]`)
	// article lines: "第十八条 正文" or a heading "第十八条 标题"; 之一 forms
	// such as 第十八条之一 are articles too.
	articleRE  = regexp.MustCompile(`^(第` + numeral + `条(?:之` + numeral + `)?)[ \t\x{3000}]*(.*)$`)
	itemRE     = regexp.MustCompile(`^[（(][一二三四五六七八九十]+[)）]`)
	sentenceRE = regexp.MustCompile(`[^。！？；!?;\n]*[。！？；!?;\n]+|[^。！？；!?;\n]+$`)
	mdInlineRE = regexp.MustCompile("!\\[[^\\]]*\\]\\([^)]*\\)|\\[([^\\]]+)\\]\\([^)]*\\)|\\*\\*|__|`")
)

// chunkSource splits a document into chunks: legal texts at 章/节/条, with
// long articles cut at 款/项 keeping the article in the citation; other
// documents at headings and paragraphs.
func chunkSource(src Source) []Chunk {
	blocks := parseBlocks(src.Body, src.Format == formatText)
	var cs []Chunk
	if src.Kind == KindRegulation && hasArticles(blocks) {
		cs = chunkLegal(src, blocks)
	} else {
		cs = chunkProse(src, blocks)
	}
	out := cs[:0]
	for _, c := range cs {
		c.Text = strings.TrimSpace(c.Text)
		if !strings.ContainsFunc(c.Text, isWordRune) {
			continue
		}
		c.Position = len(out)
		out = append(out, c)
	}
	return out
}

// block is a heading or a paragraph of the body.
type block struct {
	level int // 1–6 for a heading, 0 for a paragraph
	text  string
}

// parseBlocks turns Markdown (or plain text, where every line is a
// paragraph) into headings and paragraphs with inline markup removed.
func parseBlocks(body string, plain bool) []block {
	var out []block
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, block{text: strings.Join(para, "\n")})
			para = nil
		}
	}
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimRight(line, " \t\u3000")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			flush()
			continue
		}
		if !plain {
			if m := headingRE.FindStringSubmatch(trimmed); m != nil {
				flush()
				out = append(out, block{level: len(m[1]), text: cleanInline(m[2])})
				continue
			}
		}
		cl := cleanInline(trimmed)
		// A 章/节 line or an article start begins a new block even without a
		// blank line, as in law texts pasted line by line.
		if chapterRE.MatchString(cl) && utf8.RuneCountInString(cl) <= 40 {
			flush()
			out = append(out, block{level: 2, text: cl})
			continue
		}
		if plain || articleRE.MatchString(cl) {
			flush()
		}
		para = append(para, cl)
		if plain {
			flush()
		}
	}
	flush()
	return out
}

func cleanInline(s string) string {
	return strings.TrimSpace(mdInlineRE.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(m, "[") {
			return mdInlineRE.FindStringSubmatch(m)[1]
		}
		return ""
	}))
}

func hasArticles(blocks []block) bool {
	for _, b := range blocks {
		if articleRE.MatchString(b.text) {
			return true
		}
	}
	return false
}

func citeLaw(src Source) string {
	name := src.SourceTitle
	if name == "" {
		name = src.Title
	}
	return "《" + strings.Trim(name, "《》") + "》"
}

// citeSection cites a section of a non-article text: the law's name for a
// regulation, the document title otherwise, then the heading.
func citeSection(src Source, heading string) string {
	name := src.Title
	if src.Kind == KindRegulation && src.SourceTitle != "" {
		name = src.SourceTitle
	}
	c := "《" + strings.Trim(name, "《》") + "》"
	if heading != "" {
		c += "·" + heading
	}
	return c
}

// chunkLegal makes one chunk per article (条) with the chapter and section
// in its heading path. Text outside articles (a preamble, or explanatory
// sections of a rules digest) is chunked as prose under its heading.
func chunkLegal(src Source, blocks []block) []Chunk {
	var (
		out              []Chunk
		chapter, section string
		artNum, artTopic string
		artParas         []string
		loose            []block // non-article blocks waiting to be chunked
	)
	path := func(extra string) string {
		var parts []string
		for _, p := range []string{chapter, section, extra} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		return strings.Join(parts, " > ")
	}
	flushArticle := func() {
		if artNum == "" {
			return
		}
		head := strings.TrimSpace(artNum + " " + artTopic)
		cite := citeLaw(src) + artNum
		for _, piece := range splitArticle(artParas) {
			out = append(out, Chunk{HeadingPath: path(head), Citation: cite, Text: piece})
		}
		artNum, artTopic, artParas = "", "", nil
	}
	flushLoose := func() {
		if len(loose) == 0 {
			return
		}
		for _, c := range chunkProse(src, loose) {
			c.HeadingPath = path(c.HeadingPath)
			out = append(out, c)
		}
		loose = nil
	}
	for _, b := range blocks {
		if b.level > 0 {
			if m := articleRE.FindStringSubmatch(b.text); m != nil {
				flushArticle()
				flushLoose()
				artNum, artTopic = m[1], m[2]
				continue
			}
			if chapterRE.MatchString(b.text) {
				flushArticle()
				flushLoose()
				if isSectionHeading(b.text) {
					section = b.text
				} else {
					chapter, section = b.text, ""
				}
				continue
			}
			if b.level == 1 && strings.Trim(b.text, "《》") == strings.Trim(src.Title, "《》") {
				continue
			}
			flushArticle()
			loose = append(loose, b)
			continue
		}
		if m := articleRE.FindStringSubmatch(b.text); m != nil && !strings.HasPrefix(m[2], "规定") && !strings.HasPrefix(m[2], "的") {
			flushArticle()
			flushLoose()
			artNum = m[1]
			artParas = append(artParas, m[2])
			continue
		}
		if artNum != "" {
			artParas = append(artParas, b.text)
			continue
		}
		loose = append(loose, b)
	}
	flushArticle()
	flushLoose()
	return out
}

// isSectionHeading tells 第X节 (a section inside a chapter) from 第X章.
func isSectionHeading(s string) bool {
	loc := chapterRE.FindStringIndex(s)
	return loc != nil && strings.HasSuffix(s[:loc[1]], "节")
}

// splitArticle keeps an article whole when it fits in legalMax; otherwise it
// cuts at paragraph (款) and item (项) boundaries into parts of about
// legalPart characters, and at sentences only when a single 款 is too long.
func splitArticle(paras []string) []string {
	whole := strings.TrimSpace(strings.Join(paras, "\n"))
	if utf8.RuneCountInString(whole) <= legalMax {
		return []string{whole}
	}
	var units []string
	for _, p := range paras {
		if utf8.RuneCountInString(p) <= legalPart {
			units = append(units, p)
			continue
		}
		units = append(units, splitSentences(p, legalPart)...)
	}
	return packUnits(units, legalPart, false)
}

// packUnits joins consecutive units into pieces no longer than max (a unit
// longer than max stands alone), starting a new piece early at an item
// marker when the current one is already reasonably long. With overlap, each
// piece after the first starts with the last sentence of the previous one.
func packUnits(units []string, max int, overlap bool) []string {
	var out []string
	var cur []string
	n := 0
	for _, u := range units {
		l := utf8.RuneCountInString(u)
		if n > 0 && (n+l > max || (itemRE.MatchString(u) && n >= max*2/3)) {
			out = append(out, strings.Join(cur, "\n"))
			cur, n = nil, 0
			if overlap {
				if tail := lastSentence(out[len(out)-1]); tail != "" && utf8.RuneCountInString(tail) <= overlapMx && l+utf8.RuneCountInString(tail) <= max {
					cur, n = []string{tail}, utf8.RuneCountInString(tail)
				}
			}
		}
		cur = append(cur, u)
		n += l
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, "\n"))
	}
	return out
}

// chunkProse cuts a non-legal document at headings, then packs each
// section's paragraphs into chunks of about proseMin–proseMax characters.
func chunkProse(src Source, blocks []block) []Chunk {
	var out []Chunk
	var stack []string // heading texts by level
	var paras []string
	heading := func() (string, string) {
		var parts []string
		for _, h := range stack {
			if h != "" {
				parts = append(parts, h)
			}
		}
		if len(parts) == 0 {
			return "", ""
		}
		return strings.Join(parts, " > "), parts[len(parts)-1]
	}
	flush := func() {
		if len(paras) == 0 {
			return
		}
		path, last := heading()
		cite := citeSection(src, last)
		if src.Kind == KindFAQ {
			cite = citeSection(src, "")
		}
		var units []string
		for _, p := range paras {
			if utf8.RuneCountInString(p) <= proseMax {
				units = append(units, p)
				continue
			}
			units = append(units, splitSentences(p, proseMax)...)
		}
		for _, piece := range packUnits(units, proseMax, true) {
			out = append(out, Chunk{HeadingPath: path, Citation: cite, Text: piece})
		}
		paras = nil
	}
	for _, b := range blocks {
		if b.level == 0 {
			paras = append(paras, b.text)
			continue
		}
		flush()
		if b.level == 1 && strings.Trim(b.text, "《》") == strings.Trim(src.Title, "《》") {
			continue // the document title repeated as a heading
		}
		for len(stack) < b.level {
			stack = append(stack, "")
		}
		stack = append(stack[:b.level-1], b.text)
	}
	flush()
	return out
}

// splitSentences cuts a long paragraph at sentence ends into pieces of at
// most max characters; a sentence longer than max is cut hard.
func splitSentences(p string, max int) []string {
	var pieces []string
	for _, s := range sentenceRE.FindAllString(p, -1) {
		for utf8.RuneCountInString(s) > max {
			head := truncateRunes(s, max)
			pieces = append(pieces, head)
			s = s[len(head):]
		}
		if strings.TrimSpace(s) != "" {
			pieces = append(pieces, s)
		}
	}
	return packUnitsInline(pieces, max)
}

// packUnitsInline joins sentences of one paragraph without line breaks.
func packUnitsInline(sentences []string, max int) []string {
	var out []string
	var b strings.Builder
	n := 0
	for _, s := range sentences {
		l := utf8.RuneCountInString(s)
		if n > 0 && n+l > max {
			out = append(out, b.String())
			b.Reset()
			n = 0
		}
		b.WriteString(s)
		n += l
	}
	if n > 0 {
		out = append(out, b.String())
	}
	return out
}

func lastSentence(text string) string {
	ss := sentenceRE.FindAllString(text, -1)
	if len(ss) < 2 {
		return ""
	}
	return strings.TrimSpace(ss[len(ss)-1])
}

// indexText is what gets indexed for a chunk: the document title and the
// heading path give every passage the context a reader would have.
func indexText(title, headingPath, text string) string {
	return title + "\n" + headingPath + "\n" + text
}
