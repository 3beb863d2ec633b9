package knowledge

import (
	"fmt"
	"strings"
)

// searchSQL holds the statements that name the embedding model and its
// dimension literally. Vectors are stored in full precision and compared as
// half-precision (halfvec) in the HNSW index and searches: the index is half
// the size, so at 100,000 passages far more of it stays in shared buffers,
// and 16-bit floats do not change which passages are nearest in practice. PostgreSQL only uses a partial expression index when
// the query repeats the index's expression and implies its predicate with a
// constant, so `(embedding::vector(N)) <=> $1` and `embedding_model = 'm'`
// are written into the SQL text (from validated configuration, never from
// user input) instead of being bound as parameters.
type searchSQL struct {
	lexChunks, vecChunks, lexQuestions, vecQuestions, hydrate, pickChunks string
	details                                                               string
	exactChunks, countWithin                                              string
}

// searchFilter is shared by every channel: statuses, kinds and effective date.
const searchFilter = `status = ANY(@statuses::text[])
	AND (cardinality(@kinds::text[]) = 0 OR kind = ANY(@kinds::text[]))
	AND (@as_of::date IS NULL OR effective_on IS NULL OR effective_on <= @as_of::date)`

func buildSearchSQL(model string, dim int) searchSQL {
	vec := fmt.Sprintf("(embedding::halfvec(%d))", dim)
	qv := fmt.Sprintf("@qvec::vector(%d)::halfvec(%d)", dim, dim)
	modelPred := "embedding_model = " + quoteLiteral(model)
	r := strings.NewReplacer("{vec}", vec, "{qv}", qv, "{model}", modelPred, "{filter}", searchFilter)
	return searchSQL{
		// BM25 over the rows that contain at least one of the rarer query
		// terms (the GIN index finds them); @gen_limit bounds the work when
		// every term is common.
		lexChunks: r.Replace(`SELECT c.id, -(c.lex <#> @qlex::sparsevec) AS score
FROM (SELECT id, lex FROM kb_chunks WHERE tsv @@ to_tsquery('simple', @tsq) AND {filter} LIMIT @gen_limit) c
ORDER BY score DESC LIMIT @n`),
		// With a filter, an HNSW scan may return fewer than @n rows unless it
		// continues (hnsw.iterative_scan); relaxed order is then re-sorted.
		vecChunks: r.Replace(`WITH r AS MATERIALIZED (
	SELECT id, {vec} <=> {qv} AS distance FROM kb_chunks
	WHERE {model} AND {filter}
	ORDER BY {vec} <=> {qv} LIMIT @n)
SELECT id, 1 - distance FROM r ORDER BY distance`),
		lexQuestions: r.Replace(`SELECT q.id, q.faq_id, q.document_id, -(q.lex <#> @qlex::sparsevec) AS score
FROM (SELECT id, faq_id, document_id, lex FROM kb_faq_questions WHERE tsv @@ to_tsquery('simple', @tsq) AND {filter} LIMIT @gen_limit) q
ORDER BY score DESC LIMIT @n`),
		vecQuestions: r.Replace(`WITH r AS MATERIALIZED (
	SELECT id, faq_id, document_id, {vec} <=> {qv} AS distance FROM kb_faq_questions
	WHERE {model} AND {filter}
	ORDER BY {vec} <=> {qv} LIMIT @n)
SELECT id, faq_id, document_id, 1 - distance FROM r ORDER BY distance`),
		// hydrate gives each listed passage its document and its cosine
		// similarity to the query (0 without a vector of this model), which
		// is all fusion needs (details loads the text of the hits kept). It
		// also chooses, for each document reached through an FAQ question, the passage
		// that stands for it: one the entry cites, else the best by BM25,
		// else the most similar, else the first. Similarity is computed
		// only among the passages tied on the first two: reading and
		// comparing every passage's vector of every such document was the
		// largest cost of a search on the seeded knowledge base.
		hydrate: r.Replace(`WITH cites AS (
	SELECT coalesce(array_agg(DISTINCT x), '{}') AS a
	FROM kb_faqs f, unnest(f.citations) AS x WHERE f.id = ANY(@faqs::bigint[])),
cand AS (
	SELECT c.document_id, c.id, c.position, c.citation = ANY(cites.a) AS cited,
		rank() OVER (PARTITION BY c.document_id ORDER BY c.citation = ANY(cites.a) DESC, c.lex <#> @qlex::sparsevec) AS tie
	FROM kb_chunks c, cites
	WHERE c.document_id = ANY(@docs::bigint[])),
picked AS (
	SELECT DISTINCT ON (x.document_id) x.document_id, x.id, x.cited
	FROM cand x JOIN kb_chunks c ON c.id = x.id
	WHERE x.tie = 1
	ORDER BY x.document_id, CASE WHEN c.{model} AND @qvec::vector IS NOT NULL THEN {vec} <=> {qv} END ASC NULLS LAST, x.position)
SELECT c.id, c.document_id,
	CASE WHEN c.{model} AND @qvec::vector IS NOT NULL THEN 1 - ({vec} <=> {qv}) ELSE 0 END AS sim,
	coalesce(p.document_id, 0) AS picked_for, coalesce(p.cited, false) AS cited
FROM kb_chunks c LEFT JOIN picked p ON p.id = c.id
WHERE c.id IN (SELECT unnest(@ids::bigint[]) UNION SELECT id FROM picked)`),
		// details loads what a kept hit shows and is scored on.
		details: `SELECT c.id, d.title, c.kind, c.citation, c.heading_path, c.text, c.lex
FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id WHERE c.id = ANY($1::bigint[])`,
		// exactChunks is the vector channel without the index, for measuring
		// HNSW recall.
		exactChunks: r.Replace(`SELECT id, embedding::vector <=> @qvec::vector AS d FROM kb_chunks WHERE {model} AND {filter}
ORDER BY d, id LIMIT @n`),
		countWithin: r.Replace(`SELECT count(*) FROM kb_chunks WHERE {model} AND {filter}
AND embedding::vector <=> @qvec::vector <= @d`),
	}
}
