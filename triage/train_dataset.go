package triage

import (
	"hash/fnv"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"
)

// featureRefTime is the fixed "now" used while featurizing training text:
// features only record whether a date is present, and a fixed clock keeps
// training independent of the day it runs.
var featureRefTime = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

// dataset is the featurized training set: each row lists vocabulary
// indices and their values, which are 1, or the feature's idf for a
// head that reads idf-weighted features, scaled so that each row has unit
// Euclidean length.
type dataset struct {
	rows  [][]int32
	vals  [][]float64
	vocab int
}

// corpusFeatures are the featurized examples before weighting: rows of
// vocabulary indices, and each feature's document frequency.
type corpusFeatures struct {
	keys []uint32
	df   []int32
	rows [][]int32
}

// featurizeCorpus featurizes examples and keeps the features that occur in
// at least minDF texts, as a sorted vocabulary.
func featurizeCorpus(examples []Example, minDF int) *corpusFeatures {
	feats := make([][]uint32, len(examples))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(examples); i += workers {
				text := prepareText(examples[i].Text)
				lower := asciiLower(text)
				h := scanPhrases(lower)
				ex := extract(text, lower, featureRefTime, h)
				feats[i] = featurize(text, lower, h, &ex)
			}
		}()
	}
	wg.Wait()
	df := map[uint32]int{}
	for _, f := range feats {
		for _, h := range f {
			df[h]++
		}
	}
	c := &corpusFeatures{rows: make([][]int32, len(examples))}
	for h, n := range df {
		if n >= minDF {
			c.keys = append(c.keys, h)
		}
	}
	slices.Sort(c.keys)
	index := make(map[uint32]int32, len(c.keys))
	c.df = make([]int32, len(c.keys))
	for i, h := range c.keys {
		index[h] = int32(i)
		c.df[i] = int32(df[h])
	}
	for i, f := range feats {
		row := make([]int32, 0, len(f))
		for _, h := range f {
			if j, ok := index[h]; ok {
				row = append(row, j)
			}
		}
		c.rows[i] = row
	}
	return c
}

// dataset weighs the features: by weight (one value per vocabulary entry),
// or all 1 when weight is nil.
func (c *corpusFeatures) dataset(weight []float64) *dataset {
	data := &dataset{rows: c.rows, vals: make([][]float64, len(c.rows)), vocab: len(c.keys)}
	for i, row := range c.rows {
		vals := make([]float64, len(row))
		var ss float64
		for n, j := range row {
			vals[n] = 1
			if weight != nil {
				vals[n] = weight[j]
			}
			ss += vals[n] * vals[n]
		}
		s := 1 / math.Sqrt(math.Max(ss, 1))
		for n := range vals {
			vals[n] *= s
		}
		data.vals[i] = vals
	}
	return data
}

// idfWeights are the smoothed inverse document frequencies of a
// vocabulary whose document frequencies df were counted over n texts.
// Inference recomputes them from the df and n stored in the model.
func idfWeights(df []int32, n int) []float64 {
	w := make([]float64, len(df))
	for i, d := range df {
		w[i] = math.Log(float64(n+1)/float64(d+1)) + 1
	}
	return w
}

// foldOf assigns an example to a cross-validation fold by a hash of its
// text, so folds need no random numbers.
func foldOf(text string, folds int) int {
	h := fnv.New32a()
	h.Write([]byte("fold:"))
	h.Write([]byte(text))
	return int(h.Sum32() % uint32(folds))
}
