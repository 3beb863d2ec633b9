package knowledge

import (
	"cmp"
	"context"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Citation is a source shown with an answer.
type Citation struct {
	Title      string `json:"title"`
	Citation   string `json:"citation"`
	DocumentID int64  `json:"document_id"`
}

// Answer is a grounded answer: text built only from retrieved passages, with
// their citations, or Confident=false when no passage is relevant enough.
type Answer struct {
	Text      string
	Citations []Citation
	// Confident is false when nothing passed the relevance threshold; Text
	// is then empty and the caller should say so honestly.
	Confident bool
	// Hits are the passages the answer was built from when Confident (in
	// the order of Citations for an extractive answer), otherwise everything
	// retrieved, best first, for the staff's unanswered list.
	Hits []Hit
	// Engine is "offline" (extractive) or "llm".
	Engine string
	// Score is the relevance of the best passage (0–1), comparable with the
	// configured threshold; record it with unanswered questions.
	Score float64
	// Fallback says why the LLM answer was not used, when it was not.
	Fallback string
}

// Engines.
const (
	EngineOffline = "offline"
	EngineLLM     = "llm"
)

const (
	answerHits       = 6
	maxAnswerParas   = 3
	paraBudgetRunes  = 220
	wholePassageMax  = 180
	relevanceSpreadF = 0.8 // passages used must be this close to the best
)

// Answer answers a question from published, currently effective content.
// With an LLM configured it writes the answer from the passages (see
// AnswerStream); otherwise, and whenever the LLM fails, the answer is
// extractive: the best sentences of the best passages, each paragraph with
// its citation. It never adds a rule or number that is not in a passage.
func (s *Store) Answer(ctx context.Context, question string) (Answer, error) {
	return s.AnswerStream(ctx, question, nil)
}

// AnswerStream is Answer with the LLM's text streamed to onDelta as it is
// written and validated. Without an LLM onDelta is never called and the
// whole answer is returned. If the LLM's answer is rejected midway (it
// cites a passage that does not exist, fails or times out), the extractive
// answer is returned: callers must show Answer.Text as the final text,
// replacing whatever was streamed.
func (s *Store) AnswerStream(ctx context.Context, question string, onDelta func(string)) (Answer, error) {
	hits, p, err := s.search(ctx, SearchQuery{Text: question, K: answerHits, AsOf: time.Now()})
	if err != nil {
		return Answer{Engine: EngineOffline}, err
	}
	a := Answer{Hits: hits, Engine: EngineOffline}
	passages := s.answerPassages(hits)
	if len(passages) == 0 {
		a.Score = bestRelevance(hits)
		return a, nil
	}
	a.Score = passages[0].Relevance
	a.Confident = true
	a.Hits = passages
	if s.llm != nil {
		text, cites, err := s.llm.answer(ctx, question, passages, onDelta)
		if err == nil {
			a.Text, a.Citations, a.Engine = text, cites, EngineLLM
			return a, nil
		}
		a.Fallback = err.Error()
		s.log.WarnContext(ctx, "LLM answer rejected; answering extractively", "reason", err)
	}
	a.Text, a.Citations = extractive(passages, p)
	return a, nil
}

func bestRelevance(hits []Hit) float64 {
	var b float64
	for _, h := range hits {
		b = math.Max(b, h.Relevance)
	}
	return b
}

// answerPassages keeps the passages relevant enough to answer from: above
// the threshold and close to the best one, one per citation, best first.
func (s *Store) answerPassages(hits []Hit) []Hit {
	th := s.cfg.Search.Threshold
	var best float64
	for i := range hits {
		if hits[i].answerable(th) {
			best = math.Max(best, hits[i].Relevance)
		}
	}
	if best < th {
		return nil
	}
	cut := math.Max(th, relevanceSpreadF*best)
	var out []Hit
	seen := map[string]bool{}
	for _, h := range hits {
		if h.Relevance < cut || !h.answerable(th) || seen[h.Citation] {
			continue
		}
		seen[h.Citation] = true
		out = append(out, h)
	}
	// Hits are in fused order, which weighs every list; relevance only
	// decides whether a passage is good enough (passages of a document
	// reached through its FAQ share that question's similarity).
	if len(out) > maxAnswerParas {
		out = out[:maxAnswerParas]
	}
	return out
}

var listMarkRE = regexp.MustCompile(`^\s*(?:[-*+]\s+|\d+[.、．]\s*)`)

// extractive builds the offline answer: for each passage, its sentences that
// share the most informative words with the question, in their original
// order, followed by the passage's citation.
func extractive(passages []Hit, p *queryPlan) (string, []Citation) {
	var paras []string
	var cites []Citation
	for _, h := range passages {
		text := strings.TrimSpace(h.Text)
		if utf8.RuneCountInString(text) > wholePassageMax {
			text = bestSentences(text, p)
		}
		text = strings.TrimSpace(strings.ReplaceAll(text, "\n", " "))
		if text == "" {
			continue
		}
		paras = append(paras, text+"（"+h.Citation+"）")
		cites = append(cites, Citation{Title: h.Title, Citation: h.Citation, DocumentID: h.DocumentID})
	}
	return strings.Join(paras, "\n\n"), cites
}

// bestSentences picks sentences of text by the IDF weight of the query
// terms (and synonyms) they contain, up to paraBudgetRunes, in text order.
func bestSentences(text string, p *queryPlan) string {
	var sents []string
	joinNext := false
	for _, line := range strings.Split(text, "\n") {
		line = listMarkRE.ReplaceAllString(line, "")
		for _, s := range sentenceRE.FindAllString(line, -1) {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			// A sentence that introduces a list ("…的情形：") is only shown
			// with what follows it, never before an unrelated sentence.
			if joinNext && len(sents) > 0 {
				sents[len(sents)-1] += s
			} else {
				sents = append(sents, s)
			}
			r, _ := utf8.DecodeLastRuneInString(s)
			joinNext = r == '：' || r == ':'
		}
	}
	if len(sents) == 0 {
		return ""
	}
	weights := map[uint64]float64{}
	for _, t := range p.terms {
		weights[t.hash] = math.Max(weights[t.hash], t.idf*t.weight)
	}
	type scored struct {
		i     int
		score float64
	}
	ss := make([]scored, len(sents))
	for i, s := range sents {
		seen := map[uint64]bool{}
		var sc float64
		for _, h := range lexTerms(s).hashes() {
			if !seen[h] {
				seen[h] = true
				sc += weights[h]
			}
		}
		// Prefer the first sentences slightly: they usually state the rule.
		ss[i] = scored{i, sc / math.Sqrt(float64(utf8.RuneCountInString(s))+10) * (1 - 0.02*float64(min(i, 10)))}
	}
	slices.SortStableFunc(ss, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	var pick []int
	n := 0
	for _, x := range ss {
		l := utf8.RuneCountInString(sents[x.i])
		if len(pick) > 0 && (x.score == 0 || n+l > paraBudgetRunes) {
			continue
		}
		pick = append(pick, x.i)
		n += l
		if n >= paraBudgetRunes {
			break
		}
	}
	slices.Sort(pick)
	var b strings.Builder
	for _, i := range pick {
		s := sents[i]
		b.WriteString(s)
		if r, _ := utf8.DecodeLastRuneInString(s); !strings.ContainsRune("。！？；!?;：:", r) {
			b.WriteString("。")
		}
	}
	return b.String()
}
