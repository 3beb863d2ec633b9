package knowledge

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// SemanticModel is the offline engine's small trained model of meaning: a
// vector for each jieba word and character bigram of its vocabulary,
// learned from the team's paraphrase corpus (knowledge/paraphrases, see
// TrainSemantic) so that questions asking the same thing in other words
// land close together. A text's vector is the IDF-weighted sum of its known
// features' vectors, at unit length.
//
// Why: the hashed TF-IDF vectors only see shared words and characters, so
// "没出单子" and "没有打印签购单" look unrelated, and lexical search cannot
// see it either. The model learns which words stand in for each other from
// thousands of questions written as consumers type them; the offline
// embedder appends its vector to the hashed one (OfflineConfig.Semantic),
// so cosine similarity becomes a mix of the two and exact wording still
// counts.
type SemanticModel struct {
	dim  int
	rows map[uint64]int32 // feature hash → row
	// hashes lists the features in row order (the file's order).
	hashes []uint64
	idf    []float32
	// scales and q are the stored form: row i is q[i*dim:(i+1)*dim] ×
	// scales[i]. vecs is that, row-major, ready to sum.
	scales []float32
	q      []int8
	vecs   []float32
	id     string
}

// semanticMagic starts a model file; the version is its last byte.
var semanticMagic = []byte("XBSEM\x00\x00\x01")

// Dim is the dimension of the model's vectors.
func (m *SemanticModel) Dim() int { return m.dim }

// Vocabulary is the number of features the model knows.
func (m *SemanticModel) Vocabulary() int { return len(m.hashes) }

// ID is a short digest of the model: part of the embedder's model name, so
// that a retrained model makes `kb reembed` re-embed everything.
func (m *SemanticModel) ID() string { return m.id }

// semanticFeatures counts text's features as the model reads them: its
// lexical terms ws (jieba words) and its character bigrams.
func semanticFeatures(text string, ws []string) map[uint64]float64 {
	out := make(map[uint64]float64, len(ws)+len(text)/3)
	for _, w := range ws {
		out[hashFeature(featWord, w)]++
	}
	for _, run := range units(text) {
		for i := 0; i+1 < len(run); i++ {
			out[hashFeature(featBigram, run[i]+run[i+1])]++
		}
	}
	return out
}

// sparseText is a text as the model reads it: the rows of its known
// features and their weights.
type sparseText struct {
	rows []int32
	ws   []float64
}

// weighted returns the rows of the known features of counts, in row
// order (map order is random; summing in a fixed order keeps vectors
// bit-identical from run to run), with their weights (1 + ln tf) × IDF.
func (m *SemanticModel) weighted(counts map[uint64]float64) sparseText {
	var s sparseText
	for h := range counts {
		if r, ok := m.rows[h]; ok {
			s.rows = append(s.rows, r)
		}
	}
	slices.Sort(s.rows)
	s.ws = make([]float64, len(s.rows))
	for i, r := range s.rows {
		s.ws[i] = (1 + math.Log(counts[m.hashes[r]])) * float64(m.idf[r])
	}
	return s
}

// sum returns the weighted sum of a text's feature vectors and its length.
func (m *SemanticModel) sum(s sparseText) ([]float64, float64) {
	v := make([]float64, m.dim)
	for i, r := range s.rows {
		row := m.vecs[int(r)*m.dim : (int(r)+1)*m.dim]
		for j, x := range row {
			v[j] += s.ws[i] * float64(x)
		}
	}
	var sq float64
	for _, x := range v {
		sq += x * x
	}
	return v, math.Sqrt(sq)
}

// embed returns the unit vector of a text whose lexical terms are ws, or
// nil when the model knows none of its features.
func (m *SemanticModel) embed(text string, ws []string) []float64 {
	v, n := m.sum(m.weighted(semanticFeatures(text, ws)))
	if n == 0 {
		return nil
	}
	for j := range v {
		v[j] /= n
	}
	return v
}

