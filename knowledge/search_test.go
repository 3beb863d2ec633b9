package knowledge

import (
	"context"
	"strings"
	"testing"
	"time"
)

func docIDBySlug(t *testing.T, db DBTX, slug string) int64 {
	t.Helper()
	var id int64
	noErr(t, db.QueryRow(context.Background(), `SELECT id FROM kb_documents WHERE slug = $1`, slug).Scan(&id), slug)
	return id
}

func TestSearchFindsSeedContentWithBreakdown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := seededTx(t)
	s := newTestStore(t, tx)
	hits, err := s.Search(ctx, SearchQuery{Text: "存款保险最多赔多少钱", K: 5})
	noErr(t, err)
	isTrue(t, len(hits) > 0, "no hits")
	top := hits[0]
	eq(t, "lit-deposit-insurance", slugOf(t, tx, top.DocumentID))
	isTrue(t, top.LexicalRank > 0, "lexical rank recorded: %+v", top)
	isTrue(t, top.FAQLexicalRank > 0 || top.FAQVectorRank > 0, "the seed question matched: %+v", top)
	isTrue(t, top.Score > 0 && top.Score <= 1, "fused score normalised: %v", top.Score)
	isTrue(t, top.Relevance >= s.cfg.Search.Threshold, "relevant: %+v", top)
	isTrue(t, top.Citation != "" && top.Title != "" && top.Text != "", "hit carries citation, title and text")
	for i := 1; i < len(hits); i++ {
		isTrue(t, hits[i-1].Score >= hits[i].Score, "sorted by score")
	}

	lex, err := s.Search(ctx, SearchQuery{Text: "存款保险最多赔多少钱", K: 5, Mode: ModeLexical})
	noErr(t, err)
	for _, h := range lex {
		eq(t, 0, h.VectorRank+h.FAQVectorRank, "lexical mode uses no vectors")
	}
	vec, err := s.Search(ctx, SearchQuery{Text: "存款保险最多赔多少钱", K: 5, Mode: ModeVector})
	noErr(t, err)
	isTrue(t, len(vec) > 0, "vector mode finds something")
	for _, h := range vec {
		eq(t, 0, h.LexicalRank+h.FAQLexicalRank, "vector mode uses no BM25")
	}
}

func hitsDoc(hits []Hit, doc int64) bool {
	for _, h := range hits {
		if h.DocumentID == doc {
			return true
		}
	}
	return false
}

func slugOf(t *testing.T, db DBTX, id int64) string {
	t.Helper()
	var slug string
	noErr(t, db.QueryRow(context.Background(), `SELECT slug FROM kb_documents WHERE id = $1`, id).Scan(&slug))
	return slug
}

func TestSearchFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := seededTx(t)
	s := newTestStore(t, tx)
	draft := "---\ntitle: 草稿：保险冷静期新规\nkind: guide\neffective: 2099-01-01\n---\n## 冷静期\n保险冷静期草稿规则：十五天内退保全额退还。\n"
	res, err := s.ImportBytes(ctx, "draft-cooling.md", []byte(draft), ImportOptions{})
	noErr(t, err)
	q := "保险冷静期草稿规则"

	hits, err := s.Search(ctx, SearchQuery{Text: q, K: 20})
	noErr(t, err)
	for _, h := range hits {
		isTrue(t, h.DocumentID != res.DocumentID, "drafts are not searched by default")
	}
	hits, err = s.Search(ctx, SearchQuery{Text: q, K: 20, IncludeDrafts: true})
	noErr(t, err)
	isTrue(t, hitsDoc(hits, res.DocumentID), "hit testing sees drafts")

	hits, err = s.Search(ctx, SearchQuery{Text: q, K: 20, IncludeDrafts: true, AsOf: time.Now()})
	noErr(t, err)
	for _, h := range hits {
		isTrue(t, h.DocumentID != res.DocumentID, "not yet effective documents are filtered by date")
	}

	hits, err = s.Search(ctx, SearchQuery{Text: "保险 冷静期 退保", K: 20, Kinds: []Kind{KindRegulation}})
	noErr(t, err)
	isTrue(t, len(hits) > 0, "regulations found")
	for _, h := range hits {
		eq(t, string(KindRegulation), h.Kind)
	}

	_, err = s.SetStatus(ctx, res.DocumentID, StatusArchived, "test")
	noErr(t, err)
	hits, err = s.Search(ctx, SearchQuery{Text: q, K: 20, IncludeDrafts: true})
	noErr(t, err)
	for _, h := range hits {
		isTrue(t, h.DocumentID != res.DocumentID, "archived documents are never searched")
	}

	hits, err = s.Search(ctx, SearchQuery{Text: "保险 冷静期 退保 犹豫期", K: 10, DistinctDocuments: true})
	noErr(t, err)
	seen := map[int64]bool{}
	for _, h := range hits {
		isTrue(t, !seen[h.DocumentID], "one hit per document")
		seen[h.DocumentID] = true
	}
}

