package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/xiaobao-cn/xiaobao/triage"
)

// maxClassifyLine bounds one input line; longer lines get an error line
// and are skipped, so one runaway record cannot exhaust memory.
const maxClassifyLine = 4 << 20

// classifyInput is one JSON Lines record of `xiaobao classify`.
type classifyInput struct {
	ID   json.RawMessage `json:"id"`
	Text *string         `json:"text"`
	// ReceivedAt optionally resolves relative dates ("前天"); defaults to
	// now, Beijing time.
	ReceivedAt string `json:"received_at"`
}

// classifyError is the line written for a record that cannot be read.
type classifyError struct {
	ID    json.RawMessage `json:"id,omitempty"`
	Line  int             `json:"line"`
	Error string          `json:"error"`
}

// runClassify reads JSON Lines {"id","text"} and writes one classification
// per line. It needs no database; a bad line yields an error line and the
// rest of the input is still processed.
func runClassify(ctx context.Context, m *Main, args []string) error {
	fs := newFlagSet(m, "classify")
	in := fs.String("in", "-", "input file of JSON Lines {\"id\",\"text\"} (- for stdin)")
	modelPath := fs.String("model", "", "model file from `xiaobao triage train --out` (default: the embedded model)")
	useLLM := fs.Bool("llm", false, "use the LLM engine when OPENAI_BASE_URL is set (default: offline, deterministic)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := m.loadConfig(); err != nil {
		return err
	}
	c, err := m.loadClassifier(*modelPath, *useLLM)
	if err != nil {
		return err
	}
	r := io.Reader(os.Stdin)
	if *in != "-" {
		f, err := os.Open(*in)
		if err != nil {
			return fmt.Errorf("classify: %w", err)
		}
		defer f.Close()
		r = f
	}
	out := bufio.NewWriter(m.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	br := bufio.NewReaderSize(r, 64<<10)
	var bad, total int
	for lineNo := 1; ; lineNo++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		line, err := readLine(br, maxClassifyLine)
		if errors.Is(err, io.EOF) && len(line) == 0 {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, errLineTooLong) {
			return fmt.Errorf("classify: reading input: %w", err)
		}
		if len(bytes.TrimSpace(line)) == 0 && err == nil {
			continue
		}
		total++
		res, rerr := classifyLine(ctx, c, line, err)
		if rerr != nil {
			bad++
			rerr.Line = lineNo
			if err := enc.Encode(rerr); err != nil {
				return err
			}
		} else if err := enc.Encode(res); err != nil {
			return err
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if bad > 0 {
		fmt.Fprintf(m.Stderr, "classify: %d of %d lines could not be read (see the error lines)\n", bad, total)
	}
	return nil
}

// classifyLine classifies one record or explains why it cannot.
func classifyLine(ctx context.Context, c *triage.Classifier, line []byte, readErr error) (triage.Classification, *classifyError) {
	if errors.Is(readErr, errLineTooLong) {
		return triage.Classification{}, &classifyError{Error: fmt.Sprintf("line longer than %d bytes", maxClassifyLine)}
	}
	var in classifyInput
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&in); err != nil {
		return triage.Classification{}, &classifyError{Error: "not a JSON object: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
	if in.Text == nil {
		return triage.Classification{}, &classifyError{ID: in.ID, Error: `missing "text"`}
	}
	now := time.Now().In(triage.BeijingTime)
	if in.ReceivedAt != "" {
		t, err := time.Parse(time.RFC3339, in.ReceivedAt)
		if err != nil {
			return triage.Classification{}, &classifyError{ID: in.ID, Error: `"received_at" is not an RFC 3339 time`}
		}
		now = t
	}
	res := c.Classify(ctx, *in.Text, now)
	res.ID = idString(in.ID)
	return res, nil
}

// idString renders the id as given: strings as themselves, numbers as
// their digits.
func idString(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line (without the newline). A line over max bytes is
// consumed and reported as errLineTooLong.
func readLine(r *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > max {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong {
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			return []byte("-"), errLineTooLong
		}
		return bytes.TrimRight(line, "\r\n"), err
	}
}

// loadClassifier builds the triage classifier from the configuration: the
// embedded model unless modelPath is given, and the LLM engine only when
// asked for and configured.
func (m *Main) loadClassifier(modelPath string, useLLM bool) (*triage.Classifier, error) {
	cfg := triage.ClassifierConfig{LargeAmountYuan: m.Config.LargeAmountYuan, Logger: m.Logger}
	if modelPath != "" {
		model, err := triage.LoadModelFile(modelPath)
		if err != nil {
			return nil, err
		}
		cfg.Model = model
	}
	if useLLM {
		if !m.Config.LLMEnabled() {
			return nil, errors.New("--llm needs OPENAI_BASE_URL (and OPENAI_API_KEY) to be set")
		}
		cfg.LLM = &triage.LLMConfig{BaseURL: m.Config.OpenAIBaseURL, APIKey: m.Config.OpenAIAPIKey, Model: m.Config.ChatModel, Timeout: m.Config.LLMTimeout}
	}
	return triage.LoadClassifier(cfg)
}
