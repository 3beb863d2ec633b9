package knowledge

import (
	"cmp"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/xiaobao-cn/xiaobao/segment"
)

// SemanticTrainConfig configures TrainSemantic. The zero value trains the
// shipped model.
type SemanticTrainConfig struct {
	// Dim is the vector dimension. Defaults to 128.
	Dim int
	// Epochs is the number of passes over the groups. Defaults to 40.
	Epochs int
	// Batch is the number of groups per step; each step's other groups are
	// the negatives. Defaults to 256.
	Batch int
	// Temperature sharpens the in-batch softmax. Defaults to 0.1 (0.05 and
	// 0.15 matched held-out groups less well).
	Temperature float64
	// LearningRate is AdaGrad's step. Defaults to 0.2.
	LearningRate float64
	// MinCount drops features seen in fewer questions: a feature seen once
	// has nothing to learn from. Defaults to 2.
	MinCount int
	// Seed makes training reproducible. Defaults to 1.
	Seed uint64
	// Progress, when set, is called after each epoch with the epoch's mean
	// loss.
	Progress func(epoch int, loss float64)
}

func (c *SemanticTrainConfig) setDefaults() {
	c.Dim = cmp.Or(c.Dim, 128)
	c.Epochs = cmp.Or(c.Epochs, 40)
	c.Batch = cmp.Or(c.Batch, 256)
	c.Temperature = cmp.Or(c.Temperature, 0.1)
	c.LearningRate = cmp.Or(c.LearningRate, 0.2)
	c.MinCount = cmp.Or(c.MinCount, 2)
	c.Seed = cmp.Or(c.Seed, 1)
}

// TrainSemantic learns a SemanticModel from groups of questions that mean
// the same thing (a paraphrase group each). Each step takes a batch of
// groups and two questions of each, and pulls every pair together while
// pushing it away from the batch's other groups (an in-batch softmax over
// cosine similarities, both ways, as sentence encoders are trained); the
// gradient reaches the vectors of the features each question has. AdaGrad
// gives rare words larger steps than common ones. Deterministic for a
// given corpus and config, in a process whose segmenter has no words but
// the seed synonyms (which it adds).
func TrainSemantic(ctx context.Context, groups [][]string, cfg SemanticTrainConfig) (*SemanticModel, error) {
	cfg.setDefaults()
	var useful [][]string
	for _, g := range groups {
		if len(g) >= 2 {
			useful = append(useful, g)
		}
	}
	if len(useful) < 2 {
		return nil, errors.New("semantic model: at least two groups of two or more questions are needed")
	}
	if err := addSeedWords(); err != nil {
		return nil, err
	}
	hashes, idf, counts := semanticVocabulary(useful, cfg.MinCount)
	if len(hashes) == 0 {
		return nil, errors.New("semantic model: no feature occurs in two questions")
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x78696162616f)) // "xiaobao"
	dim := cfg.Dim
	vecs := make([]float32, len(hashes)*dim)
	for i := range vecs {
		vecs[i] = float32(rng.NormFloat64() * 0.1)
	}
	// A model with zero rows only to reuse its lookup while training.
	m := &SemanticModel{dim: dim, hashes: hashes, idf: idf, vecs: vecs, rows: make(map[uint64]int32, len(hashes))}
	for i, h := range hashes {
		m.rows[h] = int32(i)
	}
	texts := make([][]sparseText, len(useful))
	for i := range useful {
		texts[i] = make([]sparseText, len(useful[i]))
		for j := range useful[i] {
			texts[i][j] = m.weighted(counts[i][j])
		}
	}
	tr := &semanticTrainer{m: m, cfg: cfg, acc: make([]float64, len(hashes)), grad: map[int32][]float64{}}
	order := make([]int, len(useful))
	for i := range order {
		order[i] = i
	}
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var loss float64
		steps := 0
		for start := 0; start+1 < len(order); start += cfg.Batch {
			batch := order[start:min(start+cfg.Batch, len(order))]
			var as, ps []sparseText
			for _, gi := range batch {
				g := texts[gi]
				a := rng.IntN(len(g))
				p := rng.IntN(len(g) - 1)
				if p >= a {
					p++
				}
				if len(g[a].rows) == 0 || len(g[p].rows) == 0 {
					continue
				}
				as, ps = append(as, g[a]), append(ps, g[p])
			}
			if len(as) < 2 {
				continue
			}
			loss += tr.step(as, ps)
			steps++
		}
		if cfg.Progress != nil && steps > 0 {
			cfg.Progress(epoch, loss/float64(steps))
		}
	}
	scales := make([]float32, len(hashes))
	q := make([]int8, len(vecs))
	for i := range hashes {
		s, row := quantize(vecs[i*dim : (i+1)*dim])
		scales[i] = s
		copy(q[i*dim:], row)
	}
	return newSemanticModel(dim, hashes, idf, scales, q), nil
}

// addSeedWords adds the seed synonyms to the segmenter, as the service
// does when it loads them: the model must read words as the service cuts
// them ("签字的单子" whole, not in pieces). Words staff add later are cut
// differently from training; their bigrams still reach the model.
func addSeedWords() error {
	groups, err := SeedSynonymGroups()
	if err != nil {
		return err
	}
	for _, g := range groups {
		segment.AddWords(g...)
	}
	return nil
}

