package evals

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/xiaobao-cn/xiaobao/triage"
)

// scriptedClassifier answers from a table keyed by text.
type scriptedClassifier map[string]triage.Classification

func (s scriptedClassifier) Classify(_ context.Context, text string, _ time.Time) triage.Classification {
	c := s[text]
	c.Engine = "scripted"
	if c.Flags == nil {
		c.Flags = []string{}
	}
	return c
}

func ptr(v float64) *float64 { return &v }
func str(s string) *string   { return &s }

func TestEvalTriageScores(t *testing.T) {
	t.Parallel()
	test := []triage.Example{
		{Text: "a", Intent: "complaint", Product: "loan", Reason: "fees", Flags: []string{"fraud_in_progress"}, Demands: []string{"refund"}, Institution: str("招商银行"), AmountYuan: ptr(100)},
		{Text: "b", Intent: "complaint", Product: "loan", Reason: "fees", Demands: []string{"refund"}},
		{Text: "c", Intent: "complaint", Product: "savings", Reason: "service", Flags: []string{"crisis"}},
		{Text: "d", Intent: "question"},
	}
	c := scriptedClassifier{
		"a": {Intent: "complaint", Product: "loan", Reason: "fees", Flags: []string{"fraud_in_progress"}, Demands: []string{"refund"}, Institution: "招商银行", AmountYuan: ptr(100.5)},
		"b": {Intent: "complaint", Product: "savings", Reason: "fees", Flags: []string{"fraud_in_progress"}, Demands: []string{"refund", "cancel"}, NeedsReview: true},
		"c": {Intent: "complaint", Product: "savings", Reason: "service"},
		"d": {Intent: "complaint", Product: "loan", Reason: "fees"},
	}
	r := EvalTriage(context.Background(), c, test, time.Now())
	if r.TestExamples != 4 || r.Complaints != 3 || r.Engine != "scripted" {
		t.Fatalf("counts: %+v", r)
	}
	// Product on complaints: loan 1/2 right, savings 1/1 with one false
	// positive. F1(loan) = 2·1/(2+0+1) = 2/3, F1(savings) = 2/(2+1+0) = 2/3.
	if math.Abs(r.Product.MacroF1-0.6667) > 1e-4 || math.Abs(r.Product.Accuracy-0.6667) > 1e-4 {
		t.Errorf("product macro-F1 %v accuracy %v, want 0.6667", r.Product.MacroF1, r.Product.Accuracy)
	}
	if r.Reason.MacroF1 != 1 {
		t.Errorf("reason macro-F1 %v, want 1", r.Reason.MacroF1)
	}
	// Intent: the question was read as a complaint.
	if r.Intent.Confusion[1][0] != 1 {
		t.Errorf("intent confusion %v: want the question counted as complaint", r.Intent.Confusion)
	}
	flags := map[string]BinaryScores{}
	for _, f := range r.Flags {
		flags[f.Label] = f
	}
	if f := flags["fraud_in_progress"]; f.TP != 1 || f.FP != 1 || f.Precision != 0.5 || f.Recall != 1 {
		t.Errorf("fraud: %+v", f)
	}
	if f := flags["crisis"]; f.FN != 1 || f.Recall != 0 {
		t.Errorf("crisis: %+v", f)
	}
	if r.DemandsMicro.TP != 2 || r.DemandsMicro.FP != 1 {
		t.Errorf("demands: %+v", r.DemandsMicro)
	}
	if r.Extraction.InstitutionAccuracy != 1 || r.Extraction.AmountAccuracy != 1 {
		t.Errorf("extraction: %+v (100.5 is within 1%% of 100)", r.Extraction)
	}
	if math.Abs(r.NeedsReview-1.0/3) > 1e-9 {
		t.Errorf("needs review rate %v, want 1/3", r.NeedsReview)
	}
	for _, tg := range r.Targets {
		if tg.Name == "fraud_in_progress recall" && !tg.Met || tg.Name == "crisis recall" && tg.Met {
			t.Errorf("target %+v", tg)
		}
	}

	var text bytes.Buffer
	r.WriteText(&text)
	for _, want := range []string{"product macro-F1", "confusion matrix, reason", "fraud_in_progress", "institution accuracy"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q", want)
		}
	}
	var svg bytes.Buffer
	if err := r.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(&svg)
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("SVG is not well-formed: %v", err)
		}
	}
}
