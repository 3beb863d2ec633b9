package knowledge

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/jackc/pgx/v5"
)

// hydratedChunk is a passage loaded for display and scoring.
type hydratedChunk struct {
	id, docID                      int64
	title, kind, citation, heading string
	text, lexText                  string
	sim                            float64
}

// faqDoc is a document reached through an FAQ question list.
type faqDoc struct {
	rank  int
	faqID int64
	score float64
}

// faqDocs ranks the documents of matched questions: a document's rank is
// that of its best question.
func faqDocs(rs []questionRank) map[int64]faqDoc {
	out := make(map[int64]faqDoc, len(rs))
	for _, r := range rs {
		if _, ok := out[r.docID]; ok {
			continue
		}
		out[r.docID] = faqDoc{rank: len(out) + 1, faqID: r.faqID, score: r.score}
	}
	return out
}

// hydrate loads every listed passage and, for each document reached
// through an FAQ question, the passage chosen to stand for it (see the
// hydrate SQL). choice maps document → chosen chunk, and -document → chunk
// when the entry cites it.
func (s *Store) hydrate(ctx context.Context, tx pgx.Tx, lex, vec []chunkRank, flex, fvec []questionRank, args pgx.NamedArgs) ([]hydratedChunk, map[int64]int64, error) {
	ids := make([]int64, 0, len(lex)+len(vec))
	for _, l := range [][]chunkRank{lex, vec} {
		for _, r := range l {
			ids = append(ids, r.id)
		}
	}
	docSet := map[int64]bool{}
	var docs, faqs []int64
	for _, l := range [][]questionRank{flex, fvec} {
		for _, r := range l {
			if !docSet[r.docID] {
				docSet[r.docID] = true
				docs = append(docs, r.docID)
			}
			faqs = append(faqs, r.faqID)
		}
	}
	choice := map[int64]int64{}
	if len(ids) == 0 && len(docs) == 0 {
		return nil, choice, nil
	}
	args["ids"], args["docs"], args["faqs"] = ids, docs, faqs
	rows, err := tx.Query(ctx, s.sql.hydrate, args)
	if err != nil {
		return nil, nil, fmt.Errorf("loading passages: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (hydratedChunk, error) {
		var h hydratedChunk
		var pickedFor int64
		var cited bool
		err := r.Scan(&h.id, &h.docID, &h.title, &h.kind, &h.citation, &h.heading, &h.text, &h.lexText, &h.sim, &pickedFor, &cited)
		if pickedFor != 0 {
			choice[pickedFor] = h.id
			if cited {
				choice[-pickedFor] = h.id
			}
		}
		return h, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("loading passages: %w", err)
	}
	return out, choice, nil
}

// fuse combines the ranked lists with weighted Reciprocal Rank Fusion,
// normalised so that first place in every active list scores 1.
func (s *Store) fuse(mode Mode, lex, vec []chunkRank, flex, fvec []questionRank, choice map[int64]int64, hyd []hydratedChunk) []Hit {
	c := s.cfg.Search
	byID := make(map[int64]*Hit, len(hyd))
	for _, h := range hyd {
		byID[h.id] = &Hit{DocumentID: h.docID, ChunkID: h.id, Title: h.title, Kind: h.kind, Citation: h.citation,
			HeadingPath: h.heading, Text: h.text, Similarity: h.sim, terms: splitLex(h.lexText)}
	}
	rrf := func(w float64, rank int) float64 { return w / (c.RRFK + float64(rank)) }
	var maxScore float64
	// best listed chunk of each document, by its passage-list rank
	bestListed := map[int64]int64{}
	bestRank := map[int64]int{}
	note := func(id int64, rank int) {
		h := byID[id]
		if h == nil {
			return
		}
		if r, ok := bestRank[h.DocumentID]; !ok || rank < r {
			bestRank[h.DocumentID], bestListed[h.DocumentID] = rank, id
		}
	}
	if mode == ModeHybrid || mode == ModeLexical || mode == ModeBM25 {
		maxScore += rrf(c.LexicalWeight, 1)
	}
	for i, r := range lex {
		if h := byID[r.id]; h != nil {
			h.LexicalRank, h.LexicalScore = i+1, r.score
			h.Score += rrf(c.LexicalWeight, i+1)
			note(r.id, i+1)
		}
	}
	if mode == ModeHybrid || mode == ModeVector {
		maxScore += rrf(c.VectorWeight, 1)
	}
	for i, r := range vec {
		if h := byID[r.id]; h != nil {
			h.VectorRank = i + 1
			h.Score += rrf(c.VectorWeight, i+1)
			note(r.id, i+1)
		}
	}
	target := func(doc int64) *Hit {
		if cited, ok := choice[-doc]; ok {
			return byID[cited]
		}
		if id, ok := bestListed[doc]; ok {
			return byID[id]
		}
		return byID[choice[doc]]
	}
	if mode == ModeHybrid || mode == ModeLexical {
		maxScore += rrf(c.FAQLexicalWeight, 1)
	}
	for doc, f := range faqDocs(flex) {
		if h := target(doc); h != nil {
			h.FAQLexicalRank, h.FAQID = f.rank, f.faqID
			h.Score += rrf(c.FAQLexicalWeight, f.rank)
		}
	}
	if mode == ModeHybrid || mode == ModeVector {
		maxScore += rrf(c.FAQVectorWeight, 1)
	}
	for doc, f := range faqDocs(fvec) {
		if h := target(doc); h != nil {
			h.FAQVectorRank, h.FAQSimilarity = f.rank, f.score
			if h.FAQID == 0 || f.rank == 1 {
				h.FAQID = f.faqID
			}
			h.Score += rrf(c.FAQVectorWeight, f.rank)
		}
	}
	hits := make([]Hit, 0, len(byID))
	for _, h := range byID {
		if h.Score == 0 {
			continue
		}
		if maxScore > 0 {
			h.Score /= maxScore
		}
		hits = append(hits, *h)
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if a.Score != b.Score {
			return cmp.Compare(b.Score, a.Score)
		}
		return cmp.Compare(a.ChunkID, b.ChunkID)
	})
	return hits
}

// score fills Coverage and Relevance, the absolute measures behind "is
// there a confident answer": ranks say which passage is best, not whether
// it is any good.
func (s *Store) score(hits []Hit, p *queryPlan, st *Stats) {
	var total float64
	for _, t := range p.terms {
		if t.weight == 1 {
			total += t.idf
		}
	}
	for i := range hits {
		h := &hits[i]
		if total > 0 {
			have := make(map[string]bool, len(h.terms))
			for _, t := range h.terms {
				have[t] = true
			}
			covered := map[string]bool{}
			for _, t := range p.terms {
				if !have[t.term] {
					continue
				}
				if t.weight == 1 {
					covered[t.term] = true
				} else if t.orig != "" {
					// a synonym in the passage covers the query's term
					for _, ot := range terms(t.orig) {
						covered[ot] = true
					}
				}
			}
			var got float64
			for _, t := range p.terms {
				if t.weight == 1 && covered[t.term] {
					got += t.idf
				}
			}
			h.Coverage = got / total
		}
		h.Relevance = relevance(h)
	}
}

// relevance blends the absolute signals into one number in [0, 1]. An FAQ
// question that closely matches is the strongest evidence; otherwise the
// passage must both share the query's informative words and be similar.
func relevance(h *Hit) float64 {
	passage := 0.6*h.Coverage + 0.4*math.Min(1, 2*h.Similarity)
	return math.Max(h.FAQSimilarity, passage)
}
