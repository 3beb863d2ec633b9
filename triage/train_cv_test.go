package triage

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCrossValidate prints the cross-validated macro-F1 of the intent,
// product and reason heads on the train split, so that a feature or
// training change can be judged in minutes without touching the test
// split. It is a tool, not a check: it runs only with XIAOBAO_CV=1.
//
//	XIAOBAO_CV=1 XIAOBAO_CV_LAMBDAS=1e-5,3e-5 XIAOBAO_CV_HEADS=product \
//	    go test ./triage -run TestCrossValidate -v -timeout 1h
//
// Product is also scored on complaints alone, as `xiaobao eval triage`
// scores it.
func TestCrossValidate(t *testing.T) {
	if os.Getenv("XIAOBAO_CV") == "" {
		t.Skip("set XIAOBAO_CV=1 to cross-validate the main heads")
	}
	all, err := LoadCorpus(os.DirFS("corpus"))
	if err != nil {
		t.Fatal(err)
	}
	train, _ := SplitCorpus(all)
	opts := TrainOptions{}
	for _, s := range strings.Split(os.Getenv("XIAOBAO_CV_LAMBDAS"), ",") {
		if s == "" {
			continue
		}
		l, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("XIAOBAO_CV_LAMBDAS: %v", err)
		}
		opts.Lambdas = append(opts.Lambdas, l)
	}
	opts.setDefaults()
	heads := []string{"intent", "product", "reason"}
	if s := os.Getenv("XIAOBAO_CV_HEADS"); s != "" {
		heads = strings.Split(s, ",")
	}
	start := time.Now()
	_, data := buildDataset(train, opts.MinDF)
	t.Logf("%d examples, %d features, featurized in %v", len(train), data.vocab, time.Since(start).Round(time.Millisecond))

	type job struct {
		spec   headSpec
		lambda float64
	}
	var jobs []job
	for _, spec := range headSpecs() {
		if slices.Contains(heads, spec.name) {
			for _, l := range opts.Lambdas {
				jobs = append(jobs, job{spec, l})
			}
		}
	}
	lines := make([]string, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, opts.Workers)
	for n, jb := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			t0 := time.Now()
			idx, y := jb.spec.examples(train)
			k := len(jb.spec.classes)
			counts := make([]int, k)
			for _, c := range y {
				counts[c]++
			}
			oof := crossValidate(data, train, idx, y, classWeights(y, counts), k, false, jb.lambda, opts)
			line := fmt.Sprintf("%-8s lambda %-6g macro-F1 %.4f", jb.spec.name, jb.lambda, oofMacroF1(oof, y, k, nil))
			if jb.spec.name == "product" {
				complaint := func(j int) bool { return train[idx[j]].Intent == "complaint" }
				line += fmt.Sprintf("  complaints %.4f", oofMacroF1(oof, y, k, complaint))
			}
			lines[n] = line + fmt.Sprintf("  (%v)", time.Since(t0).Round(time.Second))
		}()
	}
	wg.Wait()
	for _, l := range lines {
		t.Log(l)
	}
}

// oofMacroF1 is the macro-F1 of out-of-fold logits over the examples keep
// accepts (all when nil).
func oofMacroF1(oof [][]float64, y []int, k int, keep func(j int) bool) float64 {
	tp, fp, fn := make([]int, k), make([]int, k), make([]int, k)
	for j, z := range oof {
		if z == nil || keep != nil && !keep(j) {
			continue
		}
		if p := argmax(z); p == y[j] {
			tp[p]++
		} else {
			fp[p]++
			fn[y[j]]++
		}
	}
	return MacroF1(tp, fp, fn)
}
