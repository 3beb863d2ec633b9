package evals

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xiaobao-cn/xiaobao/triage"
)

func TestSameInstitution(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		got, want string
		same      bool
	}{
		{"招商银行", "招商银行", true},
		{"捷信", "捷信消费金融", true},
		{"招商银行", "中国建设银行", false},
		{"", "招商银行", false},
		{"仪陇农商行", "四川仪陇农村商业银行", true},
		{"郑州农商银行", "郑州农村商业银行", true},
		{"武汉农商行", "郑州农村商业银行", false},
		{"农村商业银行", "武汉农村商业银行", false},
	} {
		if got := SameInstitution(c.got, c.want); got != c.same {
			t.Errorf("SameInstitution(%q, %q) = %v, want %v", c.got, c.want, got, c.same)
		}
	}
}

func TestPersonasAreComplete(t *testing.T) {
	t.Parallel()
	ps, err := Personas()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 40 {
		t.Fatalf("%d personas, want at least 40", len(ps))
	}
	files, err := filepath.Glob("testdata/personas_report*.jsonl")
	if err != nil || len(files) < 9 {
		t.Fatalf("%d sets written apart (%v), want the nine in the repo", len(files), err)
	}
	ids := map[string]bool{}
	for _, f := range files {
		report, err := ReadPersonas(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(report) < 20 {
			t.Fatalf("%s: %d personas written apart, want at least 20", f, len(report))
		}
		ps = append(ps, report...)
	}
	for _, p := range ps {
		if ids[p.ID] {
			t.Errorf("persona id %s used twice", p.ID)
		}
		ids[p.ID] = true
		if !triage.Valid(triage.Products, p.Expect.Product) || !triage.Valid(triage.Reasons, p.Expect.Reason) {
			t.Errorf("%s expects %s / %s, not taxonomy codes", p.ID, p.Expect.Product, p.Expect.Reason)
		}
		for _, slot := range []string{"institution", "description", "occurred_at", "amount", "demand", "name", "phone", "consent"} {
			if p.Facts[slot] == "" {
				t.Errorf("%s lacks fact %s", p.ID, slot)
			}
		}
		if p.Expect.Product == "" || p.Expect.Reason == "" || len(p.Expect.Demands) == 0 {
			t.Errorf("%s has no expectation", p.ID)
		}
	}
}

func TestServerQuantiles(t *testing.T) {
	t.Parallel()
	m := `# HELP xiaobao_chat_turn_seconds x
xiaobao_chat_turn_seconds_bucket{type="message",le="0.001"} 0
xiaobao_chat_turn_seconds_bucket{type="message",le="0.002"} 50
xiaobao_chat_turn_seconds_bucket{type="message",le="0.004"} 95
xiaobao_chat_turn_seconds_bucket{type="message",le="0.008"} 100
xiaobao_chat_turn_seconds_bucket{type="message",le="+Inf"} 100
xiaobao_chat_turn_seconds_bucket{type="hello",le="0.001"} 7
`
	q := ServerQuantiles(m, 0.5, 0.95, 0.99)
	if q[0] != 2 || q[1] != 4 || q[2] != 8 {
		t.Fatalf("ServerQuantiles = %v, want [2 4 8]", q)
	}
}

func TestParsePersonasRefusesIncompleteLines(t *testing.T) {
	t.Parallel()
	good := `{"id":"x1","opening":"招行乱扣年费","facts":{},"expect":{"product":"credit_card","reason":"fees"}}`
	if ps, err := ParsePersonas("t.jsonl", []byte(good+"\n\n")); err != nil || len(ps) != 1 {
		t.Fatalf("good line: %v %v", ps, err)
	}
	for _, bad := range []string{`{"id":"x2","expect":{"product":"loan"}}`, `{"id":"x3","opening":"…"}`, `not json`} {
		if _, err := ParsePersonas("t.jsonl", []byte(good+"\n"+bad)); err == nil || !strings.Contains(err.Error(), "t.jsonl line 2") {
			t.Errorf("%s: err = %v, want one naming line 2", bad, err)
		}
	}
}
