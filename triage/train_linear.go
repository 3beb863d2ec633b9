package triage

import (
	"math"
	"slices"
)

// linear is a fitted weight matrix (vocab × k, row-major) and bias.
type linear struct {
	w []float64
	b []float64
	k int
}

func (l linear) logits(data *dataset, i int) []float64 {
	z := slices.Clone(l.b)
	vals := data.vals[i]
	for n, j := range data.rows[i] {
		row := l.w[int(j)*l.k : int(j)*l.k+l.k]
		s := vals[n]
		for c := range z {
			z[c] += s * row[c]
		}
	}
	return z
}

// fitLinear minimises the weighted cross-entropy of a softmax (or, for a
// binary head, logistic) model plus lambda/2·‖W‖² with L-BFGS.
func fitLinear(data *dataset, idx, y []int, w []float64, k int, binary bool, lambda float64, maxIter int) linear {
	nw := data.vocab * k
	x := make([]float64, nw+k)
	var sumW float64
	for _, v := range w {
		sumW += v
	}
	z := make([]float64, k)
	gz := make([]float64, k)
	f := func(x, grad []float64) float64 {
		clear(grad)
		W, b := x[:nw], x[nw:]
		var loss float64
		for n, i := range idx {
			vals := data.vals[i]
			row := data.rows[i]
			copy(z, b)
			for q, j := range row {
				wr := W[int(j)*k : int(j)*k+k]
				s := vals[q]
				for c := range z {
					z[c] += s * wr[c]
				}
			}
			if binary {
				t := float64(y[n])
				p := sigmoid(z[0])
				loss += w[n] * (softplus(z[0]) - t*z[0])
				gz[0] = w[n] * (p - t)
			} else {
				m := slices.Max(z)
				var sum float64
				for c := range z {
					z[c] = math.Exp(z[c] - m)
					sum += z[c]
				}
				loss += w[n] * (math.Log(sum) - math.Log(z[y[n]]))
				for c := range z {
					gz[c] = w[n] * z[c] / sum
				}
				gz[y[n]] -= w[n]
			}
			for q, j := range row {
				gr := grad[int(j)*k : int(j)*k+k]
				s := vals[q]
				for c := range gz {
					gr[c] += s * gz[c]
				}
			}
			for c := range gz {
				grad[nw+c] += gz[c]
			}
		}
		loss /= sumW
		for i := range grad {
			grad[i] /= sumW
		}
		var reg float64
		for i := 0; i < nw; i++ {
			reg += x[i] * x[i]
			grad[i] += lambda * x[i]
		}
		return loss + lambda/2*reg
	}
	lbfgs(f, x, maxIter, 7, 1e-7)
	return linear{w: x[:nw], b: x[nw:], k: k}
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

func softplus(z float64) float64 {
	if z > 30 {
		return z
	}
	return math.Log1p(math.Exp(z))
}
