package triage

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// corpusFS is the labelled corpus the team writes (triage/corpus/*.jsonl).
// It ships in the binary so `xiaobao eval triage` and `xiaobao triage
// train` work anywhere and the embedded model can be checked against it.
//
//go:embed corpus/*.jsonl
var corpusFS embed.FS

// CorpusFS returns the embedded corpus directory (files *.jsonl at its root).
func CorpusFS() fs.FS {
	sub, err := fs.Sub(corpusFS, "corpus")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}

// Example is one labelled corpus line.
type Example struct {
	Text        string   `json:"text"`
	Intent      string   `json:"intent"`
	Product     string   `json:"product"`
	Reason      string   `json:"reason"`
	Flags       []string `json:"flags"`
	Demands     []string `json:"demands"`
	Institution *string  `json:"institution"`
	AmountYuan  *float64 `json:"amount_yuan"`
	// Source is "file:line" for error messages; not part of the corpus.
	Source string `json:"-"`
	// correction marks a handler's correction: it vouches for product
	// and reason only, so the other heads leave it out.
	correction bool
}

// ErrBadCorpus is returned for corpus lines that are not valid JSON or use
// codes outside the taxonomy.
var ErrBadCorpus = errors.New("bad corpus line")

// LoadCorpus reads every *.jsonl file at the root of fsys, in name order.
func LoadCorpus(fsys fs.FS) ([]Example, error) {
	names, err := fs.Glob(fsys, "*.jsonl")
	if err != nil {
		return nil, fmt.Errorf("listing corpus: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no *.jsonl files in the corpus directory")
	}
	sort.Strings(names)
	var all []Example
	for _, name := range names {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, fmt.Errorf("opening corpus: %w", err)
		}
		ex, err := ReadCorpus(f, path.Base(name))
		f.Close()
		if err != nil {
			return nil, err
		}
		all = append(all, ex...)
	}
	return all, nil
}

// ReadCorpus reads JSON Lines examples from r; name labels error messages.
// Every line is validated against the taxonomy so a typo in a label fails
// training loudly instead of teaching the model a new class.
func ReadCorpus(r io.Reader, name string) ([]Example, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	var out []Example
	var errs []error
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var ex Example
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ex); err != nil {
			errs = append(errs, fmt.Errorf("%w %s:%d: %v", ErrBadCorpus, name, line, err))
			continue
		}
		ex.Source = fmt.Sprintf("%s:%d", name, line)
		if err := ex.validate(); err != nil {
			errs = append(errs, fmt.Errorf("%w %s: %v", ErrBadCorpus, ex.Source, err))
			continue
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

func (ex *Example) validate() error {
	ex.Text = strings.TrimSpace(ex.Text)
	switch {
	case ex.Text == "":
		return errors.New("empty text")
	case !Valid(Intents, ex.Intent):
		return fmt.Errorf("intent %q is not a taxonomy code", ex.Intent)
	case ex.Product != "" && !Valid(Products, ex.Product):
		return fmt.Errorf("product %q is not a taxonomy code", ex.Product)
	case ex.Reason != "" && !Valid(Reasons, ex.Reason):
		return fmt.Errorf("reason %q is not a taxonomy code", ex.Reason)
	case ex.Intent == "complaint" && (ex.Product == "" || ex.Reason == ""):
		return errors.New("a complaint needs a product and a reason")
	}
	for _, f := range ex.Flags {
		if !Valid(Flags, f) {
			return fmt.Errorf("flag %q is not a taxonomy code", f)
		}
	}
	for _, d := range ex.Demands {
		if !Valid(Demands, d) {
			return fmt.Errorf("demand %q is not a taxonomy code", d)
		}
	}
	return nil
}

// InstitutionLabel is the labelled institution, "" for none.
func (ex Example) InstitutionLabel() string {
	if ex.Institution == nil {
		return ""
	}
	return *ex.Institution
}

// HasFlag reports whether the example is labelled with flag.
func (ex Example) HasFlag(flag string) bool {
	for _, f := range ex.Flags {
		if f == flag {
			return true
		}
	}
	return false
}

// testPercent is the share of the corpus held out for evaluation.
const testPercent = 20

// IsTestText reports whether a text belongs to the held-out test split.
// The split is a hash of the text, so it is stable as the corpus grows and
// an example never moves between train and test.
func IsTestText(text string) bool {
	h := fnv.New64a()
	h.Write([]byte(strings.TrimSpace(text)))
	return h.Sum64()%100 < testPercent
}

// SplitCorpus divides examples into train and test by IsTestText.
func SplitCorpus(all []Example) (train, test []Example) {
	for _, ex := range all {
		if IsTestText(ex.Text) {
			test = append(test, ex)
		} else {
			train = append(train, ex)
		}
	}
	return train, test
}

// CorpusHash fingerprints the examples a model is trained on (text and
// labels, in order), so a test can tell whether the embedded model is the
// one the current corpus produces.
func CorpusHash(examples []Example) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, ex := range examples {
		_ = enc.Encode([]any{ex.Text, ex.Intent, ex.Product, ex.Reason, ex.Flags, ex.Demands, ex.correction})
	}
	return hex.EncodeToString(h.Sum(nil))
}
