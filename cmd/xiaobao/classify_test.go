package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xiaobao-cn/xiaobao/evals"
	"github.com/xiaobao-cn/xiaobao/triage"
)

// offlineMain is a Main with an empty environment: no database, no LLM.
func offlineMain() (*Main, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	m := NewMain(&out, &errOut)
	m.Getenv = func(string) string { return "" }
	return m, &out, &errOut
}

func TestClassifyCommand(t *testing.T) {
	t.Parallel()
	in := strings.Join([]string{
		`{"id":"a1","text":"招行信用卡乱扣年费两万三，要求退款"}`,
		`not json`,
		``,
		`{"id":7,"text":"有人说是公安让我转到安全账户，现在还在通话，要转吗"}`,
		`{"id":"no-text"}`,
		`{"id":"empty","text":""}`,
		`{"id":"huge","text":"` + strings.Repeat("年费", 15000) + `"}`,
		`{"id":"when","text":"前天被扣了300","received_at":"2026-11-03T10:00:00+08:00"}`,
		`{"id":"bad-time","text":"年费","received_at":"tomorrow"}`,
	}, "\n")
	path := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(path, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	m, out, errOut := offlineMain()
	defer m.Close()
	if err := m.Run(context.Background(), []string{"classify", "--in", path}); err != nil {
		t.Fatalf("classify: %v (%s)", err, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 8 {
		t.Fatalf("got %d output lines for 8 records:\n%s", len(lines), out)
	}
	var got []map[string]any
	for _, l := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("output line is not JSON: %q", l)
		}
		got = append(got, v)
	}
	first := got[0]
	if first["id"] != "a1" || first["intent"] != "complaint" || first["product"] != "credit_card" || first["institution"] != "招商银行" || first["amount_yuan"] != 23000.0 {
		t.Errorf("line 1 = %v", first)
	}
	if got[1]["error"] == nil || got[1]["line"] != 2.0 {
		t.Errorf("bad JSON: %v, want an error naming line 2", got[1])
	}
	if got[2]["id"] != "7" || !contains(got[2]["flags"], "fraud_in_progress") {
		t.Errorf("numeric id and fraud flag: %v", got[2])
	}
	if got[3]["id"] != "no-text" || got[3]["error"] == nil {
		t.Errorf("missing text: %v", got[3])
	}
	if got[4]["id"] != "empty" || got[4]["needs_review"] != true {
		t.Errorf("empty text: %v", got[4])
	}
	if got[5]["id"] != "huge" || got[5]["intent"] == nil {
		t.Errorf("huge text: %v", got[5])
	}
	if got[6]["occurred_at"] == nil || !strings.HasPrefix(got[6]["occurred_at"].(string), "2026-11-01") {
		t.Errorf("received_at should resolve 前天 to 2026-11-01: %v", got[6])
	}
	if got[7]["error"] == nil {
		t.Errorf("bad received_at: %v", got[7])
	}
	if !strings.Contains(errOut.String(), "3 of 8 lines") {
		t.Errorf("stderr should count the bad lines: %q", errOut)
	}
}

func contains(v any, s string) bool {
	list, _ := v.([]any)
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestReadLineBoundsLength(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 100)
	r := bufioReader(long + "\nshort\n")
	if _, err := readLine(r, 50); !errors.Is(err, errLineTooLong) {
		t.Fatalf("long line: err %v, want errLineTooLong", err)
	}
	line, err := readLine(r, 50)
	if err != nil || string(line) != "short" {
		t.Fatalf("next line = %q, %v; the long one must be skipped whole", line, err)
	}
	if _, err := readLine(r, 50); !errors.Is(err, io.EOF) {
		t.Fatalf("at end: %v, want EOF", err)
	}
}

func TestEvalTriageCommand(t *testing.T) {
	t.Parallel()
	svg := filepath.Join(t.TempDir(), "confusion.svg")
	m, out, errOut := offlineMain()
	defer m.Close()
	if err := m.Run(context.Background(), []string{"eval", "triage", "--json", "--svg", svg}); err != nil {
		t.Fatalf("eval triage: %v (%s)", err, errOut)
	}
	var r evals.TriageReport
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("--json output: %v", err)
	}
	all, err := triage.LoadCorpus(triage.CorpusFS())
	if err != nil {
		t.Fatal(err)
	}
	_, test := triage.SplitCorpus(all)
	if r.TestExamples != len(test) || r.Product.MacroF1 <= 0.5 || len(r.Targets) == 0 || r.Engine != "offline" {
		t.Errorf("report: %d test lines (want %d), product macro-F1 %v, engine %q", r.TestExamples, len(test), r.Product.MacroF1, r.Engine)
	}
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("chart is not well-formed XML: %v", err)
		}
	}
}

