package triage

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/xiaobao-cn/xiaobao/pii"
)

// LLMConfig points the classifier at an OpenAI-compatible endpoint.
type LLMConfig struct {
	// BaseURL is the API base, e.g. https://api.openai.com/v1. Required.
	BaseURL string
	// APIKey is sent as a bearer token.
	APIKey string
	// Model is the chat model. Defaults to "gpt-4o-mini".
	Model string
	// Timeout bounds one classification call, after which the offline
	// result is used. Defaults to 8s.
	Timeout time.Duration
	// HTTPClient sends the requests. Defaults to a plain http.Client.
	HTTPClient *http.Client
}

// llmClassifier asks an LLM for the labels through function calling and
// validates the answer against the taxonomy.
type llmClassifier struct {
	client  *openai.Client
	model   string
	timeout time.Duration
	log     *slog.Logger
	review  float64
}

func newLLMClassifier(cfg LLMConfig, log *slog.Logger, reviewThreshold float64) (*llmClassifier, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("triage: LLMConfig.BaseURL is required")
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.HTTPClient != nil {
		oc.HTTPClient = cfg.HTTPClient
	}
	return &llmClassifier{
		client:  openai.NewClientWithConfig(oc),
		model:   cmp.Or(cfg.Model, "gpt-4o-mini"),
		timeout: cmp.Or(cfg.Timeout, 8*time.Second),
		log:     log,
		review:  reviewThreshold,
	}, nil
}

// llmToolName is the function the model must call.
const llmToolName = "record_classification"

// llmAnswer is the function call's arguments.
type llmAnswer struct {
	Intent            string   `json:"intent"`
	Product           string   `json:"product"`
	ProductConfidence *float64 `json:"product_confidence"`
	Reason            string   `json:"reason"`
	ReasonConfidence  *float64 `json:"reason_confidence"`
	Flags             []string `json:"flags"`
	Demands           []string `json:"demands"`
	Institution       string   `json:"institution"`
}

// errLLMInvalid marks an answer that does not fit the taxonomy.
var errLLMInvalid = errors.New("llm answer outside the taxonomy")

// classify asks the LLM and merges its labels into the offline result.
// Every failure (network, timeout, refusal, malformed or invalid answer)
// returns off unchanged: the LLM can improve a classification, never
// break one.
func (l *llmClassifier) classify(ctx context.Context, text string, off Classification) Classification {
	ctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	start := time.Now()
	ans, err := l.ask(ctx, text)
	if err != nil {
		l.log.WarnContext(ctx, "llm classification failed, using offline result", "err", err, "took", time.Since(start).Round(time.Millisecond))
		return off
	}
	return l.merge(ans, off)
}

func (l *llmClassifier) ask(ctx context.Context, text string) (llmAnswer, error) {
	// Personal data never leaves the process: phones, IDs, cards, e-mail.
	masked := pii.Mask(truncateRunes(text, 3000))
	resp, err := l.client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
		Model:       l.model,
		Temperature: 0,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: llmSystemPrompt},
			{Role: openai.ChatMessageRoleUser, Content: masked},
		},
		Tools: []openai.Tool{{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
			Name:        llmToolName,
			Description: "记录这条消费者消息的分类结果",
			Parameters:  llmSchema,
		}}},
		ToolChoice: openai.ToolChoice{Type: openai.ToolTypeFunction, Function: openai.ToolFunction{Name: llmToolName}},
	})
	if err != nil {
		return llmAnswer{}, fmt.Errorf("chat completion: %w", err)
	}
	if len(resp.Choices) == 0 {
		return llmAnswer{}, fmt.Errorf("%w: no choices", errLLMInvalid)
	}
	msg := resp.Choices[0].Message
	var args string
	for _, tc := range msg.ToolCalls {
		if tc.Function.Name == llmToolName {
			args = tc.Function.Arguments
			break
		}
	}
	if args == "" {
		// Some compatible servers answer with the JSON as content.
		args = strings.TrimSpace(msg.Content)
	}
	var ans llmAnswer
	if err := json.Unmarshal([]byte(args), &ans); err != nil {
		return llmAnswer{}, fmt.Errorf("%w: arguments are not JSON: %v", errLLMInvalid, err)
	}
	return ans, ans.validate()
}

// validate checks every code against the taxonomy and the confidences
// against [0, 1].
func (a *llmAnswer) validate() error {
	if !Valid(Intents, a.Intent) {
		return fmt.Errorf("%w: intent %q", errLLMInvalid, a.Intent)
	}
	if a.Intent == "complaint" || a.Intent == "question" {
		if !Valid(Products, a.Product) {
			return fmt.Errorf("%w: product %q", errLLMInvalid, a.Product)
		}
		if a.Intent == "complaint" && !Valid(Reasons, a.Reason) {
			return fmt.Errorf("%w: reason %q", errLLMInvalid, a.Reason)
		}
		if a.Reason != "" && !Valid(Reasons, a.Reason) {
			return fmt.Errorf("%w: reason %q", errLLMInvalid, a.Reason)
		}
	}
	for _, p := range []*float64{a.ProductConfidence, a.ReasonConfidence} {
		if p != nil && (*p < 0 || *p > 1 || math.IsNaN(*p)) {
			return fmt.Errorf("%w: confidence %v", errLLMInvalid, *p)
		}
	}
	for _, f := range a.Flags {
		if !slices.Contains(llmFlags, f) {
			return fmt.Errorf("%w: flag %q", errLLMInvalid, f)
		}
	}
	for _, d := range a.Demands {
		if !Valid(Demands, d) {
			return fmt.Errorf("%w: demand %q", errLLMInvalid, d)
		}
	}
	return nil
}

