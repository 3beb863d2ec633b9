package evals

import (
	"context"
	"fmt"
	"io"

	"github.com/xiaobao-cn/xiaobao/knowledge"
)

// ParaphraseResult is how well one embedder matches held-out paraphrase
// groups: each group's first question is indexed, every other question
// queries all of them by cosine similarity.
type ParaphraseResult struct {
	Embedder string  `json:"embedder"`
	Queries  int     `json:"queries"`
	Groups   int     `json:"groups"`
	Hit1     float64 `json:"hit_at_1"`
	Hit5     float64 `json:"hit_at_5"`
}

// ParaphraseRecall measures the hashed vectors alone and with the semantic
// model at each weight in gammas, on groups the model was not trained on.
// The hashed vectors use no corpus statistics here (every IDF is equal), so
// the numbers compare the two parts, not the tuned search.
func ParaphraseRecall(ctx context.Context, m *knowledge.SemanticModel, held []knowledge.ParaphraseGroup, gammas []float64) ([]ParaphraseResult, error) {
	embedders := []knowledge.Embedder{knowledge.NewOfflineEmbedder(knowledge.OfflineConfig{})}
	for _, g := range gammas {
		embedders = append(embedders, knowledge.NewOfflineEmbedder(knowledge.OfflineConfig{Semantic: m, SemanticWeight: g}))
	}
	var index, queries []string
	var want []int
	for i, g := range held {
		index = append(index, g.Questions[0])
		for _, q := range g.Questions[1:] {
			queries = append(queries, q)
			want = append(want, i)
		}
	}
	var out []ParaphraseResult
	for _, e := range embedders {
		iv, err := e.Embed(ctx, index)
		if err != nil {
			return nil, err
		}
		qv, err := e.Embed(ctx, queries)
		if err != nil {
			return nil, err
		}
		r := ParaphraseResult{Embedder: e.Model(), Queries: len(queries), Groups: len(index)}
		for qi, q := range qv {
			target := cosine32(q, iv[want[qi]])
			rank := 1
			for i, v := range iv {
				if i != want[qi] && cosine32(q, v) > target {
					rank++
				}
			}
			if rank == 1 {
				r.Hit1++
			}
			if rank <= 5 {
				r.Hit5++
			}
		}
		if n := float64(len(queries)); n > 0 {
			r.Hit1, r.Hit5 = round4(r.Hit1/n), round4(r.Hit5/n)
		}
		out = append(out, r)
	}
	return out, nil
}

// PrintParaphrase prints ParaphraseRecall's results as a table.
func PrintParaphrase(w io.Writer, rs []ParaphraseResult) {
	fmt.Fprintf(w, "%-48s %7s %7s %7s\n", "embedder (held-out groups)", "queries", "hit@1", "hit@5")
	for _, r := range rs {
		fmt.Fprintf(w, "%-48s %7d %7.3f %7.3f\n", r.Embedder, r.Queries, r.Hit1, r.Hit5)
	}
}

// cosine32 is the dot product of two unit vectors (0 when either is zero).
func cosine32(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}
