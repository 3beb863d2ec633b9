package knowledge

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pgvector/pgvector-go"
)

// SearchConfig tunes hybrid retrieval. Zero fields take the defaults, which
// were tuned on the Jining Bank FAQ and the team's own question set.
type SearchConfig struct {
	// RRFK is the k of Reciprocal Rank Fusion, 1/(k+rank). Defaults to 10.
	RRFK float64
	// LexicalWeight, VectorWeight, FAQLexicalWeight and FAQVectorWeight
	// weigh the four ranked lists: BM25 over passages, embeddings of
	// passages, and the same two over FAQ questions. Default to 1, 0.5,
	// 0.5 and 0.25: BM25 over words and bigrams is the strongest single
	// list on both tuning sets; the others add what it misses. Passage
	// vectors went from 0.25 to 0.5 when the offline vectors gained the
	// semantic model (hybrid hit@1 on the team's questions 0.678 → 0.684,
	// Jining Bank 0.691 → 0.694).
	LexicalWeight, VectorWeight, FAQLexicalWeight, FAQVectorWeight float64
	// Candidates is how many results each list contributes. Defaults to 40.
	Candidates int
	// EfSearch is hnsw.ef_search for vector scans. Defaults to 200: at
	// 100,000 passages (1024 dimensions, m = 32) ef_search 100, 200 and 400
	// found 81%, 91% and 97% of the exact top 10, at a p95 of about 49, 52
	// and 89 ms on the shared 2-core machine.
	EfSearch int
	// LexicalBudget bounds how many rows BM25 scores per query: the rarest
	// query terms are used to find candidates until their document
	// frequencies add up to this. Defaults to 600: on the own and Jining
	// sets 600 and 2000 rank identically, and at 100,000 passages 600
	// roughly halves the lexical list's time.
	LexicalBudget int
	// SynonymWeight scales the weight of terms added by synonym expansion.
	// Defaults to 0.6.
	SynonymWeight float64
	// K1 and B are BM25's parameters. Default to 1.2 and 0.75. Changing
	// them needs a re-index.
	K1, B float64
	// Threshold is the relevance below which Answer reports no confident
	// answer. Defaults to 0.5.
	Threshold float64
}

// DefaultEfSearch is SearchConfig.EfSearch's default.
const DefaultEfSearch = 200

func (c *SearchConfig) setDefaults() {
	c.RRFK = cmp.Or(c.RRFK, 10)
	c.LexicalWeight = cmp.Or(c.LexicalWeight, 1)
	c.VectorWeight = cmp.Or(c.VectorWeight, 0.5)
	c.FAQLexicalWeight = cmp.Or(c.FAQLexicalWeight, 0.5)
	c.FAQVectorWeight = cmp.Or(c.FAQVectorWeight, 0.25)
	c.Candidates = cmp.Or(c.Candidates, 40)
	c.EfSearch = cmp.Or(c.EfSearch, DefaultEfSearch)
	c.LexicalBudget = cmp.Or(c.LexicalBudget, 600)
	c.SynonymWeight = cmp.Or(c.SynonymWeight, 0.6)
	c.K1 = cmp.Or(c.K1, 1.2)
	c.B = cmp.Or(c.B, 0.75)
	c.Threshold = cmp.Or(c.Threshold, 0.5)
}

func (c *SearchConfig) validate() error {
	for _, w := range []float64{c.RRFK, c.LexicalWeight, c.VectorWeight, c.FAQLexicalWeight, c.FAQVectorWeight, c.SynonymWeight, c.K1} {
		if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return errors.New("knowledge: search weights must be non-negative numbers")
		}
	}
	if c.B < 0 || c.B > 1 {
		return errors.New("knowledge: BM25 b must be between 0 and 1")
	}
	if c.Candidates < 1 || c.Candidates > 1000 || c.EfSearch < 1 || c.EfSearch > 1000 {
		return errors.New("knowledge: Candidates and EfSearch must be 1..1000")
	}
	return nil
}

// Mode selects the retrieval channels; evaluations compare them.
type Mode string

// Retrieval modes.
const (
	ModeHybrid  Mode = ""        // all four lists, fused
	ModeLexical Mode = "lexical" // BM25 over passages and FAQ questions
	ModeVector  Mode = "vector"  // embeddings of passages and FAQ questions
	ModeBM25    Mode = "bm25"    // BM25 over passages only: the plain baseline
)

// SearchQuery is a search request.
type SearchQuery struct {
	Text string
	// K is the number of hits. Defaults to 5, at most 50.
	K int
	// Kinds restricts the document kinds; empty means all.
	Kinds []Kind
	// IncludeDrafts searches drafts too (staff hit testing). Archived
	// documents are never searched.
	IncludeDrafts bool
	// AsOf hides documents whose effective date is later; zero means no
	// date filter.
	AsOf time.Time
	// DistinctDocuments returns at most one passage per document.
	DistinctDocuments bool
	// Mode selects the channels. Defaults to hybrid.
	Mode Mode
}

