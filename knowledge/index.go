package knowledge

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"
)

// prepared is one text ready for the index: its jieba terms, the document
// side of BM25 and its embedding (nil when the text has no features).
type prepared struct {
	lexText    string
	lex        pgvector.SparseVector
	tokenCount int
	embedding  *pgvector.Vector
}

// prepare segments and embeds texts. Questions use their own average length
// for BM25's length normalisation.
func (s *Store) prepare(ctx context.Context, texts []string, question bool, st *Stats) ([]prepared, error) {
	out := make([]prepared, len(texts))
	avg := st.AvgChunkTokens
	if question {
		avg = st.AvgQuestionTokens
	}
	allTerms := make([][]string, len(texts))
	for i, t := range texts {
		l := lexTerms(t)
		allTerms[i] = l.words
		out[i] = prepared{
			lexText:    l.text(),
			lex:        bm25DocVector(l, avg, s.cfg.Search.K1, s.cfg.Search.B),
			tokenCount: l.size(),
		}
	}
	var vecs [][]float32
	if off, ok := s.embedder.(*OfflineEmbedder); ok {
		// The offline embedder would segment again; reuse the terms.
		vecs = make([][]float32, len(texts))
		for i, t := range texts {
			vecs[i] = off.embed(t, allTerms[i], st)
		}
	} else {
		var err error
		vecs, err = s.embedder.Embed(ctx, texts)
		if err != nil {
			return nil, fmt.Errorf("embedding %d texts with %s: %w", len(texts), s.embedder.Model(), err)
		}
		if len(vecs) != len(texts) {
			return nil, fmt.Errorf("embedding with %s: got %d vectors for %d texts", s.embedder.Model(), len(vecs), len(texts))
		}
	}
	for i, v := range vecs {
		if len(v) != s.embedder.Dim() {
			return nil, fmt.Errorf("embedding with %s: vector has %d dimensions, want %d", s.embedder.Model(), len(v), s.embedder.Dim())
		}
		if !isZero(v) {
			pv := pgvector.NewVector(v)
			out[i].embedding = &pv
		}
	}
	return out, nil
}

// bm25DocVector holds BM25's document side for each term:
// tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen)).
func bm25DocVector(l lexical, avgLen, k1, b float64) pgvector.SparseVector {
	tf := make(map[int32]float64, l.size())
	for _, h := range l.hashes() {
		tf[lexIndex(h)]++
	}
	norm := k1 * (1 - b + b*float64(l.size())/math.Max(avgLen, 1))
	m := make(map[int32]float32, len(tf))
	for i, f := range tf {
		m[i] = float32(f * (k1 + 1) / (f + norm))
	}
	return pgvector.NewSparseVectorFromMap(m, lexDims)
}

// docMeta is what chunk and question rows copy from their document so that
// filters work inside index scans.
type docMeta struct {
	id        int64
	version   int
	kind      Kind
	status    Status
	effective string
	title     string
}

// insertChunks writes a version's chunks with COPY, the fastest path for the
// hundreds of rows a law produces.
func (s *Store) insertChunks(ctx context.Context, tx pgx.Tx, d docMeta, chunks []Chunk, prep []prepared, gen int64) error {
	rows := make([][]any, len(chunks))
	eff := nullDate(d.effective)
	for i, c := range chunks {
		p := prep[i]
		var emb any
		model := ""
		if p.embedding != nil {
			emb, model = *p.embedding, s.embedder.Model()
		}
		rows[i] = []any{d.id, d.version, c.Position, c.HeadingPath, c.Citation, c.Text, p.lexText, p.lex,
			p.tokenCount, emb, model, gen, string(d.kind), string(d.status), eff}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"kb_chunks"}, []string{
		"document_id", "version", "position", "heading_path", "citation", "text", "lex_text", "lex",
		"token_count", "embedding", "embedding_model", "stats_generation", "kind", "status", "effective_on",
	}, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("writing %d chunks: %w", len(chunks), err)
	}
	return nil
}

// insertQuestions adds searchable questions of an FAQ entry; questions it
// already has are left alone.
func (s *Store) insertQuestions(ctx context.Context, db DBTX, faqID int64, d docMeta, qs []string, prep []prepared, gen int64) error {
	for i, q := range qs {
		p := prep[i]
		var emb any
		model := ""
		if p.embedding != nil {
			emb, model = *p.embedding, s.embedder.Model()
		}
		if _, err := db.Exec(ctx, sqlInsertQuestion, faqID, d.id, q, p.lexText, p.lex, p.tokenCount,
			emb, model, gen, string(d.kind), string(d.status), nullDate(d.effective)); err != nil {
			return fmt.Errorf("writing question: %w", err)
		}
	}
	return nil
}

// nullDate turns a validated YYYY-MM-DD into a date parameter, "" into NULL.
func nullDate(d string) any {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return nil
	}
	return t
}
