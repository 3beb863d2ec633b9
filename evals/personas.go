package evals

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

//go:embed testdata/personas.jsonl
var personasJSONL []byte

// Persona is a scripted consumer: an opening story and the facts they give
// when asked, with the classification a careful officer would expect.
type Persona struct {
	ID        string            `json:"id"`
	Opening   string            `json:"opening"`
	Facts     map[string]string `json:"facts"`
	Expect    Expectation       `json:"expect"`
	Interrupt string            `json:"interrupt,omitempty"`
}

// Expectation is what the filed case should say.
type Expectation struct {
	Product     string   `json:"product"`
	Reason      string   `json:"reason"`
	Institution string   `json:"institution"`
	Demands     []string `json:"demands"`
}

// Personas returns the team's scripted personas.
func Personas() ([]Persona, error) {
	return ParsePersonas("personas.jsonl", personasJSONL)
}

// ReadPersonas reads personas from a JSON Lines file of the same format,
// such as testdata/personas_report.jsonl, the set written apart that
// nothing is tuned on.
func ReadPersonas(path string) ([]Persona, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParsePersonas(filepath.Base(path), b)
}

// ParsePersonas parses JSON Lines personas; name labels errors.
func ParsePersonas(name string, data []byte) ([]Persona, error) {
	var out []Persona
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var p Persona
		if err := json.Unmarshal(line, &p); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, n, err)
		}
		if p.ID == "" || p.Opening == "" || p.Expect.Product == "" {
			return nil, fmt.Errorf("%s line %d: a persona needs an id, an opening and an expected product", name, n)
		}
		out = append(out, p)
	}
	return out, sc.Err()
}