// semanticVocabulary returns the features seen in at least minCount
// questions of groups, in hash order, with their IDF over the questions,
// and each question's feature counts.
func semanticVocabulary(groups [][]string, minCount int) ([]uint64, []float32, [][]map[uint64]float64) {
	df := map[uint64]int{}
	counts := make([][]map[uint64]float64, len(groups))
	total := 0
	for i, g := range groups {
		counts[i] = make([]map[uint64]float64, len(g))
		for j, q := range g {
			c := semanticFeatures(q, terms(q))
			counts[i][j] = c
			for h := range c {
				df[h]++
			}
			total++
		}
	}
	var hashes []uint64
	for h, n := range df {
		if n >= minCount {
			hashes = append(hashes, h)
		}
	}
	slices.Sort(hashes)
	idf := make([]float32, len(hashes))
	for i, h := range hashes {
		idf[i] = float32(math.Log(1 + float64(total)/float64(df[h])))
	}
	return hashes, idf, counts
}

// semanticTrainer holds the state of one training run.
type semanticTrainer struct {
	m    *SemanticModel
	cfg  SemanticTrainConfig
	acc  []float64           // AdaGrad's sum of squared gradients, one per row
	grad map[int32][]float64 // this step's gradient, by row
}

// step takes one gradient step on a batch of anchor and positive
// questions (as[i] and ps[i] mean the same) and returns the loss.
func (t *semanticTrainer) step(as, ps []sparseText) float64 {
	n, dim := len(as), t.m.dim
	ua, na := make([][]float64, n), make([]float64, n)
	up, np := make([][]float64, n), make([]float64, n)
	for i := range as {
		ua[i], na[i] = t.m.sum(as[i])
		up[i], np[i] = t.m.sum(ps[i])
		for j := range ua[i] {
			ua[i][j] /= na[i]
			up[i][j] /= np[i]
		}
	}
	tau := t.cfg.Temperature
	logits := make([][]float64, n)
	for i := range logits {
		logits[i] = make([]float64, n)
		for j := range logits[i] {
			logits[i][j] = dot(ua[i], up[j]) / tau
		}
	}
	// d loss / d logits: softmax minus one-hot over rows (anchor → the
	// positives) and over columns (positive → the anchors), averaged.
	g := make([][]float64, n)
	for i := range g {
		g[i] = make([]float64, n)
	}
	var loss float64
	for pass, l := range [][][]float64{logits, transpose(logits)} {
		for i := range l {
			p := softmax(l[i])
			loss -= math.Log(max(p[i], 1e-12))
			for j := range p {
				if pass == 0 {
					g[i][j] += p[j] / float64(n)
				} else {
					g[j][i] += p[j] / float64(n)
				}
			}
			g[i][i] -= 1 / float64(n)
		}
	}
	clear(t.grad)
	for i := 0; i < n; i++ {
		da, dp := make([]float64, dim), make([]float64, dim)
		for j := 0; j < n; j++ {
			if g[i][j] != 0 {
				axpy(da, g[i][j]/tau, up[j])
			}
			if g[j][i] != 0 {
				axpy(dp, g[j][i]/tau, ua[j])
			}
		}
		t.backward(as[i], ua[i], na[i], da)
		t.backward(ps[i], up[i], np[i], dp)
	}
	lr := t.cfg.LearningRate
	rows := make([]int32, 0, len(t.grad))
	for r := range t.grad {
		rows = append(rows, r)
	}
	slices.Sort(rows)
	for _, r := range rows {
		gr := t.grad[r]
		var sq float64
		for _, x := range gr {
			sq += x * x
		}
		t.acc[r] += sq / float64(dim)
		step := lr / math.Sqrt(t.acc[r]+1e-8)
		row := t.m.vecs[int(r)*dim : (int(r)+1)*dim]
		for j := range row {
			row[j] -= float32(step * gr[j])
		}
	}
	return loss / float64(2*n)
}

// backward adds to the step's gradient what d, the gradient at a text's
// unit vector u (length n before normalising), asks of its features'
// rows.
func (t *semanticTrainer) backward(s sparseText, u []float64, n float64, d []float64) {
	// Through the normalisation: the part of d along u does not change
	// the direction.
	k := dot(d, u)
	ds := make([]float64, len(d))
	for j := range d {
		ds[j] = (d[j] - k*u[j]) / n
	}
	for i, r := range s.rows {
		gr := t.grad[r]
		if gr == nil {
			gr = make([]float64, len(d))
			t.grad[r] = gr
		}
		axpy(gr, s.ws[i], ds)
	}
}

// softmax returns the softmax of row.
func softmax(row []float64) []float64 {
	p := make([]float64, len(row))
	big := math.Inf(-1)
	for _, x := range row {
		big = max(big, x)
	}
	var sum float64
	for j, x := range row {
		p[j] = math.Exp(x - big)
		sum += p[j]
	}
	for j := range p {
		p[j] /= sum
	}
	return p
}

// transpose returns the transpose of the square matrix l.
func transpose(l [][]float64) [][]float64 {
	t := make([][]float64, len(l))
	for i := range t {
		t[i] = make([]float64, len(l))
		for j := range t[i] {
			t[i][j] = l[j][i]
		}
	}
	return t
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// axpy adds a×x to y.
func axpy(y []float64, a float64, x []float64) {
	for i := range x {
		y[i] += a * x[i]
	}
}
