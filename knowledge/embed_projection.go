package knowledge

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/jackc/pgx/v5"
	"gonum.org/v1/gonum/mat"
)

// Projection maps the offline embedder's hashed vectors onto their main
// directions (latent semantic analysis): Out orthonormal directions of
// the In-dimensional space, the principal components of the vectors of a
// training corpus.
//
// Why: hashed TF-IDF vectors are nearly orthogonal to one another, and HNSW
// navigates such a space poorly (at 100,000 passages it had to visit about
// 11,500 index pages per query to find 93% of the exact top 10). The
// principal directions keep what texts share, words that occur together,
// in a quarter of the dimensions: the index is a quarter of the size and
// finds a little more of the exact top 10 per ef_search (measured in
// docs/evaluation.md). Ranking loses some precision, which lexical search,
// keeping the exact words, mostly makes up; on a small knowledge base the
// plain vectors rank better.
type Projection struct {
	In, Out int
	// W is In×Out, row-major: W[i*Out+j] is input dimension i's weight in
	// output dimension j.
	W []float32
}

// projectionMagic starts a projection file; the version is its last byte.
var projectionMagic = []byte("XBPROJ\x00\x01")

// apply projects v (length In) to Out dimensions.
func (p *Projection) apply(v []float64) []float64 {
	out := make([]float64, p.Out)
	for i, x := range v {
		if x == 0 {
			continue
		}
		row := p.W[i*p.Out : (i+1)*p.Out]
		for j, w := range row {
			out[j] += x * float64(w)
		}
	}
	return out
}

// ID is a short digest of the matrix: part of the model name, so that a
// retrained projection makes `kb reembed` re-embed everything.
func (p *Projection) ID() string {
	h := sha256.New()
	binary.Write(h, binary.LittleEndian, []uint32{uint32(p.In), uint32(p.Out)})
	binary.Write(h, binary.LittleEndian, p.W)
	return hex.EncodeToString(h.Sum(nil))[:8]
}

// WriteTo writes the projection gzipped: magic, In, Out, then W as
// little-endian float32.
func (p *Projection) WriteTo(w io.Writer) (int64, error) {
	return writeModelFile(w, projectionMagic, func(zw io.Writer) error {
		if err := binary.Write(zw, binary.LittleEndian, []uint32{uint32(p.In), uint32(p.Out)}); err != nil {
			return err
		}
		return binary.Write(zw, binary.LittleEndian, p.W)
	})
}

// ReadProjection reads what WriteTo wrote.
func ReadProjection(r io.Reader) (*Projection, error) {
	zr, err := openModelFile(r, projectionMagic, "projection")
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	in, out, err := readShape(zr, "projection")
	if err != nil {
		return nil, err
	}
	if in < 1 || in > 1<<16 || out < 1 || out > in || out > 2000 {
		return nil, fmt.Errorf("projection: bad shape %d×%d", in, out)
	}
	p := &Projection{In: in, Out: out, W: make([]float32, in*out)}
	if err := binary.Read(zr, binary.LittleEndian, p.W); err != nil {
		return nil, fmt.Errorf("projection: %w", err)
	}
	for _, w := range p.W {
		if math.IsNaN(float64(w)) || math.IsInf(float64(w), 0) {
			return nil, errors.New("projection: weights must be finite")
		}
	}
	return p, nil
}

