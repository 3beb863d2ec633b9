package triage

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeOpenAI is an in-process server speaking the OpenAI chat-completions
// wire format. reply builds the function-call arguments for a request.
type fakeOpenAI struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	bodies []string
}

func newFakeOpenAI(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, req map[string]any)) *fakeOpenAI {
	f := &fakeOpenAI{t: t}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if r.Header.Get("Authorization") != "Bearer test-key" {
			http.Error(w, `{"error":{"message":"bad key"}}`, http.StatusUnauthorized)
			return
		}
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.bodies = append(f.bodies, string(b))
		f.mu.Unlock()
		var req map[string]any
		if err := json.Unmarshal(b, &req); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		handle(w, r, req)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeOpenAI) lastBody() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.bodies) == 0 {
		return ""
	}
	return f.bodies[len(f.bodies)-1]
}

// toolCallReply writes a chat completion whose message calls the
// classification function with args.
func toolCallReply(w http.ResponseWriter, args string) {
	resp := map[string]any{
		"id": "chatcmpl-test", "object": "chat.completion", "created": 1700000000, "model": "gpt-4o-mini",
		"choices": []any{map[string]any{
			"index": 0, "finish_reason": "tool_calls",
			"message": map[string]any{
				"role": "assistant", "content": nil,
				"tool_calls": []any{map[string]any{
					"id": "call_1", "type": "function",
					"function": map[string]any{"name": llmToolName, "arguments": args},
				}},
			},
		}},
		"usage": map[string]any{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func llmTestClassifier(t *testing.T, f *fakeOpenAI, timeout time.Duration) *Classifier {
	t.Helper()
	c, err := LoadClassifier(ClassifierConfig{LLM: &LLMConfig{BaseURL: f.srv.URL + "/v1", APIKey: "test-key", Model: "gpt-4o-mini", Timeout: timeout}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const llmTestText = "我的手机13812345678，身份证110101199003071234，招行信用卡乱扣了我2300元年费，要求退款"

func TestLLMClassifierUsesValidAnswer(t *testing.T) {
	t.Parallel()
	f := newFakeOpenAI(t, func(w http.ResponseWriter, r *http.Request, req map[string]any) {
		toolCallReply(w, `{"intent":"complaint","product":"credit_card","product_confidence":0.97,"reason":"fees","reason_confidence":0.88,"flags":["escalation"],"demands":["refund"],"institution":"招行"}`)
	})
	c := llmTestClassifier(t, f, 5*time.Second)
	got := c.Classify(context.Background(), llmTestText, time.Now())
	if got.Engine != "llm" || got.Product != "credit_card" || got.Reason != "fees" || got.ProductConfidence != 0.97 || got.ReasonConfidence != 0.88 {
		t.Fatalf("Classify = %+v, want the LLM's labels", got)
	}
	if !got.HasFlag("escalation") || len(got.Demands) != 1 || got.Demands[0] != "refund" {
		t.Errorf("flags %v demands %v: want the LLM's escalation flag and refund", got.Flags, got.Demands)
	}
	if got.Institution != "招商银行" || got.AmountYuan == nil || *got.AmountYuan != 2300 {
		t.Errorf("institution %q amount %v: want extraction kept", got.Institution, got.AmountYuan)
	}
	body := f.lastBody()
	for _, raw := range []string{"13812345678", "110101199003071234"} {
		if strings.Contains(body, raw) {
			t.Errorf("prompt contains unmasked personal data %s", raw)
		}
	}
	if !strings.Contains(body, "138****5678") {
		t.Errorf("prompt lacks the masked phone: %s", body)
	}
	var req struct {
		Model string `json:"model"`
		Tools []struct {
			Type     string `json:"type"`
			Function struct {
				Name       string          `json:"name"`
				Parameters json.RawMessage `json:"parameters"`
			} `json:"function"`
		} `json:"tools"`
		ToolChoice struct {
			Function struct{ Name string } `json:"function"`
		} `json:"tool_choice"`
	}
	if err := json.Unmarshal([]byte(body), &req); err != nil {
		t.Fatal(err)
	}
	if req.Model != "gpt-4o-mini" || len(req.Tools) != 1 || req.Tools[0].Function.Name != llmToolName || req.ToolChoice.Function.Name != llmToolName {
		t.Errorf("request does not force the classification function: %s", body)
	}
	if !strings.Contains(string(req.Tools[0].Function.Parameters), `"fund_security"`) {
		t.Errorf("schema lacks the taxonomy enums: %s", req.Tools[0].Function.Parameters)
	}
}

func TestLLMClassifierKeepsOfflineFraudFlag(t *testing.T) {
	t.Parallel()
	f := newFakeOpenAI(t, func(w http.ResponseWriter, r *http.Request, req map[string]any) {
		toolCallReply(w, `{"intent":"question","product":"savings","product_confidence":0.6,"reason":"","reason_confidence":0,"flags":[],"demands":[],"institution":""}`)
	})
	c := llmTestClassifier(t, f, 5*time.Second)
	got := c.Classify(context.Background(), "有人说是公安，让我把钱转到安全账户，现在还在通话中，要转吗", time.Now())
	if got.Engine != "llm" || !got.HasFlag("fraud_in_progress") {
		t.Fatalf("Classify = %+v: the offline fraud rule must survive an LLM that missed it", got)
	}
}

func TestLLMClassifierFallsBack(t *testing.T) {
	t.Parallel()
	cases := map[string]func(w http.ResponseWriter, r *http.Request, req map[string]any){
		"invalid product": func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
			toolCallReply(w, `{"intent":"complaint","product":"crypto","product_confidence":0.9,"reason":"fees","reason_confidence":0.9,"flags":[],"demands":[],"institution":""}`)
		},
		"invalid flag": func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
			toolCallReply(w, `{"intent":"complaint","product":"loan","product_confidence":0.9,"reason":"fees","reason_confidence":0.9,"flags":["urgent"],"demands":[],"institution":""}`)
		},
		"confidence out of range": func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
			toolCallReply(w, `{"intent":"complaint","product":"loan","product_confidence":7,"reason":"fees","reason_confidence":0.9,"flags":[],"demands":[],"institution":""}`)
		},
		"arguments not JSON": func(w http.ResponseWriter, _ *http.Request, _ map[string]any) { toolCallReply(w, `{"intent": "compl`) },
		"server error": func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
			http.Error(w, `{"error":{"message":"overloaded","type":"server_error"}}`, http.StatusInternalServerError)
		},
		"no choices": func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"id":"x","object":"chat.completion","choices":[]}`)
		},
	}
	for name, handle := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := llmTestClassifier(t, newFakeOpenAI(t, handle), 5*time.Second)
			got := c.Classify(context.Background(), llmTestText, time.Now())
			want := c.ClassifyOffline(llmTestText, time.Now())
			if got.Engine != "offline" || got.Product != want.Product || got.Reason != want.Reason {
				t.Fatalf("Classify = %+v, want the offline result %+v", got, want)
			}
		})
	}
}

func TestLLMClassifierTimesOut(t *testing.T) {
	t.Parallel()
	f := newFakeOpenAI(t, func(w http.ResponseWriter, r *http.Request, req map[string]any) {
		select {
		case <-r.Context().Done(): // the client gave up
		case <-time.After(10 * time.Second):
		}
	})
	c := llmTestClassifier(t, f, 150*time.Millisecond)
	c.ClassifyOffline(llmTestText, time.Now()) // load jieba outside the timing
	start := time.Now()
	got := c.Classify(context.Background(), llmTestText, time.Now())
	if got.Engine != "offline" {
		t.Fatalf("Classify = %+v, want the offline result after the timeout", got)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Classify took %v, want it bounded by the LLM timeout", d)
	}
}

func TestLLMClassifierAcceptsJSONContent(t *testing.T) {
	t.Parallel()
	f := newFakeOpenAI(t, func(w http.ResponseWriter, r *http.Request, req map[string]any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "x", "object": "chat.completion", "model": "m",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{
				"role": "assistant", "content": `{"intent":"chitchat","product":"","product_confidence":0,"reason":"","reason_confidence":0,"flags":[],"demands":[],"institution":""}`,
			}}},
		})
	})
	c := llmTestClassifier(t, f, 5*time.Second)
	got := c.Classify(context.Background(), "你好呀", time.Now())
	if got.Engine != "llm" || got.Intent != "chitchat" || got.Product != "" || got.NeedsReview {
		t.Fatalf("Classify = %+v, want a chitchat answer from the content", got)
	}
}
