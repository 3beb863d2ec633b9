package knowledge

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

func TestSmokeTmp2(t *testing.T) {
	ctx := context.Background()
	_, pool := dbtest.NewDB(t)
	s, err := NewStore(Config{DB: pool})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Seed(ctx, nil); err != nil {
		t.Fatal(err)
	}
	s.Reembed(ctx, ReembedOptions{}, nil)
	q := "银行收到投诉后多久必须答复？"
	for i := 0; i < 40; i++ {
		t0 := time.Now()
		s.plan(ctx, q)
		t1 := time.Now()
		s.Search(ctx, SearchQuery{Text: q, K: 5})
		fmt.Println("plan", t1.Sub(t0), "search", time.Since(t1))
	}
	p, _, _ := s.plan(ctx, q)
	var qv any = *p.qvec
	for name, sql := range map[string]string{"lex": s.sql.lexChunks, "vec": s.sql.vecChunks, "flex": s.sql.lexQuestions, "fvec": s.sql.vecQuestions} {
		args := pgx.NamedArgs{"statuses": []string{"published"}, "kinds": []string{}, "as_of": nil, "n": 40, "qlex": p.qlex, "tsq": p.tsquery, "gen_limit": p.genLimit, "qvec": qv}
		for i := 0; i < 3; i++ {
			t0 := time.Now()
			rows, err := pool.Query(ctx, sql, args)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			fmt.Println(name, n, time.Since(t0), rows.Err())
		}
	}
}
