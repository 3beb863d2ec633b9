//go:build scratch

package knowledge

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

func scaleQueries() []string {
	files, _ := filepath.Glob("../evals/testdata/kb_questions_*.jsonl")
	var out []string
	for _, f := range files {
		fh, _ := os.Open(f)
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			var q struct{ Q string }
			json.Unmarshal(sc.Bytes(), &q)
			out = append(out, q.Q)
		}
		fh.Close()
	}
	return out
}

func pct(ds []time.Duration, p float64) time.Duration {
	s := append([]time.Duration{}, ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(float64(len(s)-1)*p)]
}

func TestScaleProfile(t *testing.T) {
	ctx := context.Background()
	pool, err := dbtest.OpenPool(ctx, os.Getenv("KB_SCALE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	qs := scaleQueries()
	for _, ef := range []int{100, 100} {
		for _, budget := range []int{2000, 800, 400} {
			s, _ := NewStore(Config{DB: pool, Logger: quietLog, Search: SearchConfig{EfSearch: ef, LexicalBudget: budget}})
			for _, q := range qs[:10] {
				s.Search(ctx, SearchQuery{Text: q, K: 5})
			}
			var lat, vlat []time.Duration
			var rec float64
			n := 0
			for _, q := range qs {
				t0 := time.Now()
				s.Search(ctx, SearchQuery{Text: q, K: 5})
				lat = append(lat, time.Since(t0))
				t0 = time.Now()
				a, _ := s.NearestChunks(ctx, q, 10, false)
				vlat = append(vlat, time.Since(t0))
				e, _ := s.NearestChunks(ctx, q, 10, true)
				if len(e) == 0 {
					continue
				}
				f := 0
				for _, id := range e {
					for _, x := range a {
						if x == id {
							f++
						}
					}
				}
				rec += float64(f) / float64(len(e))
				n++
			}
			fmt.Printf("budget=%d ef=%d hybrid p50=%v p95=%v  vector p50=%v p95=%v recall=%.3f\n", budget, ef, pct(lat, .5), pct(lat, .95), pct(vlat, .5), pct(vlat, .95), rec/float64(n))
		}
	}
}

func TestScaleExplain(t *testing.T) {
	ctx := context.Background()
	pool, err := dbtest.OpenPool(ctx, os.Getenv("KB_SCALE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := NewStore(Config{DB: pool, Logger: quietLog})
	q := scaleQueries()[5]
	p, _, _ := s.plan(ctx, q)
	fmt.Println(q, len(p.terms), p.tsquery, p.genLimit)
	args := map[string]any{"statuses": []string{"published"}, "kinds": []string{}, "as_of": nil, "n": 40, "qlex": p.qlex, "tsq": p.tsquery, "gen_limit": p.genLimit}
	rows, err := pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+s.sql.lexChunks, pgxNamed(args))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var l string
		rows.Scan(&l)
		if len(l) > 200 {
			l = l[:200]
		}
		fmt.Println(l)
	}
	rows.Close()
}

func pgxNamed(m map[string]any) pgxNamedArgs { return pgxNamedArgs(m) }

type pgxNamedArgs = pgx.NamedArgs

func TestScaleExplainAll(t *testing.T) {
	ctx := context.Background()
	pool, err := dbtest.OpenPool(ctx, os.Getenv("KB_SCALE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := NewStore(Config{DB: pool, Logger: quietLog, Search: SearchConfig{LexicalBudget: 400}})
	for _, q := range scaleQueries()[20:23] {
		t0 := time.Now()
		p, _, _ := s.plan(ctx, q)
		fmt.Println("plan", time.Since(t0))
		var qv any = *p.qvec
		args := pgx.NamedArgs{"statuses": []string{"published"}, "kinds": []string{}, "as_of": nil, "n": 40, "qlex": p.qlex, "tsq": p.tsquery, "gen_limit": p.genLimit, "qvec": qv}
		for _, name := range []string{"lex", "vec", "flex", "fvec"} {
			sql := map[string]string{"lex": s.sql.lexChunks, "vec": s.sql.vecChunks, "flex": s.sql.lexQuestions, "fvec": s.sql.vecQuestions}[name]
			tx, _ := pool.Begin(ctx)
			tx.Exec(ctx, "SELECT set_config('hnsw.ef_search', '100', true), set_config('hnsw.iterative_scan', 'relaxed_order', true)")
			rows, err := tx.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+sql, args)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var l string
				rows.Scan(&l)
				if strings.Contains(l, "Execution Time") || strings.Contains(l, "Planning Time") {
					fmt.Println(name, l)
				}
			}
			rows.Close()
			tx.Rollback(ctx)
		}
		t0 = time.Now()
		hits, _, _ := s.search(ctx, SearchQuery{Text: q, K: 5})
		fmt.Println("search", time.Since(t0), len(hits))
	}
}
