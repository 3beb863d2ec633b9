package triage

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// modelVersion changes whenever features or the file layout change, so an
// old model file is refused instead of silently misread.
const modelVersion = 2

// embeddedModel is the model trained from the corpus by `xiaobao triage
// train`; TestEmbeddedModelMatchesCorpus checks it is current.
//
//go:embed model/triage.model.gz
var embeddedModel []byte

// Model is a trained classifier: a vocabulary of hashed features and one
// linear head per label set.
type Model struct {
	// Version is modelVersion at training time.
	Version int
	// CorpusHash fingerprints the training examples (see CorpusHash).
	CorpusHash string
	// Examples is how many examples it was trained on.
	Examples int
	// Corrections is how many of those came from handlers' corrections.
	Corrections int
	// Keys are the feature hashes of the vocabulary, sorted.
	Keys []uint32
	// DF are their document frequencies in the Examples training texts,
	// from which heads with IDF set weigh the features.
	DF []int32
	// Heads are intent, product, reason, the flag heads and demand heads.
	Heads []Head
}

// Head is one linear classifier over the vocabulary.
type Head struct {
	Name string
	// Classes are the codes of a multi-class head; nil for a binary head.
	Classes []string
	Binary  bool
	// IDF says the head reads idf-weighted features (see idfWeights)
	// rather than binary ones; either way the feature vector is scaled to
	// unit length.
	IDF bool
	// Temperature divides the logits (temperature scaling) so that
	// confidences are calibrated.
	Temperature float64
	// Threshold is the calibrated probability at which a binary head fires.
	Threshold float64
	// Lambda, NBWeight and CVScore record the chosen L2 strength, naive
	// Bayes blend weight (see fitComplementNB) and their cross-validated
	// score, for the training log.
	Lambda, NBWeight, CVScore float64
	// Weights are len(Keys) rows of Width() values; Bias has Width().
	Weights []float64
	Bias    []float64
}

// Width is the number of outputs of the head.
func (h Head) Width() int {
	if h.Binary {
		return 1
	}
	return len(h.Classes)
}

// modelFile is the on-disk form: weights quantised to int16 per head,
// which loses nothing that matters for an argmax and keeps the embedded
// file small.
type modelFile struct {
	Version     int
	CorpusHash  string
	Examples    int
	Corrections int
	Keys        []uint32
	DF          []int32
	Heads       []headFile
}

type headFile struct {
	Name                                            string
	Classes                                         []string
	Binary, IDF                                     bool
	Temperature, Threshold, Lambda, NBWeight, Score float64
	Scale                                           float64
	Q                                               []int16
	Bias                                            []float64
}

// Encode writes the model as gzip-compressed gob. The output depends only
// on the model, so identical training gives identical bytes.
func (m *Model) Encode(w io.Writer) error {
	f := modelFile{Version: m.Version, CorpusHash: m.CorpusHash, Examples: m.Examples, Corrections: m.Corrections, Keys: m.Keys, DF: m.DF}
	for _, h := range m.Heads {
		var maxAbs float64
		for _, v := range h.Weights {
			maxAbs = math.Max(maxAbs, math.Abs(v))
		}
		scale := maxAbs / math.MaxInt16
		if scale == 0 {
			scale = 1
		}
		q := make([]int16, len(h.Weights))
		for i, v := range h.Weights {
			q[i] = int16(math.Round(v / scale))
		}
		f.Heads = append(f.Heads, headFile{Name: h.Name, Classes: h.Classes, Binary: h.Binary, IDF: h.IDF, Temperature: h.Temperature,
			Threshold: h.Threshold, Lambda: h.Lambda, NBWeight: h.NBWeight, Score: h.CVScore, Scale: scale, Q: q, Bias: h.Bias})
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := gob.NewEncoder(zw).Encode(f); err != nil {
		return fmt.Errorf("encoding model: %w", err)
	}
	return zw.Close()
}

// ErrBadModel is returned for model files that cannot be used.
var ErrBadModel = errors.New("bad triage model")

// DecodeModel reads a model written by Encode.
func DecodeModel(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadModel, err)
	}
	var f modelFile
	if err := gob.NewDecoder(zr).Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadModel, err)
	}
	if f.Version != modelVersion {
		return nil, fmt.Errorf("%w: version %d, this binary reads version %d; run `xiaobao triage train`", ErrBadModel, f.Version, modelVersion)
	}
	m := &Model{Version: f.Version, CorpusHash: f.CorpusHash, Examples: f.Examples, Corrections: f.Corrections, Keys: f.Keys, DF: f.DF}
	if len(m.DF) != len(m.Keys) {
		return nil, fmt.Errorf("%w: %d document frequencies for %d features", ErrBadModel, len(m.DF), len(m.Keys))
	}
	for _, hf := range f.Heads {
		h := Head{Name: hf.Name, Classes: hf.Classes, Binary: hf.Binary, IDF: hf.IDF, Temperature: hf.Temperature, Threshold: hf.Threshold,
			Lambda: hf.Lambda, NBWeight: hf.NBWeight, CVScore: hf.Score, Bias: hf.Bias, Weights: make([]float64, len(hf.Q))}
		for i, q := range hf.Q {
			h.Weights[i] = float64(q) * hf.Scale
		}
		if len(h.Weights) != len(m.Keys)*h.Width() || len(h.Bias) != h.Width() || h.Temperature <= 0 {
			return nil, fmt.Errorf("%w: head %s has inconsistent sizes", ErrBadModel, h.Name)
		}
		m.Heads = append(m.Heads, h)
	}
	return m, nil
}

