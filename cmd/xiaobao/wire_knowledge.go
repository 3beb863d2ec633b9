package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/xiaobao-cn/xiaobao/knowledge"
)

// newKnowledge builds the knowledge base from the configuration: the offline
// embedder and extractive answers by default; with OPENAI_BASE_URL set, LLM
// answers and (unless OPENAI_EMBEDDING_MODEL=offline) OpenAI embeddings.
// Vectors of another model stay invisible to search until `kb reembed`. It
// also creates the vector indexes of the configured model when missing.
func (m *Main) newKnowledge(ctx context.Context) (*knowledge.Store, error) {
	kb, err := m.knowledgeStore()
	if err != nil {
		return nil, err
	}
	if err := kb.EnsureIndexes(ctx); err != nil {
		return nil, fmt.Errorf("knowledge base: %w", err)
	}
	return kb, nil
}

// knowledgeStore is newKnowledge without the vector indexes, for commands
// that only read passages (kb fit-projection): building an index on a large
// table is not theirs to do.
func (m *Main) knowledgeStore() (*knowledge.Store, error) {
	offline := knowledge.OfflineConfig{Dim: m.Config.EmbeddingDim}
	if path := m.Config.EmbeddingProjection; path != "" {
		p, err := readProjection(path)
		if err != nil {
			return nil, fmt.Errorf("XIAOBAO_EMBEDDING_PROJECTION: %w", err)
		}
		offline.Projection = p
	}
	sm, err := m.semanticModel()
	if err != nil {
		return nil, err
	}
	offline.Semantic, offline.SemanticWeight = sm, m.Config.SemanticWeight
	cfg := knowledge.Config{
		DB:           m.Pool,
		Logger:       m.Logger,
		MaxFileBytes: m.Config.MaxUploadBytes,
		Embedder:     knowledge.NewOfflineEmbedder(offline),
		Search:       knowledge.SearchConfig{EfSearch: m.Config.EfSearch},
	}
	if m.Config.LLMEnabled() {
		oc := openai.DefaultConfig(m.Config.OpenAIAPIKey)
		oc.BaseURL = strings.TrimRight(m.Config.OpenAIBaseURL, "/")
		// Each call has its own context deadline; this only stops a hung
		// connection from outliving every deadline.
		oc.HTTPClient = &http.Client{Timeout: m.Config.LLMTimeout + 30*time.Second}
		client := openai.NewClientWithConfig(oc)
		cfg.LLM = &knowledge.LLMConfig{Client: client, Model: m.Config.ChatModel, Timeout: m.Config.LLMTimeout}
		if model := m.Config.EmbeddingModel; model != "offline" {
			dim := m.Config.EmbeddingDim
			if strings.HasPrefix(model, "text-embedding-3") || model == "text-embedding-ada-002" {
				dim = 1536
			}
			emb, err := knowledge.NewOpenAIEmbedder(knowledge.OpenAIEmbedderConfig{Client: client, Model: model, Dim: dim, Timeout: m.Config.LLMTimeout})
			if err != nil {
				return nil, err
			}
			if offline.Projection != nil {
				// The file projects the offline vectors; silently ignoring it
				// would leave the operator believing it is in use.
				return nil, fmt.Errorf("XIAOBAO_EMBEDDING_PROJECTION projects the offline embedder's vectors, but OPENAI_EMBEDDING_MODEL=%s is configured: unset one of them (OPENAI_EMBEDDING_MODEL=offline keeps the offline embedder)", model)
			}
			cfg.Embedder = emb
		}
	}
	kb, err := knowledge.NewStore(cfg)
	if err != nil {
		return nil, fmt.Errorf("knowledge base: %w", err)
	}
	m.onClose(kb.Close)
	return kb, nil
}

// readProjection reads a projection file written by `kb fit-projection`.
func readProjection(path string) (*knowledge.Projection, error) {
	return readTrained(path, knowledge.ReadProjection)
}

// writeTrained writes a trained file (a projection, a semantic model) to
// path; an error names the file.
func writeTrained(path string, v io.WriterTo) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := v.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// readTrained reads a trained file with read, naming the file in errors.
func readTrained[T any](path string, read func(io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		return zero, err
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// semanticModel is the configured semantic model: the shipped one, a
// file's, or none ("off").
func (m *Main) semanticModel() (*knowledge.SemanticModel, error) {
	switch path := m.Config.SemanticModel; path {
	case "":
		return knowledge.ShippedSemanticModel()
	case "off":
		return nil, nil
	default:
		sm, err := readSemanticModel(path)
		if err != nil {
			return nil, fmt.Errorf("XIAOBAO_SEMANTIC_MODEL: %w", err)
		}
		return sm, nil
	}
}

// readSemanticModel reads a model file written by `kb train-semantic`.
func readSemanticModel(path string) (*knowledge.SemanticModel, error) {
	return readTrained(path, knowledge.ReadSemanticModel)
}