// Similarity is the cosine similarity of two texts in the model's space (0
// when either has no known feature): for tests and staff tools.
func (m *SemanticModel) Similarity(a, b string) float64 {
	va, vb := m.embed(a, terms(a)), m.embed(b, terms(b))
	if va == nil || vb == nil {
		return 0
	}
	var dot float64
	for i := range va {
		dot += va[i] * vb[i]
	}
	return dot
}

// newSemanticModel builds a model from its quantised rows: each row's
// int8 weights q (dim of them) times its scale, as the file keeps them. A
// trained model goes through quantize first, so that it embeds exactly as
// it will once written and read back.
func newSemanticModel(dim int, hashes []uint64, idf, scales []float32, q []int8) *SemanticModel {
	m := &SemanticModel{dim: dim, hashes: hashes, idf: idf, scales: scales, q: q,
		vecs: make([]float32, len(q)), rows: make(map[uint64]int32, len(hashes))}
	for i, h := range hashes {
		m.rows[h] = int32(i)
		for j := 0; j < dim; j++ {
			m.vecs[i*dim+j] = float32(q[i*dim+j]) * scales[i]
		}
	}
	var buf bytes.Buffer
	m.writePayload(&buf)
	sum := sha256.Sum256(buf.Bytes())
	m.id = hex.EncodeToString(sum[:])[:8]
	return m
}

// quantize maps row onto int8 with one scale (largest magnitude → 127).
func quantize(row []float32) (float32, []int8) {
	var big float32
	for _, x := range row {
		big = max(big, float32(math.Abs(float64(x))))
	}
	q := make([]int8, len(row))
	if big == 0 {
		return 0, q
	}
	scale := big / 127
	for j, x := range row {
		q[j] = int8(math.Round(float64(x / scale)))
	}
	return scale, q
}

// writePayload writes the model uncompressed: dim and row count, then per
// row its feature hash, IDF, scale and int8 weights.
func (m *SemanticModel) writePayload(w io.Writer) error {
	if err := binary.Write(w, binary.LittleEndian, []uint32{uint32(m.dim), uint32(len(m.hashes))}); err != nil {
		return err
	}
	for i, h := range m.hashes {
		if err := binary.Write(w, binary.LittleEndian, h); err != nil {
			return err
		}
		if err := binary.Write(w, binary.LittleEndian, []float32{m.idf[i], m.scales[i]}); err != nil {
			return err
		}
		if err := binary.Write(w, binary.LittleEndian, m.q[i*m.dim:(i+1)*m.dim]); err != nil {
			return err
		}
	}
	return nil
}

// WriteTo writes the model gzipped, after a magic string.
func (m *SemanticModel) WriteTo(w io.Writer) (int64, error) {
	return writeModelFile(w, semanticMagic, m.writePayload)
}

// ReadSemanticModel reads what WriteTo wrote.
func ReadSemanticModel(r io.Reader) (*SemanticModel, error) {
	zr, err := openModelFile(r, semanticMagic, "semantic model")
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	dim, n, err := readShape(zr, "semantic model")
	if err != nil {
		return nil, err
	}
	if dim < 1 || dim > 2000 || n < 1 || n > 1<<22 {
		return nil, fmt.Errorf("semantic model: bad shape %d×%d", n, dim)
	}
	hashes, idf, scales, q := make([]uint64, n), make([]float32, n), make([]float32, n), make([]int8, n*dim)
	for i := 0; i < n; i++ {
		var sc [2]float32
		if err := binary.Read(zr, binary.LittleEndian, &hashes[i]); err != nil {
			return nil, fmt.Errorf("semantic model: %w", err)
		}
		if err := binary.Read(zr, binary.LittleEndian, &sc); err != nil {
			return nil, fmt.Errorf("semantic model: %w", err)
		}
		if err := binary.Read(zr, binary.LittleEndian, q[i*dim:(i+1)*dim]); err != nil {
			return nil, fmt.Errorf("semantic model: %w", err)
		}
		for _, x := range sc {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return nil, errors.New("semantic model: weights must be finite")
			}
		}
		idf[i], scales[i] = sc[0], sc[1]
	}
	return newSemanticModel(dim, hashes, idf, scales, q), nil
}