// Hit is one retrieved passage with its score breakdown.
type Hit struct {
	DocumentID  int64   `json:"document_id"`
	ChunkID     int64   `json:"chunk_id"`
	Title       string  `json:"title"`
	Kind        string  `json:"kind"`
	Citation    string  `json:"citation"`
	HeadingPath string  `json:"heading_path"`
	Text        string  `json:"text"`
	Score       float64 `json:"score"` // fused RRF score, 1 = first in every list
	// Ranks in each list, 0 when absent.
	LexicalRank    int `json:"lexical_rank"`
	VectorRank     int `json:"vector_rank"`
	FAQLexicalRank int `json:"faq_lexical_rank"`
	FAQVectorRank  int `json:"faq_vector_rank"`
	// FAQID is the FAQ entry whose question matched, if any.
	FAQID int64 `json:"faq_id,omitempty"`
	// Raw scores behind the ranks.
	LexicalScore  float64 `json:"lexical_score"`  // BM25
	Similarity    float64 `json:"similarity"`     // cosine similarity of passage and query
	FAQSimilarity float64 `json:"faq_similarity"` // best matching question's cosine similarity
	FAQScore      float64 `json:"faq_score"`      // best matching question's BM25
	Coverage      float64 `json:"coverage"`       // share of the query's IDF weight found in the passage
	// WordEvidence is how many rare words (IDF weight divided by that of a
	// word seen once) of the query's jieba words the passage has; Answer
	// needs enough of them (see wordsNeeded).
	WordEvidence float64 `json:"word_evidence"`
	// Relevance estimates, from the raw scores, how well the passage answers
	// the query (0–1); Answer compares it with the threshold.
	Relevance float64 `json:"relevance"`

	terms []int32 // the passage's term indices (lexIndex), for coverage
	// wordsNeeded is the WordEvidence an answer from this passage needs.
	wordsNeeded float64
}

// Search runs a hybrid search. Empty, punctuation-only and emoji-only
// queries return no hits; very long queries are cut to their first 2,000
// characters.
func (s *Store) Search(ctx context.Context, q SearchQuery) ([]Hit, error) {
	hits, _, err := s.search(ctx, q)
	return hits, err
}

// queryPlan is a query prepared for the database.
type queryPlan struct {
	text     string
	terms    []weightedTerm // unique, with IDF and synonym weight
	tsquery  string         // rarer terms, OR-ed: the BM25 candidates
	genLimit int
	qlex     pgvector.SparseVector
	qvec     *pgvector.Vector
}

// weightedTerm is a query term: a word or a character bigram.
type weightedTerm struct {
	term   string
	hash   uint64
	idf    float64
	weight float64 // 1, or SynonymWeight for expansions
	word   bool    // a jieba word, not a character bigram
	df     int
	orig   string // for an expansion: the query's synonym it stands for
}

const maxQueryRunes = 2000

// queryEmbedTimeout bounds embedding a query with a remote model.
const queryEmbedTimeout = 3 * time.Second
const maxQueryTerms = 48

