package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	pgxvec "github.com/pgvector/pgvector-go/pgx"

	"github.com/xiaobao-cn/xiaobao/evals"
	"github.com/xiaobao-cn/xiaobao/knowledge"
	"github.com/xiaobao-cn/xiaobao/migrations"
)

// evalRetrieval runs `xiaobao eval retrieval`: the public FAQ sets, the
// team's own questions against the seeded knowledge base, the import of the
// regulation texts and, with --scale N, speed and HNSW recall at N chunks.
// Everything is indexed into scratch databases created next to DATABASE_URL
// and dropped afterwards.
func evalRetrieval(ctx context.Context, m *Main, args []string) error {
	fs := newFlagSet(m, "eval retrieval")
	asJSON := fs.Bool("json", false, "print JSON instead of tables")
	data := fs.String("data", "../shared/evaldata", "folder with unionpay_faq, jining_bank_faq and cn_regulations")
	sets := fs.String("sets", "unionpay,jining,own,import", "comma-separated: unionpay, jining, own, import")
	own := fs.String("own", "evals/testdata/kb_questions_*.jsonl", "glob of the team's question files ({\"q\",\"doc\"} lines)")
	scale := fs.Int("scale", 0, "also build a corpus of this many chunks and measure latency and HNSW recall (e.g. 100000)")
	modes := fs.String("modes", "bm25,lexical,vector,hybrid", "retrieval modes to compare")
	dim := fs.Int("dim", 0, "offline embedding dimension (default XIAOBAO_EMBEDDING_DIM)")
	projFile := fs.String("projection", "", "projection file for the offline embedder (kb fit-projection), for the sets")
	fitComps := fs.Int("fit-components", 0, "fit a projection of this many components to each set's knowledge base and search with it, as `kb fit-projection` would (0: none)")
	sweep := fs.String("scale-sweep", "", "with --scale: also measure at these ef_search values (comma-separated)")
	scaleComps := fs.Int("scale-components", 128, "with --scale: fit a projection of this many components to the corpus and search with it (0: the plain hashed vectors)")
	keep := fs.Bool("keep", false, "keep the scratch databases (their names are printed) to inspect them")
	scaleDB := fs.String("scale-db", "", "with --scale: measure on this database, kept by an earlier --scale --keep run, instead of building one (the index build takes minutes)")
	semFile := fs.String("semantic", "", "semantic model for the offline embedder: a file from kb train-semantic, or off (default XIAOBAO_SEMANTIC_MODEL, else the shipped one)")
	semWeight := fs.Float64("semantic-weight", 0, "weight of the semantic model's part of each vector (default XIAOBAO_SEMANTIC_WEIGHT, else the embedder's)")
	var sc knowledge.SearchConfig
	fs.Float64Var(&sc.RRFK, "rrf-k", 0, "RRF k (default: the store's)")
	fs.Float64Var(&sc.LexicalWeight, "w-lex", 0, "weight of BM25 over passages")
	fs.Float64Var(&sc.VectorWeight, "w-vec", 0, "weight of passage embeddings")
	fs.Float64Var(&sc.FAQLexicalWeight, "w-faq-lex", 0, "weight of BM25 over FAQ questions")
	fs.Float64Var(&sc.FAQVectorWeight, "w-faq-vec", 0, "weight of FAQ question embeddings")
	fs.IntVar(&sc.EfSearch, "ef-search", 0, "hnsw.ef_search")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := m.loadConfig(); err != nil {
		return err
	}
	if err := m.Config.requireDB(); err != nil {
		return err
	}
	if *dim == 0 {
		*dim = m.Config.EmbeddingDim
	}
	newDB := m.scratchDB
	if *keep {
		newDB = func(ctx context.Context) (*pgxpool.Pool, func(), error) {
			pool, _, err := m.scratchDB(ctx)
			if err == nil {
				fmt.Fprintln(m.Stderr, "keeping scratch database", pool.Config().ConnConfig.Database)
			}
			return pool, func() { pool.Close() }, err
		}
	}
	o := evals.RetrievalOptions{NewDB: newDB, Logger: m.Logger, Search: sc, Dim: *dim, ScaleComponents: *scaleComps, FitComponents: *fitComps}
	for _, f := range strings.Split(*sweep, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		ef, err := strconv.Atoi(f)
		if err != nil || ef < 1 || ef > 1000 {
			return fmt.Errorf("eval retrieval: --scale-sweep %q: want ef_search values from 1 to 1000", f)
		}
		o.ScaleSweep = append(o.ScaleSweep, ef)
	}
	if *projFile != "" && *fitComps > 0 {
		return fmt.Errorf("eval retrieval: --projection and --fit-components are two ways of choosing the projection; give one")
	}
	if *semFile != "" {
		m.Config.SemanticModel = *semFile
	}
	if *semWeight != 0 {
		m.Config.SemanticWeight = *semWeight
	}
	var err error
	if o.Semantic, err = m.semanticModel(); err != nil {
		return fmt.Errorf("eval retrieval: %w", err)
	}
	o.SemanticWeight = m.Config.SemanticWeight
	if *projFile != "" {
		var err error
		if o.Projection, err = readProjection(*projFile); err != nil {
			return fmt.Errorf("eval retrieval: --projection %w", err)
		}
	}
	for _, md := range strings.Split(*modes, ",") {
		switch md = strings.TrimSpace(md); md {
		case "hybrid":
			o.Modes = append(o.Modes, knowledge.ModeHybrid)
		case "bm25", "lexical", "vector":
			o.Modes = append(o.Modes, knowledge.Mode(md))
		default:
			return fmt.Errorf("eval retrieval: unknown mode %q", md)
		}
	}
	var rep evals.RetrievalReport
	want := map[string]bool{}
	for _, s := range strings.Split(*sets, ",") {
		want[strings.TrimSpace(s)] = true
	}
	if want["unionpay"] {
		s, err := evals.LoadUnionPay(filepath.Join(*data, "unionpay_faq"))
		if err != nil {
			return fmt.Errorf("eval retrieval: %w", err)
		}
		o.Sets = append(o.Sets, s)
	}
	if want["jining"] {
		s, err := evals.LoadJining(filepath.Join(*data, "jining_bank_faq"))
		if err != nil {
			return fmt.Errorf("eval retrieval: %w", err)
		}
		o.Sets = append(o.Sets, s)
	}
	var ownQueries []string
	if want["own"] || *scale > 0 {
		files, _ := filepath.Glob(*own)
		if len(files) == 0 {
			return fmt.Errorf("eval retrieval: no question files match %s", *own)
		}
		sort.Strings(files)
		s, err := evals.LoadOwn(files...)
		if err != nil {
			return fmt.Errorf("eval retrieval: %w", err)
		}
		for _, q := range s.Queries {
			ownQueries = append(ownQueries, q.Text)
		}
		if want["own"] {
			o.Sets = append(o.Sets, s)
			if o.OffTopic, err = evals.LoadQuestions(filepath.Join(filepath.Dir(*own), "kb_offtopic.jsonl")); err != nil {
				return fmt.Errorf("eval retrieval: %w", err)
			}
			if o.Short, err = evals.LoadQuestions(filepath.Join(filepath.Dir(*own), "kb_short.jsonl")); err != nil {
				return fmt.Errorf("eval retrieval: %w", err)
			}
			if o.Unanswerable, err = evals.LoadQuestions(filepath.Join(filepath.Dir(*own), "kb_unanswerable.jsonl")); err != nil {
				return fmt.Errorf("eval retrieval: %w", err)
			}
			if o.UnanswerableReport, err = evals.LoadQuestions(filepath.Join(filepath.Dir(*own), "kb_unanswerable_report.jsonl")); err != nil {
				return fmt.Errorf("eval retrieval: %w", err)
			}
			o.Answers = &rep.Answers
		}
	}
	results, err := evals.RunRetrieval(ctx, o)
	if err != nil {
		return fmt.Errorf("eval retrieval: %w", err)
	}
	rep.Results = results
	regs, _ := filepath.Glob(filepath.Join(*data, "cn_regulations", "*"))
	regs = regulationFiles(regs)
	if want["import"] {
		if len(regs) == 0 {
			return fmt.Errorf("eval retrieval: no regulation texts in %s", filepath.Join(*data, "cn_regulations"))
		}
		if rep.Import, err = evals.MeasureImport(ctx, o, regs); err != nil {
			return fmt.Errorf("eval retrieval: import: %w", err)
		}
	}
	if *scale > 0 {
		var texts []string
		names, err := knowledge.SeedFiles()
		if err != nil {
			return err
		}
		for _, n := range names {
			b, _ := knowledge.SeedFile(n)
			texts = append(texts, string(b))
		}
		extra, _ := filepath.Glob(filepath.Join(*data, "*", "*"))
		for _, f := range append(regs, extra...) {
			if ext := filepath.Ext(f); ext != ".jsonl" && ext != ".tsv" && ext != ".csv" && f != "" && !containsPath(regs, f) {
				continue
			}
			b, _ := os.ReadFile(f)
			texts = append(texts, string(b))
		}
		so := o
		if *scaleDB != "" {
			so.NewDB = func(ctx context.Context) (*pgxpool.Pool, func(), error) {
				pool, err := m.openNamedDB(ctx, *scaleDB)
				return pool, func() { pool.Close() }, err
			}
			so.ScaleReuse = true
		}
		if rep.Scale, err = evals.RunScale(ctx, so, *scale, texts, ownQueries); err != nil {
			return fmt.Errorf("eval retrieval: scale: %w", err)
		}
	}
	rep.AddTargets()
	if *asJSON {
		return rep.JSON(m.Stdout)
	}
	rep.Print(m.Stdout)
	return nil
}