// merge combines a valid LLM answer with the offline result. Labels come
// from the LLM; flags are the union of both (the offline rules guard the
// recall of fraud and crisis); amounts, dates and phones stay with the
// deterministic extraction.
func (l *llmClassifier) merge(a llmAnswer, off Classification) Classification {
	out := off
	out.Engine = "llm"
	out.Intent, out.IntentConfidence = a.Intent, 0.9
	out.Product, out.ProductConfidence, out.Reason, out.ReasonConfidence = "", 0, "", 0
	out.NeedsReview = false
	if a.Intent == "complaint" || a.Intent == "question" {
		out.Product, out.ProductConfidence = a.Product, confidence(a.ProductConfidence, a.Product, off.Product, off.ProductConfidence)
		if a.Reason != "" {
			out.Reason, out.ReasonConfidence = a.Reason, confidence(a.ReasonConfidence, a.Reason, off.Reason, off.ReasonConfidence)
		}
		out.NeedsReview = out.ProductConfidence < l.review || (out.Reason != "" && out.ReasonConfidence < l.review)
	}
	flags := map[string]bool{}
	for _, f := range off.Flags {
		flags[f] = true
	}
	for _, f := range a.Flags {
		flags[f] = true
	}
	out.Flags = []string{}
	for _, f := range Flags {
		if flags[f.Code] {
			out.Flags = append(out.Flags, f.Code)
		}
	}
	out.Demands = []string{}
	if a.Intent == "complaint" {
		src := a.Demands
		if len(src) == 0 {
			src = off.Demands
		}
		for _, d := range Demands {
			if slices.Contains(src, d.Code) {
				out.Demands = append(out.Demands, d.Code)
			}
		}
	}
	if out.Institution == "" && strings.TrimSpace(a.Institution) != "" {
		out.Institution, _ = NormalizeInstitution(a.Institution)
	}
	return out
}

// confidence uses the LLM's stated confidence, or, when it gave none, the
// offline confidence if both engines agree and a neutral 0.7 if not.
func confidence(stated *float64, label, offLabel string, offConf float64) float64 {
	if stated != nil {
		return math.Round(*stated*1e4) / 1e4
	}
	if label == offLabel {
		return math.Max(offConf, 0.7)
	}
	return 0.7
}

// llmFlags are the flags the LLM may set; large_amount comes from the
// extracted amount and repeat from the database.
var llmFlags = []string{"fraud_in_progress", "crisis", "vulnerable", "escalation"}

// llmSchema is the JSON schema of the function's arguments, built from
// the taxonomy so that the two never drift apart.
var llmSchema = func() json.RawMessage {
	codes := func(list []Code, extra ...string) []string {
		out := slices.Clone(extra)
		for _, c := range list {
			out = append(out, c.Code)
		}
		return out
	}
	schema := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"intent":             map[string]any{"type": "string", "enum": codes(Intents)},
			"product":            map[string]any{"type": "string", "enum": codes(Products, "")},
			"product_confidence": map[string]any{"type": "number", "minimum": 0, "maximum": 1},
			"reason":             map[string]any{"type": "string", "enum": codes(Reasons, "")},
			"reason_confidence":  map[string]any{"type": "number", "minimum": 0, "maximum": 1},
			"flags":              map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": llmFlags}},
			"demands":            map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": codes(Demands)}},
			"institution":        map[string]any{"type": "string"},
		},
		"required": []string{"intent", "product", "product_confidence", "reason", "reason_confidence", "flags", "demands", "institution"},
	}
	b, _ := json.Marshal(schema)
	return b
}()

// llmSystemPrompt explains the taxonomy in the language of the messages.
var llmSystemPrompt = func() string {
	var b strings.Builder
	b.WriteString("你是金融消费者权益保护工作人员，按 JR/T 0169-2018 对消费者发来的一条消息分类，并调用 " + llmToolName + " 记录结果。\n")
	b.WriteString("intent（消息意图）: complaint 投诉, question 咨询, status 查询投诉进度, chitchat 闲聊。\n")
	list := func(title string, codes []Code) {
		b.WriteString(title)
		for i, c := range codes {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c.Code + " " + c.Name)
		}
		b.WriteString("\n")
	}
	list("product（业务类别）: ", Products)
	list("reason（投诉原因）: ", Reasons)
	list("demands（诉求）: ", Demands)
	b.WriteString("flags: fraud_in_progress 诈骗正在进行、现在采取行动还能止损（安全账户、索要验证码、屏幕共享、解冻费等）; crisis 有自杀、自伤念头或暴力威胁; vulnerable 老年人、残障、重病、未成年人或学生，或替他们投诉; escalation 媒体曝光、向监管/12378投诉、起诉、信访。\n")
	b.WriteString("非投诉消息的 reason 填空字符串；status 与 chitchat 的 product 也填空字符串。confidence 为 0 到 1 之间你对该标签的把握。institution 填消息中被投诉或被询问的金融机构名称，没有则填空字符串。消息中的个人信息已打码。")
	return b.String()
}()
