// Package knowledge stores the curated knowledge base (regulations,
// financial-literacy articles, FAQ entries, synonyms), chunks and embeds it,
// and answers hybrid lexical + vector searches on PostgreSQL with pgvector.
//
// # Documents and versions
//
// A document is identified by its slug (an imported file's name without
// extension). Importing is idempotent by the SHA-256 of the normalised text:
// the same content is a no-op, changed content becomes a new version whose
// chunks replace the old ones in one transaction, under a per-slug advisory
// lock so concurrent imports of one file make one version. Files may be
// Markdown (with YAML front matter), plain text or HTML, in UTF-8, UTF-16
// with a BOM or GB18030; empty, binary, oversized or undecodable files fail
// with a *FileError that names the file.
//
// # Chunks and citations
//
// Regulations are cut at 章/节/条: one chunk per article, cited as
// 《law》第十八条, with the chapter in the heading path; an article longer
// than 1,000 characters is cut at its 款 and 项, keeping the citation. Other
// documents are cut at headings and then paragraphs into pieces of about
// 200–600 characters with one sentence of overlap, cited as 《title》·heading.
//
// # Retrieval
//
// Four ranked lists are fused with weighted Reciprocal Rank Fusion:
//
//   - BM25 over passages. Terms are jieba search-mode words plus character
//     bigrams; the document side of BM25 is precomputed into a sparsevec and
//     the query side carries the IDF, so one sparse inner product is the
//     score. Candidates come from a GIN index on a `simple` tsvector, using
//     the rarer query terms until their document frequencies reach a budget,
//     which bounds the work on a large corpus.
//   - Cosine similarity of dense vectors through an HNSW index on their
//     half-precision form (with hnsw.ef_search and hnsw.iterative_scan set
//     per query). The offline
//     embedder hashes words and character n-grams, weighted by IDF, into a
//     fixed number of dimensions; an OpenAI-compatible embedder can replace
//     it. Every vector records its model and searches compare only vectors
//     of the configured model; `xiaobao kb reembed` converts the rest.
//   - The same two over FAQ questions (standard and similar questions, and
//     the questions in a document's front matter): a matched question credits
//     the passage the entry cites or else its document's best passage in
//     full and the runner-up by half.
//
// Synonym groups expand queries (a colloquial 签字的单子 also searches
// 签购单) and keep their terms whole in jieba's dictionary. Corpus statistics
// (document frequencies, average lengths) live in kb_stats; the offline
// vectors depend on them, so a refresh re-embeds the rows made with an older
// generation.
//
// # Answers
//
// Answer is grounded: it uses only passages whose relevance (BM25 evidence
// measured in rare words, or a matched FAQ question's similarity) passes the
// threshold, and otherwise reports no confident answer. Offline, the answer
// is extractive: the passages' sentences that share the most informative
// words with the question, one short paragraph per passage, each with its
// citation. With an LLM the passages are numbered in the prompt (personal
// data masked), the streamed answer is checked citation by citation, and any
// invented citation, error or timeout falls back to the extractive answer.
package knowledge
