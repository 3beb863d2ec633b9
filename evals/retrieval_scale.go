package evals

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/xiaobao-cn/xiaobao/knowledge"
)

// ImportTiming is how long importing a folder of files took offline,
// statistics and embeddings included.
type ImportTiming struct {
	Files          int     `json:"files"`
	Chunks         int     `json:"chunks"`
	Seconds        float64 `json:"seconds"`
	ImportSeconds  float64 `json:"import_seconds"`
	ReembedSeconds float64 `json:"reembed_seconds"`
}

// MeasureImport imports files into a fresh database as `xiaobao kb import`
// does (import, then refresh statistics and re-embed) and times it.
func MeasureImport(ctx context.Context, o RetrievalOptions, files []string) (*ImportTiming, error) {
	pool, drop, err := o.NewDB(ctx)
	if err != nil {
		return nil, err
	}
	defer drop()
	kb, err := o.store(pool)
	if err != nil {
		return nil, err
	}
	defer kb.Close()
	t := &ImportTiming{Files: len(files)}
	start := time.Now()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		res, err := kb.ImportBytes(ctx, filepath.Base(f), data, knowledge.ImportOptions{Publish: true})
		if err != nil {
			return nil, err
		}
		t.Chunks += res.Chunks
	}
	t.ImportSeconds = time.Since(start).Seconds()
	mid := time.Now()
	if _, err := kb.Reembed(ctx, knowledge.ReembedOptions{}, nil); err != nil {
		return nil, err
	}
	t.ReembedSeconds = time.Since(mid).Seconds()
	t.Seconds = time.Since(start).Seconds()
	return t, nil
}

// ScaleResult is search speed and HNSW quality on a large corpus.
type ScaleResult struct {
	Chunks       int     `json:"chunks"`
	Queries      int     `json:"queries"`
	Model        string  `json:"embedding_model"`
	EfSearch     int     `json:"ef_search"`
	LoadSeconds  float64 `json:"load_seconds"`
	IndexSeconds float64 `json:"index_seconds"`
	HybridP50ms  float64 `json:"hybrid_p50_ms"`
	HybridP95ms  float64 `json:"hybrid_p95_ms"`
	Recall10     float64 `json:"hnsw_recall_at_10"`
	// Sweep is the same measurement at other ef_search values.
	Sweep []ScalePoint `json:"sweep,omitempty"`
}

// ScalePoint is the scale measurement at one ef_search.
type ScalePoint struct {
	EfSearch    int     `json:"ef_search"`
	HybridP50ms float64 `json:"hybrid_p50_ms"`
	HybridP95ms float64 `json:"hybrid_p95_ms"`
	Recall10    float64 `json:"hnsw_recall_at_10"`
}

// segmentRE cuts any text (Markdown, CSV, JSON Lines) into sentence-like
// pieces: at sentence ends, line breaks and field separators.
var segmentRE = regexp.MustCompile(`[^。！？；\n\t",{}\[\]]+`)

