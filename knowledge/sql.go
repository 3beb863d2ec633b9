package knowledge

// SQL of the package in one place. Search statements that must name the
// embedding model and dimension literally (to match the partial HNSW index)
// are built once per Store in search_sql.go from validated configuration.

const documentColumns = `d.id, d.slug, d.kind, d.title, d.source_title, d.issuer, d.doc_number,
	coalesce(to_char(d.published_on, 'YYYY-MM-DD'), '') AS published,
	coalesce(to_char(d.effective_on, 'YYYY-MM-DD'), '') AS effective,
	d.status, d.version, d.content_hash, d.author, d.created_at, d.updated_at, d.published_at, d.archived_at,
	(SELECT count(*) FROM kb_chunks c WHERE c.document_id = d.id)::int AS chunks`

const documentFilter = `($1 = '' OR d.status = $1) AND ($2 = '' OR d.kind = $2)
	AND ($3 = '' OR strpos(lower(d.title), lower($3)) > 0 OR strpos(lower(d.slug), lower($3)) > 0)`

const (
	sqlListDocuments = `SELECT ` + documentColumns + ` FROM kb_documents d WHERE ` + documentFilter + `
ORDER BY d.updated_at DESC, d.id DESC LIMIT $4 OFFSET $5`

	sqlCountDocuments = `SELECT count(*) FROM kb_documents d WHERE ` + documentFilter

	sqlGetDocument = `SELECT ` + documentColumns + ` FROM kb_documents d WHERE d.id = $1`

	sqlVersionSource = `SELECT source FROM kb_document_versions WHERE document_id = $1 AND version = $2`

	sqlDocumentQuestions = `SELECT coalesce(array_agg(q.question ORDER BY q.id), '{}')
FROM kb_faq_questions q JOIN kb_faqs f ON f.id = q.faq_id
WHERE f.document_id = $1 AND f.source_key IS NOT NULL`

	sqlListVersions = `SELECT version, content_hash, file_name, author, created_at, source
FROM kb_document_versions WHERE document_id = $1 ORDER BY version DESC`

	sqlDocumentChunks = `SELECT position, heading_path, citation, text FROM kb_chunks
WHERE document_id = $1 ORDER BY position`

	sqlLockDocument = `SELECT status FROM kb_documents WHERE id = $1 FOR UPDATE`

	sqlSetDocumentStatus = `UPDATE kb_documents SET status = $2, updated_at = now(),
	published_at = CASE WHEN $2 = 'published' THEN now() ELSE published_at END,
	archived_at = CASE WHEN $2 = 'archived' THEN now() ELSE NULL END
WHERE id = $1`

	sqlSetChunkStatus    = `UPDATE kb_chunks SET status = $2 WHERE document_id = $1`
	sqlSetQuestionStatus = `UPDATE kb_faq_questions SET status = $2 WHERE document_id = $1`

	sqlDeleteDocument = `DELETE FROM kb_documents WHERE id = $1`

	sqlAudit = `INSERT INTO audit_events (actor, action, subject_type, subject_id, from_state, to_state)
VALUES ($1, $2, $3, $4, $5, $6)`

	// sqlLockSlug serialises imports of one document across processes.
	sqlLockSlug = `SELECT pg_advisory_xact_lock(hashtextextended('kb_document:' || $1, 0))`

	sqlDocumentBySlug = `SELECT id, version, content_hash, status FROM kb_documents WHERE slug = $1 FOR UPDATE`

	sqlInsertDocument = `INSERT INTO kb_documents (slug, kind, title, source_title, issuer, doc_number,
	published_on, effective_on, status, content_hash, author, published_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CASE WHEN $9 = 'published' THEN now() END)
RETURNING id`

	sqlUpdateDocumentVersion = `UPDATE kb_documents SET version = $2, kind = $3, title = $4, source_title = $5,
	issuer = $6, doc_number = $7, published_on = $8, effective_on = $9, status = $10, content_hash = $11,
	author = $12, updated_at = now(),
	published_at = CASE WHEN $10 = 'published' AND status <> 'published' THEN now() ELSE published_at END
WHERE id = $1`

	sqlDeleteChunks = `DELETE FROM kb_chunks WHERE document_id = $1`

	sqlInsertVersion = `INSERT INTO kb_document_versions (document_id, version, content_hash, source, file_name, author)
VALUES ($1, $2, $3, $4, $5, $6)`

	// sqlUpsertDocFAQ keeps one FAQ entry per document for its front-matter
	// questions. A re-import adds new questions and keeps the ones staff
	// added, so curation is never undone by an import.
	sqlUpsertDocFAQ = `INSERT INTO kb_faqs (document_id, source_key, question, similar_questions, author)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (source_key) DO UPDATE SET document_id = EXCLUDED.document_id,
	similar_questions = kb_faqs.similar_questions || ARRAY(
		SELECT q FROM unnest(ARRAY[EXCLUDED.question] || EXCLUDED.similar_questions) AS q
		WHERE q <> kb_faqs.question AND q <> ALL (kb_faqs.similar_questions)),
	updated_at = CASE WHEN EXCLUDED.question = kb_faqs.question
		AND EXCLUDED.similar_questions <@ kb_faqs.similar_questions THEN kb_faqs.updated_at ELSE now() END
RETURNING id`

	sqlInsertQuestion = `INSERT INTO kb_faq_questions (faq_id, document_id, question, lex_text, lex, token_count,
	embedding, embedding_model, stats_generation, kind, status, effective_on)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (faq_id, question) DO NOTHING`

	sqlSyncQuestionMeta = `UPDATE kb_faq_questions SET kind = $2, status = $3, effective_on = $4
WHERE document_id = $1 AND (kind, status, effective_on) IS DISTINCT FROM ($2, $3, $4::date)`

	// Statistics.
	sqlStatsGeneration = `SELECT generation FROM kb_stats WHERE name = 'corpus'`
	sqlStatsLoad       = `SELECT generation, docs, avg_chunk_tokens, avg_question_tokens, df FROM kb_stats WHERE name = 'corpus'`
	sqlStatsLock       = `SELECT pg_advisory_xact_lock(hashtextextended('kb_stats', 0))`
	sqlNextGeneration  = `SELECT coalesce(max(generation), 0) + 1 FROM kb_stats`
	sqlStatsSave       = `INSERT INTO kb_stats (name, generation, docs, avg_chunk_tokens, avg_question_tokens, df, updated_at)
VALUES ('corpus', $1, $2, $3, $4, $5, now())
ON CONFLICT (name) DO UPDATE SET generation = $1, docs = $2, avg_chunk_tokens = $3,
	avg_question_tokens = $4, df = $5, updated_at = now()`
	sqlStatsChunkTexts = `SELECT d.title, c.heading_path, c.text, c.lex_text
FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id`
	sqlStatsQuestionTexts = `SELECT question, lex_text FROM kb_faq_questions`
	sqlCountIndexed       = `SELECT (SELECT count(*) FROM kb_chunks) + (SELECT count(*) FROM kb_faq_questions)`

	sqlIndexExists = `SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = $1)`
)
