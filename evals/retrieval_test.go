package evals

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
	"github.com/xiaobao-cn/xiaobao/knowledge"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestLoadUnionPay(t *testing.T) {
	t.Parallel()
	set, err := LoadUnionPay("testdata/retrieval/unionpay")
	if err != nil {
		t.Fatal(err)
	}
	want := []FAQItem{
		{Key: "0", Questions: []string{"信用卡年费怎么免"}, Answer: "信用卡年费一般刷满规定次数可以免除，具体以发卡银行规定为准。"},
		{Key: "1", Questions: []string{"银行卡丢失怎么办", "银行卡不见了怎么处理"}, Answer: "银行卡丢失后请立即拨打发卡银行客服电话办理挂失。"},
	}
	if !reflect.DeepEqual(want, set.Items) {
		t.Fatalf("items:\n got %#v\nwant %#v", set.Items, want)
	}
	// The first question equals its label (after the BOM is dropped), so it
	// is not a query; every answer's labels index it.
	wantQ := []RetrievalQuery{{"刷卡多少次可以免年费", "0"}, {"卡丢了怎么挂失", "1"}, {"银行卡找不到了", "1"}}
	if !reflect.DeepEqual(wantQ, set.Queries) {
		t.Fatalf("queries:\n got %#v\nwant %#v", set.Queries, wantQ)
	}
}

func TestLoadJining(t *testing.T) {
	t.Parallel()
	set, err := LoadJining("testdata/retrieval/jining")
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Items) != 2 || set.Items[0].Questions[0] != "办理储蓄卡需要什么" || len(set.Items[0].Questions) != 1 {
		t.Fatalf("one paraphrase indexed per answer: %#v", set.Items)
	}
	wantQ := []RetrievalQuery{{"开一张储蓄卡要带什么", "0"}, {"网上银行最多能转多少钱", "1"}}
	if !reflect.DeepEqual(wantQ, set.Queries) {
		t.Fatalf("the other paraphrase is the query: %#v", set.Queries)
	}
}

func TestLoadOwnSets(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/kb_questions_*.jsonl")
	set, err := LoadOwn(files...)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Queries) < 100 {
		t.Fatalf("the team's set has at least 100 questions, got %d", len(set.Queries))
	}
	names, err := knowledge.SeedFiles()
	if err != nil {
		t.Fatal(err)
	}
	slugs := map[string]bool{}
	for _, n := range names {
		slugs[filepath.Base(n[:len(n)-len(".md")])] = true
	}
	for _, q := range set.Queries {
		if !slugs[q.Want] {
			t.Fatalf("question %q names %q, which is not a seed document", q.Text, q.Want)
		}
	}
}

func testDB(t *testing.T) NewDB {
	return func(ctx context.Context) (*pgxpool.Pool, func(), error) {
		_, pool := dbtest.NewDB(t)
		return pool, func() {}, nil
	}
}