func TestSearchOddQueries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newTestStore(t, seededTx(t))
	for _, q := range []string{"", "   ", "，。！？……", "😀😂🙏", "'; DROP TABLE kb_chunks; --", "a|b&c!(d):*", strings.Repeat("信用卡年费", 2000), strings.Repeat("啊", 10000)} {
		hits, err := s.Search(ctx, SearchQuery{Text: q, K: 5})
		noErr(t, err, "query %.20q", q)
		isTrue(t, len(hits) <= 5, "k respected")
		a, err := s.Answer(ctx, q)
		noErr(t, err, "answer %.20q", q)
		if strings.TrimSpace(q) == "" || !strings.ContainsFunc(q, isWordRune) {
			eq(t, 0, len(hits), "no hits for %q", q)
			isTrue(t, !a.Confident, "no answer for %q", q)
		}
	}
	hits, err := s.Search(ctx, SearchQuery{Text: strings.Repeat("信用卡年费", 2000), K: 5})
	noErr(t, err)
	isTrue(t, len(hits) > 0, "a long query still finds")
}

func TestSearchSynonymExpansion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := seededTx(t)
	s := newTestStore(t, tx)
	doc := "---\ntitle: 刷卡单据说明\nkind: guide\n---\n## 签购单\n刷卡消费后商户会打印签购单，请核对金额后签名。\n"
	res, err := s.ImportBytes(ctx, "guide-slip.md", []byte(doc), ImportOptions{Publish: true})
	noErr(t, err)
	hits, err := s.Search(ctx, SearchQuery{Text: "签字的单子没出来", K: 3, Mode: ModeBM25})
	noErr(t, err)
	isTrue(t, len(hits) > 0 && hits[0].DocumentID == res.DocumentID, "the seeded synonym group 签购单/签字的单子 expands the query: %+v", hits)

	g, err := s.CreateSynonyms(ctx, []string{"核对金额", "对一下钱数"}, "test")
	noErr(t, err)
	hits, err = s.Search(ctx, SearchQuery{Text: "对一下钱数", K: 3, Mode: ModeBM25})
	noErr(t, err)
	isTrue(t, len(hits) > 0 && hits[0].DocumentID == res.DocumentID, "a new group applies at once: %+v", hits)
	noErr(t, s.DeleteSynonyms(ctx, g.ID))
	hits, err = s.Search(ctx, SearchQuery{Text: "对一下钱数", K: 3, Mode: ModeBM25})
	noErr(t, err)
	for _, h := range hits {
		isTrue(t, h.DocumentID != res.DocumentID, "a deleted group no longer expands")
	}
}

// A passage replaced between the ranked lists and the loading of the hits
// kept (separate statements on a pool) is dropped, not shown empty.
func TestDetailsDropsVanishedPassages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := seededTx(t)
	s := newTestStore(t, tx)
	hits, err := s.Search(ctx, SearchQuery{Text: "信用卡被盗刷了怎么办", K: 5})
	noErr(t, err)
	isTrue(t, len(hits) >= 3, "hits: %d", len(hits))
	gone := hits[1].ChunkID
	_, err = tx.Exec(ctx, "DELETE FROM kb_chunks WHERE id = $1", gone)
	noErr(t, err)
	bare := make([]Hit, len(hits))
	for i, h := range hits {
		bare[i] = Hit{ChunkID: h.ChunkID, DocumentID: h.DocumentID, Score: h.Score}
	}
	kept, err := s.details(ctx, tx, bare)
	noErr(t, err)
	eq(t, len(hits)-1, len(kept))
	for i, h := range kept {
		isTrue(t, h.ChunkID != gone, "the deleted passage is not kept")
		isTrue(t, h.Text != "" && h.Citation != "" && h.Title != "", "hit %d is loaded: %+v", i, h)
	}
	eq(t, hits[0].ChunkID, kept[0].ChunkID)
	eq(t, hits[2].ChunkID, kept[1].ChunkID)
}

func TestWarmLoadsStatisticsBeforeTheFirstSearch(t *testing.T) {
	t.Parallel()
	s := newTestStore(t, seededTx(t))
	isTrue(t, s.stats == nil, "a new store has no statistics yet")
	noErr(t, s.Warm(context.Background()))
	isTrue(t, s.stats != nil && s.stats.Docs > 0, "statistics loaded: %+v", s.stats)
}
