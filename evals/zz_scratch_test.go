//go:build scratch

package evals

import (
	"os"
	"testing"
	"time"

	"github.com/xiaobao-cn/xiaobao/triage"
)

func TestScratchEval(t *testing.T) {
	all, err := triage.LoadCorpus(os.DirFS("../triage/corpus"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := triage.LoadClassifier(triage.ClassifierConfig{})
	if err != nil {
		t.Fatal(err)
	}
	_, test := triage.SplitCorpus(all)
	r := EvalTriage(t.Context(), c, test, time.Date(2026, 11, 1, 12, 0, 0, 0, time.Local))
	r.WriteText(os.Stdout)
	f, _ := os.Create("/tmp/scr/conf.svg")
	r.WriteSVG(f)
	f.Close()
}
