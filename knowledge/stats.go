package knowledge

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// Stats are corpus statistics: how many indexed texts (chunks and FAQ
// questions) contain each hashed feature, and their average lengths. They
// give lexical search its IDF and the offline embedder its weights. Only
// features seen in at least two texts are kept, which is most of the
// information at a fraction of the size; the rest count as one.
type Stats struct {
	// Generation identifies this snapshot; rows record the generation they
	// were indexed with, so a re-embed knows what is stale.
	Generation int64
	// Docs is the number of texts counted.
	Docs int
	// AvgChunkTokens and AvgQuestionTokens are BM25's average lengths.
	AvgChunkTokens, AvgQuestionTokens float64

	keys []uint64 // sorted feature hashes
	df   []uint32
}

// emptyStats is what a store uses before any statistics exist: every
// feature weighs the same.
func emptyStats() *Stats { return &Stats{AvgChunkTokens: 150, AvgQuestionTokens: 12} }

// DF is the number of texts containing the feature (at least 1).
func (st *Stats) DF(h uint64) int {
	i, ok := slices.BinarySearch(st.keys, h)
	if !ok {
		return 1
	}
	return int(st.df[i])
}

// counted reports whether any counted text contains the feature.
func (st *Stats) counted(h uint64) bool {
	_, ok := slices.BinarySearch(st.keys, h)
	return ok
}

// IDF is the smoothed inverse document frequency used by the offline
// embedder: 1 for every feature while the corpus is empty.
func (st *Stats) IDF(h uint64) float64 {
	if st.Docs == 0 {
		return 1
	}
	return math.Log(float64(st.Docs+1)/float64(st.DF(h)+1)) + 1
}

