package main

import (
	"cmp"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/xiaobao-cn/xiaobao/knowledge"
)

// Config is every setting read from the environment. Each field names its
// variable; README.md has the same table for operators.
type Config struct {
	// DatabaseURL is DATABASE_URL, a PostgreSQL URL with pgvector available.
	// Required for everything but `classify` and `help`.
	DatabaseURL string
	// Addr is XIAOBAO_ADDR, the HTTP listen address. Defaults to ":8080".
	Addr string
	// LogFormat is XIAOBAO_LOG_FORMAT: "text", "json" or "auto" (text on a
	// terminal, JSON otherwise). Defaults to "auto".
	LogFormat string
	// LogLevel is XIAOBAO_LOG_LEVEL: debug, info, warn or error. Defaults to info.
	LogLevel string
	// PublicURL is XIAOBAO_PUBLIC_URL, printed at start and used in the widget
	// snippet. Defaults to http://localhost:<port>.
	PublicURL string
	// AllowedOrigins is XIAOBAO_ALLOWED_ORIGINS, comma-separated origins that
	// may open the chat websocket; empty means same-origin only.
	AllowedOrigins []string

	// OpenAIBaseURL is OPENAI_BASE_URL; setting it (with OPENAI_API_KEY)
	// switches on LLM generation, extraction and embeddings.
	OpenAIBaseURL string
	// OpenAIAPIKey is OPENAI_API_KEY.
	OpenAIAPIKey string
	// ChatModel is OPENAI_CHAT_MODEL. Defaults to "gpt-4o-mini".
	ChatModel string
	// EmbeddingModel is OPENAI_EMBEDDING_MODEL. Defaults to
	// "text-embedding-3-small". Empty-string OPENAI_EMBEDDING_MODEL=offline
	// keeps the offline embedder while using the LLM for text.
	EmbeddingModel string
	// LLMTimeout is XIAOBAO_LLM_TIMEOUT, after which the offline engine
	// answers instead. Defaults to 8s.
	LLMTimeout time.Duration

	// EmbeddingDim is XIAOBAO_EMBEDDING_DIM for the offline embedder.
	// Defaults to 1024.
	EmbeddingDim int
	// EmbeddingProjection is XIAOBAO_EMBEDDING_PROJECTION, a projection file
	// written by `xiaobao kb fit-projection`: the offline embedder then maps
	// its vectors onto the knowledge base's main directions, a smaller and
	// somewhat faster HNSW index for a large knowledge base at some cost in
	// ranking (docs/evaluation.md). Empty (the default) means no projection.
	EmbeddingProjection string
	// SemanticModel is XIAOBAO_SEMANTIC_MODEL: the offline embedder's
	// semantic model, a file written by `xiaobao kb train-semantic`, or
	// "off" for none. Empty (the default) means the model built into the
	// binary. Changing it changes the vectors: `kb seed` or `kb reembed`
	// re-embeds.
	SemanticModel string
	// SemanticWeight is XIAOBAO_SEMANTIC_WEIGHT, the semantic part's
	// weight in each offline vector. Defaults to the knowledge package's
	// default.
	SemanticWeight float64
	// EfSearch is XIAOBAO_HNSW_EF_SEARCH, hnsw.ef_search for vector search.
	// Defaults to the knowledge package's default (200).
	EfSearch int
	// MaxUploadBytes is XIAOBAO_MAX_UPLOAD_BYTES for knowledge imports.
	// Defaults to 10 MB.
	MaxUploadBytes int64
	// LargeAmountYuan is XIAOBAO_LARGE_AMOUNT_YUAN, the large_amount flag
	// threshold. Defaults to 50000.
	LargeAmountYuan float64
	// DeadlineDays is XIAOBAO_DEADLINE_DAYS (15), ComplexDeadlineDays
	// XIAOBAO_COMPLEX_DEADLINE_DAYS (30) and ExtensionDays
	// XIAOBAO_EXTENSION_DAYS (30): the legal clock, configurable because the
	// rule is being revised.
	DeadlineDays, ComplexDeadlineDays, ExtensionDays int
	// WorkingDays is XIAOBAO_WORKING_DAYS: count deadlines in working days
	// (true) or calendar days (false, the default).
	WorkingDays bool
	// HolidaysFile is XIAOBAO_HOLIDAYS_FILE, a list of YYYY-MM-DD holidays.
	HolidaysFile string
	// RoutingFile is XIAOBAO_ROUTING_FILE, the institutions and routing rules
	// (YAML). Defaults to the embedded file.
	RoutingFile string
	// TriageModel is XIAOBAO_TRIAGE_MODEL, a classifier model file written by
	// `xiaobao triage train --with-corrections --out FILE`, so a model that
	// learned from handlers' corrections is served without a rebuild.
	// Defaults to the model embedded in the binary.
	TriageModel string
	// WSConnsPerIP is XIAOBAO_WS_CONNS_PER_IP, concurrent chat websockets
	// per address. Defaults to 30.
	WSConnsPerIP int
	// WSMessagesPerMinute is XIAOBAO_WS_MSGS_PER_MIN per connection.
	// Defaults to 30.
	WSMessagesPerMinute int
	// WSIPMessagesPerMinute is XIAOBAO_WS_IP_MSGS_PER_MIN across one
	// address's connections. Defaults to 240.
	WSIPMessagesPerMinute int
	// RetentionDays is XIAOBAO_RETENTION_DAYS: transcripts of closed cases are
	// purged after this many days. Defaults to 365.
	RetentionDays int
}

