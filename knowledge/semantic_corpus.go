package knowledge

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// ParaphraseGroup is one line of the paraphrase corpus: questions that
// mean the same thing, the first worded as an FAQ would list it.
type ParaphraseGroup struct {
	Topic     string   `json:"topic"`
	Questions []string `json:"questions"`
	// Source is the file and line, for error messages.
	Source string `json:"-"`
}

// ReadParaphrases reads every *.jsonl file of dir in fsys (one group per
// line) in name order. A malformed line is an error naming its file and
// line; blank questions are dropped and a group left with fewer than two
// questions is skipped, since it pairs nothing.
func ReadParaphrases(fsys fs.FS, dir string) ([]ParaphraseGroup, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("paraphrases: no *.jsonl file in %s", dir)
	}
	sort.Strings(names)
	var out []ParaphraseGroup
	for _, name := range names {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for line := 1; sc.Scan(); line++ {
			text := strings.TrimSpace(sc.Text())
			if text == "" {
				continue
			}
			var g ParaphraseGroup
			if err := json.Unmarshal([]byte(text), &g); err != nil {
				f.Close()
				return nil, fmt.Errorf("paraphrases: %s line %d: %w", name, line, err)
			}
			g.Source = fmt.Sprintf("%s:%d", name, line)
			qs := g.Questions[:0]
			for _, q := range g.Questions {
				if q = strings.TrimSpace(q); q != "" {
					qs = append(qs, q)
				}
			}
			g.Questions = qs
			if len(qs) >= 2 {
				out = append(out, g)
			}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("paraphrases: %s: %w", name, err)
		}
	}
	return out, nil
}

// SplitParaphrases holds out about one group in every `every` for
// measuring (by a hash of its first question, so a group stays on its side
// when others are added) and returns the rest for training.
func SplitParaphrases(groups []ParaphraseGroup, every int) (train, held []ParaphraseGroup) {
	for _, g := range groups {
		h := fnv.New32a()
		h.Write([]byte(g.Questions[0]))
		if every > 0 && h.Sum32()%uint32(every) == 0 {
			held = append(held, g)
		} else {
			train = append(train, g)
		}
	}
	return train, held
}

// Questions returns each group's questions, as TrainSemantic takes them.
func Questions(groups []ParaphraseGroup) [][]string {
	out := make([][]string, len(groups))
	for i, g := range groups {
		out[i] = g.Questions
	}
	return out
}
