// Package knowledge stores the curated knowledge base (regulations,
// financial-literacy articles, FAQ entries, synonyms), chunks and embeds it,
// and answers hybrid lexical + vector searches on PostgreSQL with pgvector.
package knowledge
