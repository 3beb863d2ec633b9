package triage

import (
	"bytes"
	"context"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

// trainSubset is a small, deterministic slice of the train split on which
// every head still has both classes.
func trainSubset(t *testing.T) []Example {
	t.Helper()
	all, err := LoadCorpus(os.DirFS("corpus"))
	if err != nil {
		t.Fatal(err)
	}
	train, _ := SplitCorpus(all)
	var out []Example
	for i, ex := range train {
		if i%14 == 0 || ex.Intent != "complaint" && i%5 == 0 || ex.HasFlag("crisis") && i%2 == 0 || ex.HasFlag("fraud_in_progress") && i%5 == 0 {
			out = append(out, ex)
		}
	}
	return out
}

var smallTrain = TrainOptions{Lambdas: []float64{1e-3}, Folds: 2, MaxIter: 25}

// TestTrainIsDeterministic retrains on a subset twice, with different
// worker counts, and requires byte-identical model files: the shipped
// model must be reproducible from the corpus.
func TestTrainIsDeterministic(t *testing.T) {
	t.Parallel()
	sub := trainSubset(t)
	encode := func(workers int) []byte {
		opts := smallTrain
		opts.Workers = workers
		m, err := Train(context.Background(), sub, opts)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := m.Encode(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	a, b := encode(1), encode(3)
	if !bytes.Equal(a, b) {
		t.Fatalf("two trainings on the same %d examples gave different models (%d vs %d bytes)", len(sub), len(a), len(b))
	}

	// The model learnt something: it fits its own training texts.
	m, err := DecodeModel(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadClassifier(ClassifierConfig{Model: m})
	if err != nil {
		t.Fatal(err)
	}
	var n, right int
	for _, ex := range sub {
		if ex.Intent != "complaint" {
			continue
		}
		n++
		if c.ClassifyOffline(ex.Text, testNow).Product == ex.Product {
			right++
		}
	}
	if float64(right) < 0.8*float64(n) {
		t.Errorf("model fits only %d of %d of its training complaints", right, n)
	}
	if m.CorpusHash != CorpusHash(sub) || m.Examples != len(sub) {
		t.Errorf("model records corpus %s/%d, want %s/%d", m.CorpusHash, m.Examples, CorpusHash(sub), len(sub))
	}
}

// TestEmbeddedModelMatchesCorpus fails when the corpus changed but the
// shipped model was not retrained, or was trained with corrections.
func TestEmbeddedModelMatchesCorpus(t *testing.T) {
	t.Parallel()
	m, err := EmbeddedModel()
	if err != nil {
		t.Fatalf("embedded model: %v", err)
	}
	all, err := LoadCorpus(os.DirFS("corpus"))
	if err != nil {
		t.Fatal(err)
	}
	train, _ := SplitCorpus(all)
	if m.Corrections != 0 {
		t.Fatalf("the embedded model includes %d handler corrections; ship a model trained on the corpus alone", m.Corrections)
	}
	if m.CorpusHash != CorpusHash(train) || m.Examples != len(train) {
		t.Fatalf("embedded model was trained on %d examples (corpus %.12s), the corpus train split has %d (%.12s): run `xiaobao triage train` and commit triage/model/triage.model.gz",
			m.Examples, m.CorpusHash, len(train), CorpusHash(train))
	}
	for _, name := range []string{"intent", "product", "reason", "flag:fraud_in_progress", "flag:crisis", "demand:refund"} {
		if m.Head(name) == nil {
			t.Errorf("embedded model lacks head %s", name)
		}
	}
}

func TestTrainRejectsTooFewExamples(t *testing.T) {
	t.Parallel()
	if _, err := Train(context.Background(), []Example{{Text: "年费", Intent: "complaint", Product: "credit_card", Reason: "fees"}}, smallTrain); err == nil {
		t.Fatal("Train accepted one example")
	}
}

func TestLBFGSFindsMinimum(t *testing.T) {
	t.Parallel()
	// f(x) = Σ (i+1)(x_i - i)², minimum at x_i = i.
	f := func(x, g []float64) float64 {
		var s float64
		for i := range x {
			d := x[i] - float64(i)
			s += float64(i+1) * d * d
			g[i] = 2 * float64(i+1) * d
		}
		return s
	}
	x := make([]float64, 10)
	loss, _ := lbfgs(f, x, 200, 7, 1e-12)
	for i, v := range x {
		if math.Abs(v-float64(i)) > 1e-4 {
			t.Fatalf("x[%d] = %v, want %d (loss %v)", i, v, i, loss)
		}
	}
}

func TestModelRoundTrip(t *testing.T) {
	t.Parallel()
	m := &Model{Version: modelVersion, CorpusHash: "abc", Examples: 2, Keys: []uint32{1, 5, 9}, DF: []int32{2, 1, 1},
		Heads: []Head{
			{Name: "intent", Classes: []string{"complaint", "question"}, Temperature: 1.5, Weights: []float64{0.5, -0.25, 1, 0, -2, 0.125}, Bias: []float64{0.1, -0.1}},
			{Name: "flag:crisis", Binary: true, IDF: true, NBWeight: 0.5, Temperature: 1, Threshold: 0.3, Weights: []float64{1, 2, 3}, Bias: []float64{-1}},
		}}
	var b bytes.Buffer
	if err := m.Encode(&b); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeModel(&b)
	if err != nil {
		t.Fatal(err)
	}
	if got.CorpusHash != "abc" || len(got.Heads) != 2 || got.Heads[1].Threshold != 0.3 || got.Heads[0].Temperature != 1.5 ||
		!got.Heads[1].IDF || got.Heads[1].NBWeight != 0.5 || !slices.Equal(got.DF, m.DF) {
		t.Fatalf("round trip lost metadata: %+v", got)
	}
	for h := range m.Heads {
		for i, w := range m.Heads[h].Weights {
			if math.Abs(got.Heads[h].Weights[i]-w) > 1e-3 {
				t.Fatalf("head %d weight %d: %v, want %v", h, i, got.Heads[h].Weights[i], w)
			}
		}
	}
	if _, err := DecodeModel(bytes.NewReader([]byte("not a model"))); err == nil {
		t.Fatal("DecodeModel accepted garbage")
	}
}

func TestLoadCorrections(t *testing.T) {
	t.Parallel()
	tx := dbtest.TestTx(t)
	ctx := context.Background()
	var caseID int64
	err := tx.QueryRow(ctx, `INSERT INTO cases (tracking_no, channel, description, clock_started_at, deadline_days, deadline_at)
		VALUES ('TS20261123-9911', 'api', '信用卡年费', now(), 15, now() + interval '15 days') RETURNING id`).Scan(&caseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range [][3]string{
		{"招行信用卡乱扣年费", "credit_card", "fees"},
		{"借呗催收打我单位电话", "loan", "collection"},
		{"随便什么", "crypto", "fees"}, // not a taxonomy code: skipped
	} {
		if _, err := tx.Exec(ctx, `INSERT INTO case_corrections (case_id, text, product, reason) VALUES ($1, $2, $3, $4)`, caseID, row[0], row[1], row[2]); err != nil {
			t.Fatal(err)
		}
	}
	got, skipped, err := LoadCorrections(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || skipped != 1 || got[0].Product != "credit_card" || got[1].Reason != "collection" || !got[0].correction {
		t.Fatalf("LoadCorrections = %+v, skipped %d", got, skipped)
	}
	// Corrections teach product and reason, never the flag or intent heads.
	for _, spec := range headSpecs() {
		_, ok := spec.label(got[0])
		if want := spec.name == "product" || spec.name == "reason"; ok != want {
			t.Errorf("head %s uses a correction: %v, want %v", spec.name, ok, want)
		}
	}
}

// TestCompiledScoresMatchTraining checks that inference computes the
// logits training optimised: the compiled table folds in the idf of idf
// heads and each head scales by its own vector length.
func TestCompiledScoresMatchTraining(t *testing.T) {
	t.Parallel()
	sub := trainSubset(t)
	m, err := Train(context.Background(), sub, smallTrain)
	if err != nil {
		t.Fatal(err)
	}
	feats := featurizeCorpus(sub, 2)
	plain, weighted := feats.dataset(nil), feats.dataset(idfWeights(feats.df, len(sub)))
	c := compile(m)
	idf := 0
	for _, h := range m.Heads {
		if h.IDF {
			idf++
		}
	}
	if idf == 0 || idf == len(m.Heads) {
		t.Fatalf("%d of %d heads read idf features; the test needs both kinds", idf, len(m.Heads))
	}
	for i := 0; i < len(sub); i += 37 {
		text := prepareText(sub[i].Text)
		lower := asciiLower(text)
		h := scanPhrases(lower)
		ex := extract(text, lower, featureRefTime, h)
		z := c.scores(featurize(text, lower, h, &ex))
		for _, head := range c.heads {
			data := plain
			if head.IDF {
				data = weighted
			}
			full := m.Head(head.Name)
			want := linear{w: full.Weights, b: full.Bias, k: full.Width()}.logits(data, i)
			for j, v := range want {
				if got := float64(z[head.offset+j]); math.Abs(got-v) > 1e-3*math.Max(1, math.Abs(v)) {
					t.Fatalf("example %d head %s logit %d: inference %v, training %v", i, head.Name, j, got, v)
				}
			}
		}
	}
}
