package triage

import "math"

// A multi-class head blends its logistic regression with complement naive
// Bayes (Rennie et al., 2003) over the same features: z = z_LR + β·z_NB.
// Naive Bayes trusts a rare word that only one class uses more than a
// regularised regression does, which is what the small classes of
// product and reason need. Both are linear in the same features, so the
// blend is one weight matrix and costs nothing at inference; β is chosen
// with the L2 strength by cross-validation (0 keeps the regression alone).

// nbWeights are the blend weights β tried by cross-validation.
var nbWeights = []float64{0, 0.1, 0.3, 0.5, 1, 2}

// nbAlpha is the additive (Laplace) smoothing of the naive Bayes counts.
const nbAlpha = 0.5

// fitComplementNB fits complement naive Bayes on the examples idx with
// classes y: the weight of feature j for class c is minus the log of its
// smoothed frequency in the other classes' texts, centred over classes
// (softmax ignores a per-feature constant, and centring keeps the blend
// from shifting weights the regression's L2 penalty held near zero).
// Priors are uniform, as the class weights make them for the regression.
func fitComplementNB(data *dataset, idx, y []int, k int) linear {
	count := make([]float64, data.vocab*k)
	total := make([]float64, k)
	for n, i := range idx {
		for _, j := range data.rows[i] {
			count[int(j)*k+y[n]]++
		}
		total[y[n]] += float64(len(data.rows[i]))
	}
	var all float64
	for _, t := range total {
		all += t
	}
	smooth := nbAlpha * float64(data.vocab)
	w := make([]float64, data.vocab*k)
	for j := 0; j < data.vocab; j++ {
		row := count[j*k : j*k+k]
		var rowSum float64
		for _, v := range row {
			rowSum += v
		}
		out := w[j*k : j*k+k]
		var mean float64
		for c := range out {
			out[c] = -math.Log((rowSum - row[c] + nbAlpha) / (all - total[c] + smooth))
			mean += out[c]
		}
		mean /= float64(k)
		for c := range out {
			out[c] -= mean
		}
	}
	return linear{w: w, b: make([]float64, k), k: k}
}

// blendLogits returns lr + beta·nb for every non-nil row.
func blendLogits(lr, nb [][]float64, beta float64) [][]float64 {
	if beta == 0 {
		return lr
	}
	out := make([][]float64, len(lr))
	for j, z := range lr {
		if z == nil || nb[j] == nil {
			continue
		}
		out[j] = make([]float64, len(z))
		for c := range z {
			out[j][c] = z[c] + beta*nb[j][c]
		}
	}
	return out
}
