package knowledge

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

const cardDoc = `---
title: 银行卡被盗刷怎么办
kind: literacy
questions:
  - 卡被盗刷了怎么办？
  - 银行卡被别人刷了银行赔不赔？
---
# 银行卡被盗刷怎么办

## 马上挂失
发现银行卡被盗刷，要立即打银行客服电话挂失，并保留短信记录。

## 报警并就近取款留证
到附近的自助取款机做一笔查询或小额取款，证明卡在自己身上，然后报警。
`

func countRows(t *testing.T, db DBTX, sql string, args ...any) int {
	t.Helper()
	var n int
	noErr(t, db.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

func TestImportIdempotentAndVersioned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := dbtest.TestTx(t)
	s := newTestStore(t, tx)

	first, err := s.ImportBytes(ctx, "cards/lit-card-theft.md", []byte(cardDoc), ImportOptions{Publish: true, Author: "test"})
	noErr(t, err)
	eq(t, OutcomeCreated, first.Outcome)
	eq(t, "lit-card-theft", first.Slug)
	eq(t, 1, first.Version)
	eq(t, 2, first.Chunks)
	eq(t, 2, first.Questions)

	// The same content with Windows line endings is the same version.
	again, err := s.ImportBytes(ctx, "lit-card-theft.md", []byte(strings.ReplaceAll(cardDoc, "\n", "\r\n")), ImportOptions{Publish: true})
	noErr(t, err)
	eq(t, OutcomeUnchanged, again.Outcome)
	eq(t, first.DocumentID, again.DocumentID)
	eq(t, 1, countRows(t, tx, `SELECT count(*) FROM kb_document_versions WHERE document_id = $1`, first.DocumentID))

	oldChunks := countRows(t, tx, `SELECT count(*) FROM kb_chunks WHERE document_id = $1 AND text LIKE '%自助取款机%'`, first.DocumentID)
	eq(t, 1, oldChunks)

	changed := strings.Replace(cardDoc, "到附近的自助取款机做一笔查询或小额取款", "请柜员核验卡片在身并出具留存凭证", 1)
	second, err := s.ImportBytes(ctx, "lit-card-theft.md", []byte(changed), ImportOptions{})
	noErr(t, err)
	eq(t, OutcomeUpdated, second.Outcome)
	eq(t, 2, second.Version)
	eq(t, 2, countRows(t, tx, `SELECT count(*) FROM kb_document_versions WHERE document_id = $1`, first.DocumentID))
	eq(t, 0, countRows(t, tx, `SELECT count(*) FROM kb_chunks WHERE document_id = $1 AND text LIKE '%自助取款机%'`, first.DocumentID), "old chunks are gone")
	eq(t, 2, countRows(t, tx, `SELECT count(*) FROM kb_chunks WHERE document_id = $1 AND version = 2`, first.DocumentID))

	d, err := s.GetDocument(ctx, first.DocumentID)
	noErr(t, err)
	eq(t, StatusPublished, d.Status, "an update keeps the status")
	eq(t, 2, d.Version)
	has(t, d.Body, "留存凭证")
	eq(t, []string{"卡被盗刷了怎么办？", "银行卡被别人刷了银行赔不赔？"}, d.Questions)

	hits, err := s.Search(ctx, SearchQuery{Text: "柜员核验卡片在身 留存凭证", K: 3})
	noErr(t, err)
	isTrue(t, hitsDoc(hits, first.DocumentID), "the new version is searchable")
	hits, err = s.Search(ctx, SearchQuery{Text: "自助取款机小额取款", K: 5, Mode: ModeBM25})
	noErr(t, err)
	for _, h := range hits {
		hasNot(t, h.Text, "自助取款机", "the old version is not")
	}
}

func TestImportBadFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := dbtest.TestTx(t)
	s := newTestStore(t, tx, func(c *Config) { c.MaxFileBytes = 4096 })
	gbk, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("测试"))
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty.md", nil, ErrEmptyFile},
		{"blank.txt", []byte(" \n\t\r\n"), ErrEmptyFile},
		{"only-front-matter.md", []byte("---\ntitle: 空\n---\n"), ErrEmptyFile},
		{"scan.pdf", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj"), ErrBinaryFile},
		{"photo.md", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...), ErrBinaryFile},
		{"nul.txt", []byte("正文\x00\x00\x00binary"), ErrBinaryFile},
		{"big.md", []byte(strings.Repeat("很长的文件。", 1000)), ErrTooLarge},
		{"garbage.txt", append(gbk, 0xff, 0xfe, 0xfd, 0x80, 0x81, 0xc0, 0xc1, 0xf5, 0xf6, 0x80, 0x80, 0x90, 0xa0), ErrUndecodable},
		{"bad-yaml.md", []byte("---\ntitle: [未闭合\n---\n正文"), ErrInvalid},
		{"bad-kind.md", []byte("---\ntitle: 标题\nkind: blog\n---\n正文"), ErrInvalid},
		{"bad-date.md", []byte("---\ntitle: 标题\npublished: 2020年1月\n---\n正文"), ErrInvalid},
	}
	for _, c := range cases {
		_, err := s.ImportBytes(ctx, c.name, c.data, ImportOptions{})
		var fe *FileError
		isTrue(t, errors.As(err, &fe), "%s: want a *FileError, got %v", c.name, err)
		isTrue(t, errors.Is(err, c.want), "%s: want %v, got %v", c.name, c.want, err)
		has(t, err.Error(), c.name, "the message names the file")
	}
	eq(t, 0, countRows(t, tx, `SELECT count(*) FROM kb_documents`)-countRows(t, tx, `SELECT count(*) FROM kb_documents WHERE author = 'seed'`), "nothing half-imported")
}

