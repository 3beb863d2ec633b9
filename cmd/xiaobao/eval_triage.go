package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/xiaobao-cn/xiaobao/evals"
	"github.com/xiaobao-cn/xiaobao/triage"
)

// evalRefTime is the message time used for evaluation, so relative dates
// and therefore results do not change with the day the evaluation runs.
var evalRefTime = time.Date(2026, 11, 1, 12, 0, 0, 0, time.FixedZone("CST", 8*3600))

// holdoutDir holds labelled sets written apart from the training corpus
// and never trained on (crisis lines in plain and internet speech); they
// are scored whole with --all.
const holdoutDir = "triage/holdout"

// evalTriage scores the classifier on the held-out test split of the
// corpus and prints tables (or JSON) and writes the confusion matrices as
// an SVG chart.
func evalTriage(ctx context.Context, m *Main, args []string) error {
	fset := newFlagSet(m, "eval triage")
	corpusDir := fset.String("corpus", "", "directory of labelled *.jsonl files, or one such file (default: "+repoCorpusDir+" if it exists, else the corpus built into the binary)")
	modelPath := fset.String("model", "", "model file from `xiaobao triage train --out` (default: the embedded model)")
	asJSON := fset.Bool("json", false, "print the report as JSON")
	svgPath := fset.String("svg", filepath.Join(os.TempDir(), "xiaobao-triage-confusion.svg"), "where to write the confusion-matrix chart (empty: none)")
	useLLM := fset.Bool("llm", false, "evaluate the LLM engine (needs OPENAI_BASE_URL); default offline")
	every := fset.Bool("all", false, "score every line of --corpus, not only its test split: for a set the model never trains on, such as "+holdoutDir)
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	if err := m.loadConfig(); err != nil {
		return err
	}
	all, source, err := loadCorpus(*corpusDir)
	if err != nil {
		return err
	}
	c, err := m.loadClassifier(*modelPath, *useLLM)
	if err != nil {
		return err
	}
	_, test := triage.SplitCorpus(all)
	if *every {
		test = all
	}
	if len(test) == 0 {
		return fmt.Errorf("eval triage: corpus %s has no test lines", source)
	}
	r := evals.EvalTriage(ctx, c, test, evalRefTime)
	info := c.ModelInfo()
	r.CorpusHash, r.TrainExamples = info.CorpusHash, info.Examples
	r.Set = "the held-out test split of " + source
	if *every {
		r.Set = "every line of " + source + " (never trained on)"
	}
	if *svgPath != "" {
		f, err := os.Create(*svgPath)
		if err != nil {
			return fmt.Errorf("eval triage: %w", err)
		}
		err = r.WriteSVG(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("eval triage: writing chart: %w", err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	r.WriteText(m.Stdout)
	if *svgPath != "" {
		fmt.Fprintf(m.Stdout, "confusion-matrix chart: %s\n", *svgPath)
	}
	return nil
}
