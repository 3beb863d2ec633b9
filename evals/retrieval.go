package evals

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/xiaobao-cn/xiaobao/knowledge"
)

// NewDB makes an empty, migrated database of the evaluation's own and
// returns a pool on it and a function that drops it. Evaluations never
// index into the production tables.
type NewDB func(ctx context.Context) (*pgxpool.Pool, func(), error)

// RetrievalOptions configures RunRetrieval.
type RetrievalOptions struct {
	NewDB NewDB
	// OffTopic questions are asked of the seeded set's answerer (Answer),
	// which should decline them; Short ones are brief in-domain questions it
	// should answer.
	OffTopic, Short []string
	// Unanswerable are in-domain questions the seeded content does not
	// answer (kb_unanswerable.jsonl, tuned on); UnanswerableReport more of
	// them written apart by someone who saw only the documents' titles
	// (kb_unanswerable_report.jsonl, 60 finance and 20 off-domain, only
	// measured).
	Unanswerable, UnanswerableReport []string
	// Answers, when set, receives the answer measurements of a seeded set.
	Answers **AnswerResult
	Logger  *slog.Logger
	// Sets to run.
	Sets []RetrievalSet
	// Modes to compare. Defaults to bm25, lexical, vector, hybrid.
	Modes []knowledge.Mode
	// Search and Dim configure the store under test (Dim: offline embedder).
	Search knowledge.SearchConfig
	Dim    int
	// Projection, when set, is the offline embedder's projection.
	Projection *knowledge.Projection
	// Semantic, when set, is the offline embedder's semantic model, at
	// SemanticWeight (0: the embedder's default).
	Semantic       *knowledge.SemanticModel
	SemanticWeight float64
	// FitComponents, when above 0, fits a projection of that many
	// components to each set's knowledge base after indexing it and
	// searches with it: what a projection costs in ranking quality.
	FitComponents int
	// ScaleComponents, when above 0, makes the scale run fit a projection
	// of that many components to its corpus and search with it.
	ScaleComponents int
	// ScaleSweep are more ef_search values the scale run measures.
	ScaleSweep []int
	// ScaleReuse makes the scale run measure the corpus already in the
	// database NewDB returns (kept by an earlier run) instead of building
	// one. The projection is fitted again: the fit reads a fixed sample,
	// so the same corpus gives the same projection and model name.
	ScaleReuse bool
	// K is the cut-off for MRR. Defaults to 10.
	K int
}

// SetResult is one set under one retrieval mode.
type SetResult struct {
	Set     string  `json:"set"`
	Mode    string  `json:"mode"`
	Queries int     `json:"queries"`
	Indexed int     `json:"indexed"`
	Hit1    float64 `json:"hit_at_1"`
	Hit5    float64 `json:"hit_at_5"`
	MRR     float64 `json:"mrr"`
	P50ms   float64 `json:"p50_ms"`
	P95ms   float64 `json:"p95_ms"`
	// Misses lists a few queries whose answer was not in the top 5.
	Misses []Miss `json:"misses,omitempty"`
}

// Miss is a query whose answer was not found in the top 5.
type Miss struct {
	Query string `json:"query"`
	Want  string `json:"want"`
	Got   string `json:"got"`
}

func modeName(m knowledge.Mode) string {
	if m == knowledge.ModeHybrid {
		return "hybrid"
	}
	return string(m)
}

