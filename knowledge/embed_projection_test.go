package knowledge

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestFitProjectionFindsTheSubspace fits vectors that all lie in a plane of
// an 8-dimensional space: two components must keep each vector whole, and
// the directions must be orthonormal.
func TestFitProjectionFindsTheSubspace(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	a := []float64{1, 2, 0, -1, 0, 3, 0, 1}
	b := []float64{0, 1, -2, 0, 4, 0, 1, 0}
	var vs [][]float32
	for range 300 {
		x, y := rng.NormFloat64(), rng.NormFloat64()
		v := make([]float64, 8)
		for i := range v {
			v[i] = x*a[i] + y*b[i]
		}
		vs = append(vs, normalize(v))
	}
	p, err := FitProjection(vs, 2)
	noErr(t, err)
	for _, v := range vs[:20] {
		x := make([]float64, 8)
		for i := range v {
			x[i] = float64(v[i])
		}
		var n float64
		for _, c := range p.apply(x) {
			n += c * c
		}
		if math.Abs(n-1) > 1e-4 {
			t.Fatalf("a vector of the plane keeps %.5f of its squared length, want 1", n)
		}
	}
	for c1 := 0; c1 < 2; c1++ {
		for c2 := 0; c2 < 2; c2++ {
			var dot float64
			for i := 0; i < 8; i++ {
				dot += float64(p.W[i*2+c1]) * float64(p.W[i*2+c2])
			}
			want := 0.0
			if c1 == c2 {
				want = 1
			}
			if math.Abs(dot-want) > 1e-5 {
				t.Fatalf("directions %d·%d = %.6f, want %v", c1, c2, dot, want)
			}
		}
	}
	again, err := FitProjection(vs, 2)
	noErr(t, err)
	if again.ID() != p.ID() {
		t.Fatal("fitting the same vectors twice gave different projections")
	}
	if _, err := FitProjection(vs, 9); err == nil {
		t.Fatal("9 components of an 8-dimensional space were accepted")
	}
	if _, err := FitProjection(nil, 2); err == nil {
		t.Fatal("no vectors were accepted")
	}
}

func TestProjectionFileRoundTrip(t *testing.T) {
	t.Parallel()
	p := &Projection{In: 3, Out: 2, W: []float32{1, 0, 0, 1, 0.5, -0.5}}
	var buf bytes.Buffer
	_, err := p.WriteTo(&buf)
	noErr(t, err)
	got, err := ReadProjection(bytes.NewReader(buf.Bytes()))
	noErr(t, err)
	if got.In != 3 || got.Out != 2 || got.ID() != p.ID() {
		t.Fatalf("read back %d×%d %s, want 3×2 %s", got.In, got.Out, got.ID(), p.ID())
	}
	for _, bad := range [][]byte{nil, []byte("not gzip"), buf.Bytes()[:buf.Len()/2]} {
		if _, err := ReadProjection(bytes.NewReader(bad)); err == nil {
			t.Fatalf("ReadProjection(%q…) succeeded", bad[:min(len(bad), 8)])
		}
	}
}

// TestStoreFitProjection fits the seeded knowledge base and searches with
// the projected vectors: the model name changes, vectors have the
// projection's dimension, and a plain question still finds its document
// by vector alone.
func TestStoreFitProjection(t *testing.T) {
	db := seededTx(t)
	ctx := context.Background()
	base := newTestStore(t, db)
	if _, err := base.FitProjection(ctx, 5000, 0); err == nil || !strings.Contains(err.Error(), "too few") {
		t.Fatalf("5000 components of the seed: err = %v, want too few texts", err)
	}
	p, err := base.FitProjection(ctx, 64, 0)
	noErr(t, err)
	if p.In != 1024 || p.Out != 64 {
		t.Fatalf("projection %d×%d, want 1024×64", p.In, p.Out)
	}
	s := newTestStore(t, db, func(c *Config) { c.Embedder = NewOfflineEmbedder(OfflineConfig{Projection: p}) })
	if m := s.EmbeddingModel(); m != "offline-hash-1024-p64-"+p.ID() {
		t.Fatalf("model = %q", m)
	}
	_, err = s.Reembed(ctx, ReembedOptions{}, nil)
	noErr(t, err)
	var dims int
	noErr(t, db.QueryRow(ctx, `SELECT vector_dims(embedding) FROM kb_chunks WHERE embedding_model = $1 LIMIT 1`, s.EmbeddingModel()).Scan(&dims))
	if dims != 64 {
		t.Fatalf("stored vectors have %d dimensions, want 64", dims)
	}
	hits, err := s.Search(ctx, SearchQuery{Text: "存款保险最多赔多少钱", K: 5, Mode: ModeVector, DistinctDocuments: true})
	noErr(t, err)
	found := false
	for _, h := range hits {
		found = found || strings.Contains(h.Title, "存款")
	}
	if !found {
		t.Fatalf("vector search with the projection missed deposit insurance: %+v", titles(hits))
	}

	bad := &Projection{In: 512, Out: 8, W: make([]float32, 512*8)}
	if _, err := NewStore(Config{DB: db, Embedder: NewOfflineEmbedder(OfflineConfig{Projection: bad})}); err == nil {
		t.Fatal("a 512-dimensional projection was accepted for 1024 hashed dimensions")
	}
}

func titles(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Title
	}
	return out
}