func TestImportEncodingsAndFormats(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := dbtest.TestTx(t)
	s := newTestStore(t, tx)
	text := "第一条 为了保护存款人的合法权益，制定本条例。\n第二条 存款保险实行限额偿付，最高偿付限额为人民币50万元。\n第三条 存款人不缴纳保费。\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(text))
	noErr(t, err)
	res, err := s.ImportBytes(ctx, "存款保险条例(2015-02-17).txt", gb, ImportOptions{Publish: true})
	noErr(t, err)
	eq(t, KindRegulation, res.Kind)
	eq(t, 3, res.Chunks)
	var cite, body string
	noErr(t, tx.QueryRow(ctx, `SELECT citation, text FROM kb_chunks WHERE document_id = $1 AND position = 1`, res.DocumentID).Scan(&cite, &body))
	eq(t, "《存款保险条例》第二条", cite)
	has(t, body, "50万元", "GB18030 was converted")

	bom := append([]byte{0xEF, 0xBB, 0xBF}, []byte("# 网页标题\n\n正文内容足够长。")...)
	res, err = s.ImportBytes(ctx, "bom.md", bom, ImportOptions{})
	noErr(t, err)
	eq(t, "网页标题", res.Title)

	res, err = s.ImportBytes(ctx, "notice.htm", []byte(`<html><body><h1>公告</h1><p>营业时间&amp;地址调整。</p></body></html>`), ImportOptions{})
	noErr(t, err)
	eq(t, "公告", res.Title)
	noErr(t, tx.QueryRow(ctx, `SELECT text FROM kb_chunks WHERE document_id = $1`, res.DocumentID).Scan(&body))
	eq(t, "营业时间&地址调整。", body)
}

// TestImportConcurrentSameFile commits, so it needs a database of its own.
func TestImportConcurrentSameFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, pool := dbtest.NewDB(t)
	s := newTestStore(t, pool)
	var wg sync.WaitGroup
	outcomes := make(chan string, 6)
	errs := make(chan error, 6)
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.ImportBytes(ctx, "lit-card-theft.md", []byte(cardDoc), ImportOptions{})
			if err != nil {
				errs <- err
				return
			}
			outcomes <- r.Outcome
		}()
	}
	wg.Wait()
	close(outcomes)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	created := 0
	for o := range outcomes {
		if o == OutcomeCreated {
			created++
		}
	}
	eq(t, 1, created)
	eq(t, 1, countRows(t, pool, `SELECT count(*) FROM kb_documents`))
	eq(t, 1, countRows(t, pool, `SELECT count(*) FROM kb_document_versions`))
	eq(t, 2, countRows(t, pool, `SELECT count(*) FROM kb_chunks`))
	eq(t, 2, countRows(t, pool, `SELECT count(*) FROM kb_faq_questions`))
}

// TestImportRegulations imports the twelve public law texts and checks that
// every article is cited by number.
func TestImportRegulations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := dbtest.TestTx(t)
	s := newTestStore(t, tx)
	files, fromShared := regulationFiles(t)
	for _, f := range files {
		data, err := os.ReadFile(f)
		noErr(t, err)
		res, err := s.ImportBytes(ctx, filepath.Base(f), data, ImportOptions{Publish: true})
		noErr(t, err, f)
		eq(t, KindRegulation, res.Kind, f)
	}
	// The full law has 185 articles; the seed explains a selection of them.
	wantCite := "《中华人民共和国保险法》第二十三条"
	if fromShared {
		eq(t, 185, countRows(t, tx, `SELECT count(DISTINCT c.citation) FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
		WHERE d.slug = '保险法(2015-04-24)' AND c.citation LIKE '%条'`))
	} else {
		isTrue(t, countRows(t, tx, `SELECT count(DISTINCT c.citation) FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
		WHERE d.slug = 'reg-insurance-law' AND c.citation LIKE '%条%'`) >= 10, "seed 保险法 articles cited one by one")
		wantCite = "第二十三条"
	}
	hits, err := s.Search(ctx, SearchQuery{Text: "保险公司收到理赔请求后多少日内核定", K: 5, Kinds: []Kind{KindRegulation}})
	noErr(t, err)
	isTrue(t, len(hits) > 0, "no hits")
	found := false
	for _, h := range hits {
		found = found || (fromShared && h.Citation == wantCite) ||
			(!fromShared && strings.Contains(h.Citation, "保险法") && strings.Contains(h.Citation, wantCite))
	}
	isTrue(t, found, "保险法第二十三条 in the top 5: %v", hits)
}

func FuzzImportMarkdown(f *testing.F) {
	f.Add([]byte(cardDoc))
	f.Add([]byte("---\ntitle: x\nkind: regulation\n---\n# 第一章\n## 第一条 y\nz"))
	f.Add([]byte("<html><h2>标题</h2><p>段落</p></html>"))
	f.Add([]byte("\xef\xbb\xbf# 标题\n正文"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		s := newTestStore(t, dbtest.TestTx(t), func(c *Config) { c.MaxFileBytes = 1 << 16 })
		res, err := s.ImportBytes(ctx, "fuzz.md", data, ImportOptions{})
		if err != nil {
			var fe *FileError
			var ie *InputError
			if !errors.As(err, &fe) && !errors.As(err, &ie) {
				t.Fatalf("an import fails with a FileError or InputError, got %v", err)
			}
			return
		}
		if res.Chunks == 0 || res.DocumentID == 0 {
			t.Fatalf("imported without chunks: %+v", res)
		}
		again, err := s.ImportBytes(ctx, "fuzz.md", data, ImportOptions{})
		if err != nil || again.Outcome != OutcomeUnchanged {
			t.Fatalf("re-import: %+v %v", again, err)
		}
	})
}
