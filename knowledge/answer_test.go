package knowledge

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

var answerCiteRE = regexp.MustCompile(`（《[^（）]*》[^（）]*）$`)

// grounded checks that every sentence of an extractive answer is copied
// from the passages it cites.
func grounded(t *testing.T, a Answer) {
	t.Helper()
	var source strings.Builder
	for _, h := range a.Hits {
		for _, line := range strings.Split(h.Text, "\n") {
			source.WriteString(listMarkRE.ReplaceAllString(line, ""))
		}
	}
	paras := strings.Split(a.Text, "\n\n")
	eq(t, len(a.Citations), len(paras), "one citation per paragraph")
	for i, p := range paras {
		m := answerCiteRE.FindString(p)
		isTrue(t, m != "", "paragraph %d ends with its citation: %q", i, p)
		eq(t, "（"+a.Citations[i].Citation+"）", m)
		body := strings.TrimSuffix(p, m)
		for _, s := range sentenceRE.FindAllString(body, -1) {
			s = strings.TrimSuffix(strings.TrimSpace(s), "。")
			if s == "" {
				continue
			}
			has(t, source.String(), s, "sentence not from a passage")
		}
	}
}

func TestAnswerOfflineIsGrounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newTestStore(t, seededTx(t))
	for _, q := range []string{
		"银行倒闭了我的存款最多能赔多少？",
		"信用卡被盗刷了银行要不要赔",
		"保险公司理赔最长能拖多久？",
		"有人打电话说我涉嫌洗钱，让我把钱转到安全账户",
	} {
		a, err := s.Answer(ctx, q)
		noErr(t, err)
		isTrue(t, a.Confident, "%s: confident answer expected (score %.2f)", q, a.Score)
		eq(t, EngineOffline, a.Engine)
		isTrue(t, len(a.Citations) >= 1 && len(a.Citations) <= maxAnswerParas, "1–3 paragraphs")
		grounded(t, a)
	}
}

func TestAnswerNotConfidentOffTopic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newTestStore(t, seededTx(t))
	for _, q := range []string{"今天天气怎么样", "帮我写一首关于春天的诗", "你喜欢什么颜色", "asdfghjkl"} {
		a, err := s.Answer(ctx, q)
		noErr(t, err)
		isTrue(t, !a.Confident, "%s: no confident answer expected, got %.2f: %s", q, a.Score, a.Text)
		eq(t, "", a.Text, "nothing is invented")
	}
}

// TestAnswerNeedsTheQuestionsWords: finance questions the seed does not
// cover share domain words and character pairs with some passage (贷款,
// 利率, 房贷) and used to get an answer from it; a confident answer now
// needs the passage to share enough of the question's own words.
func TestAnswerNeedsTheQuestionsWords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newTestStore(t, seededTx(t))
	for _, q := range []string{"公积金贷款利率现在是多少", "个税专项附加扣除房贷利息怎么填"} {
		a, err := s.Answer(ctx, q)
		noErr(t, err)
		isTrue(t, !a.Confident, "%s: no confident answer expected, got %.2f: %s", q, a.Score, a.Text)
		isTrue(t, a.Score >= s.cfg.Search.Threshold, "%s: relevance %.2f alone would have answered; the test no longer tests the word gate", q, a.Score)
	}
	for q, cite := range map[string]string{"什么是犹豫期": "犹豫期", "存款保险最多赔多少": "存款保险"} {
		a, err := s.Answer(ctx, q)
		noErr(t, err)
		isTrue(t, a.Confident && len(a.Hits) > 0 && strings.Contains(a.Hits[0].Citation, cite), "%s: want a confident answer citing %s, got %+v", q, cite, a.Citations)
		isTrue(t, a.Hits[0].WordEvidence >= a.Hits[0].wordsNeeded, "%s: word evidence %.2f below %.2f", q, a.Hits[0].WordEvidence, a.Hits[0].wordsNeeded)
	}
}

// fakeOpenAI speaks the OpenAI wire format: chat completions streamed as
// server-sent events, and embeddings.
type fakeOpenAI struct {
	mu       sync.Mutex
	bodies   []string
	reply    string
	status   int
	delay    time.Duration
	embedErr int // fail this many embedding calls with 429 first
}

