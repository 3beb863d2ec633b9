package knowledge

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func mustParse(t *testing.T, name, text string) Source {
	t.Helper()
	decoded, format, err := decodeFile(name, []byte(text), 10<<20)
	noErr(t, err)
	src, err := parseSource(name, decoded, format, "")
	noErr(t, err)
	return src
}

func TestChunkLegalSeedFormat(t *testing.T) {
	t.Parallel()
	src := mustParse(t, "reg-x.md", `---
title: 投诉处理规则解读
kind: regulation
source_title: 银行业保险业消费投诉处理管理办法
questions:
  - 银行多久答复投诉？
---
# 第三章 银行业保险业消费投诉处理
## 第十八条 处理时限
机构应当在15日内作出处理决定。情况复杂的可以延长到30日。

特别复杂的，还可以再延长30日。
## 第十九条 处理决定要说明理由
机构要说明核实情况、依据和理由。
# 第四章 监督管理
## 第三十条 监管转办
监管部门收到投诉后转给机构。
`)
	eq(t, KindRegulation, src.Kind)
	eq(t, []string{"银行多久答复投诉？"}, src.Questions)
	cs := chunkSource(src)
	eq(t, 3, len(cs), "one chunk per article")
	eq(t, "《银行业保险业消费投诉处理管理办法》第十八条", cs[0].Citation)
	eq(t, "第三章 银行业保险业消费投诉处理 > 第十八条 处理时限", cs[0].HeadingPath)
	has(t, cs[0].Text, "15日内")
	has(t, cs[0].Text, "再延长30日", "both paragraphs (款) stay in the article")
	eq(t, "《银行业保险业消费投诉处理管理办法》第三十条", cs[2].Citation)
	isTrue(t, strings.HasPrefix(cs[2].HeadingPath, "第四章 监督管理"))
	for i, c := range cs {
		eq(t, i, c.Position)
	}
}

func TestChunkRawLawText(t *testing.T) {
	t.Parallel()
	src := mustParse(t, "某某办法(2020-01-14).txt", "某某委员会令\n2020 年 第 3 号\n某某办法\n第一章 总 则\n第一条 为了规范工作，制定本办法。\n第二条 本办法所称投诉，是指下列行为：\n（一）购买产品发生纠纷；\n（二）接受服务发生纠纷。\n第二章 处理\n第三条 机构应当及时处理。\n")
	eq(t, "某某办法", src.Title)
	eq(t, "2020-01-14", src.Published, "date from the file name")
	eq(t, KindRegulation, src.Kind, "guessed from the articles")
	cs := chunkSource(src)
	var cites []string
	for _, c := range cs {
		cites = append(cites, c.Citation)
	}
	eq(t, []string{"《某某办法》", "《某某办法》第一条", "《某某办法》第二条", "《某某办法》第三条"}, cites)
	has(t, cs[2].Text, "（二）接受服务发生纠纷", "items (项) stay with their article")
	eq(t, "第二章 处理 > 第三条", cs[3].HeadingPath)
	eq(t, "为了规范工作，制定本办法。", cs[1].Text, "the article number is in the citation, not the text")
}

func TestChunkLongArticleSplitsAtClauses(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("第十条 机构应当遵守下列规定：\n")
	for i, n := range []string{"一", "二", "三", "四", "五", "六", "七", "八"} {
		b.WriteString("（" + n + "）" + strings.Repeat("机构应当如实告知消费者产品的风险和费用", 8) + "。\n")
		_ = i
	}
	b.WriteString("第十一条 短条文。\n")
	src := mustParse(t, "long.txt", b.String())
	src.Kind = KindRegulation
	cs := chunkSource(src)
	var parts []Chunk
	for _, c := range cs {
		if strings.HasSuffix(c.Citation, "第十条") {
			parts = append(parts, c)
		}
	}
	isTrue(t, len(parts) > 1, "an article over %d characters is split", legalMax)
	var joined strings.Builder
	for _, p := range parts {
		isTrue(t, utf8.RuneCountInString(p.Text) <= legalMax)
		matches(t, `^(机构应当遵守|（[一二三四五六七八]）)`, p.Text, "parts start at an item (项), never mid-sentence")
		joined.WriteString(p.Text)
	}
	for _, n := range []string{"一", "二", "三", "四", "五", "六", "七", "八"} {
		has(t, joined.String(), "（"+n+"）", "no item is lost")
	}
	eq(t, "《long》第十一条", cs[len(cs)-1].Citation)
}

