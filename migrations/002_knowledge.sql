-- Knowledge base: documents with versions, chunks indexed for hybrid search
-- (jieba tokens in a tsvector, BM25 weights in a sparsevec, a dense embedding),
-- FAQ entries with searchable similar questions, synonyms, corpus statistics,
-- background jobs, unanswered questions and answer feedback.
--
-- Embeddings: kb_chunks.embedding is a `vector` without a dimension, and every
-- row names the model that made it. One table can then hold vectors of several
-- models while a re-embed runs, and queries compare only vectors of the active
-- model. HNSW needs a fixed dimension, so each model gets a partial expression
-- index, `(embedding::vector(N)) ... WHERE embedding_model = '<model>'`; search
-- SQL uses exactly that expression and predicate. The default offline model's
-- indexes are created here; knowledge.Store.EnsureIndexes creates them for any
-- other configured model at start-up.

CREATE TABLE kb_documents (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- slug identifies a document across versions: the imported file's name
    -- without extension, or one chosen by staff.
    slug         text        NOT NULL UNIQUE CHECK (slug <> ''),
    kind         text        NOT NULL CHECK (kind IN ('regulation', 'literacy', 'faq', 'guide')),
    title        text        NOT NULL CHECK (title <> ''),
    -- Source of a regulation: the law's name (cited as 《source_title》),
    -- issuing body, document number and dates.
    source_title text        NOT NULL DEFAULT '',
    issuer       text        NOT NULL DEFAULT '',
    doc_number   text        NOT NULL DEFAULT '',
    published_on date,
    effective_on date,
    status       text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    version      int         NOT NULL DEFAULT 1 CHECK (version > 0),
    content_hash text        NOT NULL,
    author       text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    archived_at  timestamptz
);
CREATE INDEX kb_documents_status_kind_idx ON kb_documents (status, kind);

-- kb_document_versions keeps every version's full source (front matter and
-- body as normalised UTF-8 Markdown), so staff can see what changed.
CREATE TABLE kb_document_versions (
    document_id  bigint      NOT NULL REFERENCES kb_documents (id) ON DELETE CASCADE,
    version      int         NOT NULL,
    content_hash text        NOT NULL,
    source       text        NOT NULL,
    file_name    text        NOT NULL DEFAULT '',
    author       text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, version)
);

-- kb_chunks holds the passages of each document's current version. A new
-- version's chunks replace the old ones in the same transaction.
CREATE TABLE kb_chunks (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id     bigint      NOT NULL REFERENCES kb_documents (id) ON DELETE CASCADE,
    version         int         NOT NULL,
    position        int         NOT NULL,
    heading_path    text        NOT NULL DEFAULT '',
    citation        text        NOT NULL,
    text            text        NOT NULL,
    -- lex_text is the jieba search-mode segmentation, space-joined, so the
    -- `simple` configuration only has to split on spaces.
    lex_text        text        NOT NULL,
    tsv             tsvector    GENERATED ALWAYS AS (to_tsvector('simple', lex_text)) STORED,
    -- lex holds the document side of BM25 (saturated, length-normalised term
    -- frequencies keyed by term hash); the query side carries the IDF, so a
    -- sparse inner product is the BM25 score.
    lex             sparsevec   NOT NULL,
    token_count     int         NOT NULL,
    embedding       vector,
    embedding_model text        NOT NULL DEFAULT '',
    -- stats_generation is the kb_stats generation lex and embedding were
    -- computed with; a re-embed redoes rows whose generation is stale.
    stats_generation bigint     NOT NULL DEFAULT 0,
    -- Copies of document fields, so filters apply inside the index scans.
    kind            text        NOT NULL,
    status          text        NOT NULL,
    effective_on    date,
    UNIQUE (document_id, version, position)
);
CREATE INDEX kb_chunks_tsv_idx ON kb_chunks USING gin (tsv);
CREATE INDEX kb_chunks_document_idx ON kb_chunks (document_id, position);
CREATE INDEX kb_chunks_embedding_offline_hash_512_idx ON kb_chunks
    USING hnsw ((embedding::vector(512)) vector_cosine_ops) WITH (m = 16, ef_construction = 128)
    WHERE embedding_model = 'offline-hash-512';

