package evals

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// FAQItem is one answer to index: its standard questions and answer text.
type FAQItem struct {
	Key       string
	Questions []string // the first is the standard question
	Answer    string
}

// RetrievalQuery is a question and the key of the item (or seed document
// slug) that answers it.
type RetrievalQuery struct {
	Text string `json:"q"`
	Want string `json:"doc"`
}

// RetrievalSet is an evaluation set: FAQ items to index (none for the own
// set, which uses the seeded knowledge base) and queries.
type RetrievalSet struct {
	Name    string
	Items   []FAQItem
	Queries []RetrievalQuery
	Seeded  bool // index the embedded seed content instead of Items
}

func clean(s string) string { return strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")) }

// LoadUnionPay reads the UnionPay FAQ: each answer is indexed with its
// standard questions (labels); every user question that differs from its
// label is a query for that answer.
func LoadUnionPay(dir string) (RetrievalSet, error) {
	set := RetrievalSet{Name: "unionpay"}
	answers := map[int]string{}
	if err := eachJSONL(filepath.Join(dir, "unionpay_answers.jsonl"), func(dec func(any) error) error {
		var a struct {
			ID     int    `json:"answer_id"`
			Answer string `json:"answer"`
		}
		if err := dec(&a); err != nil {
			return err
		}
		answers[a.ID] = clean(a.Answer)
		return nil
	}); err != nil {
		return set, err
	}
	items := map[int]*FAQItem{}
	var order []int
	if err := eachJSONL(filepath.Join(dir, "unionpay_questions.jsonl"), func(dec func(any) error) error {
		var q struct {
			Question string `json:"question"`
			Label    string `json:"label"`
			AnswerID int    `json:"answer_id"`
		}
		if err := dec(&q); err != nil {
			return err
		}
		label, question := clean(q.Label), clean(q.Question)
		it := items[q.AnswerID]
		if it == nil {
			it = &FAQItem{Key: strconv.Itoa(q.AnswerID), Answer: answers[q.AnswerID]}
			items[q.AnswerID] = it
			order = append(order, q.AnswerID)
		}
		if !contains(it.Questions, label) {
			it.Questions = append(it.Questions, label)
		}
		if question != label && question != "" {
			set.Queries = append(set.Queries, RetrievalQuery{Text: question, Want: it.Key})
		}
		return nil
	}); err != nil {
		return set, err
	}
	for _, id := range order {
		if it := items[id]; it.Answer != "" {
			set.Items = append(set.Items, *it)
		}
	}
	return set, nil
}

// LoadJining reads the Jining Bank FAQ: every answer has two paraphrased
// questions; the first is indexed with the answer, the second is the query.
func LoadJining(dir string) (RetrievalSet, error) {
	set := RetrievalSet{Name: "jining"}
	f, err := os.Open(filepath.Join(dir, "jining_bank_test.tsv"))
	if err != nil {
		return set, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	items := map[string]*FAQItem{}
	var order []string
	for line := 0; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return set, fmt.Errorf("jining line %d: %w", line+1, err)
		}
		if line == 0 || len(rec) < 3 {
			continue
		}
		q, id, ans := clean(rec[0]), clean(rec[1]), clean(rec[2])
		it := items[id]
		if it == nil {
			it = &FAQItem{Key: id, Answer: ans}
			items[id] = it
			order = append(order, id)
		}
		it.Questions = append(it.Questions, q)
	}
	for _, id := range order {
		it := items[id]
		set.Items = append(set.Items, FAQItem{Key: it.Key, Questions: it.Questions[:1], Answer: it.Answer})
		for _, q := range it.Questions[1:] {
			set.Queries = append(set.Queries, RetrievalQuery{Text: q, Want: it.Key})
		}
	}
	return set, nil
}

// LoadOwn reads the team's question sets ({"q","doc"} per line, doc being
// a seed file name without .md) to run against the seeded knowledge base.
func LoadOwn(paths ...string) (RetrievalSet, error) {
	set := RetrievalSet{Name: "own", Seeded: true}
	for _, p := range paths {
		err := eachJSONL(p, func(dec func(any) error) error {
			var q RetrievalQuery
			if err := dec(&q); err != nil {
				return err
			}
			if q.Text = clean(q.Text); q.Text != "" && q.Want != "" {
				set.Queries = append(set.Queries, q)
			}
			return nil
		})
		if err != nil {
			return set, err
		}
	}
	return set, nil
}

func eachJSONL(path string, f func(dec func(any) error) error) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if err := f(func(v any) error { return json.Unmarshal([]byte(line), v) }); err != nil {
			return fmt.Errorf("%s line %d: %w", filepath.Base(path), n, err)
		}
	}
	return sc.Err()
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// LoadQuestions reads the "q" of every line of a JSON Lines file, such as
// the off-topic questions the answerer should decline.
func LoadQuestions(path string) ([]string, error) {
	var out []string
	err := eachJSONL(path, func(dec func(any) error) error {
		var q RetrievalQuery
		if err := dec(&q); err != nil {
			return err
		}
		if q.Text = clean(q.Text); q.Text != "" {
			out = append(out, q.Text)
		}
		return nil
	})
	return out, err
}