// LLMEnabled reports whether an OpenAI-compatible endpoint is configured.
func (c Config) LLMEnabled() bool { return c.OpenAIBaseURL != "" }

func loadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL:    getenv("DATABASE_URL"),
		Addr:           cmp.Or(getenv("XIAOBAO_ADDR"), ":8080"),
		LogFormat:      cmp.Or(getenv("XIAOBAO_LOG_FORMAT"), "auto"),
		LogLevel:       cmp.Or(getenv("XIAOBAO_LOG_LEVEL"), "info"),
		PublicURL:      getenv("XIAOBAO_PUBLIC_URL"),
		OpenAIBaseURL:  getenv("OPENAI_BASE_URL"),
		OpenAIAPIKey:   getenv("OPENAI_API_KEY"),
		ChatModel:      cmp.Or(getenv("OPENAI_CHAT_MODEL"), "gpt-4o-mini"),
		EmbeddingModel: cmp.Or(getenv("OPENAI_EMBEDDING_MODEL"), "text-embedding-3-small"),
		HolidaysFile:   getenv("XIAOBAO_HOLIDAYS_FILE"),
		RoutingFile:    getenv("XIAOBAO_ROUTING_FILE"),
		TriageModel:    getenv("XIAOBAO_TRIAGE_MODEL"),

		EmbeddingProjection: getenv("XIAOBAO_EMBEDDING_PROJECTION"),
		SemanticModel:       getenv("XIAOBAO_SEMANTIC_MODEL"),
	}
	for _, o := range strings.Split(getenv("XIAOBAO_ALLOWED_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.AllowedOrigins = append(c.AllowedOrigins, o)
		}
	}
	var errs []string
	dur := func(name string, def time.Duration) time.Duration {
		v := getenv(name)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Sprintf("%s=%q is not a positive duration like 8s", name, v))
			return def
		}
		return d
	}
	integer := func(name string, def, min, max int) int {
		v := getenv(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < min || n > max {
			errs = append(errs, fmt.Sprintf("%s=%q must be a whole number from %d to %d", name, v, min, max))
			return def
		}
		return n
	}
	c.LLMTimeout = dur("XIAOBAO_LLM_TIMEOUT", 8*time.Second)
	c.EmbeddingDim = integer("XIAOBAO_EMBEDDING_DIM", 1024, 64, 2000)
	if v := getenv("XIAOBAO_SEMANTIC_WEIGHT"); v != "" {
		w, err := strconv.ParseFloat(v, 64)
		if err != nil || w <= 0 || w > 100 || math.IsNaN(w) {
			errs = append(errs, fmt.Sprintf("XIAOBAO_SEMANTIC_WEIGHT=%q must be a number above 0 and at most 100", v))
		} else {
			c.SemanticWeight = w
		}
	}
	c.EfSearch = integer("XIAOBAO_HNSW_EF_SEARCH", knowledge.DefaultEfSearch, 10, 1000)
	c.MaxUploadBytes = int64(integer("XIAOBAO_MAX_UPLOAD_BYTES", 10<<20, 1024, 1<<30))
	c.LargeAmountYuan = float64(integer("XIAOBAO_LARGE_AMOUNT_YUAN", 50000, 1, 1<<30))
	c.DeadlineDays = integer("XIAOBAO_DEADLINE_DAYS", 15, 1, 365)
	c.ComplexDeadlineDays = integer("XIAOBAO_COMPLEX_DEADLINE_DAYS", 30, 1, 365)
	c.ExtensionDays = integer("XIAOBAO_EXTENSION_DAYS", 30, 0, 365)
	c.WSConnsPerIP = integer("XIAOBAO_WS_CONNS_PER_IP", 30, 1, 1000000)
	c.WSMessagesPerMinute = integer("XIAOBAO_WS_MSGS_PER_MIN", 30, 1, 1000000)
	c.WSIPMessagesPerMinute = integer("XIAOBAO_WS_IP_MSGS_PER_MIN", 240, 1, 100000000)
	c.RetentionDays = integer("XIAOBAO_RETENTION_DAYS", 365, 1, 36500)
	switch v := getenv("XIAOBAO_WORKING_DAYS"); v {
	case "", "0", "false":
	case "1", "true":
		c.WorkingDays = true
	default:
		errs = append(errs, fmt.Sprintf("XIAOBAO_WORKING_DAYS=%q must be true or false", v))
	}
	switch c.LogFormat {
	case "auto", "text", "json":
	default:
		errs = append(errs, fmt.Sprintf("XIAOBAO_LOG_FORMAT=%q must be auto, text or json", c.LogFormat))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Sprintf("XIAOBAO_LOG_LEVEL=%q must be debug, info, warn or error", c.LogLevel))
	}
	if c.OpenAIBaseURL != "" {
		if u, err := url.Parse(c.OpenAIBaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Sprintf("OPENAI_BASE_URL=%q is not an http(s) URL", c.OpenAIBaseURL))
		}
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("bad configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// requireDB checks DATABASE_URL for commands that need the database.
func (c Config) requireDB() error {
	if c.DatabaseURL == "" {
		return fmt.Errorf("DATABASE_URL is not set: run `make run`, or export DATABASE_URL=postgres://user:pass@host:5432/db (the server needs the pgvector extension; scripts/dev-db.sh provides one)")
	}
	u, err := url.Parse(c.DatabaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("DATABASE_URL is not a postgres:// URL")
	}
	return nil
}
