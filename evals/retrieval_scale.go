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

	"github.com/jackc/pgx/v5/pgxpool"

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
	// Recall10Ties is recall@10 as ann-benchmarks counts it: a returned
	// chunk is a true neighbour when its distance is within 0.001 of the
	// exact tenth's, so that two chunks at the same distance are not told
	// apart by which one a scan happened to meet first.
	Recall10Ties float64 `json:"hnsw_recall_at_10_ties"`
	// TiesAtTenth is the mean number of chunks whose distance is within
	// 0.001 of each query's exact tenth (1 when nothing ties).
	TiesAtTenth float64 `json:"ties_at_tenth"`
	// Sweep is the same measurement at other ef_search values.
	Sweep []ScalePoint `json:"sweep,omitempty"`
}

// ScalePoint is the scale measurement at one ef_search.
type ScalePoint struct {
	EfSearch    int     `json:"ef_search"`
	HybridP50ms float64 `json:"hybrid_p50_ms"`
	HybridP95ms float64 `json:"hybrid_p95_ms"`
	Recall10    float64 `json:"hnsw_recall_at_10"`
	// Recall10Ties is ScaleResult.Recall10Ties at this ef_search.
	Recall10Ties float64 `json:"hnsw_recall_at_10_ties"`
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
	res := &ScaleResult{EfSearch: o.Search.EfSearch}
	if res.EfSearch == 0 {
		res.EfSearch = knowledge.DefaultEfSearch
	}
	start := time.Now()
	kb, proj, err := buildScale(ctx, o, pool, n, sents, res)
	if err != nil {
		return nil, err
	}
	defer kb.Close()
	res.Model = kb.EmbeddingModel()
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
	// Write out what the load and the index build left in shared buffers
	// now, not while searches are timed. CHECKPOINT needs a superuser or
	// pg_checkpoint; without either the measurement goes on as it is.
	if _, err := pool.Exec(ctx, "CHECKPOINT"); err != nil && o.Logger != nil {
		o.Logger.Info("scale: no CHECKPOINT before timing", "err", err)
	}
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM kb_chunks").Scan(&res.Chunks); err != nil {
		return nil, err
	}
	// The exact top 10 of each query, once: it does not depend on ef_search.
	exact := make([][]knowledge.Neighbor, len(queries))
	var ties, tied int
	for i, q := range queries {
		if exact[i], err = kb.NearestChunks(ctx, q, 10, true); err != nil {
			return nil, err
		}
		if len(exact[i]) == 10 {
			n, err := kb.CountWithin(ctx, q, exact[i][9].Distance+tieEpsilon)
			if err != nil {
				return nil, err
			}
			// Chunks at the tenth's distance beyond the nine nearer ones.
			ties += n - 9
			tied++
		}
	}
	if tied > 0 {
		res.TiesAtTenth = round4(float64(ties) / float64(tied))
	}
	if res.HybridP50ms, res.HybridP95ms, res.Recall10, res.Recall10Ties, res.Queries, err = measureScale(ctx, kb, queries, exact); err != nil {
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
		pt.HybridP50ms, pt.HybridP95ms, pt.Recall10, pt.Recall10Ties, _, err = measureScale(ctx, kbEf, queries, exact)
		kbEf.Close()
		if err != nil {
			return nil, err
		}
		res.Sweep = append(res.Sweep, pt)
	}
	return res, nil
}

// scaleTimedPasses is how many times each query is timed.
const scaleTimedPasses = 3

// tieEpsilon is ann-benchmarks' allowance on distances when it counts true
// neighbours.
const tieEpsilon = 1e-3