-- kb_faqs are curated 标准问 + 相似问 entries. Each points at the document
-- that answers it: an existing one, or one of kind 'faq' that holds the
-- entry's own answer (owns_document) and is deleted with it. citations name
-- supporting chunks inside that document by citation string, which, unlike
-- chunk ids, survives new versions.
CREATE TABLE kb_faqs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id   bigint      NOT NULL REFERENCES kb_documents (id) ON DELETE CASCADE,
    -- source_key marks entries made by imports ("doc:<slug>" from a
    -- document's front-matter questions), so re-imports update, not duplicate.
    source_key    text        UNIQUE,
    question      text        NOT NULL CHECK (question <> ''),
    similar_questions text[]  NOT NULL DEFAULT '{}',
    citations     text[]      NOT NULL DEFAULT '{}',
    owns_document boolean     NOT NULL DEFAULT false,
    author        text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kb_faqs_document_idx ON kb_faqs (document_id);

-- kb_faq_questions makes the standard and similar questions searchable the
-- same way as chunks.
CREATE TABLE kb_faq_questions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    faq_id          bigint      NOT NULL REFERENCES kb_faqs (id) ON DELETE CASCADE,
    document_id     bigint      NOT NULL REFERENCES kb_documents (id) ON DELETE CASCADE,
    question        text        NOT NULL,
    lex_text        text        NOT NULL,
    tsv             tsvector    GENERATED ALWAYS AS (to_tsvector('simple', lex_text)) STORED,
    lex             sparsevec   NOT NULL,
    token_count     int         NOT NULL,
    embedding       vector,
    embedding_model text        NOT NULL DEFAULT '',
    stats_generation bigint     NOT NULL DEFAULT 0,
    kind            text        NOT NULL,
    status          text        NOT NULL,
    effective_on    date,
    UNIQUE (faq_id, question)
);
CREATE INDEX kb_faq_questions_tsv_idx ON kb_faq_questions USING gin (tsv);
CREATE INDEX kb_faq_questions_document_idx ON kb_faq_questions (document_id);
CREATE INDEX kb_faq_questions_embedding_offline_hash_512_idx ON kb_faq_questions
    USING hnsw ((embedding::vector(512)) vector_cosine_ops) WITH (m = 16, ef_construction = 128)
    WHERE embedding_model = 'offline-hash-512';

-- kb_synonyms are staff-curated groups of interchangeable terms (催收/催债/
-- 讨债), used for query expansion and added to jieba's dictionary. head is
-- the group's first term; seeding inserts only groups whose head is new, so
-- staff edits survive a re-seed.
CREATE TABLE kb_synonyms (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    head       text        NOT NULL UNIQUE,
    terms      text[]      NOT NULL CHECK (cardinality(terms) >= 2),
    author     text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- kb_stats holds corpus statistics: document frequencies of hashed terms and
-- character n-grams (the IDF of lexical search and the offline embedder) and
-- average lengths. generation changes whenever they are recomputed, so other
-- processes know to reload.
CREATE TABLE kb_stats (
    name                text PRIMARY KEY,
    generation          bigint      NOT NULL,
    docs                int         NOT NULL,
    avg_chunk_tokens    real        NOT NULL,
    avg_question_tokens real        NOT NULL,
    df                  bytea       NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- kb_jobs tracks re-index and re-embed runs so staff can watch progress.
-- At most one runs at a time.
CREATE TABLE kb_jobs (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text        NOT NULL CHECK (kind IN ('reindex', 'reembed')),
    status       text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
    total        int         NOT NULL DEFAULT 0,
    done         int         NOT NULL DEFAULT 0,
    error        text        NOT NULL DEFAULT '',
    actor        text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);
CREATE UNIQUE INDEX kb_jobs_one_running_idx ON kb_jobs ((true)) WHERE status = 'running';

-- kb_unanswered collects questions the bot could not answer confidently.
-- Text is PII-masked before it is stored.
CREATE TABLE kb_unanswered (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    question        text        NOT NULL,
    session_id      text        NOT NULL DEFAULT '',
    top_score       real        NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz,
    resolved_faq_id bigint REFERENCES kb_faqs (id) ON DELETE SET NULL
);
CREATE INDEX kb_unanswered_open_idx ON kb_unanswered (created_at DESC) WHERE resolved_at IS NULL;

-- kb_feedback is the consumer's 👍/👎 on one answer message, with the
-- passages that were shown. A second vote on the same message replaces the
-- first.
CREATE TABLE kb_feedback (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id      text        NOT NULL,
    message_id      text        NOT NULL,
    question        text        NOT NULL DEFAULT '',
    answer          text        NOT NULL DEFAULT '',
    chunk_ids       bigint[]    NOT NULL DEFAULT '{}',
    helpful         boolean     NOT NULL,
    comment         text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz,
    resolved_faq_id bigint REFERENCES kb_faqs (id) ON DELETE SET NULL,
    UNIQUE (session_id, message_id)
);
CREATE INDEX kb_feedback_created_idx ON kb_feedback (created_at DESC);

---- create above / drop below ----
DROP TABLE kb_feedback;
DROP TABLE kb_unanswered;
DROP TABLE kb_jobs;
DROP TABLE kb_stats;
DROP TABLE kb_synonyms;
DROP TABLE kb_faq_questions;
DROP TABLE kb_faqs;
DROP TABLE kb_chunks;
DROP TABLE kb_document_versions;
DROP TABLE kb_documents;
