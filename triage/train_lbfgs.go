package triage

import "math"

// objective computes a loss and writes its gradient into grad.
type objective func(x, grad []float64) float64

// lbfgs minimises f from x (updated in place) with limited-memory BFGS and
// a backtracking Armijo line search. Full-batch and free of randomness, it
// reaches the same optimum on every run, which keeps `triage train`
// reproducible bit for bit on one platform.
func lbfgs(f objective, x []float64, maxIter, memory int, tol float64) (loss float64, iters int) {
	n := len(x)
	g := make([]float64, n)
	loss = f(x, g)
	type pair struct {
		s, y []float64
		rho  float64
	}
	hist := make([]pair, 0, memory)
	d := make([]float64, n)
	xNew := make([]float64, n)
	gNew := make([]float64, n)
	alpha := make([]float64, memory)
	for iters = 0; iters < maxIter; iters++ {
		gnorm := norm(g)
		if gnorm < tol {
			break
		}
		// Two-loop recursion: d = -H·g.
		for i := range d {
			d[i] = -g[i]
		}
		for k := len(hist) - 1; k >= 0; k-- {
			alpha[k] = hist[k].rho * dot(hist[k].s, d)
			axpy(-alpha[k], hist[k].y, d)
		}
		if len(hist) > 0 {
			last := hist[len(hist)-1]
			scale(dot(last.s, last.y)/dot(last.y, last.y), d)
		} else {
			scale(1/math.Max(gnorm, 1e-12), d)
		}
		for k := range hist {
			beta := hist[k].rho * dot(hist[k].y, d)
			axpy(alpha[k]-beta, hist[k].s, d)
		}
		slope := dot(g, d)
		if slope >= 0 { // not a descent direction: restart from steepest descent
			hist = hist[:0]
			for i := range d {
				d[i] = -g[i] / math.Max(gnorm, 1e-12)
			}
			slope = dot(g, d)
		}
		step := 1.0
		var lossNew float64
		accepted := false
		for ls := 0; ls < 30; ls++ {
			for i := range x {
				xNew[i] = x[i] + step*d[i]
			}
			lossNew = f(xNew, gNew)
			if lossNew <= loss+1e-4*step*slope {
				accepted = true
				break
			}
			step *= 0.5
		}
		if !accepted {
			break
		}
		var p pair
		if len(hist) == memory {
			p = hist[0]
			copy(hist, hist[1:])
			hist = hist[:memory-1]
		} else {
			p = pair{s: make([]float64, n), y: make([]float64, n)}
		}
		for i := range x {
			p.s[i] = xNew[i] - x[i]
			p.y[i] = gNew[i] - g[i]
		}
		sy := dot(p.s, p.y)
		copy(x, xNew)
		copy(g, gNew)
		improvement := loss - lossNew
		loss = lossNew
		if sy > 1e-12 {
			p.rho = 1 / sy
			hist = append(hist, p)
		}
		if improvement < tol*math.Max(1, math.Abs(loss)) {
			iters++
			break
		}
	}
	return loss, iters
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func norm(a []float64) float64 { return math.Sqrt(dot(a, a)) }

func axpy(a float64, x, y []float64) {
	for i := range x {
		y[i] += a * x[i]
	}
}

func scale(a float64, x []float64) {
	for i := range x {
		x[i] *= a
	}
}
