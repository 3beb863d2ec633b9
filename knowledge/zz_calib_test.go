//go:build scratch

package knowledge

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestOffTopic(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, seededTx(t))
	fh, _ := os.Open("../evals/testdata/kb_offtopic.jsonl")
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		var q struct{ Q string }
		json.Unmarshal(sc.Bytes(), &q)
		a, _ := s.Answer(ctx, q.Q)
		if len(a.Hits) > 0 {
			h := a.Hits[0]
			fmt.Printf("%.2f %v %s | %s bm25=%.1f faq=%.1f sim=%.2f\n", a.Score, a.Confident, q.Q, h.Citation, h.LexicalScore, h.FAQScore, h.FAQSimilarity)
		}
	}
}

func TestCalibrate(t *testing.T) {
	ctx := context.Background()
	tx := seededTx(t)
	s := newTestStore(t, tx)
	slug := map[int64]string{}
	rows, _ := tx.Query(ctx, `SELECT id, slug FROM kb_documents`)
	for rows.Next() {
		var id int64
		var sl string
		rows.Scan(&id, &sl)
		slug[id] = sl
	}
	rows.Close()
	files, _ := filepath.Glob("../evals/testdata/kb_*.jsonl")
	st, _ := s.currentStats(ctx)
	fmt.Println("docs", st.Docs)
	out, _ := os.Create("/tmp/calib.tsv")
	defer out.Close()
	for _, f := range files {
		fh, _ := os.Open(f)
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			var q struct{ Q, Doc string }
			json.Unmarshal(sc.Bytes(), &q)
			if q.Q == "" || filepath.Base(f) == "kb_questions_x.jsonl" {
				continue
			}
			hits, _ := s.Search(ctx, SearchQuery{Text: q.Q, K: 6})
			for i, h := range hits {
				if i >= 3 {
					break
				}
				ok := 0
				if q.Doc == "" {
					ok = -1
				} else if slug[h.DocumentID] == q.Doc {
					ok = 1
				}
				fmt.Fprintf(out, "%s\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n", filepath.Base(f), i, ok, h.Relevance, h.Coverage, h.Similarity, h.FAQSimilarity, h.Score, h.LexicalScore, h.FAQScore)
			}
		}
		fh.Close()
	}
}