// measureScale times hybrid search over the queries, then measures the
// HNSW list's recall@10 against the exact lists, both by chunk id and the
// way ann-benchmarks does (by distance, ties within tieEpsilon count).
// Latency is measured in the steady state of a running server: after one
// untimed pass over every query (right after the index build most of it is
// not yet in shared buffers), and apart from the recall pass, whose scans
// would otherwise sit between searches.
func measureScale(ctx context.Context, kb *knowledge.Store, queries []string, exact [][]knowledge.Neighbor) (p50, p95, recall, recallTies float64, n int, err error) {
	for _, q := range queries {
		if _, err = kb.Search(ctx, knowledge.SearchQuery{Text: q, K: 5}); err != nil {
			return
		}
	}
	// Three timed passes: on a shared 2-core machine one pass's p95 (its
	// ninth slowest of 174) moved by 2–4 ms from run to run.
	var lat []time.Duration
	for range scaleTimedPasses {
		for _, q := range queries {
			t0 := time.Now()
			if _, err = kb.Search(ctx, knowledge.SearchQuery{Text: q, K: 5}); err != nil {
				return
			}
			lat = append(lat, time.Since(t0))
		}
	}
	var sum, sumTies float64
	for i, q := range queries {
		if len(exact[i]) == 0 {
			continue
		}
		var approx []knowledge.Neighbor
		if approx, err = kb.NearestChunks(ctx, q, 10, false); err != nil {
			return
		}
		byID, byDistance := recallAt(exact[i], approx)
		sum += byID
		sumTies += byDistance
		n++
	}
	p50, p95 = percentileMS(lat, 0.5), percentileMS(lat, 0.95)
	if n > 0 {
		recall, recallTies = round4(sum/float64(n)), round4(sumTies/float64(n))
	}
	return
}

// recallAt scores one approximate list against the exact one of the same
// length: the share of exact ids it found, and the share of its entries no
// farther than the exact last plus tieEpsilon (ann-benchmarks' "knn"
// recall).
func recallAt(exact, approx []knowledge.Neighbor) (byID, byDistance float64) {
	if len(exact) == 0 {
		return 0, 0
	}
	found, close := 0, 0
	for _, e := range exact {
		for _, a := range approx {
			if a.ID == e.ID {
				found++
				break
			}
		}
	}
	limit := exact[len(exact)-1].Distance + tieEpsilon
	for i, a := range approx {
		if i < len(exact) && a.Distance <= limit {
			close++
		}
	}
	return float64(found) / float64(len(exact)), float64(close) / float64(len(exact))
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

// buildScale loads about n chunks recombined from sents into the scratch
// database, with the projection the options ask for, and returns the store
// that searches them (the caller closes it) and the projection. With
// ScaleReuse it opens the corpus the database already holds.
func buildScale(ctx context.Context, o RetrievalOptions, pool *pgxpool.Pool, n int, sents []string, res *ScaleResult) (*knowledge.Store, *knowledge.Projection, error) {
	if o.ScaleReuse {
		// A kept database already holds the corpus. The projection is
		// fitted again (a fixed sample: the same corpus gives the same
		// one) and vectors are re-embedded only if they are of another
		// model, so another --scale-components measures the same passages.
		return projectedStore(ctx, o, pool, o.ScaleComponents)
	}
	// Index builds need memory: give this scratch database's sessions 1 GB.
	if _, err := pool.Exec(ctx, `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET maintenance_work_mem = %L', current_database(), '1GB'); END $$`); err != nil {
		return nil, nil, err
	}
	pool.Reset()
	kb, err := o.store(pool)
	if err != nil {
		return nil, nil, err
	}
	err = loadScale(ctx, kb, n, sents, res)
	kb.Close()
	if err != nil {
		return nil, nil, err
	}
	return projectedStore(ctx, o, pool, o.ScaleComponents)
}

// loadScale imports the recombined documents, without vector indexes
// (built once at the end, which is much faster than row by row).
func loadScale(ctx context.Context, kb *knowledge.Store, n int, sents []string, res *ScaleResult) error {
	if err := kb.DropVectorIndexes(ctx); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
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
			return err
		}
	}
	return nil
}

// projectedStore fits a projection of that many components to the
// knowledge base in pool, as an operator would with `kb fit-projection`
// (0: keep o.Projection), and returns a store that searches with it, its
// vectors re-embedded (the caller closes it).
func projectedStore(ctx context.Context, o RetrievalOptions, pool *pgxpool.Pool, components int) (*knowledge.Store, *knowledge.Projection, error) {
	proj := o.Projection
	if components > 0 {
		kb, err := o.store(pool)
		if err != nil {
			return nil, nil, err
		}
		proj, err = kb.FitProjection(ctx, components, 30000)
		kb.Close()
		if err != nil {
			return nil, nil, err
		}
	}
	projected := o
	projected.Projection = proj
	kb, err := projected.store(pool)
	if err != nil {
		return nil, nil, err
	}
	if _, err := kb.Reembed(ctx, knowledge.ReembedOptions{}, nil); err != nil {
		kb.Close()
		return nil, nil, err
	}
	return kb, proj, nil
}
