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
// indices; all values are 1 scaled by 1/sqrt(row length).
type dataset struct {
	rows  [][]int32
	scale []float64
	vocab int
}

// buildDataset featurizes examples and keeps the features that occur in at
// least minDF texts, as a sorted vocabulary.
func buildDataset(examples []Example, minDF int) ([]uint32, *dataset) {
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
	var keys []uint32
	for h, n := range df {
		if n >= minDF {
			keys = append(keys, h)
		}
	}
	slices.Sort(keys)
	index := make(map[uint32]int32, len(keys))
	for i, h := range keys {
		index[h] = int32(i)
	}
	data := &dataset{rows: make([][]int32, len(examples)), scale: make([]float64, len(examples)), vocab: len(keys)}
	for i, f := range feats {
		row := make([]int32, 0, len(f))
		for _, h := range f {
			if j, ok := index[h]; ok {
				row = append(row, j)
			}
		}
		data.rows[i] = row
		data.scale[i] = 1 / math.Sqrt(float64(max(len(row), 1)))
	}
	return keys, data
}

// foldOf assigns an example to a cross-validation fold by a hash of its
// text, so folds need no random numbers.
func foldOf(text string, folds int) int {
	h := fnv.New32a()
	h.Write([]byte("fold:"))
	h.Write([]byte(text))
	return int(h.Sum32() % uint32(folds))
}
