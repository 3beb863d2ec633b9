package triage

import (
	"math"
	"slices"
)

// cvScore rates out-of-fold logits: macro-F1 for a multi-class head (the
// number the evaluation reports, with log-loss breaking ties), average
// precision for a binary head.
func cvScore(oof [][]float64, y, counts []int, binary bool) float64 {
	if binary {
		var scores []float64
		var labels []bool
		for j, z := range oof {
			if z != nil {
				scores, labels = append(scores, z[0]), append(labels, y[j] == 1)
			}
		}
		return averagePrecision(scores, labels)
	}
	k := len(counts)
	tp, fp, fn := make([]int, k), make([]int, k), make([]int, k)
	var nll float64
	n := 0
	for j, z := range oof {
		if z == nil {
			continue
		}
		n++
		pred := argmax(z)
		if pred == y[j] {
			tp[pred]++
		} else {
			fp[pred]++
			fn[y[j]]++
		}
		nll += logSumExp(z, 1) - z[y[j]]
	}
	if n == 0 {
		return math.Inf(-1)
	}
	return MacroF1(tp, fp, fn) - 1e-3*nll/float64(n)
}

// MacroF1 averages per-class F1 over the classes that occur (in the truth
// or the predictions); tp, fp and fn are per-class counts.
func MacroF1(tp, fp, fn []int) float64 {
	var sum float64
	n := 0
	for c := range tp {
		if tp[c]+fp[c]+fn[c] == 0 {
			continue
		}
		n++
		if tp[c] > 0 {
			sum += 2 * float64(tp[c]) / float64(2*tp[c]+fp[c]+fn[c])
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// averagePrecision is the area under the precision-recall curve of scores.
func averagePrecision(scores []float64, labels []bool) float64 {
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case scores[a] > scores[b]:
			return -1
		case scores[a] < scores[b]:
			return 1
		}
		return 0
	})
	pos := 0
	for _, l := range labels {
		if l {
			pos++
		}
	}
	if pos == 0 {
		return 0
	}
	var ap float64
	hits := 0
	for rank, i := range order {
		if labels[i] {
			hits++
			ap += float64(hits) / float64(rank+1)
		}
	}
	return ap / float64(pos)
}

// fitTemperature finds T minimising the negative log-likelihood of the
// out-of-fold logits divided by T (temperature scaling), by golden-section
// search on log T.
func fitTemperature(oof [][]float64, y []int, binary bool) float64 {
	nll := func(t float64) float64 {
		var s float64
		for j, z := range oof {
			if z == nil {
				continue
			}
			if binary {
				s += softplus(z[0]/t) - float64(y[j])*z[0]/t
			} else {
				s += logSumExp(z, t) - z[y[j]]/t
			}
		}
		return s
	}
	lo, hi := math.Log(0.05), math.Log(20.0)
	phi := (math.Sqrt(5) - 1) / 2
	a, b := hi-phi*(hi-lo), lo+phi*(hi-lo)
	fa, fb := nll(math.Exp(a)), nll(math.Exp(b))
	for i := 0; i < 60; i++ {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = hi - phi*(hi-lo)
			fa = nll(math.Exp(a))
		} else {
			lo, a, fa = a, b, fb
			b = lo + phi*(hi-lo)
			fb = nll(math.Exp(b))
		}
	}
	return math.Exp((lo + hi) / 2)
}

// chooseThreshold picks the probability threshold of a binary head from
// its calibrated out-of-fold predictions: the one that maximises F-beta
// (beta > 1 favours recall), or, with minPrecision, the lowest whose
// precision reaches it (1 when none does: the head then stays silent).
// The rules the fraud and crisis heads are OR-ed with at inference play
// no part: they were written while reading the training split, so on it
// they look better than they are.
func chooseThreshold(oof [][]float64, y []int, temp, beta, minPrecision float64) float64 {
	type point struct {
		p     float64
		label bool
	}
	var pts []point
	for j, z := range oof {
		if z == nil {
			continue
		}
		pts = append(pts, point{p: sigmoid(z[0] / temp), label: y[j] == 1})
	}
	candidates := []float64{0.5}
	for _, pt := range pts {
		if pt.label {
			candidates = append(candidates, pt.p)
		}
	}
	slices.Sort(candidates)
	candidates = slices.Compact(candidates)
	best, bestF := 0.5, -1.0
	if minPrecision > 0 {
		best = 1
	}
	b2 := beta * beta
	for _, t := range candidates {
		if t < 0.02 {
			continue // a threshold this low would flag everything
		}
		var tp, fp, fn float64
		for _, pt := range pts {
			pred := pt.p >= t
			switch {
			case pred && pt.label:
				tp++
			case pred:
				fp++
			case pt.label:
				fn++
			}
		}
		if minPrecision > 0 {
			if tp > 0 && tp/(tp+fp) >= minPrecision {
				return t // candidates ascend: the first is the lowest
			}
			continue
		}
		f := (1 + b2) * tp / math.Max((1+b2)*tp+b2*fn+fp, 1)
		if f > bestF+1e-12 {
			best, bestF = t, f
		}
	}
	return best
}

func argmax(z []float64) int {
	best := 0
	for c := range z {
		if z[c] > z[best] {
			best = c
		}
	}
	return best
}

// logSumExp is log Σ exp(z/t), computed stably.
func logSumExp(z []float64, t float64) float64 {
	m := slices.Max(z) / t
	var s float64
	for _, v := range z {
		s += math.Exp(v/t - m)
	}
	return m + math.Log(s)
}