// RunScale builds a corpus of about n chunks from the distinct sentences of
// the given texts (the seed content, the regulations and the public Chinese
// finance question sets), recombined at random into documents of 100
// sections each, then measures hybrid search latency and the recall@10 of
// the HNSW index against an exact scan for the queries. The more distinct
// sentences, the fewer near-duplicate chunks, which a real corpus does not
// have and which make "the exact top 10" a matter of ties.
func RunScale(ctx context.Context, o RetrievalOptions, n int, texts []string, queries []string) (*ScaleResult, error) {
	seen := map[string]bool{}
	var sents []string
	for _, t := range texts {
		for _, s := range segmentRE.FindAllString(t, -1) {
			s = strings.TrimSpace(strings.TrimLeft(s, "-#*0123456789.: "))
			if hanCount(s) >= 8 && !seen[s] {
				seen[s] = true
				sents = append(sents, s+"。")
			}
		}
	}
	if len(sents) == 0 || len(queries) == 0 {
		return nil, fmt.Errorf("scale: no sentences or queries")
	}
	pool, drop, err := o.NewDB(ctx)
	if err != nil {
		return nil, err
	}
	defer drop()
	// Index builds need memory: give this scratch database's sessions 1 GB.
	if _, err := pool.Exec(ctx, `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET maintenance_work_mem = %L', current_database(), '1GB'); END $$`); err != nil {
		return nil, err
	}
	pool.Reset()
	kb, err := o.store(pool)
	if err != nil {
		return nil, err
	}
	defer kb.Close()
	if err := kb.DropVectorIndexes(ctx); err != nil {
		return nil, err
	}
	res := &ScaleResult{EfSearch: o.Search.EfSearch, Model: kb.EmbeddingModel()}
	if res.EfSearch == 0 {
		res.EfSearch = knowledge.DefaultEfSearch
	}
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	const perDoc = 100
	for d := 0; res.Chunks < n; d++ {
		var b strings.Builder
		fmt.Fprintf(&b, "# 合成资料 %d\n\n", d)
		for sec := 0; sec < perDoc && res.Chunks < n; sec++ {
			fmt.Fprintf(&b, "## 第%d节\n", sec+1)
			for k := 2 + rng.IntN(4); k > 0; k-- {
				b.WriteString(sents[rng.IntN(len(sents))])
			}
			b.WriteString("\n\n")
			res.Chunks++
		}
		if _, err := kb.ImportBytes(ctx, fmt.Sprintf("scale-%06d.md", d), []byte(b.String()), knowledge.ImportOptions{Kind: knowledge.KindLiteracy, Publish: true}); err != nil {
			return nil, err
		}
	}
	proj := o.Projection
	if o.ScaleComponents == 0 {
		if _, err := kb.Reembed(ctx, knowledge.ReembedOptions{}, nil); err != nil {
			return nil, err
		}
	} else {
		// Fit the projection to this corpus, as an operator would with
		// `kb fit-projection`, and re-embed with it.
		p, err := kb.FitProjection(ctx, o.ScaleComponents, 30000)
		if err != nil {
			return nil, err
		}
		proj = p
		projected := o
		projected.Projection = p
		kb2, err := projected.store(pool)
		if err != nil {
			return nil, err
		}
		defer kb2.Close()
		if _, err := kb2.Reembed(ctx, knowledge.ReembedOptions{}, nil); err != nil {
			return nil, err
		}
		kb = kb2
		res.Model = kb.EmbeddingModel()
	}
	res.LoadSeconds = time.Since(start).Seconds()
	start = time.Now()
	if err := kb.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	if _, err := pool.Exec(ctx, "VACUUM ANALYZE kb_chunks"); err != nil {
		return nil, err
	}
	if _, err := pool.Exec(ctx, "VACUUM ANALYZE kb_faq_questions"); err != nil {
		return nil, err
	}
	res.IndexSeconds = time.Since(start).Seconds()
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM kb_chunks").Scan(&res.Chunks); err != nil {
		return nil, err
	}
	// The exact top 10 of each query, once: it does not depend on ef_search.
	exact := make([][]int64, len(queries))
	for i, q := range queries {
		if exact[i], err = kb.NearestChunks(ctx, q, 10, true); err != nil {
			return nil, err
		}
	}
	if res.HybridP50ms, res.HybridP95ms, res.Recall10, res.Queries, err = measureScale(ctx, kb, queries, exact); err != nil {
		return nil, err
	}
	for _, ef := range o.ScaleSweep {
		if ef == res.EfSearch {
			continue
		}
		so := o
		so.Search.EfSearch = ef
		so.Projection = proj
		kbEf, err := so.store(pool)
		if err != nil {
			return nil, err
		}
		pt := ScalePoint{EfSearch: ef}
		pt.HybridP50ms, pt.HybridP95ms, pt.Recall10, _, err = measureScale(ctx, kbEf, queries, exact)
		kbEf.Close()
		if err != nil {
			return nil, err
		}
		res.Sweep = append(res.Sweep, pt)
	}
	return res, nil
}

// measureScale times hybrid search over the queries, then measures the
// HNSW list's recall@10 against the exact lists. Latency is measured in
// the steady state of a running server: after one untimed pass over every
// query (right after the index build most of it is not yet in shared
// buffers), and apart from the recall pass, whose scans would otherwise
// sit between searches.
func measureScale(ctx context.Context, kb *knowledge.Store, queries []string, exact [][]int64) (p50, p95, recall float64, n int, err error) {
	for _, q := range queries {
		if _, err = kb.Search(ctx, knowledge.SearchQuery{Text: q, K: 5}); err != nil {
			return
		}
	}
	var lat []time.Duration
	for _, q := range queries {
		t0 := time.Now()
		if _, err = kb.Search(ctx, knowledge.SearchQuery{Text: q, K: 5}); err != nil {
			return
		}
		lat = append(lat, time.Since(t0))
	}
	var sum float64
	for i, q := range queries {
		if len(exact[i]) == 0 {
			continue
		}
		var approx []int64
		if approx, err = kb.NearestChunks(ctx, q, 10, false); err != nil {
			return
		}
		found := 0
		for _, id := range exact[i] {
			if contains64(approx, id) {
				found++
			}
		}
		sum += float64(found) / float64(len(exact[i]))
		n++
	}
	p50, p95 = percentileMS(lat, 0.5), percentileMS(lat, 0.95)
	if n > 0 {
		recall = round4(sum / float64(n))
	}
	return
}

func hanCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n
}

func contains64(xs []int64, x int64) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