// A holdout file is scored whole: every line, none trained on.
func TestEvalTriageHoldoutFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join("..", "..", "triage", "holdout", "crisis-slang.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := triage.ReadCorpus(f, "crisis-slang.jsonl")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	m, out, errOut := offlineMain()
	defer m.Close()
	if err := m.Run(context.Background(), []string{"eval", "triage", "--corpus", path, "--all", "--json", "--svg", ""}); err != nil {
		t.Fatalf("eval triage: %v (%s)", err, errOut)
	}
	var r evals.TriageReport
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("--json output: %v", err)
	}
	if r.TestExamples != len(want) || !strings.Contains(r.Set, "every line") {
		t.Errorf("scored %d lines of %q, want all %d", r.TestExamples, r.Set, len(want))
	}
}

func TestTriageTrainCommand(t *testing.T) {
	t.Parallel()
	// A small corpus in which every head still has both classes.
	all, err := triage.LoadCorpus(triage.CorpusFS())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i, ex := range all {
		if i%25 == 0 || ex.HasFlag("crisis") && i%3 == 0 || ex.HasFlag("fraud_in_progress") && i%4 == 0 || ex.Intent != "complaint" && i%6 == 0 {
			line, _ := json.Marshal(ex)
			b.Write(line)
			b.WriteByte('\n')
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "small.jsonl"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "out", "model.gz")
	m, out, errOut := offlineMain()
	defer m.Close()
	if err := m.Run(context.Background(), []string{"triage", "train", "--corpus", dir, "--out", model, "--folds", "2"}); err != nil {
		t.Fatalf("triage train: %v (%s)", err, errOut)
	}
	if !strings.Contains(out.String(), "wrote "+model) {
		t.Errorf("output does not name the model file: %s", out)
	}
	loaded, err := triage.LoadModelFile(model)
	if err != nil {
		t.Fatal(err)
	}
	train, _ := triage.SplitCorpus(mustCorpus(t, dir))
	if loaded.Examples != len(train) || loaded.CorpusHash != triage.CorpusHash(train) {
		t.Errorf("model trained on %d examples, want the %d of the train split only", loaded.Examples, len(train))
	}
	// The model file works with classify --model.
	in := filepath.Join(dir, "in.jsonl")
	_ = os.WriteFile(in, []byte(`{"id":"x","text":"信用卡年费"}`+"\n"), 0o600)
	m2, out2, errOut2 := offlineMain()
	defer m2.Close()
	if err := m2.Run(context.Background(), []string{"classify", "--model", model, "--in", in}); err != nil || !strings.Contains(out2.String(), `"id":"x"`) {
		t.Fatalf("classify --model: %v %s %s", err, out2, errOut2)
	}
	if err := m2.Run(context.Background(), []string{"triage", "train", "--corpus", filepath.Join(dir, "missing")}); err == nil {
		t.Error("train accepted a missing corpus directory")
	}
	if err := m2.Run(context.Background(), []string{"triage", "train", "--folds", "1"}); err == nil {
		t.Error("train accepted one fold")
	}
}

func mustCorpus(t *testing.T, dir string) []triage.Example {
	t.Helper()
	all, err := triage.LoadCorpus(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func bufioReader(s string) *bufio.Reader { return bufio.NewReaderSize(strings.NewReader(s), 16) }
