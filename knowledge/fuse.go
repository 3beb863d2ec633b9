package knowledge

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"
)

// hydratedChunk is a listed passage as fusion needs it: its document and
// its similarity to the query. details loads the rest for the hits kept.
type hydratedChunk struct {
	id, docID int64
	sim       float64
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
func (s *Store) hydrate(ctx context.Context, tx DBTX, lex, vec []chunkRank, flex, fvec []questionRank, args pgx.NamedArgs) ([]hydratedChunk, map[int64]int64, error) {
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
		err := r.Scan(&h.id, &h.docID, &h.sim, &pickedFor, &cited)
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

// details loads the title, citation, text and terms of the hits kept and
// returns them. On a pool the lists and this query are separate
// statements, so a passage replaced by a new version in between is gone:
// its hit is dropped rather than shown empty.
func (s *Store) details(ctx context.Context, db DBTX, hits []Hit) ([]Hit, error) {
	if len(hits) == 0 {
		return hits, nil
	}
	at := make(map[int64]int, len(hits))
	ids := make([]int64, len(hits))
	for i, h := range hits {
		at[h.ChunkID], ids[i] = i, h.ChunkID
	}
	rows, err := db.Query(ctx, s.sql.details, ids)
	if err != nil {
		return nil, fmt.Errorf("loading passages: %w", err)
	}
	defer rows.Close()
	found := make([]bool, len(hits))
	for rows.Next() {
		var id int64
		var lex pgvector.SparseVector
		var title, kind, citation, heading, text string
		if err := rows.Scan(&id, &title, &kind, &citation, &heading, &text, &lex); err != nil {
			return nil, fmt.Errorf("loading passages: %w", err)
		}
		h := &hits[at[id]]
		h.Title, h.Kind, h.Citation, h.HeadingPath, h.Text, h.terms = title, kind, citation, heading, text, lex.Indices()
		found[at[id]] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("loading passages: %w", err)
	}
	kept := hits[:0]
	for i, h := range hits {
		if found[i] {
			kept = append(kept, h)
		}
	}
	return kept, nil
}

// fuse combines the ranked lists with weighted Reciprocal Rank Fusion,
// normalised so that first place in every active list scores 1.
func (s *Store) fuse(mode Mode, lex, vec []chunkRank, flex, fvec []questionRank, choice map[int64]int64, hyd []hydratedChunk, distinct bool) []Hit {
	c := s.cfg.Search
	byID := make(map[int64]*Hit, len(hyd))
	for _, h := range hyd {
		byID[h.id] = &Hit{DocumentID: h.docID, ChunkID: h.id, Similarity: h.sim}
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
	// A matched FAQ question says its document answers the query, not which
	// of its passages does. Unless the entry cites one, the two passages of
	// the document that rank best by their own evidence share the credit,
	// the best all of it, the runner-up half. Crediting only the best let a
	// passage that merely shares the question's words (a heading with 多久)
	// hide the one that states the rule; crediting more lets one document
	// fill every place.
	listed := map[int64][]*Hit{}
	for _, l := range [][]chunkRank{lex, vec} {
		for _, r := range l {
			if h := byID[r.id]; h != nil && !slices.Contains(listed[h.DocumentID], h) {
				listed[h.DocumentID] = append(listed[h.DocumentID], h)
			}
		}
	}
	for _, hs := range listed {
		slices.SortStableFunc(hs, func(a, b *Hit) int {
			if a.Score != b.Score {
				return cmp.Compare(b.Score, a.Score)
			}
			return cmp.Compare(a.ChunkID, b.ChunkID)
		})
	}
	targets := func(doc int64) []*Hit {
		if _, ok := choice[-doc]; !ok && len(listed[doc]) > 0 {
			return listed[doc][:min(2, len(listed[doc]))]
		}
		if h := target(doc); h != nil {
			return []*Hit{h}
		}
		return nil
	}
	if mode == ModeHybrid || mode == ModeLexical {
		maxScore += rrf(c.FAQLexicalWeight, 1)
	}
	for doc, f := range faqDocs(flex) {
		for i, h := range targets(doc) {
			h.FAQLexicalRank, h.FAQID, h.FAQScore = f.rank, f.faqID, f.score
			h.Score += rrf(c.FAQLexicalWeight, f.rank) / float64(i+1)
		}
	}
	if mode == ModeHybrid || mode == ModeVector {
		maxScore += rrf(c.FAQVectorWeight, 1)
	}
	for doc, f := range faqDocs(fvec) {
		for i, h := range targets(doc) {
			h.FAQVectorRank, h.FAQSimilarity = f.rank, f.score
			if h.FAQID == 0 || f.rank == 1 {
				h.FAQID = f.faqID
			}
			h.Score += rrf(c.FAQVectorWeight, f.rank) / float64(i+1)
		}
	}
	if distinct {
		return s.fuseDocuments(byID, lex, vec, flex, fvec, target, maxScore)
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
	sortHits(hits)
	return hits
}

func sortHits(hits []Hit) {
	slices.SortFunc(hits, func(a, b Hit) int {
		if a.Score != b.Score {
			return cmp.Compare(b.Score, a.Score)
		}
		return cmp.Compare(a.ChunkID, b.ChunkID)
	})
}

// fuseDocuments fuses at the document level: in each list a document takes
// the rank of its best entry, the fused document score decides the order,
// and the document's best passage (by the passage-level score) stands for
// it. A document with several relevant passages is thus not split into
// weaker hits, and one passage's luck does not hide another document.
func (s *Store) fuseDocuments(byID map[int64]*Hit, lex, vec []chunkRank, flex, fvec []questionRank, target func(int64) *Hit, maxScore float64) []Hit {
	c := s.cfg.Search
	docRanks := func(l []chunkRank) map[int64]int {
		out := map[int64]int{}
		for _, r := range l {
			if h := byID[r.id]; h != nil {
				if _, ok := out[h.DocumentID]; !ok {
					out[h.DocumentID] = len(out) + 1
				}
			}
		}
		return out
	}
	type docScore struct {
		score            float64
		lr, vr, flr, fvr int
		best             *Hit
		faqID            int64
		faqSim, faqScore float64
	}
	docs := map[int64]*docScore{}
	get := func(doc int64) *docScore {
		d := docs[doc]
		if d == nil {
			d = &docScore{}
			docs[doc] = d
		}
		return d
	}
	for doc, r := range docRanks(lex) {
		d := get(doc)
		d.lr, d.score = r, d.score+c.LexicalWeight/(c.RRFK+float64(r))
	}
	for doc, r := range docRanks(vec) {
		d := get(doc)
		d.vr, d.score = r, d.score+c.VectorWeight/(c.RRFK+float64(r))
	}
	for doc, f := range faqDocs(flex) {
		d := get(doc)
		d.flr, d.score = f.rank, d.score+c.FAQLexicalWeight/(c.RRFK+float64(f.rank))
		d.faqID, d.faqScore = f.faqID, f.score
	}
	for doc, f := range faqDocs(fvec) {
		d := get(doc)
		d.fvr, d.score = f.rank, d.score+c.FAQVectorWeight/(c.RRFK+float64(f.rank))
		d.faqSim = f.score
		if d.faqID == 0 {
			d.faqID = f.faqID
		}
	}
	for _, h := range byID {
		if h.Score == 0 {
			continue
		}
		if d := docs[h.DocumentID]; d != nil && (d.best == nil || h.Score > d.best.Score || (h.Score == d.best.Score && h.ChunkID < d.best.ChunkID)) {
			d.best = h
		}
	}
	hits := make([]Hit, 0, len(docs))
	for doc, d := range docs {
		if d.best == nil {
			d.best = target(doc)
		}
		if d.best == nil {
			continue
		}
		h := *d.best
		h.Score = d.score
		if maxScore > 0 {
			h.Score /= maxScore
		}
		h.LexicalRank, h.VectorRank, h.FAQLexicalRank, h.FAQVectorRank = d.lr, d.vr, d.flr, d.fvr
		h.FAQSimilarity = max(h.FAQSimilarity, d.faqSim)
		h.FAQScore = max(h.FAQScore, d.faqScore)
		if h.FAQID == 0 {
			h.FAQID = d.faqID
		}
		hits = append(hits, h)
	}
	sortHits(hits)
	return hits
}

// score fills Coverage and Relevance, the absolute measures behind "is
// there a confident answer": ranks say which passage is best, not whether
// it is any good.
func (s *Store) score(hits []Hit, p *queryPlan, st *Stats) {
	// Everything about the query is worked out once, not once per hit:
	// each term's index, and the indices of the query word each synonym
	// expansion stands for (segmenting that word is the costly part).
	idx := make([]int32, len(p.terms))
	origIdx := map[string][]int32{}
	var total, wordTotal float64
	for i, t := range p.terms {
		idx[i] = lexIndex(t.hash)
		if t.weight == 1 {
			total += t.idf
			if t.word {
				wordTotal += t.idf
			}
		} else if _, ok := origIdx[t.orig]; !ok {
			for _, x := range lexTerms(t.orig).hashes() {
				origIdx[t.orig] = append(origIdx[t.orig], lexIndex(x))
			}
		}
	}
	rare := math.Log(float64(max(st.Docs, 2)) + 1) // the IDF of a word seen once, about
	needed := math.Min(wordsNeededMax, wordsNeededShare*wordTotal/rare)
	for i := range hits {
		h := &hits[i]
		if total > 0 {
			have := make(map[int32]bool, len(h.terms))
			for _, t := range h.terms {
				have[t] = true
			}
			// A query term is covered when the passage has it, or has a
			// synonym standing for the query word that contains it.
			var synCovered map[int32]bool
			for j, t := range p.terms {
				if t.weight != 1 && have[idx[j]] {
					if synCovered == nil {
						synCovered = map[int32]bool{}
					}
					for _, x := range origIdx[t.orig] {
						synCovered[x] = true
					}
				}
			}
			var got, words float64
			for j, t := range p.terms {
				if t.weight == 1 && (have[idx[j]] || synCovered[idx[j]]) {
					got += t.idf
					if t.word {
						words += t.idf
					}
				}
			}
			h.Coverage = got / total
			h.WordEvidence = words / rare
		}
		h.wordsNeeded = needed
		h.Relevance = relevance(h, st.Docs)
	}
}

// A confident answer needs the passage to share the question's words, not
// only character pairs: BM25 also counts bigrams across word boundaries
// (时说, 高那 in "开户时说好的高那么多"), and a long question collects
// enough of those from any passage. The passage must have
// wordsNeededMax rare words' worth of the question's jieba words, or
// wordsNeededShare of all of them when the question is short. Chosen on
// the team's questions and 66 off-topic or unanswerable ones
// (evals/testdata): confident answers to the 174 questions went from 169
// to 166, false ones from 28 to 20; on 80 unanswerable questions written
// apart, from 33 to 30.
const (
	wordsNeededMax   = 1.5
	wordsNeededShare = 0.4
)

// answerable reports whether a hit can back a confident answer: relevant
// enough and sharing enough of the question's words, or reached through an
// FAQ question similar enough on its own.
func (h *Hit) answerable(threshold float64) bool {
	if h.FAQSimilarity >= threshold {
		return true
	}
	return h.Relevance >= threshold && h.WordEvidence >= h.wordsNeeded
}

// relevance turns the absolute evidence into a number in [0, 1): BM25 of
// the passage (or of the matched FAQ question) measured in "rare words"
// (divided by ln N, about the IDF of a word seen once), saturating as
// e/(e+evidenceHalf); or the cosine similarity of a matched FAQ question.
// On the team's questions a confident answer needs about three rare words
// in common with the question, which off-topic questions almost never have.
func relevance(h *Hit, docs int) float64 {
	e := math.Max(h.LexicalScore, h.FAQScore) / math.Log(float64(max(docs, 2))+1)
	return math.Max(e/(e+evidenceHalf), h.FAQSimilarity)
}

// evidenceHalf is the evidence (in rare words) at which relevance is 0.5.
const evidenceHalf = 3.5