func containsPath(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// regulationFiles keeps the law texts of a folder (not its SOURCE.md).
func regulationFiles(paths []string) []string {
	var out []string
	for _, p := range paths {
		base := filepath.Base(p)
		ext := strings.ToLower(filepath.Ext(base))
		if base != "SOURCE.md" && (ext == ".md" || ext == ".txt") {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

var scratchSeq atomic.Int64

// openNamedDB connects to another database of DATABASE_URL's server.
func (m *Main) openNamedDB(ctx context.Context, name string) (*pgxpool.Pool, error) {
	u, err := url.Parse(m.Config.DatabaseURL)
	if err != nil {
		return nil, err
	}
	u.Path = "/" + name
	cfg, err := pgxpool.ParseConfig(u.String())
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 4
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error { return pgxvec.RegisterTypes(ctx, c) }
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		return nil, explainDBError(err)
	}
	return pool, nil
}

// scratchDB creates a migrated database next to DATABASE_URL for one
// evaluation and returns a pool on it and a function that drops it.
func (m *Main) scratchDB(ctx context.Context) (*pgxpool.Pool, func(), error) {
	name := fmt.Sprintf("xiaobao_evalkb_%d_%d", os.Getpid(), scratchSeq.Add(1))
	admin, err := pgx.Connect(ctx, m.Config.DatabaseURL)
	if err != nil {
		return nil, nil, explainDBError(err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return nil, nil, fmt.Errorf("creating scratch database (the DATABASE_URL role needs CREATEDB): %w", err)
	}
	drop := func() {
		c, err := pgx.Connect(context.Background(), m.Config.DatabaseURL)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
			c.Close(context.Background())
		}
	}
	u, _ := url.Parse(m.Config.DatabaseURL)
	u.Path = "/" + name
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		drop()
		return nil, nil, err
	}
	err = migrations.Migrate(ctx, conn)
	conn.Close(context.WithoutCancel(ctx))
	if err != nil {
		drop()
		return nil, nil, err
	}
	pool, err := m.openNamedDB(ctx, name)
	if err != nil {
		drop()
		return nil, nil, err
	}
	return pool, func() { pool.Close(); drop() }, nil
}
