package knowledge

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

func TestSmokeTmp(t *testing.T) {
	ctx := context.Background()
	tx := dbtest.TestTx(t)
	s, err := NewStore(Config{DB: tx})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	res, err := s.Seed(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("seed", len(res.Documents), res.SynonymsAdded, time.Since(t0))
	t0 = time.Now()
	n, err := s.Reembed(ctx, ReembedOptions{}, nil)
	fmt.Println("reembed", n, err, time.Since(t0))
	for _, q := range []string{"银行收到投诉后多久必须答复？", "信用卡年费能不能免", "有人说我涉嫌洗钱让我把钱转到安全账户", "😀😀", "", "，。！"} {
		t0 = time.Now()
		hits, err := s.Search(ctx, SearchQuery{Text: q, K: 3})
		fmt.Println(q, err, time.Since(t0))
		for _, h := range hits {
			fmt.Printf("  %.3f rel=%.2f cov=%.2f sim=%.2f faq=%.2f L%d V%d FL%d FV%d %s | %s\n", h.Score, h.Relevance, h.Coverage, h.Similarity, h.FAQSimilarity, h.LexicalRank, h.VectorRank, h.FAQLexicalRank, h.FAQVectorRank, h.Citation, truncateRunes(h.Text, 40))
		}
		a, err := s.Answer(ctx, q)
		fmt.Println("ANSWER", a.Confident, a.Score, err, a.Text)
	}
}
