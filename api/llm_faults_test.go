package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/xiaobao-cn/xiaobao/chat"
	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
	"github.com/xiaobao-cn/xiaobao/knowledge"
	"github.com/xiaobao-cn/xiaobao/triage"
)

// fakeLLM speaks the OpenAI wire format (chat completions, streamed or
// not, with tool calls) and misbehaves on demand. It records every prompt
// so tests can check that no personal data left the process.
type fakeLLM struct {
	srv *httptest.Server

	mu      sync.Mutex
	mode    string
	prompts []string
}

func newFakeLLM(t *testing.T) *fakeLLM {
	f := &fakeLLM{mode: "ok"}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeLLM) setMode(m string) {
	f.mu.Lock()
	f.mode = m
	f.mu.Unlock()
}

func (f *fakeLLM) allPrompts() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.prompts, "\n")
}

func (f *fakeLLM) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req openai.ChatCompletionRequest
	_ = json.Unmarshal(body, &req)
	f.mu.Lock()
	for _, m := range req.Messages {
		f.prompts = append(f.prompts, m.Content)
	}
	mode := f.mode
	f.mu.Unlock()

	switch mode {
	case "timeout":
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		return
	case "429":
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"error":{"message":"rate limited","type":"rate_limit_error"}}`)
		return
	case "500":
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"error":{"message":"boom","type":"server_error"}}`)
		return
	case "malformed":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"x","choices":[{"message":{"content":`)
		return
	}
	if len(req.Tools) > 0 {
		intent := "complaint"
		if last := req.Messages[len(req.Messages)-1].Content; strings.ContainsAny(last, "？?") {
			intent = "question"
		}
		args := `{"intent":"` + intent + `","product":"credit_card","product_confidence":0.9,"reason":"fees","reason_confidence":0.8,"flags":[],"demands":["refund"],"institution":"招商银行"}`
		if mode == "badcite" {
			args = `{"intent":"complaint","product":"spaceships","reason":"aliens","flags":["bogus"]}`
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(openai.ChatCompletionResponse{ID: "c1", Object: "chat.completion", Model: req.Model,
			Choices: []openai.ChatCompletionChoice{{Message: openai.ChatCompletionMessage{Role: "assistant",
				ToolCalls: []openai.ToolCall{{ID: "t1", Type: openai.ToolTypeFunction, Function: openai.FunctionCall{Name: req.Tools[0].Function.Name, Arguments: args}}}},
				FinishReason: openai.FinishReasonToolCalls}}})
		return
	}
	answer := "根据规定，银行应当在收到投诉之日起15日内作出处理决定[1]。"
	if mode == "badcite" {
		answer = "银行必须在3日内赔偿你全部损失[9]。"
	}
	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(openai.ChatCompletionResponse{ID: "c2", Object: "chat.completion", Model: req.Model,
			Choices: []openai.ChatCompletionChoice{{Message: openai.ChatCompletionMessage{Role: "assistant", Content: answer}, FinishReason: "stop"}}})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	fl := w.(http.Flusher)
	runes := []rune(answer)
	for i := 0; i < len(runes); i += 6 {
		if mode == "cut" && i >= 6 {
			// The connection dies mid-answer.
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close()
			return
		}
		chunk := string(runes[i:min(i+6, len(runes))])
		b, _ := json.Marshal(map[string]any{"id": "c3", "object": "chat.completion.chunk", "model": req.Model,
			"choices": []map[string]any{{"index": 0, "delta": map[string]string{"content": chunk}}}})
		fmt.Fprintf(w, "data: %s\n\n", b)
		fl.Flush()
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
	fl.Flush()
}

// TestChatSurvivesLLMFaults runs the conversation with an LLM configured and
// makes the LLM fail in every way it can: each turn still gets a grounded
// (extractive) answer or the next question within the timeout, and no
// prompt carries a raw phone number.
func TestChatSurvivesLLMFaults(t *testing.T) {
	t.Parallel()
	newE2E(t) // seeds the shared database
	f := newFakeLLM(t)
	const timeout = 700 * time.Millisecond
	oc := openai.DefaultConfig("test-key")
	oc.BaseURL = f.srv.URL + "/v1"
	client := openai.NewClientWithConfig(oc)
	e, err := buildE2EWith(dbtest.Pool(t), e2eOptions{
		tune:         func(c *chat.Config) { c.MaxConnsPerIP, c.MessagesPerMinute, c.IPMessagesPerMinute = 1000, 6000, 100000 },
		knowledgeLLM: &knowledge.LLMConfig{Client: client, Model: "fake", Timeout: timeout},
		triageLLM:    &triage.LLMConfig{BaseURL: f.srv.URL + "/v1", APIKey: "test-key", Model: "fake", Timeout: timeout},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.ts.Close(); e.stop() })

	for _, mode := range []string{"ok", "timeout", "429", "500", "malformed", "cut", "badcite"} {
		t.Run(mode, func(t *testing.T) {
			f.setMode(mode)
			c, _ := e.dial(t, "")
			start := time.Now()
			frames := c.say("投诉以后银行多久必须给我答复？")
			took := time.Since(start)
			ans := last(frames)
			if ans.Type == "error" || !ans.Answer || len(ans.Citations) == 0 {
				t.Fatalf("mode %s: question got %+v, want a cited answer", mode, ans)
			}
			if mode == "badcite" && strings.Contains(ans.Text, "3日内赔偿") {
				t.Fatalf("an answer citing a passage that does not exist reached the consumer: %q", ans.Text)
			}
			if mode == "ok" && !strings.Contains(ans.Text, "15日") {
				t.Fatalf("LLM answer not used when the LLM works: %q", ans.Text)
			}
			// LLM classification once per message, LLM answer once: both
			// bounded by the timeout, plus database work.
			if limit := 3*timeout + 3*time.Second; took > limit {
				t.Fatalf("mode %s: the turn took %s, over %s", mode, took, limit)
			}
			o := last(c.say("招行信用卡上个月乱扣了我680块年费，要求退回，我电话13812345678"))
			if o.Type == "error" || o.Expecting == "" {
				t.Fatalf("mode %s: the complaint did not go on: %+v", mode, o)
			}
		})
	}
	if p := f.allPrompts(); strings.Contains(p, "13812345678") || !strings.Contains(p, "138****5678") {
		t.Fatalf("prompts sent to the LLM hold a raw phone number or no masked one")
	}
}
