package knowledge

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/xiaobao-cn/xiaobao/pii"
)

// OpenAIEmbedderConfig configures an OpenAI-compatible embedder.
type OpenAIEmbedderConfig struct {
	// Client talks to the endpoint; required.
	Client *openai.Client
	// Model is the embedding model. Defaults to "text-embedding-3-small".
	Model string
	// Dim is the vector size the model returns. Defaults to 1536.
	Dim int
	// BatchSize is how many texts go in one request. Defaults to 64.
	BatchSize int
	// Timeout bounds one request. Defaults to 20s.
	Timeout time.Duration
	// Retries is how many times a request failing with 429 or 5xx is
	// retried, with exponential backoff from 500ms. Defaults to 4.
	Retries int
}

// OpenAIEmbedder embeds with an OpenAI-compatible /embeddings endpoint.
// Texts are PII-masked before they leave the process.
type OpenAIEmbedder struct {
	cfg OpenAIEmbedderConfig
}

// NewOpenAIEmbedder returns an embedder; it does not call the endpoint.
func NewOpenAIEmbedder(cfg OpenAIEmbedderConfig) (*OpenAIEmbedder, error) {
	if cfg.Client == nil {
		return nil, errors.New("knowledge: OpenAIEmbedderConfig.Client is required")
	}
	cfg.Model = cmp.Or(cfg.Model, "text-embedding-3-small")
	cfg.Dim = cmp.Or(cfg.Dim, 1536)
	cfg.BatchSize = cmp.Or(cfg.BatchSize, 64)
	cfg.Timeout = cmp.Or(cfg.Timeout, 20*time.Second)
	cfg.Retries = cmp.Or(cfg.Retries, 4)
	return &OpenAIEmbedder{cfg: cfg}, nil
}

// Model is the configured model name.
func (e *OpenAIEmbedder) Model() string { return e.cfg.Model }

// Dim is the configured dimension.
func (e *OpenAIEmbedder) Dim() int { return e.cfg.Dim }

// Embed embeds texts in batches, retrying rate limits and server errors.
func (e *OpenAIEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += e.cfg.BatchSize {
		batch := texts[start:min(start+e.cfg.BatchSize, len(texts))]
		input := make([]string, len(batch))
		for i, t := range batch {
			// The endpoint rejects empty input; a lone space embeds as "nothing".
			input[i] = cmp.Or(strings.TrimSpace(pii.Mask(truncateRunes(t, 6000))), " ")
		}
		vecs, err := e.embedBatch(ctx, input)
		if err != nil {
			return nil, err
		}
		out = append(out, vecs...)
	}
	return out, nil
}

func (e *OpenAIEmbedder) embedBatch(ctx context.Context, input []string) ([][]float32, error) {
	backoff := 500 * time.Millisecond
	for attempt := 0; ; attempt++ {
		rctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
		resp, err := e.cfg.Client.CreateEmbeddings(rctx, openai.EmbeddingRequestStrings{
			Input: input, Model: openai.EmbeddingModel(e.cfg.Model),
		})
		cancel()
		if err == nil {
			if len(resp.Data) != len(input) {
				return nil, fmt.Errorf("embedding endpoint returned %d vectors for %d texts", len(resp.Data), len(input))
			}
			vecs := make([][]float32, len(input))
			for _, d := range resp.Data {
				if d.Index < 0 || d.Index >= len(input) {
					return nil, fmt.Errorf("embedding endpoint returned index %d of %d", d.Index, len(input))
				}
				if len(d.Embedding) != e.cfg.Dim {
					return nil, fmt.Errorf("embedding model %s returned %d dimensions, configured %d (set XIAOBAO_EMBEDDING_DIM)", e.cfg.Model, len(d.Embedding), e.cfg.Dim)
				}
				vecs[d.Index] = d.Embedding
			}
			return vecs, nil
		}
		if attempt >= e.cfg.Retries || !retryable(err) || ctx.Err() != nil {
			return nil, fmt.Errorf("embedding with %s: %w", e.cfg.Model, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(backoff):
		}
		backoff *= 2
	}
}

// retryable reports whether an endpoint error is worth retrying: rate
// limits, server errors and timeouts of a single request.
func retryable(err error) bool {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.HTTPStatusCode == 429 || apiErr.HTTPStatusCode >= 500
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return reqErr.HTTPStatusCode == 429 || reqErr.HTTPStatusCode >= 500
	}
	return errors.Is(err, context.DeadlineExceeded)
}
