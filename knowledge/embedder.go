package knowledge

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync/atomic"
)

// Embedder turns texts into dense vectors of a fixed dimension. Vectors are
// stored with Model(), and searches only compare vectors of the same model.
type Embedder interface {
	// Model names the model; it must change whenever vectors would.
	Model() string
	// Dim is the vector dimension.
	Dim() int
	// Embed returns one vector per text. A text without any feature may get
	// a zero vector, which the store treats as "no vector".
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// statsUser is implemented by embedders whose vectors depend on corpus
// statistics; the store hands them every new snapshot.
type statsUser interface{ useStats(*Stats) }

// OfflineConfig configures the offline embedder. Changing any weight changes
// the vectors: run `xiaobao kb reembed --all` afterwards.
type OfflineConfig struct {
	// Dim is the vector dimension. Defaults to 1024: with 512 buckets a
	// passage's few hundred features collide often; 1024 ranked clearly
	// better on the team's questions (vector-only hit@5 0.74 → 0.83).
	Dim int
	// WordWeight weighs jieba words. Defaults to 1.
	WordWeight float64
	// UnigramWeight, BigramWeight and TrigramWeight weigh character n-grams,
	// which match paraphrases that jieba segments differently. Default to
	// 0.3, 0.1 and 0.5: bigrams are matched exactly by lexical search, and
	// in a few hundred hashed dimensions they mostly add collisions.
	UnigramWeight, BigramWeight, TrigramWeight float64
	// MaxFeatures keeps only a text's heaviest features (by TF-IDF weight)
	// before hashing. Long passages have far more features than buckets;
	// their many light features add collision noise, not meaning.
	// Defaults to 0 (all).
	MaxFeatures int
	// IDFPower raises the IDF weight to this power: above 1 concentrates a
	// vector on its rarer features. Defaults to 1.
	IDFPower float64
	// Projection, when set, maps the hashed vector onto its trained main
	// directions (see Projection); Dim stays the hashing dimension and must
	// equal Projection.In, vectors have Projection.Out dimensions. Defaults
	// to nil: no projection.
	Projection *Projection
	// Semantic, when set, appends the trained model's vector of a text to
	// the hashed (or projected) one, so that cosine similarity mixes word
	// overlap with learned meaning (see SemanticModel). Defaults to nil.
	Semantic *SemanticModel
	// SemanticWeight is the semantic part's weight γ: the similarity of
	// two texts is (hashed cosine + γ² × semantic cosine) / (1 + γ²).
	// Defaults to 0.75: on the Jining Bank FAQ and the team's questions
	// hybrid search ranked best at 0.75 of 0.5, 0.75 and 1.
	SemanticWeight float64
}

// OfflineEmbedder is the default embedder: deterministic, in-process, no
// network. It hashes jieba words and character uni/bi/trigrams (signed
// feature hashing) into Dim buckets, weighs each by (1 + ln tf) × IDF learned
// from the indexed corpus, and L2-normalises, so cosine similarity is a
// TF-IDF similarity that also sees overlapping characters.
type OfflineEmbedder struct {
	cfg   OfflineConfig
	stats atomic.Pointer[Stats]
}

// NewOfflineEmbedder returns an offline embedder.
func NewOfflineEmbedder(cfg OfflineConfig) *OfflineEmbedder {
	cfg.Dim = cmp.Or(cfg.Dim, 1024)
	cfg.WordWeight = cmp.Or(cfg.WordWeight, 1)
	cfg.UnigramWeight = cmp.Or(cfg.UnigramWeight, 0.3)
	cfg.BigramWeight = cmp.Or(cfg.BigramWeight, 0.1)
	cfg.TrigramWeight = cmp.Or(cfg.TrigramWeight, 0.5)
	cfg.IDFPower = cmp.Or(cfg.IDFPower, 1)
	cfg.SemanticWeight = cmp.Or(cfg.SemanticWeight, 0.75)
	e := &OfflineEmbedder{cfg: cfg}
	e.stats.Store(emptyStats())
	return e
}

// Model is "offline-hash-<dim>", with "-p<out>-<id>" for a projection and
// "-s<dim>-<id>-g<weight>" for a semantic model.
func (e *OfflineEmbedder) Model() string {
	name := fmt.Sprintf("offline-hash-%d", e.cfg.Dim)
	if p := e.cfg.Projection; p != nil {
		name += fmt.Sprintf("-p%d-%s", p.Out, p.ID())
	}
	if m := e.cfg.Semantic; m != nil {
		name += fmt.Sprintf("-s%d-%s-g%g", m.Dim(), m.ID(), e.cfg.SemanticWeight)
	}
	return name
}

// Dim is the dimension of the vectors: the projection's output when there
// is one, otherwise the hashing dimension, plus the semantic model's.
func (e *OfflineEmbedder) Dim() int {
	d := e.cfg.Dim
	if p := e.cfg.Projection; p != nil {
		d = p.Out
	}
	if m := e.cfg.Semantic; m != nil {
		d += m.Dim()
	}
	return d
}

func (e *OfflineEmbedder) useStats(st *Stats) { e.stats.Store(st) }

// Embed embeds each text; it never fails.
func (e *OfflineEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	st := e.stats.Load()
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = e.embed(t, terms(t), st)
	}
	return out, nil
}