// BM25IDF is the non-negative BM25 inverse document frequency.
func (st *Stats) BM25IDF(h uint64) float64 {
	n := float64(max(st.Docs, 1))
	df := math.Min(float64(st.DF(h)), n)
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// Features is the number of distinct features kept.
func (st *Stats) Features() int { return len(st.keys) }

// encode packs the table as delta-encoded varints: a few bytes per feature.
func (st *Stats) encode() []byte {
	buf := make([]byte, 0, 4*len(st.keys)+8)
	buf = binary.AppendUvarint(buf, uint64(len(st.keys)))
	var prev uint64
	for i, k := range st.keys {
		buf = binary.AppendUvarint(buf, k-prev)
		buf = binary.AppendUvarint(buf, uint64(st.df[i]))
		prev = k
	}
	return buf
}

func (st *Stats) decode(buf []byte) error {
	n, m := binary.Uvarint(buf)
	if m <= 0 || n > uint64(len(buf)) {
		return errors.New("corrupt statistics header")
	}
	buf = buf[m:]
	st.keys = make([]uint64, 0, n)
	st.df = make([]uint32, 0, n)
	var prev uint64
	for range n {
		d, a := binary.Uvarint(buf)
		if a <= 0 {
			return errors.New("corrupt statistics key")
		}
		buf = buf[a:]
		df, b := binary.Uvarint(buf)
		if b <= 0 {
			return errors.New("corrupt statistics count")
		}
		buf = buf[b:]
		prev += d
		st.keys = append(st.keys, prev)
		st.df = append(st.df, uint32(min(df, math.MaxUint32)))
	}
	return nil
}

// statsBuilder counts features text by text.
type statsBuilder struct {
	df               map[uint64]uint32
	docs             int
	chunkTok, chunkN int
	questTok, questN int
}

func newStatsBuilder() *statsBuilder { return &statsBuilder{df: make(map[uint64]uint32, 1<<16)} }

// add counts one indexed text: its index text and its jieba words. The
// features include the character bigrams, so their counts serve lexical
// search's bigram terms too.
func (b *statsBuilder) add(text string, words []string, question bool) {
	b.docs++
	n := len(words)
	for _, f := range kindedFeatures(text, words) {
		b.df[f.hash]++
		if f.kind == featBigram {
			n += int(f.count)
		}
	}
	if question {
		b.questTok += n
		b.questN++
	} else {
		b.chunkTok += n
		b.chunkN++
	}
}

func (b *statsBuilder) build(generation int64) *Stats {
	st := emptyStats()
	st.Generation = generation
	st.Docs = b.docs
	if b.chunkN > 0 {
		st.AvgChunkTokens = float64(b.chunkTok) / float64(b.chunkN)
	}
	if b.questN > 0 {
		st.AvgQuestionTokens = float64(b.questTok) / float64(b.questN)
	}
	for k, v := range b.df {
		if v >= 2 {
			st.keys = append(st.keys, k)
		}
	}
	slices.Sort(st.keys)
	st.df = make([]uint32, len(st.keys))
	for i, k := range st.keys {
		st.df[i] = b.df[k]
	}
	return st
}

// currentStats returns the cached statistics, reloading them when another
// process (or this one) has recomputed them since the cache was filled.
func (s *Store) currentStats(ctx context.Context) (*Stats, error) {
	s.mu.Lock()
	st, at := s.stats, s.statsAt
	s.mu.Unlock()
	if st != nil && time.Since(at) < s.cfg.StatsTTL {
		return st, nil
	}
	s.statsLoad.Lock()
	defer s.statsLoad.Unlock()
	s.mu.Lock()
	st, at = s.stats, s.statsAt
	s.mu.Unlock()
	if st != nil && time.Since(at) < s.cfg.StatsTTL {
		return st, nil
	}
	var gen int64
	err := s.db.QueryRow(ctx, sqlStatsGeneration).Scan(&gen)
	if err != nil && !errors.Is(interpretError(err), ErrNotFound) {
		return nil, fmt.Errorf("reading statistics generation: %w", err)
	}
	if st == nil || st.Generation != gen {
		st, err = loadStats(ctx, s.db)
		if err != nil {
			return nil, err
		}
	}
	s.setStats(st)
	return st, nil
}

// Warm loads what the first search would otherwise load while a consumer
// waits: the statistics, the synonyms and the word segmenter's
// dictionaries (about 0.7 s on the seeded knowledge base). A server calls
// it before it listens.
func (s *Store) Warm(ctx context.Context) error {
	if _, _, err := s.plan(ctx, "信用卡年费可以退吗"); err != nil {
		return fmt.Errorf("warming the knowledge base: %w", err)
	}
	return nil
}

// setStats installs st as the cached statistics and hands it to an embedder
// that weighs features by them.
func (s *Store) setStats(st *Stats) {
	s.mu.Lock()
	s.stats, s.statsAt = st, time.Now()
	s.mu.Unlock()
	if u, ok := s.embedder.(statsUser); ok {
		u.useStats(st)
	}
}

// invalidateCaches makes the next search reload statistics and synonyms.
func (s *Store) invalidateCaches() {
	s.mu.Lock()
	s.statsAt, s.synAt = time.Time{}, time.Time{}
	s.mu.Unlock()
}

func loadStats(ctx context.Context, db DBTX) (*Stats, error) {
	st := emptyStats()
	var blob []byte
	var avgC, avgQ float32
	err := db.QueryRow(ctx, sqlStatsLoad).Scan(&st.Generation, &st.Docs, &avgC, &avgQ, &blob)
	if errors.Is(interpretError(err), ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("loading statistics: %w", err)
	}
	st.AvgChunkTokens, st.AvgQuestionTokens = float64(avgC), float64(avgQ)
	if err := st.decode(blob); err != nil {
		return nil, fmt.Errorf("loading statistics: %w", err)
	}
	return st, nil
}

// computeStats counts features over every current chunk and FAQ question.
func computeStats(ctx context.Context, db DBTX, generation int64, retokenize bool) (*Stats, error) {
	lexOf := func(text, lex string) []string {
		if retokenize {
			return terms(text)
		}
		return parseLex(lex).words
	}
	b := newStatsBuilder()
	rows, err := db.Query(ctx, sqlStatsChunkTexts)
	if err != nil {
		return nil, fmt.Errorf("reading chunks for statistics: %w", err)
	}
	for rows.Next() {
		var title, heading, text, lex string
		if err := rows.Scan(&title, &heading, &text, &lex); err != nil {
			rows.Close()
			return nil, err
		}
		it := indexText(title, heading, text)
		b.add(it, lexOf(it, lex), false)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading chunks for statistics: %w", err)
	}
	rows, err = db.Query(ctx, sqlStatsQuestionTexts)
	if err != nil {
		return nil, fmt.Errorf("reading questions for statistics: %w", err)
	}
	for rows.Next() {
		var q, lex string
		if err := rows.Scan(&q, &lex); err != nil {
			rows.Close()
			return nil, err
		}
		b.add(q, lexOf(q, lex), true)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading questions for statistics: %w", err)
	}
	return b.build(generation), nil
}

// RefreshStats recomputes the corpus statistics and stores them as a new
// generation. Rows indexed with an older generation are then stale and
// ReembedStale brings them up to date.
func (s *Store) RefreshStats(ctx context.Context) (*Stats, error) {
	return s.refreshStats(ctx, false)
}

// refreshStats recomputes statistics; retokenize segments every text again
// instead of trusting the stored terms (after jieba's dictionary changed).
func (s *Store) refreshStats(ctx context.Context, retokenize bool) (*Stats, error) {
	var st *Stats
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// One refresh at a time; the lock also orders it after running imports.
		if _, err := tx.Exec(ctx, sqlStatsLock); err != nil {
			return err
		}
		var gen int64
		if err := tx.QueryRow(ctx, sqlNextGeneration).Scan(&gen); err != nil {
			return err
		}
		var err error
		st, err = computeStats(ctx, tx, gen, retokenize)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, sqlStatsSave, st.Generation, st.Docs, st.AvgChunkTokens, st.AvgQuestionTokens, st.encode())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("refreshing statistics: %w", err)
	}
	s.setStats(st)
	s.log.InfoContext(ctx, "knowledge statistics refreshed", "generation", st.Generation, "texts", st.Docs, "features", st.Features())
	return st, nil
}

// StatsStale reports whether the statistics no longer describe the corpus:
// none exist yet, or the number of indexed texts moved by more than a tenth.
// Small edits do not trigger a refresh; new words still count, as rare.
func (s *Store) StatsStale(ctx context.Context) (bool, error) {
	st, err := s.currentStats(ctx)
	if err != nil {
		return false, err
	}
	var n int
	if err := s.db.QueryRow(ctx, sqlCountIndexed).Scan(&n); err != nil {
		return false, fmt.Errorf("counting indexed texts: %w", err)
	}
	if n == 0 {
		return false, nil
	}
	if st.Generation == 0 {
		return true, nil
	}
	diff := n - st.Docs
	if diff < 0 {
		diff = -diff
	}
	return diff*10 > st.Docs, nil
}
