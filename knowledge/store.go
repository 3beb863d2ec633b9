package knowledge

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DBTX is what the package's SQL helpers need: a pool, a connection or a
// transaction, so callers decide the transaction boundaries.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// DB is a DBTX that can also start transactions. *pgxpool.Pool satisfies it,
// and so does pgx.Tx (nested transactions become savepoints), which lets
// tests run a whole Store inside one rolled-back transaction.
type DB interface {
	DBTX
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Config configures a Store. Zero values take the documented defaults.
type Config struct {
	// DB is the database; required. Its connections must know the pgvector
	// types (pgvector-go's pgx.RegisterTypes).
	DB DB
	// Logger receives operational logs. Defaults to slog.Default().
	Logger *slog.Logger
	// Embedder makes the dense vectors. Defaults to NewOfflineEmbedder with 1024 dimensions.
	Embedder Embedder
	// LLM, when set, writes answers from the retrieved passages; any failure
	// falls back to the extractive offline answer. Defaults to nil (offline).
	LLM *LLMConfig
	// MaxFileBytes limits imported files. Defaults to 10 MB.
	MaxFileBytes int64
	// Search tunes retrieval. Zero fields take their defaults.
	Search SearchConfig
	// StatsTTL is how long cached corpus statistics and synonyms are trusted
	// before the store checks the database for changes made by other
	// processes. Defaults to 10s.
	StatsTTL time.Duration
}

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Embedder == nil {
		c.Embedder = NewOfflineEmbedder(OfflineConfig{})
	}
	c.MaxFileBytes = cmp.Or(c.MaxFileBytes, 10<<20)
	c.StatsTTL = cmp.Or(c.StatsTTL, 10*time.Second)
	c.Search.setDefaults()
}

var modelNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$`)

func (c *Config) validate() error {
	if c.DB == nil {
		return errors.New("knowledge: Config.DB is required")
	}
	if !modelNameRE.MatchString(c.Embedder.Model()) {
		return fmt.Errorf("knowledge: embedding model name %q must be letters, digits and ._:/-", c.Embedder.Model())
	}
	if off, ok := c.Embedder.(*OfflineEmbedder); ok && off.cfg.Projection != nil && off.cfg.Projection.In != off.cfg.Dim {
		return fmt.Errorf("knowledge: the projection maps %d dimensions, the offline embedder hashes into %d", off.cfg.Projection.In, off.cfg.Dim)
	}
	if d := c.Embedder.Dim(); d < 1 || d > 2000 {
		return fmt.Errorf("knowledge: embedding dimension %d must be 1..2000 (the HNSW limit)", d)
	}
	if c.MaxFileBytes < 1 {
		return errors.New("knowledge: MaxFileBytes must be positive")
	}
	if c.LLM != nil {
		if err := c.LLM.validate(); err != nil {
			return err
		}
	}
	return c.Search.validate()
}

// Store is the knowledge base: documents, FAQ entries and synonyms in
// PostgreSQL, hybrid search over them and grounded answers. It is safe for
// concurrent use.
type Store struct {
	db       DB
	log      *slog.Logger
	embedder Embedder
	llm      *llmAnswerer
	cfg      Config
	sql      searchSQL

	mu        sync.Mutex
	stats     *Stats
	statsAt   time.Time
	synonyms  *synonymIndex
	synAt     time.Time
	statsLoad sync.Mutex // one reload at a time

	jobs   sync.WaitGroup
	stopMu sync.Mutex
	stop   context.CancelFunc
	base   context.Context
}

// NewStore validates cfg and returns a Store. It does not touch the
// database; EnsureIndexes and the first search do.
func NewStore(cfg Config) (*Store, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &Store{db: cfg.DB, log: cfg.Logger, embedder: cfg.Embedder, cfg: cfg}
	s.sql = buildSearchSQL(cfg.Embedder.Model(), cfg.Embedder.Dim())
	if cfg.LLM != nil {
		s.llm = newLLMAnswerer(*cfg.LLM, cfg.Logger)
	}
	s.base, s.stop = context.WithCancel(context.Background())
	return s, nil
}

// Close stops background jobs and waits for them to record their state.
func (s *Store) Close() {
	s.stopMu.Lock()
	s.stop()
	s.stopMu.Unlock()
	s.jobs.Wait()
}

// EmbeddingModel is the name of the model whose vectors searches compare.
func (s *Store) EmbeddingModel() string { return s.embedder.Model() }

// MaxFileBytes is the largest file Import accepts.
func (s *Store) MaxFileBytes() int64 { return s.cfg.MaxFileBytes }

// EnsureIndexes creates the HNSW indexes for the configured embedding model
// when they are missing (the migration creates them only for the default
// offline model). CREATE INDEX CONCURRENTLY keeps searches running meanwhile.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	for _, table := range []string{"kb_chunks", "kb_faq_questions"} {
		name := indexName(table, s.embedder.Model())
		var exists bool
		if err := s.db.QueryRow(ctx, sqlIndexExists, name).Scan(&exists); err != nil {
			return fmt.Errorf("checking index %s: %w", name, err)
		}
		if exists {
			continue
		}
		s.log.InfoContext(ctx, "creating vector index", "index", name, "model", s.embedder.Model())
		ddl := fmt.Sprintf(`CREATE INDEX CONCURRENTLY IF NOT EXISTS %s ON %s USING hnsw ((embedding::halfvec(%d)) halfvec_cosine_ops) WITH (m = %d, ef_construction = %d) WHERE embedding_model = %s`,
			pgx.Identifier{name}.Sanitize(), table, s.embedder.Dim(), hnswM, hnswEfConstruction, quoteLiteral(s.embedder.Model()))
		if _, err := s.db.Exec(ctx, ddl); err != nil {
			return fmt.Errorf("creating index %s: %w", name, err)
		}
	}
	return nil
}

// HNSW build parameters. The offline embedder's hashed TF-IDF vectors are
// nearly orthogonal to one another, which HNSW navigates poorly: at 100,000
// passages and ef_search 100, m = 16 / ef_construction = 128 found 55% of
// the exact top 10, m = 32 / ef_construction = 256 75%. Building takes about
// twice as long, which matters little next to search quality.
const (
	hnswM              = 32
	hnswEfConstruction = 256
)

// indexName is the vector index name for a table and model. Indexes are on
// the halfvec expression (see buildSearchSQL); "half_" keeps them apart from
// the full-precision ones that migration 002 and older releases created,
// which searches no longer use.
func indexName(table, model string) string {
	b := []byte(table + "_embedding_half_")
	for _, r := range model {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b = append(b, byte(r))
		case r >= 'A' && r <= 'Z':
			b = append(b, byte(r-'A'+'a'))
		default:
			b = append(b, '_')
		}
	}
	name := string(b) + "_idx"
	if len(name) > 63 {
		name = name[:63]
	}
	return name
}

// quoteLiteral quotes a validated model name for the few statements that
// must carry it literally (a partial index predicate is only matched by a
// query that states the same constant).
func quoteLiteral(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}

// inTx runs f in a transaction on the store's database.
func (s *Store) inTx(ctx context.Context, f func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.db, f)
}

// DropVectorIndexes drops the configured model's HNSW indexes. Bulk loads
// (evaluations at scale) drop them, load, and rebuild with EnsureIndexes,
// which is much faster than inserting into the graph row by row.
func (s *Store) DropVectorIndexes(ctx context.Context) error {
	for _, table := range []string{"kb_chunks", "kb_faq_questions"} {
		name := indexName(table, s.embedder.Model())
		if _, err := s.db.Exec(ctx, "DROP INDEX IF EXISTS "+pgx.Identifier{name}.Sanitize()); err != nil {
			return fmt.Errorf("dropping index %s: %w", name, err)
		}
	}
	return nil
}