func TestChunkLiteracySections(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("信用卡逾期之后银行会催收，消费者要保留证据。", 40) // ~880 characters
	src := mustParse(t, "lit-card.md", "---\ntitle: 信用卡小知识\nkind: literacy\n---\n# 信用卡小知识\n\n## 年费怎么收\n普卡一般刷满次数免年费。\n\n## 逾期以后\n"+long+"\n\n### 催收的底线\n不得骚扰无关的第三人。\n")
	cs := chunkSource(src)
	eq(t, "《信用卡小知识》·年费怎么收", cs[0].Citation)
	eq(t, "年费怎么收", cs[0].HeadingPath)
	var overdue []Chunk
	for _, c := range cs {
		if c.Citation == "《信用卡小知识》·逾期以后" {
			overdue = append(overdue, c)
		}
	}
	isTrue(t, len(overdue) > 1, "a long section is cut")
	for i, c := range overdue {
		isTrue(t, utf8.RuneCountInString(c.Text) <= proseMax)
		if i > 0 {
			prev := overdue[i-1].Text
			isTrue(t, strings.HasPrefix(c.Text, lastSentence(prev)), "a sentence of overlap between pieces")
		}
	}
	last := cs[len(cs)-1]
	eq(t, "《信用卡小知识》·催收的底线", last.Citation)
	eq(t, "逾期以后 > 催收的底线", last.HeadingPath)
}

func TestChunkHTML(t *testing.T) {
	t.Parallel()
	src := mustParse(t, "page.html", `<!doctype html><html><head><title>存款保险</title><style>p{color:red}</style></head>
<body><h2>保多少</h2><p>每人每家银行最高 50 万元&nbsp;。</p><script>alert(1)</script><ul><li>本金</li><li>利息</li></ul></body></html>`)
	eq(t, "存款保险", src.Title)
	cs := chunkSource(src)
	eq(t, 1, len(cs))
	eq(t, "《存款保险》·保多少", cs[0].Citation)
	has(t, cs[0].Text, "50 万元")
	has(t, cs[0].Text, "- 利息")
	hasNot(t, cs[0].Text, "alert")
	hasNot(t, cs[0].Text, "color")
}

// TestChunkRealRegulations chunks the public law texts: every article
// becomes at least one chunk cited by its own number.
func TestChunkRealRegulations(t *testing.T) {
	t.Parallel()
	files, _ := regulationFiles(t)
	articleRE := regexp.MustCompile(`(?m)^(?:#+\s*)?第[一二三四五六七八九十百零]+条`)
	for _, f := range files {
		data, err := os.ReadFile(f)
		noErr(t, err)
		src := mustParse(t, f, string(data))
		eq(t, KindRegulation, src.Kind, f)
		want := len(articleRE.FindAllString(string(data), -1))
		cites := map[string]bool{}
		for _, c := range chunkSource(src) {
			isTrue(t, utf8.RuneCountInString(c.Text) <= legalMax, f)
			if strings.HasSuffix(c.Citation, "条") {
				cites[c.Citation] = true
			}
		}
		eq(t, want, len(cites), "%s: one citation per article", f)
	}
}

func FuzzChunk(f *testing.F) {
	f.Add("# 第一章 总则\n## 第一条 目的\n为了保护消费者。\n", "regulation")
	f.Add("第一条 甲。\n（一）乙\n第二条 丙", "regulation")
	f.Add("## 标题\n段落一。\n\n段落二。", "literacy")
	f.Add("---\ntitle: x\n---\n", "guide")
	f.Fuzz(func(t *testing.T, body, kind string) {
		body = strings.ToValidUTF8(body, "\uFFFD") // bodies come decoded
		src := Source{Slug: "f", Kind: Kind(kind), Title: "标题", Body: body, Format: formatMarkdown}
		for i, c := range chunkSource(src) {
			if c.Position != i || c.Citation == "" || !utf8.ValidString(c.Text) || strings.TrimSpace(c.Text) == "" {
				t.Fatalf("bad chunk %d: %+v", i, c)
			}
			if utf8.RuneCountInString(c.Text) > legalMax+overlapMx {
				t.Fatalf("chunk %d has %d characters", i, utf8.RuneCountInString(c.Text))
			}
		}
	})
}