func (s *Store) plan(ctx context.Context, text string) (*queryPlan, *Stats, error) {
	st, err := s.currentStats(ctx)
	if err != nil {
		return nil, nil, err
	}
	syn, err := s.currentSynonyms(ctx)
	if err != nil {
		return nil, nil, err
	}
	p := &queryPlan{text: truncateRunes(strings.TrimSpace(text), maxQueryRunes), qlex: pgvector.NewSparseVectorFromMap(nil, lexDims)}
	if !strings.ContainsFunc(p.text, isWordRune) {
		return p, st, nil
	}
	seen := map[uint64]bool{}
	add := func(text string, weight float64, orig string) {
		l := lexTerms(text)
		all := append(append([]string{}, l.words...), l.bigrams...)
		for i, h := range l.hashes() {
			if seen[h] {
				continue
			}
			seen[h] = true
			p.terms = append(p.terms, weightedTerm{term: all[i], hash: h, idf: st.BM25IDF(h), weight: weight, word: i < len(l.words), df: st.DF(h), orig: orig})
		}
	}
	add(p.text, 1, "")
	expansions := syn.expand(p.text)
	var expText []string
	for _, e := range expansions {
		expText = append(expText, e.term)
		// Only the synonym's whole word: jieba keeps it whole in the
		// passages, since every synonym is in its dictionary. Its pieces
		// (上银 of 网上银行, 个人 of 个人网银) matched unrelated passages, and a
		// large group outweighed the consumer's own words. A synonym no text
		// has as a word, as when the passages were indexed before the group
		// existed, still searches by its pieces.
		w := wholeWord(e.term)
		h := hashFeature(featWord, w)
		if !st.counted(h) {
			add(e.term, s.cfg.Search.SynonymWeight, e.from)
			continue
		}
		if seen[h] {
			continue
		}
		seen[h] = true
		p.terms = append(p.terms, weightedTerm{term: w, hash: h, idf: st.BM25IDF(h), weight: s.cfg.Search.SynonymWeight, word: true, df: st.DF(h), orig: e.from})
	}
	// Keep the most informative terms of a very long query.
	if len(p.terms) > maxQueryTerms {
		slices.SortStableFunc(p.terms, func(a, b weightedTerm) int { return cmp.Compare(b.idf*b.weight, a.idf*a.weight) })
		p.terms = p.terms[:maxQueryTerms]
	}
	m := make(map[int32]float32, len(p.terms))
	for _, t := range p.terms {
		m[lexIndex(t.hash)] += float32(t.idf * t.weight)
	}
	p.qlex = pgvector.NewSparseVectorFromMap(m, lexDims)
	p.tsquery, p.genLimit = s.candidateTerms(p.terms)

	embedText := p.text
	if len(expText) > 0 {
		embedText += "\n" + strings.Join(expText, " ")
	}
	var vec []float32
	if off, ok := s.embedder.(*OfflineEmbedder); ok {
		vec = off.embed(embedText, terms(embedText), st)
	} else {
		// A remote embedder that is slow or down must not hold up the
		// search: after queryEmbedTimeout the lexical lists answer alone.
		ectx, cancel := context.WithTimeout(ctx, queryEmbedTimeout)
		vs, err := s.embedder.Embed(ectx, []string{embedText})
		cancel()
		if err != nil {
			// The lexical lists still answer; say so in the log only.
			s.log.WarnContext(ctx, "query embedding failed; searching lexically", "model", s.embedder.Model(), "err", err)
		} else if len(vs) == 1 && len(vs[0]) == s.embedder.Dim() {
			vec = vs[0]
		}
	}
	if vec != nil && !isZero(vec) {
		v := pgvector.NewVector(vec)
		p.qvec = &v
	}
	return p, st, nil
}

// wholeWord is the longest lexical term of a synonym: the synonym itself
// when it is one run of letters and digits, as nearly all are.
func wholeWord(term string) string {
	best := ""
	for _, w := range terms(term) {
		if len(w) > len(best) {
			best = w
		}
	}
	return best
}

// candidateTerms picks the query terms whose rows BM25 will score: rarest
// first, until their document frequencies reach the budget. Common terms
// still count in the score of those rows; they just do not bring in rows of
// their own, which is what keeps lexical search fast on a large corpus.
func (s *Store) candidateTerms(ts []weightedTerm) (string, int) {
	if len(ts) == 0 {
		return "", 0
	}
	byDF := slices.Clone(ts)
	slices.SortStableFunc(byDF, func(a, b weightedTerm) int { return cmp.Compare(a.df, b.df) })
	budget := s.cfg.Search.LexicalBudget
	var parts []string
	sum := 0
	for i, t := range byDF {
		if i > 0 && sum+t.df > budget {
			break
		}
		sum += t.df
		parts = append(parts, "'"+t.term+"'")
	}
	return strings.Join(parts, " | "), 2 * budget
}

// channel results before fusion.
type chunkRank struct {
	id    int64
	score float64
}

type questionRank struct {
	id, faqID, docID int64
	score            float64
}