func (f *fakeOpenAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.bodies = append(f.bodies, string(b))
	reply, status, delay := f.reply, f.status, f.delay
	fail := f.embedErr > 0 && strings.HasSuffix(r.URL.Path, "/embeddings")
	if fail {
		f.embedErr--
	}
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if fail {
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"error":{"message":"rate limited","type":"rate_limit"}}`)
		return
	}
	if status != 0 {
		w.WriteHeader(status)
		fmt.Fprint(w, `{"error":{"message":"boom","type":"server_error"}}`)
		return
	}
	if strings.HasSuffix(r.URL.Path, "/embeddings") {
		var req struct {
			Input []string `json:"input"`
		}
		_ = json.Unmarshal(b, &req)
		var data []map[string]any
		for i := range req.Input {
			v := make([]float32, 8)
			v[i%8] = 1
			data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": v})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": "fake-embed"})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	for _, piece := range splitEvery(reply, 7) {
		chunk := map[string]any{"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "fake",
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": piece}}}}
		b, _ := json.Marshal(chunk)
		fmt.Fprintf(w, "data: %s\n\n", b)
		w.(http.Flusher).Flush()
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
}

func splitEvery(s string, n int) []string {
	r := []rune(s)
	var out []string
	for len(r) > 0 {
		k := min(n, len(r))
		out = append(out, string(r[:k]))
		r = r[k:]
	}
	return out
}

func (f *fakeOpenAI) client(t *testing.T) *openai.Client {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := openai.DefaultConfig("test-key")
	cfg.BaseURL = srv.URL + "/v1"
	return openai.NewClientWithConfig(cfg)
}

func (f *fakeOpenAI) requests() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.bodies, "\n")
}

func llmStore(t *testing.T, f *fakeOpenAI, timeout time.Duration) *Store {
	return newTestStore(t, seededTx(t), func(c *Config) {
		c.LLM = &LLMConfig{Client: f.client(t), Model: "fake", Timeout: timeout}
	})
}

const depositQ = "我的手机13812345678，银行倒闭了存款最多能赔多少？"

func TestAnswerLLMGoodCitations(t *testing.T) {
	t.Parallel()
	f := &fakeOpenAI{reply: "存款保险每人每家银行最高赔付50万元[1]。\n超过的部分按清算结果受偿【1】。"}
	s := llmStore(t, f, 5*time.Second)
	var streamed strings.Builder
	a, err := s.AnswerStream(context.Background(), depositQ, func(d string) { streamed.WriteString(d) })
	noErr(t, err)
	isTrue(t, a.Confident, "confident")
	eq(t, EngineLLM, a.Engine, a.Fallback)
	eq(t, "存款保险每人每家银行最高赔付50万元[1]。\n超过的部分按清算结果受偿[1]。", a.Text)
	eq(t, a.Text, strings.TrimSpace(streamed.String()), "the stream adds up to the answer")
	eq(t, 1, len(a.Citations))
	eq(t, a.Hits[0].Citation != "", true)
	req := f.requests()
	hasNot(t, req, "13812345678", "no raw phone number in the prompt")
	has(t, req, "138****5678", "the masked number is there")
	has(t, req, "[1] 《", "passages are numbered with their citations")
}

func TestAnswerLLMFallbacks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		f       *fakeOpenAI
		timeout time.Duration
		reason  string
	}{
		{"bad citation", &fakeOpenAI{reply: "存款最高赔付五百万元[9]。"}, 5 * time.Second, "does not exist"},
		{"no citation", &fakeOpenAI{reply: "存款最高赔付五百万元。"}, 5 * time.Second, "cites no passage"},
		{"server error", &fakeOpenAI{status: 500}, 5 * time.Second, "500"},
		{"timeout", &fakeOpenAI{reply: "太慢了[1]。", delay: 3 * time.Second}, 200 * time.Millisecond, "deadline"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := llmStore(t, c.f, c.timeout)
			start := time.Now()
			a, err := s.AnswerStream(context.Background(), depositQ, func(string) {})
			noErr(t, err)
			isTrue(t, time.Since(start) < 2500*time.Millisecond, "fallback does not wait for a slow LLM")
			isTrue(t, a.Confident, "the extractive answer is used")
			eq(t, EngineOffline, a.Engine)
			has(t, a.Fallback, c.reason)
			hasNot(t, a.Text, "五百万")
			grounded(t, a)
			hasNot(t, c.f.requests(), "13812345678")
		})
	}
}

func TestCiteValidatorRenumbers(t *testing.T) {
	t.Parallel()
	v := newCiteValidator(3)
	var out strings.Builder
	for _, piece := range []string{"第一句[", "3]。第二", "句[1，3]。第三句", "没有引用"} {
		s, err := v.feed(piece)
		noErr(t, err)
		out.WriteString(s)
	}
	rest, err := v.flush()
	noErr(t, err)
	out.WriteString(rest)
	eq(t, "第一句[1]。第二句[2][1]。第三句没有引用", out.String())
	eq(t, []int{3, 1}, v.order)
	bad := newCiteValidator(2)
	_, err = bad.feed("错误[4]。下一句")
	isTrue(t, err != nil, "a citation beyond the passages is rejected as soon as its sentence is complete")
	bad = newCiteValidator(2)
	_, err = bad.feed("结尾错误[3]")
	noErr(t, err)
	_, err = bad.flush()
	isTrue(t, err != nil, "and at the end of the stream")
}

func TestOpenAIEmbedderRetriesAndBatches(t *testing.T) {
	t.Parallel()
	f := &fakeOpenAI{embedErr: 2}
	e, err := NewOpenAIEmbedder(OpenAIEmbedderConfig{Client: f.client(t), Model: "fake-embed", Dim: 8, BatchSize: 2})
	noErr(t, err)
	vecs, err := e.Embed(context.Background(), []string{"一", "二", "电话13812345678"})
	noErr(t, err)
	eq(t, 3, len(vecs))
	eq(t, float32(1), vecs[1][1], "results in input order")
	eq(t, 4, strings.Count(f.requests(), `"model":"fake-embed"`), "two failures retried, then two batches")
	hasNot(t, f.requests(), "13812345678")

	f.status = 400
	_, err = e.Embed(context.Background(), []string{"x"})
	isTrue(t, err != nil, "a client error is not retried forever")
}

// TestSearchWithRemoteEmbedderDown indexes with an OpenAI-compatible
// embedder, then takes it down: searches and answers still work lexically.
func TestSearchWithRemoteEmbedderDown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := &fakeOpenAI{}
	e, err := NewOpenAIEmbedder(OpenAIEmbedderConfig{Client: f.client(t), Model: "fake-embed", Dim: 8, Retries: 1})
	noErr(t, err)
	s := newTestStore(t, dbtest.TestTx(t), func(c *Config) { c.Embedder = e })
	_, err = s.ImportBytes(ctx, "lit-card-theft.md", []byte(cardDoc), ImportOptions{Publish: true})
	noErr(t, err)
	hits, err := s.Search(ctx, SearchQuery{Text: "银行卡被盗刷了", K: 3})
	noErr(t, err)
	isTrue(t, len(hits) > 0 && hits[0].VectorRank+hits[0].FAQVectorRank > 0, "remote vectors are used while the endpoint works: %+v", hits)

	f.mu.Lock()
	f.status = 503
	f.mu.Unlock()
	hits, err = s.Search(ctx, SearchQuery{Text: "银行卡被盗刷了", K: 3})
	noErr(t, err)
	isTrue(t, len(hits) > 0, "lexical lists still answer")
	eq(t, 0, hits[0].VectorRank+hits[0].FAQVectorRank)
	_, err = s.ImportBytes(ctx, "other.md", []byte("# 其他\n\n正文内容。"), ImportOptions{})
	isTrue(t, err != nil, "an import needs its embeddings and fails cleanly")
	eq(t, 0, countRows(t, s.db, `SELECT count(*) FROM kb_documents WHERE slug = 'other'`), "nothing half-imported")
}
