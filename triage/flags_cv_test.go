//go:build cv

package triage

import (
	"os"
	"slices"
	"testing"
)

// TestCrisisRuleOnTrain prints the crisis rule's own recall and precision
// on the train split, with its misses and false alarms, so that a change
// to its phrases is judged on lines the evaluation never scores:
//
//	go test -tags cv ./triage -run TestCrisisRuleOnTrain -v
func TestCrisisRuleOnTrain(t *testing.T) {
	logCrisisRule(t, loadTrainSplit(t), "train")
}

// logCrisisRule logs the crisis rule's misses and false alarms on
// examples, then its recall and precision.
func logCrisisRule(t *testing.T, examples []Example, what string) {
	var tp, fp, fn int
	for _, ex := range examples {
		want := slices.Contains(ex.Flags, "crisis")
		got := ruleCrisis(prepareText(ex.Text))
		switch {
		case got && want:
			tp++
		case got:
			fp++
			t.Logf("false alarm: %.80s", ex.Text)
		case want:
			fn++
			t.Logf("miss: %.160s", ex.Text)
		}
	}
	t.Logf("crisis rule on %d %s lines: recall %.3f (%d/%d), precision %.3f, %d false alarms",
		len(examples), what, float64(tp)/float64(tp+fn), tp, tp+fn, float64(tp)/float64(max(1, tp+fp)), fp)
}

// TestCrisisPrecisionFloor prints, for several precision floors of the
// crisis head, the out-of-fold recall and precision of rule OR head on the
// train split: how much the head adds to the rule at each floor. The rule
// was written reading this split, so its share is optimistic; the floor is
// a judgement, this shows its price.
//
//	go test -tags cv ./triage -run TestCrisisPrecisionFloor -v
func TestCrisisPrecisionFloor(t *testing.T) {
	train := loadTrainSplit(t)
	opts := TrainOptions{Lambdas: []float64{1e-5}}
	opts.setDefaults()
	feats := featurizeCorpus(train, opts.MinDF)
	data := feats.dataset(nil)
	var spec headSpec
	for _, s := range headSpecs() {
		if s.name == "flag:crisis" {
			spec = s
		}
	}
	idx, y := spec.examples(train)
	counts := make([]int, 2)
	for _, c := range y {
		counts[c]++
	}
	w := classWeights(y, counts)
	oof := crossValidate(data, train, idx, y, w, opts, func(idx, y []int, w []float64) linear {
		return fitLinear(data, idx, y, w, 1, true, 1e-5, opts.MaxIter)
	})
	temp := fitTemperature(oof, y, true)
	rule := make([]bool, len(idx))
	for j, i := range idx {
		rule[j] = ruleCrisis(prepareText(train[i].Text))
	}
	for _, floor := range []float64{0.8, 0.85, 0.9, 0.95, 0.97} {
		th := chooseThreshold(oof, y, temp, 0, floor)
		var tp, fp, fn, headOnly int
		for j, z := range oof {
			model := z != nil && sigmoid(z[0]/temp) >= th
			got, want := rule[j] || model, y[j] == 1
			if model && !rule[j] && want {
				headOnly++
			}
			switch {
			case got && want:
				tp++
			case got:
				fp++
			case want:
				fn++
			}
		}
		t.Logf("floor %.2f threshold %.3f: rule OR head recall %.3f precision %.3f (%d false alarms, %d found by the head alone)",
			floor, th, float64(tp)/float64(tp+fn), float64(tp)/float64(max(1, tp+fp)), fp, headOnly)
	}
}

// TestCrisisRuleOnDev prints the crisis rule's recall and precision, with
// its misses and false alarms, on the dev sets of the holdout: the files
// rule changes may be written against (crisis-plain.jsonl and
// crisis-slang-dev.jsonl). crisis-slang.jsonl is only ever scored (eval
// triage --all).
//
//	go test -tags cv ./triage -run TestCrisisRuleOnDev -v
func TestCrisisRuleOnDev(t *testing.T) {
	for _, name := range []string{"crisis-plain.jsonl", "crisis-slang-dev.jsonl"} {
		f, err := os.Open("holdout/" + name)
		if err != nil {
			t.Fatal(err)
		}
		dev, err := ReadCorpus(f, name)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		logCrisisRule(t, dev, name)
	}
}
