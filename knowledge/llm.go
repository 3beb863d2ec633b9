package knowledge

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"

	"github.com/xiaobao-cn/xiaobao/pii"
)

// LLMConfig configures answering with an OpenAI-compatible chat model.
type LLMConfig struct {
	// Client talks to the endpoint; required.
	Client *openai.Client
	// Model is the chat model. Defaults to "gpt-4o-mini".
	Model string
	// Timeout bounds one answer, streaming included; after it the extractive
	// answer is used. Defaults to 8s.
	Timeout time.Duration
	// MaxTokens bounds the answer's length. Defaults to 700.
	MaxTokens int
}

func (c *LLMConfig) validate() error {
	if c.Client == nil {
		return errors.New("knowledge: LLMConfig.Client is required")
	}
	return nil
}

type llmAnswerer struct {
	cfg LLMConfig
	log *slog.Logger
}

func newLLMAnswerer(cfg LLMConfig, log *slog.Logger) *llmAnswerer {
	cfg.Model = cmp.Or(cfg.Model, "gpt-4o-mini")
	cfg.Timeout = cmp.Or(cfg.Timeout, 8*time.Second)
	cfg.MaxTokens = cmp.Or(cfg.MaxTokens, 700)
	return &llmAnswerer{cfg: cfg, log: log}
}

// systemPrompt tells the model the contract the validator enforces.
const systemPrompt = `你是“小保”，帮助中国金融消费者的助手。请只根据用户消息里编号的资料回答问题。
要求：
1. 只使用资料里的内容，不要补充资料以外的规定、期限、金额、电话号码或机构名称。
2. 每句话末尾用方括号编号标明依据，例如 [1]；只能引用给出的编号。
3. 用通俗的中文，1到3段，总共不超过300字。
4. 如果资料不足以回答，就说“资料里没有这个问题的明确规定”，不要猜测。`

// buildPrompt numbers the passages. Personal data in the question (and, in
// case staff pasted any, in the passages) is masked before it leaves.
func buildPrompt(question string, passages []Hit) string {
	var b strings.Builder
	b.WriteString("资料：\n")
	for i, h := range passages {
		fmt.Fprintf(&b, "[%d] %s\n%s\n\n", i+1, h.Citation, pii.Mask(strings.TrimSpace(h.Text)))
	}
	b.WriteString("问题：")
	b.WriteString(pii.Mask(strings.TrimSpace(question)))
	return b.String()
}

// Errors that reject an LLM answer.
var (
	errNoCitation  = errors.New("llm answer cites no passage")
	errBadCitation = errors.New("llm answer cites a passage that does not exist")
	errEmptyAnswer = errors.New("llm answer is empty")
)

// answer streams the model's answer through a validator that renumbers
// citations in order of first use and rejects any number outside the
// passages. Text reaches onDelta one sentence at a time, after its
// citations were checked.
func (l *llmAnswerer) answer(ctx context.Context, question string, passages []Hit, onDelta func(string)) (string, []Citation, error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.Timeout)
	defer cancel()
	stream, err := l.cfg.Client.CreateChatCompletionStream(ctx, openai.ChatCompletionRequest{
		Model:       l.cfg.Model,
		MaxTokens:   l.cfg.MaxTokens,
		Temperature: 0.2,
		Stream:      true,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: systemPrompt},
			{Role: openai.ChatMessageRoleUser, Content: buildPrompt(question, passages)},
		},
	})
	if err != nil {
		return "", nil, fmt.Errorf("llm request: %w", err)
	}
	defer stream.Close()
	v := newCiteValidator(len(passages))
	var out strings.Builder
	emit := func(s string) {
		out.WriteString(s)
		if onDelta != nil && s != "" {
			onDelta(s)
		}
	}
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", nil, fmt.Errorf("llm stream: %w", err)
		}
		for _, c := range resp.Choices {
			ready, err := v.feed(c.Delta.Content)
			if err != nil {
				return "", nil, err
			}
			emit(ready)
		}
	}
	rest, err := v.flush()
	if err != nil {
		return "", nil, err
	}
	emit(rest)
	text := strings.TrimSpace(out.String())
	switch {
	case text == "":
		return "", nil, errEmptyAnswer
	case len(v.order) == 0:
		return "", nil, errNoCitation
	}
	cites := make([]Citation, len(v.order))
	for i, n := range v.order {
		h := passages[n-1]
		cites[i] = Citation{Title: h.Title, Citation: h.Citation, DocumentID: h.DocumentID}
	}
	return text, cites, nil
}

var (
	citeRE     = regexp.MustCompile(`[\[［【]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]］】]`)
	citeOpenRE = regexp.MustCompile(`^\s*[\[［【][\s\d,，、]*$`)
	citeRunRE  = regexp.MustCompile(`^\s*(?:` + citeRE.String() + `)+`)
	digitsRE   = regexp.MustCompile(`\d+`)
)

// citeValidator holds back streamed text until a sentence is complete,
// checks and renumbers its citation marks, and releases it.
type citeValidator struct {
	n     int
	buf   string
	renum map[int]int
	order []int // original passage numbers in order of first citation
}

func newCiteValidator(n int) *citeValidator { return &citeValidator{n: n, renum: map[int]int{}} }

// feed adds streamed text and returns what may be released: everything up
// to the last sentence end, with the citation marks that follow it.
func (v *citeValidator) feed(s string) (string, error) {
	v.buf += s
	i := strings.LastIndexAny(v.buf, "。！？\n")
	if i < 0 {
		return "", nil
	}
	_, size := utf8.DecodeRuneInString(v.buf[i:])
	end := i + size
	rest := v.buf[end:]
	if m := citeRunRE.FindString(rest); m != "" {
		end += len(m)
	} else if strings.TrimSpace(rest) == "" || citeOpenRE.MatchString(rest) {
		return "", nil // a citation may still follow this sentence end
	}
	ready := v.buf[:end]
	v.buf = v.buf[end:]
	return v.rewrite(ready)
}

// flush releases the rest at the end of the stream.
func (v *citeValidator) flush() (string, error) {
	s := v.buf
	v.buf = ""
	return v.rewrite(s)
}

func (v *citeValidator) rewrite(s string) (string, error) {
	var err error
	out := citeRE.ReplaceAllStringFunc(s, func(m string) string {
		nums := digitsRE.FindAllString(m, -1)
		var b strings.Builder
		for _, x := range nums {
			n, _ := strconv.Atoi(x)
			if n < 1 || n > v.n {
				err = fmt.Errorf("%w: [%d] of %d", errBadCitation, n, v.n)
				return m
			}
			r, ok := v.renum[n]
			if !ok {
				v.order = append(v.order, n)
				r = len(v.order)
				v.renum[n] = r
			}
			fmt.Fprintf(&b, "[%d]", r)
		}
		return b.String()
	})
	return out, err
}
