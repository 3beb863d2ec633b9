package knowledge

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ProgressFunc reports progress of a long operation: done of total.
type ProgressFunc func(done, total int)

// ReembedOptions selects what a re-embed redoes.
type ReembedOptions struct {
	// All redoes every row, not just stale ones.
	All bool
	// Retokenize segments every text again (after synonyms were added to
	// jieba's dictionary) before recomputing the statistics. It implies All.
	Retokenize bool
}

// reembedBatch is the number of rows embedded and written per round trip.
const reembedBatch = 200

const (
	sqlStaleChunks = `SELECT c.id, d.title, c.heading_path, c.text, c.embedding_model = $1 AS same_model
FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
WHERE $3 OR c.embedding_model <> $1 OR c.stats_generation <> $2 ORDER BY c.id`
	sqlStaleQuestions = `SELECT id, '', '', question, embedding_model = $1 AS same_model
FROM kb_faq_questions WHERE $3 OR embedding_model <> $1 OR stats_generation <> $2 ORDER BY id`
	sqlUpdateChunkIndex = `UPDATE kb_chunks SET lex_text = $2, lex = $3, token_count = $4,
	embedding = CASE WHEN $7 THEN $5 ELSE embedding END,
	embedding_model = CASE WHEN $7 THEN $6 ELSE embedding_model END, stats_generation = $8 WHERE id = $1`
	sqlUpdateQuestionIndex = `UPDATE kb_faq_questions SET lex_text = $2, lex = $3, token_count = $4,
	embedding = CASE WHEN $7 THEN $5 ELSE embedding END,
	embedding_model = CASE WHEN $7 THEN $6 ELSE embedding_model END, stats_generation = $8 WHERE id = $1`
)

// staleRow is a chunk or question to index again.
type staleRow struct {
	id                   int64
	title, heading, text string
	sameModel            bool
}

// Reembed brings every chunk and question up to date with the configured
// embedding model and the current statistics. With the offline embedder it
// first refreshes the statistics when they are stale (its vectors are
// weighted by them). Rows already current are skipped, so an interrupted
// run resumes where it stopped. It returns how many rows it rewrote.
func (s *Store) Reembed(ctx context.Context, o ReembedOptions, progress ProgressFunc) (int, error) {
	if o.Retokenize {
		o.All = true
		if _, err := s.currentSynonyms(ctx); err != nil {
			return 0, err
		}
	}
	st, err := s.currentStats(ctx)
	if err != nil {
		return 0, err
	}
	stale, err := s.StatsStale(ctx)
	if err != nil {
		return 0, err
	}
	if stale || o.Retokenize {
		if st, err = s.refreshStats(ctx, o.Retokenize); err != nil {
			return 0, err
		}
	}
	model := s.embedder.Model()
	_, statsDependent := s.embedder.(statsUser)
	var chunks, questions []staleRow
	if chunks, err = s.staleRows(ctx, sqlStaleChunks, model, st.Generation, o.All); err != nil {
		return 0, err
	}
	if questions, err = s.staleRows(ctx, sqlStaleQuestions, model, st.Generation, o.All); err != nil {
		return 0, err
	}
	total, done := len(chunks)+len(questions), 0
	if progress != nil {
		progress(0, total)
	}
	for _, set := range []struct {
		rows     []staleRow
		question bool
		update   string
	}{{chunks, false, sqlUpdateChunkIndex}, {questions, true, sqlUpdateQuestionIndex}} {
		for start := 0; start < len(set.rows); start += reembedBatch {
			batch := set.rows[start:min(start+reembedBatch, len(set.rows))]
			if err := s.reindexBatch(ctx, batch, set.question, set.update, st, statsDependent || o.All); err != nil {
				return done, err
			}
			done += len(batch)
			if progress != nil {
				progress(done, total)
			}
		}
	}
	return done, nil
}

func (s *Store) staleRows(ctx context.Context, q, model string, gen int64, all bool) ([]staleRow, error) {
	rows, err := s.db.Query(ctx, q, model, gen, all)
	if err != nil {
		return nil, fmt.Errorf("finding rows to re-embed: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (staleRow, error) {
		var x staleRow
		err := r.Scan(&x.id, &x.title, &x.heading, &x.text, &x.sameModel)
		return x, err
	})
}

// reindexBatch recomputes terms, BM25 weights and, where needed, vectors of
// a batch and writes them in one round trip. An embedder that does not
// depend on the statistics keeps vectors that are already of its model.
func (s *Store) reindexBatch(ctx context.Context, batch []staleRow, question bool, update string, st *Stats, embedAll bool) error {
	texts := make([]string, len(batch))
	for i, r := range batch {
		if question {
			texts[i] = r.text
		} else {
			texts[i] = indexText(r.title, r.heading, r.text)
		}
	}
	var prep []prepared
	var err error
	needEmbed := embedAll
	for _, r := range batch {
		needEmbed = needEmbed || !r.sameModel
	}
	if needEmbed {
		prep, err = s.prepare(ctx, texts, question, st)
	} else {
		prep = s.prepareLexical(texts, question, st)
	}
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	for i, r := range batch {
		p := prep[i]
		write := needEmbed && (embedAll || !r.sameModel)
		var emb any
		model := ""
		if p.embedding != nil {
			emb, model = *p.embedding, s.embedder.Model()
		}
		b.Queue(update, r.id, p.lexText, p.lex, p.tokenCount, emb, model, write, st.Generation)
	}
	if err := s.db.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("writing re-embedded rows: %w", err)
	}
	return nil
}

// prepareLexical is prepare without embeddings.
func (s *Store) prepareLexical(texts []string, question bool, st *Stats) []prepared {
	avg := st.AvgChunkTokens
	if question {
		avg = st.AvgQuestionTokens
	}
	out := make([]prepared, len(texts))
	for i, t := range texts {
		l := lexTerms(t)
		out[i] = prepared{lexText: l.text(), lex: bm25DocVector(l, avg, s.cfg.Search.K1, s.cfg.Search.B), tokenCount: l.size()}
	}
	return out
}