// LoadModelFile reads a model from a file written by `xiaobao triage train`.
func LoadModelFile(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading model: %w", err)
	}
	return DecodeModel(bytes.NewReader(b))
}

// EmbeddedModel decodes the model shipped in the binary.
func EmbeddedModel() (*Model, error) {
	return DecodeModel(bytes.NewReader(embeddedModel))
}

// Head returns the head called name, or nil.
func (m *Model) Head(name string) *Head {
	for i := range m.Heads {
		if m.Heads[i].Name == name {
			return &m.Heads[i]
		}
	}
	return nil
}

// compiledModel is a model laid out for fast inference: one map from
// feature hash to a row of all heads' weights, so each feature costs one
// lookup and one pass over a contiguous row. The rows of heads that read
// idf-weighted features have the idf folded in.
type compiledModel struct {
	index  map[uint32]int32
	idf2   []float32 // squared idf of each row, for the idf heads' length
	cols   int
	table  []float32
	heads  []compiledHead
	byName map[string]int
}

type compiledHead struct {
	Head
	offset int
}

func compile(m *Model) *compiledModel {
	c := &compiledModel{index: make(map[uint32]int32, len(m.Keys)), idf2: make([]float32, len(m.Keys)), byName: map[string]int{}}
	for i, k := range m.Keys {
		c.index[k] = int32(i)
	}
	// Without document frequencies (a model built in a test) every idf
	// is 1 and idf heads read binary features.
	idf := make([]float64, len(m.Keys))
	for i := range idf {
		idf[i] = 1
	}
	if len(m.DF) == len(m.Keys) {
		idf = idfWeights(m.DF, m.Examples)
	}
	for i, v := range idf {
		c.idf2[i] = float32(v * v)
	}
	for i, h := range m.Heads {
		c.heads = append(c.heads, compiledHead{Head: h, offset: c.cols})
		c.byName[h.Name] = i
		c.cols += h.Width()
	}
	c.table = make([]float32, len(m.Keys)*c.cols)
	for _, h := range c.heads {
		w := h.Width()
		for r := range m.Keys {
			scale := 1.0
			if h.IDF {
				scale = idf[r]
			}
			for j := 0; j < w; j++ {
				c.table[r*c.cols+h.offset+j] = float32(h.Weights[r*w+j] * scale)
			}
		}
	}
	// The float64 weights are not needed after compiling.
	for i := range c.heads {
		c.heads[i].Weights = nil
	}
	return c
}

// scores returns every head's logits for a feature set, concatenated.
// Training scaled each feature vector to unit length, binary and
// idf-weighted alike; the two lengths are summed here in the same pass.
func (c *compiledModel) scores(features []uint32) []float32 {
	z := make([]float32, c.cols)
	var n, ss float32
	for _, f := range features {
		r, ok := c.index[f]
		if !ok {
			continue
		}
		n++
		ss += c.idf2[r]
		row := c.table[int(r)*c.cols : int(r)*c.cols+c.cols]
		for j := range z {
			z[j] += row[j]
		}
	}
	plain := float32(1 / math.Sqrt(math.Max(float64(n), 1)))
	weighted := float32(1 / math.Sqrt(math.Max(float64(ss), 1)))
	for _, h := range c.heads {
		s := plain
		if h.IDF {
			s = weighted
		}
		for j, b := range h.Bias {
			z[h.offset+j] = z[h.offset+j]*s + float32(b)
		}
	}
	return z
}

// headProbs turns a head's logits into calibrated probabilities (a
// softmax, or for a binary head the probability of "yes").
func (c *compiledModel) headProbs(z []float32, name string) []float64 {
	i, ok := c.byName[name]
	if !ok {
		return nil
	}
	h := c.heads[i]
	logits := z[h.offset : h.offset+h.Width()]
	if h.Binary {
		return []float64{sigmoid(float64(logits[0]) / h.Temperature)}
	}
	p := make([]float64, len(logits))
	m := float64(slices32Max(logits))
	var sum float64
	for j, v := range logits {
		p[j] = math.Exp((float64(v) - m) / h.Temperature)
		sum += p[j]
	}
	for j := range p {
		p[j] /= sum
	}
	return p
}

func slices32Max(z []float32) float32 {
	m := z[0]
	for _, v := range z[1:] {
		if v > m {
			m = v
		}
	}
	return m
}