// FitProjection returns the out principal directions of vectors (each of
// the same length, usually unit-length offline vectors): the eigenvectors
// of their uncentred second-moment matrix with the largest eigenvalues, in
// descending order. Uncentred, because cosine similarity is about
// directions from the origin; signed feature hashing already centres the
// vectors near it. Each direction's sign is fixed (its largest weight is
// positive) so that the same vectors always give the same file.
func FitProjection(vectors [][]float32, out int) (*Projection, error) {
	if len(vectors) == 0 {
		return nil, errors.New("projection: no vectors to fit")
	}
	in := len(vectors[0])
	if out < 1 || out > in {
		return nil, fmt.Errorf("projection: %d components of a %d-dimensional space", out, in)
	}
	// The second-moment matrix, a batch of vectors at a time (a rank-k
	// update is far faster than one rank-one update per vector).
	const batch = 512
	cov := mat.NewSymDense(in, nil)
	part := mat.NewSymDense(in, nil)
	for start := 0; start < len(vectors); start += batch {
		end := min(start+batch, len(vectors))
		x := mat.NewDense(in, end-start, nil)
		for j, v := range vectors[start:end] {
			if len(v) != in {
				return nil, fmt.Errorf("projection: vectors of %d and %d dimensions", in, len(v))
			}
			for i := range v {
				x.Set(i, j, float64(v[i]))
			}
		}
		part.SymOuterK(1, x)
		cov.AddSym(cov, part)
	}
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		return nil, errors.New("projection: eigendecomposition did not converge")
	}
	var vecs mat.Dense
	eig.VectorsTo(&vecs) // columns, eigenvalues ascending
	p := &Projection{In: in, Out: out, W: make([]float32, in*out)}
	for c := 0; c < out; c++ {
		col := in - 1 - c
		sign, big := 1.0, 0.0
		for i := 0; i < in; i++ {
			if a := vecs.At(i, col); math.Abs(a) > big {
				big, sign = math.Abs(a), math.Copysign(1, a)
			}
		}
		for i := 0; i < in; i++ {
			p.W[i*out+c] = float32(sign * vecs.At(i, col))
		}
	}
	return p, nil
}

// sqlProjectionTexts are the texts a projection is fitted on: every
// passage (as it is embedded: title, heading and text) and FAQ question.
// In a fixed order, so that the same knowledge base always gives the same
// sample and the same projection.
const sqlProjectionTexts = `SELECT title, heading_path, text, question FROM (
	SELECT d.title, c.heading_path, c.text, false AS question, c.id FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
	UNION ALL SELECT '', '', question, true, id FROM kb_faq_questions) t
ORDER BY question, id`

// FitProjection fits a projection of the offline embedder's hashed vectors
// to the indexed passages and FAQ questions, using at most sample of them
// (an even spread; 0 means all). Use it for a large knowledge base: save
// the result, configure it, then re-embed everything. A small one (a few
// thousand texts) has too few texts to find hundreds of directions.
func (s *Store) FitProjection(ctx context.Context, components, sample int) (*Projection, error) {
	off, ok := s.embedder.(*OfflineEmbedder)
	if !ok {
		return nil, errors.New("projection: only the offline embedder is projected")
	}
	// The vectors are weighted by the statistics: fit on current ones.
	stale, err := s.StatsStale(ctx)
	if err != nil {
		return nil, err
	}
	if stale {
		if _, err := s.RefreshStats(ctx); err != nil {
			return nil, err
		}
	}
	st, err := s.currentStats(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, sqlProjectionTexts)
	if err != nil {
		return nil, fmt.Errorf("projection: reading texts: %w", err)
	}
	texts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var title, heading, text string
		var question bool
		if err := r.Scan(&title, &heading, &text, &question); err != nil {
			return "", err
		}
		if question {
			return text, nil
		}
		return indexText(title, heading, text), nil
	})
	if err != nil {
		return nil, fmt.Errorf("projection: reading texts: %w", err)
	}
	if len(texts) < 2*components {
		return nil, fmt.Errorf("projection: %d texts are too few for %d components (at least twice as many are needed)", len(texts), components)
	}
	step := 1.0
	if sample > 0 && len(texts) > sample {
		step = float64(len(texts)) / float64(sample)
	}
	var vectors [][]float32
	for f := 0.0; int(f) < len(texts); f += step {
		t := texts[int(f)]
		vectors = append(vectors, normalize(off.hashed(t, terms(t), st)))
	}
	return FitProjection(vectors, components)
}
