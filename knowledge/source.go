package knowledge

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Kind is a document's kind.
type Kind string

// Document kinds.
const (
	KindRegulation Kind = "regulation" // a law or rule, chunked by article
	KindLiteracy   Kind = "literacy"   // a financial-literacy article
	KindGuide      Kind = "guide"      // how to use this service
	KindFAQ        Kind = "faq"        // the answer of an FAQ entry
)

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindRegulation, KindLiteracy, KindGuide, KindFAQ:
		return true
	}
	return false
}

// Source is a parsed document: metadata from the front matter (or guessed
// from the file) and the Markdown body.
type Source struct {
	Slug        string
	Kind        Kind
	Title       string
	SourceTitle string // law name for citations, without 《》
	Issuer      string
	DocNumber   string
	Published   string // YYYY-MM-DD or ""
	Effective   string // YYYY-MM-DD or ""
	Questions   []string
	Body        string
	// Format is the file format the body came from (markdown, text, html).
	Format string
}

// frontMatter is the YAML header of a seed or staff-written document.
type frontMatter struct {
	Title       string   `yaml:"title"`
	Kind        string   `yaml:"kind"`
	SourceTitle string   `yaml:"source_title"`
	Issuer      string   `yaml:"issuer"`
	DocNumber   string   `yaml:"doc_number"`
	Published   string   `yaml:"published"`
	Effective   string   `yaml:"effective"`
	Questions   []string `yaml:"questions"`
}

var (
	h1RE           = regexp.MustCompile(`(?m)^#[ \t]+(.+?)[ \t#]*$`)
	fileDateRE     = regexp.MustCompile(`[（(]\s*(\d{4}-\d{2}-\d{2})\s*[)）]`)
	htmlCommentRE  = regexp.MustCompile(`(?s)<!--.*?-->`)
	articleStartRE = regexp.MustCompile(`(?m)^(?:#{1,6}[ \t]*)?第[一二三四五六七八九十百千零〇两0-9]+条`)
)

// contentHash is the identity of a version: the SHA-256 of the normalised
// text, so the same file re-imported (even with other line endings) is a no-op.
func contentHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// parseSource reads a decoded file. kind, when not empty, overrides the
// front matter and the guess.
func parseSource(name, text, format string, kind Kind) (Source, error) {
	src := Source{Format: format, Slug: slugFromName(name)}
	body := text
	if rest, ok := strings.CutPrefix(text, "---\n"); ok {
		end := strings.Index(rest, "\n---")
		if end < 0 {
			return src, &FileError{Name: name, Err: ErrInvalid, Detail: "开头的 --- 元数据没有结束的 ---"}
		}
		var fm frontMatter
		if err := yaml.Unmarshal([]byte(rest[:end]), &fm); err != nil {
			return src, &FileError{Name: name, Err: ErrInvalid, Detail: "元数据不是有效的 YAML：" + firstLine(err.Error())}
		}
		body = strings.TrimPrefix(rest[end+len("\n---"):], "-")
		src.Title, src.Kind = strings.TrimSpace(fm.Title), Kind(strings.TrimSpace(fm.Kind))
		src.SourceTitle = strings.Trim(strings.TrimSpace(fm.SourceTitle), "《》")
		src.Issuer, src.DocNumber = strings.TrimSpace(fm.Issuer), strings.TrimSpace(fm.DocNumber)
		src.Published, src.Effective = strings.TrimSpace(fm.Published), strings.TrimSpace(fm.Effective)
		for _, q := range fm.Questions {
			if q = strings.TrimSpace(q); q != "" {
				src.Questions = append(src.Questions, q)
			}
		}
	}
	body = strings.TrimSpace(htmlCommentRE.ReplaceAllString(body, ""))
	if body == "" {
		return src, &FileError{Name: name, Err: ErrEmptyFile, Detail: "只有元数据，没有正文"}
	}
	src.Body = body
	if src.Title == "" && format != formatText {
		if m := h1RE.FindStringSubmatch(body); m != nil {
			src.Title = strings.TrimSpace(m[1])
		}
	}
	if src.Title == "" {
		src.Title = titleFromName(name)
	}
	if kind != "" {
		src.Kind = kind
	}
	if src.Kind == "" {
		src.Kind = KindLiteracy
		if len(articleStartRE.FindAllStringIndex(body, 4)) >= 3 {
			src.Kind = KindRegulation
		}
	}
	if src.Kind == KindRegulation && src.SourceTitle == "" {
		src.SourceTitle = strings.Trim(src.Title, "《》")
	}
	if src.Published == "" {
		if m := fileDateRE.FindStringSubmatch(filepath.Base(name)); m != nil {
			src.Published = m[1]
		}
	}
	if err := src.validate(); err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return src, &FileError{Name: name, Err: ErrInvalid, Detail: ie.Msg}
		}
		return src, err
	}
	return src, nil
}

// validate checks what every document needs, with messages for staff.
func (src *Source) validate() error {
	switch {
	case !src.Kind.Valid():
		return invalidf("kind %q 无效，应为 regulation、literacy、guide 或 faq", src.Kind)
	case strings.TrimSpace(src.Title) == "":
		return invalidf("标题不能为空")
	case utf8.RuneCountInString(src.Title) > 200:
		return invalidf("标题太长（最多 200 字）")
	case strings.TrimSpace(src.Slug) == "" || utf8.RuneCountInString(src.Slug) > 200:
		return invalidf("slug 不能为空，最多 200 字")
	case strings.TrimSpace(src.Body) == "":
		return invalidf("正文不能为空")
	}
	for _, d := range []struct{ name, v string }{{"published", src.Published}, {"effective", src.Effective}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d.v); err != nil {
			return invalidf("%s 日期 %q 应写成 YYYY-MM-DD", d.name, d.v)
		}
	}
	for _, q := range src.Questions {
		if utf8.RuneCountInString(q) > 500 {
			return invalidf("相似问题太长（最多 500 字）：%s…", truncateRunes(q, 20))
		}
	}
	return nil
}

// render writes the source as Markdown with front matter. Documents written
// in the API go through render and then the same parser as imported files.
func (src Source) render() string {
	fm := frontMatter{
		Title: src.Title, Kind: string(src.Kind), SourceTitle: src.SourceTitle, Issuer: src.Issuer,
		DocNumber: src.DocNumber, Published: src.Published, Effective: src.Effective, Questions: src.Questions,
	}
	b, _ := yaml.Marshal(fm)
	return "---\n" + string(b) + "---\n" + strings.TrimSpace(normalizeNewlines(src.Body)) + "\n"
}

// slugFromName is the file name without folders and extension.
func slugFromName(name string) string {
	base := filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if base == "." || base == "/" {
		return ""
	}
	return strings.TrimSpace(strings.TrimSuffix(base, filepath.Ext(base)))
}

// titleFromName makes a title from a file name such as
// "银行业保险业消费投诉处理管理办法(2020-01-14).txt".
func titleFromName(name string) string {
	t := fileDateRE.ReplaceAllString(slugFromName(name), "")
	return strings.TrimSpace(strings.NewReplacer("_", " ", "-", " ").Replace(t))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// slugFor derives a slug for a document created without one.
func slugFor(kind Kind, title string) string {
	sum := sha256.Sum256([]byte(title + "\x00" + time.Now().String()))
	return fmt.Sprintf("%s-%s", kind, hex.EncodeToString(sum[:])[:10])
}