// RunRetrieval indexes each set into a fresh database and measures hit@1,
// hit@5, MRR@K and latency under each mode.
func RunRetrieval(ctx context.Context, o RetrievalOptions) ([]SetResult, error) {
	if len(o.Modes) == 0 {
		o.Modes = []knowledge.Mode{knowledge.ModeBM25, knowledge.ModeLexical, knowledge.ModeVector, knowledge.ModeHybrid}
	}
	if o.K <= 0 {
		o.K = 10
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	var out []SetResult
	for _, set := range o.Sets {
		rs, err := runSet(ctx, o, set)
		if err != nil {
			return out, fmt.Errorf("%s: %w", set.Name, err)
		}
		out = append(out, rs...)
	}
	return out, nil
}

func (o RetrievalOptions) store(pool *pgxpool.Pool) (*knowledge.Store, error) {
	return knowledge.NewStore(knowledge.Config{
		DB: pool, Logger: o.Logger, Search: o.Search,
		Embedder: knowledge.NewOfflineEmbedder(knowledge.OfflineConfig{
			Dim: o.Dim, Projection: o.Projection, Semantic: o.Semantic, SemanticWeight: o.SemanticWeight}),
	})
}

func runSet(ctx context.Context, o RetrievalOptions, set RetrievalSet) ([]SetResult, error) {
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
	if err := kb.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	want, err := index(ctx, kb, set)
	if err != nil {
		return nil, err
	}
	if o.FitComponents > 0 {
		// Fit a projection to this set's knowledge base, as its operator
		// would, and search with it.
		pkb, _, err := projectedStore(ctx, o, pool, o.FitComponents)
		if err != nil {
			return nil, err
		}
		defer pkb.Close()
		if err := pkb.EnsureIndexes(ctx); err != nil {
			return nil, err
		}
		kb = pkb
	}
	if set.Seeded && o.Answers != nil {
		ar, err := measureAnswers(ctx, kb, set, o)
		if err != nil {
			return nil, err
		}
		*o.Answers = ar
	}
	var out []SetResult
	for _, m := range o.Modes {
		r := SetResult{Set: set.Name, Mode: modeName(m), Indexed: len(want)}
		var lat []time.Duration
		var rr float64
		for _, q := range set.Queries {
			target, ok := want[q.Want]
			if !ok {
				return nil, fmt.Errorf("query %q wants %q, which is not indexed", q.Text, q.Want)
			}
			start := time.Now()
			hits, err := kb.Search(ctx, knowledge.SearchQuery{Text: q.Text, K: o.K, Mode: m, DistinctDocuments: true})
			lat = append(lat, time.Since(start))
			if err != nil {
				return nil, err
			}
			rank := 0
			for i, h := range hits {
				if h.DocumentID == target {
					rank = i + 1
					break
				}
			}
			r.Queries++
			if rank == 1 {
				r.Hit1++
			}
			if rank >= 1 && rank <= 5 {
				r.Hit5++
			} else if len(r.Misses) < 20 {
				got := ""
				if len(hits) > 0 {
					got = hits[0].Citation
				}
				r.Misses = append(r.Misses, Miss{Query: q.Text, Want: q.Want, Got: got})
			}
			if rank > 0 {
				rr += 1 / float64(rank)
			}
		}
		if r.Queries > 0 {
			n := float64(r.Queries)
			r.Hit1, r.Hit5, r.MRR = round4(r.Hit1/n), round4(r.Hit5/n), round4(rr/n)
		}
		r.P50ms, r.P95ms = percentileMS(lat, 0.50), percentileMS(lat, 0.95)
		out = append(out, r)
	}
	return out, nil
}

// index loads a set into the store and returns the document id of each
// item key (or seed slug), then refreshes the statistics and re-embeds, as
// `xiaobao kb import` does after a bulk load.
func index(ctx context.Context, kb *knowledge.Store, set RetrievalSet) (map[string]int64, error) {
	groups, err := knowledge.SeedSynonymGroups()
	if err != nil {
		return nil, err
	}
	if _, err := kb.SeedSynonyms(ctx, groups); err != nil {
		return nil, err
	}
	want := map[string]int64{}
	if set.Seeded {
		if _, err := kb.Seed(ctx, nil); err != nil {
			return nil, err
		}
		for offset := 0; ; offset += 500 {
			docs, _, err := kb.ListDocuments(ctx, knowledge.DocumentFilter{Limit: 500, Offset: offset})
			if err != nil {
				return nil, err
			}
			for _, d := range docs {
				want[d.Slug] = d.ID
			}
			if len(docs) < 500 {
				break
			}
		}
	}
	for _, it := range set.Items {
		f, err := kb.CreateFAQ(ctx, knowledge.FAQInput{
			Question: it.Questions[0], Similar: it.Questions[1:], Answer: it.Answer, Status: knowledge.StatusPublished,
		}, "eval")
		if err != nil {
			return nil, fmt.Errorf("indexing %s: %w", it.Key, err)
		}
		want[it.Key] = f.DocumentID
	}
	if _, err := kb.Reembed(ctx, knowledge.ReembedOptions{}, nil); err != nil {
		return nil, err
	}
	return want, nil
}

func measureAnswers(ctx context.Context, kb *knowledge.Store, set RetrievalSet, o RetrievalOptions) (*AnswerResult, error) {
	r := &AnswerResult{InDomain: len(set.Queries), Short: len(o.Short), OffTopic: len(o.OffTopic),
		Unanswerable: len(o.Unanswerable), Report: len(o.UnanswerableReport)}
	var lat []time.Duration
	ask := func(q string) (bool, error) {
		start := time.Now()
		a, err := kb.Answer(ctx, q)
		lat = append(lat, time.Since(start))
		return a.Confident, err
	}
	// confident counts the questions of qs answered with confidence.
	confident := func(qs []string) (float64, error) {
		var n float64
		for _, q := range qs {
			ok, err := ask(q)
			if err != nil {
				return n, err
			}
			if ok {
				n++
			}
		}
		return n, nil
	}
	inDomain := make([]string, len(set.Queries))
	for i, q := range set.Queries {
		inDomain[i] = q.Text
	}
	var err error
	if r.Confident, err = confident(inDomain); err != nil {
		return nil, err
	}
	if r.ShortConfident, err = confident(o.Short); err != nil {
		return nil, err
	}
	if r.FalseConfident, err = confident(o.OffTopic); err != nil {
		return nil, err
	}
	if r.UnanswerableConfident, err = confident(o.Unanswerable); err != nil {
		return nil, err
	}
	if r.ReportConfident, err = confident(o.UnanswerableReport); err != nil {
		return nil, err
	}
	if r.InDomain > 0 {
		r.Confident = round4(r.Confident / float64(r.InDomain))
	}
	if r.Short > 0 {
		r.ShortConfident = round4(r.ShortConfident / float64(r.Short))
	}
	if r.OffTopic > 0 {
		r.FalseConfident = round4(r.FalseConfident / float64(r.OffTopic))
	}
	if r.Unanswerable > 0 {
		r.UnanswerableConfident = round4(r.UnanswerableConfident / float64(r.Unanswerable))
	}
	if r.Report > 0 {
		r.ReportConfident = round4(r.ReportConfident / float64(r.Report))
	}
	r.P50ms, r.P95ms = percentileMS(lat, 0.5), percentileMS(lat, 0.95)
	return r, nil
}

func percentileMS(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(float64(len(s)-1) * p)
	return round4(float64(s[i].Microseconds()) / 1000)
}

// AnswerResult measures the "confident answer" decision on the seeded
// knowledge base: how often questions the content answers get one, and how
// often off-topic questions wrongly do.
type AnswerResult struct {
	InDomain       int     `json:"in_domain"`
	Confident      float64 `json:"confident_rate"`
	Short          int     `json:"short"`
	ShortConfident float64 `json:"short_confident_rate"`
	OffTopic       int     `json:"off_topic"`
	FalseConfident float64 `json:"false_confident_rate"`
	// Unanswerable and Report count the in-domain questions the content
	// does not answer (tuned on, and written apart); the rates are how
	// often they wrongly got a confident answer.
	Unanswerable          int     `json:"unanswerable"`
	UnanswerableConfident float64 `json:"unanswerable_confident_rate"`
	Report                int     `json:"unanswerable_report"`
	ReportConfident       float64 `json:"unanswerable_report_confident_rate"`
	P50ms                 float64 `json:"p50_ms"`
	P95ms                 float64 `json:"p95_ms"`
}

// RetrievalReport is everything `xiaobao eval retrieval` prints.
type RetrievalReport struct {
	Results []SetResult   `json:"results"`
	Answers *AnswerResult `json:"answers,omitempty"`
	Import  *ImportTiming `json:"import,omitempty"`
	Scale   *ScaleResult  `json:"scale,omitempty"`
	Targets []Target      `json:"targets"`
}

// AddTargets compares the results with the targets for the
// offline engine.
func (r *RetrievalReport) AddTargets() {
	get := func(set, mode string) *SetResult {
		for i := range r.Results {
			if r.Results[i].Set == set && r.Results[i].Mode == mode {
				return &r.Results[i]
			}
		}
		return nil
	}
	add := func(name string, value, goal float64, higher bool) {
		met := value >= goal
		if !higher {
			met = value <= goal
		}
		r.Targets = append(r.Targets, Target{Name: name, Value: value, Target: goal, Met: met})
	}
	if u := get("unionpay", "hybrid"); u != nil {
		add("UnionPay hybrid hit@1", u.Hit1, 0.45, true)
		add("UnionPay hybrid hit@5", u.Hit5, 0.70, true)
	}
	if o := get("own", "hybrid"); o != nil {
		add("own set hybrid hit@5", o.Hit5, 0.95, true)
	}
	if r.Import != nil {
		add("import cn_regulations seconds", r.Import.Seconds, 10, false)
	}
	if s := r.Scale; s != nil {
		add(fmt.Sprintf("hybrid p95 ms at %d chunks", s.Chunks), s.HybridP95ms, 15, false)
		// The stricter of the two recalls decides; ann-benchmarks' (ties
		// within 0.001 count) is printed beside it and differs little:
		// about 1.5 chunks tie with the exact tenth at 100,000 passages.
		add("HNSW recall@10", s.Recall10, 0.95, true)
	}
}

// Print writes the report as tables.
func (r RetrievalReport) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "set\tmode\tindexed\tqueries\thit@1\thit@5\tMRR@10\tp50 ms\tp95 ms\t")
	for _, x := range r.Results {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.2f\t%.2f\t\n", x.Set, x.Mode, x.Indexed, x.Queries, x.Hit1, x.Hit5, x.MRR, x.P50ms, x.P95ms)
	}
	_ = tw.Flush()
	if a := r.Answers; a != nil {
		fmt.Fprintf(w, "\nanswers (seeded knowledge base): confident on %.1f%% of %d own questions and %.1f%% of %d short ones, falsely confident on %.1f%% of %d off-topic ones; p50 %.2f ms, p95 %.2f ms\n",
			100*a.Confident, a.InDomain, 100*a.ShortConfident, a.Short, 100*a.FalseConfident, a.OffTopic, a.P50ms, a.P95ms)
		if a.Unanswerable+a.Report > 0 {
			fmt.Fprintf(w, "questions the content does not answer, wrongly answered with confidence: %.1f%% of %d (tuned on), %.1f%% of %d (written apart)\n",
				100*a.UnanswerableConfident, a.Unanswerable, 100*a.ReportConfident, a.Report)
		}
	}
	if r.Import != nil {
		fmt.Fprintf(w, "\nimport: %d files, %d chunks in %.2f s (%.2f s importing, %.2f s statistics and embeddings)\n",
			r.Import.Files, r.Import.Chunks, r.Import.Seconds, r.Import.ImportSeconds, r.Import.ReembedSeconds)
	}
	if s := r.Scale; s != nil {
		fmt.Fprintf(w, "\nscale: %d chunks, vectors %s (load %.0f s, index build %.0f s); hybrid p50 %.2f ms, p95 %.2f ms over %d queries; HNSW recall@10 %.3f by distance (ann-benchmarks), %.3f by id (ef_search %d); %.1f chunks tie with the exact tenth\n",
			s.Chunks, s.Model, s.LoadSeconds, s.IndexSeconds, s.HybridP50ms, s.HybridP95ms, s.Queries, s.Recall10Ties, s.Recall10, s.EfSearch, s.TiesAtTenth)
		for _, pt := range s.Sweep {
			fmt.Fprintf(w, "  at ef_search %d: hybrid p50 %.2f ms, p95 %.2f ms; HNSW recall@10 %.3f by distance, %.3f by id\n", pt.EfSearch, pt.HybridP50ms, pt.HybridP95ms, pt.Recall10Ties, pt.Recall10)
		}
	}
	if len(r.Targets) > 0 {
		fmt.Fprintln(w, "\ntargets (offline engine):")
		for _, t := range r.Targets {
			mark := "MET"
			if !t.Met {
				mark = "MISSED"
			}
			fmt.Fprintf(w, "  %-36s %8s  goal %-6s %s\n", t.Name, strconv.FormatFloat(t.Value, 'f', 3, 64), strconv.FormatFloat(t.Target, 'f', -1, 64), mark)
		}
	}
}

// JSON writes the report as indented JSON.
func (r RetrievalReport) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
