package knowledge

import (
	"bytes"
	"fmt"
	"html"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// Formats the importer understands.
const (
	formatMarkdown = "markdown"
	formatText     = "text"
	formatHTML     = "html"
)

// magic numbers of formats people try to import by mistake.
var binaryMagic = []struct {
	prefix, name string
}{
	{"%PDF", "PDF"},
	{"PK\x03\x04", "ZIP/Office (docx/xlsx)"},
	{"\xD0\xCF\x11\xE0", "旧版 Office (doc/xls)"},
	{"\x89PNG", "PNG 图片"},
	{"\xFF\xD8\xFF", "JPEG 图片"},
	{"GIF8", "GIF 图片"},
	{"\x1F\x8B", "gzip 压缩包"},
	{"Rar!", "RAR 压缩包"},
	{"7z\xBC\xAF", "7z 压缩包"},
}

// decodeFile turns an uploaded file into normalised UTF-8 text and says
// which format it is in. Every rejection is a *FileError naming the file.
func decodeFile(name string, data []byte, maxBytes int64) (string, string, error) {
	fail := func(err error, detail string) (string, string, error) {
		return "", "", &FileError{Name: name, Err: err, Detail: detail}
	}
	if int64(len(data)) > maxBytes {
		return fail(ErrTooLarge, fmt.Sprintf("超过上限 %d 字节", maxBytes))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fail(ErrEmptyFile, "")
	}
	for _, m := range binaryMagic {
		if bytes.HasPrefix(data, []byte(m.prefix)) {
			return fail(ErrBinaryFile, m.name)
		}
	}
	var text string
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
		if !utf8.Valid(data) {
			return fail(ErrUndecodable, "带 UTF-8 标记但内容不是 UTF-8")
		}
		text = string(data)
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		b, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewDecoder().Bytes(data)
		if err != nil {
			return fail(ErrUndecodable, "UTF-16 内容损坏")
		}
		text = string(b)
	case bytes.IndexByte(data, 0) >= 0:
		return fail(ErrBinaryFile, "含有 NUL 字节")
	case utf8.Valid(data):
		text = string(data)
	default:
		b, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || !plausibleText(string(b)) {
			return fail(ErrUndecodable, "")
		}
		text = string(b)
	}
	if controlRatio(text) > 0.01 {
		return fail(ErrBinaryFile, "含有大量控制字符")
	}
	text = normalizeNewlines(text)
	format := detectFormat(name, text)
	if format == formatHTML {
		text = htmlToMarkdown(text)
	}
	if strings.TrimSpace(text) == "" {
		return fail(ErrEmptyFile, "去掉格式后没有文字")
	}
	return text, format, nil
}

// plausibleText accepts a GB18030 decoding only when nearly all of it is
// Chinese, ASCII or common punctuation: GB18030 decodes almost any bytes, so
// without this check random binary would "succeed" as gibberish.
func plausibleText(s string) bool {
	var good, all int
	for _, r := range s {
		all++
		switch {
		case r == utf8.RuneError:
		case r < 0x80 && (unicode.IsPrint(r) || unicode.IsSpace(r)):
			good++
		case isHan(r), unicode.In(r, unicode.Han, unicode.P, unicode.Zs):
			good++
		case r >= 0xFF00 && r <= 0xFFEF: // full-width forms
			good++
		}
	}
	return all > 0 && float64(good) >= 0.97*float64(all)
}

// controlRatio is the share of C0/C1 control characters other than
// whitespace: text has almost none, binary has many.
func controlRatio(s string) float64 {
	var ctl, all int
	for _, r := range s {
		all++
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' && r != '\f' {
			ctl++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(ctl) / float64(all)
}

func normalizeNewlines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\f", "\n")
	s = strings.ReplaceAll(s, "\u2028", "\n")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || r == '\uFEFF' {
			return -1
		}
		return r
	}, s)
}

func detectFormat(name, text string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".html", ".htm", ".xhtml":
		return formatHTML
	case ".md", ".markdown":
		return formatMarkdown
	case ".txt", ".text":
		return formatText
	}
	head := strings.ToLower(strings.TrimSpace(truncateRunes(text, 512)))
	if strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") || strings.Contains(head, "<body") {
		return formatHTML
	}
	return formatMarkdown
}

var (
	htmlDropRE    = regexp.MustCompile(`(?is)<(script|style|noscript|template|svg|head)\b.*?</(script|style|noscript|template|svg|head)\s*>|<!--.*?-->`)
	htmlTitleRE   = regexp.MustCompile(`(?is)<title\b[^>]*>(.*?)</title\s*>`)
	htmlHeadingRE = regexp.MustCompile(`(?is)<h([1-6])\b[^>]*>(.*?)</h[1-6]\s*>`)
	htmlLiRE      = regexp.MustCompile(`(?i)<li\b[^>]*>`)
	htmlBlockRE   = regexp.MustCompile(`(?i)<(br|/?p|/?div|/li|/?ul|/?ol|/?tr|/?table|/?section|/?article|/?blockquote|hr|/?pre|/?dd|/?dt|/?dl)\b[^>]*>`)
	htmlCellRE    = regexp.MustCompile(`(?i)</?t[dh]\b[^>]*>`)
	htmlTagRE     = regexp.MustCompile(`(?s)<[^>]*>`)
	spacesRE      = regexp.MustCompile(`[ \t\x{3000}\x{00A0}]+`)
	blankLinesRE  = regexp.MustCompile(`\n{3,}`)
)

// htmlToMarkdown keeps what matters for chunking (headings, paragraphs, list
// items) and drops markup, scripts and styles.
func htmlToMarkdown(s string) string {
	var title string
	if m := htmlTitleRE.FindStringSubmatch(s); m != nil {
		title = strings.TrimSpace(html.UnescapeString(htmlTagRE.ReplaceAllString(m[1], "")))
	}
	s = htmlDropRE.ReplaceAllString(s, "")
	s = htmlHeadingRE.ReplaceAllStringFunc(s, func(h string) string {
		m := htmlHeadingRE.FindStringSubmatch(h)
		inner := strings.Join(strings.Fields(htmlTagRE.ReplaceAllString(m[2], "")), " ")
		return "\n\n" + strings.Repeat("#", int(m[1][0]-'0')) + " " + inner + "\n\n"
	})
	s = htmlLiRE.ReplaceAllString(s, "\n- ")
	s = htmlBlockRE.ReplaceAllString(s, "\n")
	s = htmlCellRE.ReplaceAllString(s, " ")
	s = htmlTagRE.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(spacesRE.ReplaceAllString(l, " "))
	}
	s = blankLinesRE.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")
	s = strings.TrimSpace(s)
	if title != "" && !strings.HasPrefix(s, "# ") {
		s = "# " + title + "\n\n" + s
	}
	return s
}
