//go:build cv

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
// product and reason heads on the train split, for every L2 strength and
// naive Bayes blend weight, so that a feature or training change can be
// judged in minutes without touching the test split. It is a tool, not a
// check, so it is built only with the cv tag and never runs in `make test`:
//
//	XIAOBAO_CV_LAMBDAS=1e-5,3e-5 XIAOBAO_CV_HEADS=product XIAOBAO_CV_REPEATS=2 \
//	    go test -tags cv ./triage -run TestCrossValidate -v -timeout 1h
//
// XIAOBAO_CV_REPEATS averages over reshuffled folds (one 5-fold run
// moves by about ±0.002); XIAOBAO_CV_MINDF overrides the minimum document
// frequency; XIAOBAO_CV_IDF lists the heads that read idf-weighted
// features instead of idfHeads. Product is also scored on complaints
// alone, as `xiaobao eval triage` scores it. XIAOBAO_CV_ERRORS=DIR writes
// each head's out-of-fold mistakes at its best blend weight (DIR/<head>.tsv:
// truth, prediction, text), the train-split view a labelling review works
// from without looking at the test split.
func TestCrossValidate(t *testing.T) {
	train := loadTrainSplit(t)
	var err error
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
	if s := os.Getenv("XIAOBAO_CV_MINDF"); s != "" {
		if opts.MinDF, err = strconv.Atoi(s); err != nil {
			t.Fatalf("XIAOBAO_CV_MINDF: %v", err)
		}
	}
	opts.setDefaults()
	heads := []string{"intent", "product", "reason"}
	if s := os.Getenv("XIAOBAO_CV_HEADS"); s != "" {
		heads = strings.Split(s, ",")
	}
	repeats := 1
	if s := os.Getenv("XIAOBAO_CV_REPEATS"); s != "" {
		if repeats, err = strconv.Atoi(s); err != nil || repeats < 1 {
			t.Fatalf("XIAOBAO_CV_REPEATS=%q: want a positive number", s)
		}
	}
	start := time.Now()
	feats := featurizeCorpus(train, opts.MinDF)
	plain, weighted := feats.dataset(nil), feats.dataset(idfWeights(feats.df, len(train)))
	t.Logf("%d examples, %d features, featurized in %v", len(train), len(feats.keys), time.Since(start).Round(time.Millisecond))
	if s, ok := os.LookupEnv("XIAOBAO_CV_IDF"); ok {
		idfHeads = map[string]bool{}
		for _, h := range strings.Split(s, ",") {
			idfHeads[h] = true
		}
	}

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
			data := plain
			if jb.spec.idf {
				data = weighted
			}
			idx, y := jb.spec.examples(train)
			k := len(jb.spec.classes)
			counts := make([]int, k)
			for _, c := range y {
				counts[c]++
			}
			w := classWeights(y, counts)
			all := make([]float64, len(nbWeights))
			complaints := make([]float64, len(nbWeights))
			complaint := func(j int) bool { return train[idx[j]].Intent == "complaint" }
			var firstOOF [2][][]float64
			for r := 0; r < repeats; r++ {
				o := opts
				if r > 0 {
					o.foldSalt = strconv.Itoa(r) + ":"
				}
				lr := crossValidate(data, train, idx, y, w, o, func(idx, y []int, w []float64) linear {
					return fitLinear(data, idx, y, w, k, false, jb.lambda, o.MaxIter)
				})
				nb := crossValidate(data, train, idx, y, w, o, func(idx, y []int, _ []float64) linear {
					return fitComplementNB(data, idx, y, k)
				})
				if r == 0 {
					firstOOF = [2][][]float64{lr, nb}
				}
				for b, beta := range nbWeights {
					oof := blendLogits(lr, nb, beta)
					all[b] += oofMacroF1(oof, y, k, nil) / float64(repeats)
					complaints[b] += oofMacroF1(oof, y, k, complaint) / float64(repeats)
				}
			}
			line := fmt.Sprintf("%-8s idf %-5v lambda %-6g NB weight → macro-F1:", jb.spec.name, jb.spec.idf, jb.lambda)
			for b, beta := range nbWeights {
				line += fmt.Sprintf("  %g %.4f", beta, all[b])
				if jb.spec.name == "product" {
					line += fmt.Sprintf(" (%.4f)", complaints[b])
				}
			}
			lines[n] = line + fmt.Sprintf("  [%v]", time.Since(t0).Round(time.Second))
			if dir := os.Getenv("XIAOBAO_CV_ERRORS"); dir != "" && jb.spec.classes != nil {
				best := 0
				for b := range nbWeights {
					if all[b] > all[best] {
						best = b
					}
				}
				oof := blendLogits(firstOOF[0], firstOOF[1], nbWeights[best])
				var sb strings.Builder
				for j, z := range oof {
					if p := argmax(z); p != y[j] {
						fmt.Fprintf(&sb, "%s\t%s\t%s\n", jb.spec.classes[y[j]], jb.spec.classes[p], train[idx[j]].Text)
					}
				}
				name := fmt.Sprintf("%s/%s-%g.tsv", dir, jb.spec.name, jb.lambda)
				if err := os.WriteFile(name, []byte(sb.String()), 0o644); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for _, l := range lines {
		t.Log(l)
	}
	t.Log("product in parentheses: complaints only, as `xiaobao eval triage` scores it")
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

// loadTrainSplit is the train split of the repository's corpus, the only
// lines the cv tools may read.
func loadTrainSplit(t *testing.T) []Example {
	t.Helper()
	all, err := LoadCorpus(os.DirFS("corpus"))
	if err != nil {
		t.Fatal(err)
	}
	train, _ := SplitCorpus(all)
	return train
}
