package evals

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
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
	var out []Persona
	sc := bufio.NewScanner(bytes.NewReader(personasJSONL))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var p Persona
		if err := json.Unmarshal(line, &p); err != nil {
			return nil, fmt.Errorf("personas.jsonl line %d: %w", n, err)
		}
		out = append(out, p)
	}
	return out, sc.Err()
}