// embed is Embed for one text whose lexical terms are already known.
func (e *OfflineEmbedder) embed(text string, ts []string, st *Stats) []float32 {
	v := e.hashed(text, ts, st)
	if p := e.cfg.Projection; p != nil {
		v = p.apply(v)
	}
	m := e.cfg.Semantic
	if m == nil {
		return normalize(v)
	}
	// Both parts at unit length, the semantic one weighed by γ; a text
	// the model knows nothing of keeps only its hashed part.
	base := normalize(v)
	out := make([]float32, len(base)+m.Dim())
	if isZero(base) {
		return out
	}
	u := m.embed(text, ts)
	g := e.cfg.SemanticWeight
	if u == nil {
		g = 0
	}
	n := 1 / math.Sqrt(1+g*g)
	for i, x := range base {
		out[i] = float32(float64(x) * n)
	}
	for j, x := range u {
		out[len(base)+j] = float32(g * x * n)
	}
	return out
}

// hashed is the weighted feature-hashing vector of a text, before any
// projection and not normalised.
func (e *OfflineEmbedder) hashed(text string, ts []string, st *Stats) []float64 {
	fs := kindedFeatures(text, ts)
	ws := make([]float64, len(fs))
	for i, f := range fs {
		ws[i] = e.kindWeight(f.kind) * (1 + math.Log(f.count)) * math.Pow(st.IDF(f.hash), e.cfg.IDFPower)
	}
	if m := e.cfg.MaxFeatures; m > 0 && len(fs) > m {
		idx := make([]int, len(fs))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(ws[b], ws[a]) })
		keep := make([]kindedFeature, m)
		kw := make([]float64, m)
		for i, j := range idx[:m] {
			keep[i], kw[i] = fs[j], ws[j]
		}
		fs, ws = keep, kw
	}
	v := make([]float64, e.cfg.Dim)
	for i, f := range fs {
		w := ws[i]
		b := f.hash % uint64(e.cfg.Dim)
		if f.hash>>40&1 == 1 {
			w = -w
		}
		v[b] += w
	}
	return v
}

func (e *OfflineEmbedder) kindWeight(k byte) float64 {
	switch k {
	case featWord:
		return e.cfg.WordWeight
	case featUnigram:
		return e.cfg.UnigramWeight
	case featBigram:
		return e.cfg.BigramWeight
	default:
		return e.cfg.TrigramWeight
	}
}

// normalize scales v to unit length; a zero vector stays zero.
func normalize(v []float64) []float32 {
	var sum float64
	for _, x := range v {
		sum += x * x
	}
	out := make([]float32, len(v))
	if sum == 0 {
		return out
	}
	n := math.Sqrt(sum)
	for i, x := range v {
		out[i] = float32(x / n)
	}
	return out
}

// isZero reports whether v has no direction (cosine distance is undefined).
func isZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}