func (s *Store) search(ctx context.Context, q SearchQuery) ([]Hit, *queryPlan, error) {
	k := q.K
	if k <= 0 {
		k = 5
	}
	k = min(k, 50)
	p, st, err := s.plan(ctx, q.Text)
	if err != nil {
		return nil, nil, err
	}
	if len(p.terms) == 0 && p.qvec == nil {
		return []Hit{}, p, nil
	}
	statuses := []string{string(StatusPublished)}
	if q.IncludeDrafts {
		statuses = append(statuses, string(StatusDraft))
	}
	kinds := make([]string, 0, len(q.Kinds))
	for _, kd := range q.Kinds {
		kinds = append(kinds, string(kd))
	}
	var asOf any
	if !q.AsOf.IsZero() {
		asOf = q.AsOf.Format(time.DateOnly)
	}
	n := s.cfg.Search.Candidates
	if q.DistinctDocuments {
		n = max(n, 3*k)
	}
	useLex := q.Mode == ModeHybrid || q.Mode == ModeLexical || q.Mode == ModeBM25
	useVec := (q.Mode == ModeHybrid || q.Mode == ModeVector) && p.qvec != nil
	useFAQLex := q.Mode == ModeHybrid || q.Mode == ModeLexical
	useFAQVec := (q.Mode == ModeHybrid || q.Mode == ModeVector) && p.qvec != nil
	if p.tsquery == "" {
		useLex, useFAQLex = false, false
	}
	base := pgx.NamedArgs{"statuses": statuses, "kinds": kinds, "as_of": asOf, "n": n}
	args := func(extra pgx.NamedArgs) pgx.NamedArgs {
		out := pgx.NamedArgs{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	lexArgs := args(pgx.NamedArgs{"qlex": p.qlex, "tsq": p.tsquery, "gen_limit": p.genLimit})
	var qvecArg any
	if p.qvec != nil {
		qvecArg = *p.qvec
	}
	vecArgs := args(pgx.NamedArgs{"qvec": qvecArg})

	var lex, vec []chunkRank
	var flex, fvec []questionRank
	settings := "SELECT set_config('hnsw.ef_search', '" + strconv.Itoa(max(s.cfg.Search.EfSearch, n)) +
		"', true), set_config('hnsw.iterative_scan', 'relaxed_order', true)"
	lexBatch := func(b *pgx.Batch) {
		if useLex {
			b.Queue(s.sql.lexChunks, lexArgs).Query(func(rows pgx.Rows) error { return scanChunkRanks(rows, &lex) })
		}
		if useFAQLex {
			b.Queue(s.sql.lexQuestions, lexArgs).Query(func(rows pgx.Rows) error { return scanQuestionRanks(rows, &flex) })
		}
	}
	vecBatch := func(b *pgx.Batch) {
		if useVec {
			b.Queue(s.sql.vecChunks, vecArgs).Query(func(rows pgx.Rows) error { return scanChunkRanks(rows, &vec) })
		}
		if useFAQVec {
			b.Queue(s.sql.vecQuestions, vecArgs).Query(func(rows pgx.Rows) error { return scanQuestionRanks(rows, &fvec) })
		}
	}
	hydrateArgs := pgx.NamedArgs{"qlex": p.qlex, "qvec": qvecArg}
	// finish fuses the lists, keeps the best k and loads only those
	// passages' text and terms: loading them for every listed passage (80
	// and more) was most of a search's cost after the lists themselves.
	var hits []Hit
	finish := func(db DBTX) error {
		hydrated, choice, err := s.hydrate(ctx, db, lex, vec, flex, fvec, hydrateArgs)
		if err != nil {
			return err
		}
		hits = s.fuse(q.Mode, lex, vec, flex, fvec, choice, hydrated, q.DistinctDocuments)
		if len(hits) > k {
			hits = hits[:k]
		}
		hits, err = s.details(ctx, db, hits)
		return err
	}
	if pool, ok := s.db.(*pgxpool.Pool); ok && (useLex || useFAQLex) && (useVec || useFAQVec) {
		// On a pool the lexical and vector lists run at the same time on two
		// connections: a query costs the slower of the two, not the sum.
		vecErr := make(chan error, 1)
		go func() {
			vecErr <- pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				b := &pgx.Batch{}
				b.Queue(settings)
				vecBatch(b)
				return tx.SendBatch(ctx, b).Close()
			})
		}()
		b := &pgx.Batch{}
		lexBatch(b)
		err = pool.SendBatch(ctx, b).Close()
		if verr := <-vecErr; err == nil {
			err = verr
		}
		if err == nil {
			err = finish(pool)
		}
	} else {
		// In a caller's transaction everything shares one connection.
		err = s.inTx(ctx, func(tx pgx.Tx) error {
			b := &pgx.Batch{}
			b.Queue(settings)
			lexBatch(b)
			vecBatch(b)
			if err := tx.SendBatch(ctx, b).Close(); err != nil {
				return err
			}
			return finish(tx)
		})
	}
	if err != nil {
		return nil, p, fmt.Errorf("searching: %w", err)
	}
	s.score(hits, p, st)
	return hits, p, nil
}

func scanChunkRanks(rows pgx.Rows, out *[]chunkRank) error {
	for rows.Next() {
		var r chunkRank
		if err := rows.Scan(&r.id, &r.score); err != nil {
			return err
		}
		*out = append(*out, r)
	}
	return rows.Err()
}

func scanQuestionRanks(rows pgx.Rows, out *[]questionRank) error {
	for rows.Next() {
		var r questionRank
		if err := rows.Scan(&r.id, &r.faqID, &r.docID, &r.score); err != nil {
			return err
		}
		*out = append(*out, r)
	}
	return rows.Err()
}