// TestRunRetrieval indexes the small fixture sets into fresh databases and
// checks that the measurements reflect what retrieval finds.
func TestRunRetrieval(t *testing.T) {
	t.Parallel()
	up, err := LoadUnionPay("testdata/retrieval/unionpay")
	if err != nil {
		t.Fatal(err)
	}
	jn, err := LoadJining("testdata/retrieval/jining")
	if err != nil {
		t.Fatal(err)
	}
	// A query whose answer is not indexed is an error, not a silent miss.
	bad := RetrievalSet{Name: "bad", Items: up.Items, Queries: []RetrievalQuery{{"x", "404"}}}
	if _, err := RunRetrieval(context.Background(), RetrievalOptions{NewDB: testDB(t), Sets: []RetrievalSet{bad}, Modes: []knowledge.Mode{knowledge.ModeBM25}}); err == nil {
		t.Fatal("want an error for a query without an indexed answer")
	}
	res, err := RunRetrieval(context.Background(), RetrievalOptions{
		NewDB: testDB(t), Sets: []RetrievalSet{up, jn},
		Modes: []knowledge.Mode{knowledge.ModeBM25, knowledge.ModeHybrid},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 4 {
		t.Fatalf("two sets × two modes, got %d results", len(res))
	}
	for _, r := range res {
		if r.Indexed != 2 || r.Queries == 0 {
			t.Fatalf("%s/%s: %+v", r.Set, r.Mode, r)
		}
		if r.Mode == "hybrid" && (r.Hit5 != 1 || r.Hit1 < 0.5) {
			t.Fatalf("%s hybrid finds these easy paraphrases: %+v", r.Set, r)
		}
		if r.Hit1 > r.Hit5 || r.MRR < r.Hit1 || r.MRR > r.Hit5 && r.Hit5 == r.Hit1 {
			t.Fatalf("%s/%s: inconsistent metrics %+v", r.Set, r.Mode, r)
		}
	}
}

func TestRetrievalReportGolden(t *testing.T) {
	t.Parallel()
	rep := RetrievalReport{
		Results: []SetResult{
			{Set: "unionpay", Mode: "bm25", Indexed: 642, Queries: 3271, Hit1: 0.41, Hit5: 0.63, MRR: 0.5, P50ms: 3.2, P95ms: 6.4},
			{Set: "unionpay", Mode: "hybrid", Indexed: 642, Queries: 3271, Hit1: 0.47, Hit5: 0.72, MRR: 0.58, P50ms: 5.1, P95ms: 9.9},
			{Set: "own", Mode: "hybrid", Indexed: 46, Queries: 174, Hit1: 0.61, Hit5: 0.966, MRR: 0.76, P50ms: 6, P95ms: 11},
		},
		Answers: &AnswerResult{InDomain: 174, Confident: 0.989, Short: 25, ShortConfident: 0.96, OffTopic: 26, FalseConfident: 0.077, P50ms: 6, P95ms: 12},
		Import:  &ImportTiming{Files: 12, Chunks: 739, Seconds: 3.6, ImportSeconds: 1.7, ReembedSeconds: 1.9},
		Scale:   &ScaleResult{Chunks: 100000, Queries: 174, Model: "offline-hash-1024-p256-c7573d1b", EfSearch: 100, LoadSeconds: 200, IndexSeconds: 120, HybridP50ms: 8, HybridP95ms: 14, Recall10: 0.955, Recall10Ties: 0.96, TiesAtTenth: 1.5},
	}
	rep.AddTargets()
	met := 0
	for _, tg := range rep.Targets {
		if tg.Met {
			met++
		}
	}
	if len(rep.Targets) != 6 || met != 6 {
		t.Fatalf("targets: %+v", rep.Targets)
	}
	var buf bytes.Buffer
	rep.Print(&buf)
	golden := filepath.Join("testdata", "retrieval_report.golden")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Fatalf("report differs from %s:\n%s", golden, buf.String())
	}
	var js bytes.Buffer
	if err := rep.JSON(&js); err != nil || !bytes.Contains(js.Bytes(), []byte(`"hit_at_5": 0.72`)) {
		t.Fatalf("json: %v %s", err, js.String())
	}
}

func TestRecallAtCountsTiesByDistance(t *testing.T) {
	t.Parallel()
	var exact []knowledge.Neighbor
	for i := range 10 {
		exact = append(exact, knowledge.Neighbor{ID: int64(i + 1), Distance: 0.1 + float64(i)*0.01})
	}
	// The scan found nine of the ten ids and, instead of the tenth, a
	// chunk 0.0005 farther: a tie by ann-benchmarks' rule.
	tie := append(append([]knowledge.Neighbor{}, exact[:9]...), knowledge.Neighbor{ID: 99, Distance: exact[9].Distance + 0.0005})
	if byID, byDist := recallAt(exact, tie); byID != 0.9 || byDist != 1 {
		t.Fatalf("tie: by id %v, by distance %v; want 0.9 and 1", byID, byDist)
	}
	// A chunk 0.01 farther is a miss both ways.
	far := append(append([]knowledge.Neighbor{}, exact[:9]...), knowledge.Neighbor{ID: 99, Distance: exact[9].Distance + 0.01})
	if byID, byDist := recallAt(exact, far); byID != 0.9 || byDist != 0.9 {
		t.Fatalf("miss: by id %v, by distance %v; want 0.9 and 0.9", byID, byDist)
	}
	// A short list cannot score more than it returned.
	if byID, byDist := recallAt(exact, exact[:5]); byID != 0.5 || byDist != 0.5 {
		t.Fatalf("short: by id %v, by distance %v", byID, byDist)
	}
}
