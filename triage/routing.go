package triage

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed routing.yaml
var defaultRoutingYAML []byte

// RoutingConfig is the routing file: institutions handlers are organised
// by, and rules that override team and priority. See routing.yaml.
type RoutingConfig struct {
	// DefaultTeam handles cases no rule or institution claims, including
	// every unknown institution. Defaults to "triage".
	DefaultTeam string `yaml:"default_team"`
	// DefaultPriority is the priority when no rule sets one (1 is the most
	// urgent). Defaults to 3.
	DefaultPriority int `yaml:"default_priority"`
	// Institutions are the institutions with a team of their own.
	Institutions []InstitutionRoute `yaml:"institutions"`
	// Rules are checked in order; see RoutingRule.
	Rules []RoutingRule `yaml:"rules"`
}

// InstitutionRoute is one institution: its canonical name, the other ways
// consumers write it and the team that handles it.
type InstitutionRoute struct {
	Name    string   `yaml:"name"`
	Aliases []string `yaml:"aliases"`
	Team    string   `yaml:"team"`
}

// RoutingRule matches a case by flags, products or an unknown institution
// (any listed condition matching is enough) and sets its team, its priority
// or both. The first matching rule with a team decides the team; the most
// urgent priority of all matching rules wins.
type RoutingRule struct {
	Name               string   `yaml:"name"`
	Flags              []string `yaml:"flags"`
	Products           []string `yaml:"products"`
	UnknownInstitution bool     `yaml:"unknown_institution"`
	Team               string   `yaml:"team"`
	Priority           int      `yaml:"priority"`
}

// Routing decides which institution, team and priority a case gets.
type Routing struct {
	cfg   RoutingConfig
	index map[string]int // folded name or alias → Institutions index
}

// Route is the routing decision for one case.
type Route struct {
	// Institution is the canonical name, or the name as written when unknown.
	Institution string
	// Known reports whether the institution is in the routing table.
	Known    bool
	Team     string
	Priority int
	// Rules are the names of the rules that matched, for the audit trail.
	Rules []string
}

// DefaultRouting is the embedded routing.yaml.
func DefaultRouting() *Routing {
	r, err := ParseRouting(defaultRoutingYAML)
	if err != nil {
		panic("triage: embedded routing.yaml: " + err.Error())
	}
	return r
}

// LoadRouting reads a routing file; an empty path means DefaultRouting.
func LoadRouting(path string) (*Routing, error) {
	if path == "" {
		return DefaultRouting(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading routing file: %w", err)
	}
	r, err := ParseRouting(data)
	if err != nil {
		return nil, fmt.Errorf("routing file %s: %w", path, err)
	}
	return r, nil
}

// ParseRouting parses and checks a routing file: unknown keys, unknown
// flags or products, duplicate aliases and missing teams are errors, so a
// typo fails at start-up instead of misrouting complaints.
func ParseRouting(data []byte) (*Routing, error) {
	var cfg RoutingConfig
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("parsing YAML: %w", err)
	}
	if cfg.DefaultTeam == "" {
		cfg.DefaultTeam = "triage"
	}
	if cfg.DefaultPriority == 0 {
		cfg.DefaultPriority = 3
	}
	if cfg.DefaultPriority < 1 || cfg.DefaultPriority > 9 {
		return nil, errors.New("default_priority must be 1 (most urgent) to 9")
	}
	r := &Routing{cfg: cfg, index: map[string]int{}}
	for i, inst := range cfg.Institutions {
		if strings.TrimSpace(inst.Name) == "" {
			return nil, fmt.Errorf("institution #%d has no name", i+1)
		}
		if inst.Team == "" {
			return nil, fmt.Errorf("institution %s has no team", inst.Name)
		}
		for _, alias := range append([]string{inst.Name}, inst.Aliases...) {
			key := foldName(alias)
			if key == "" {
				continue
			}
			if j, dup := r.index[key]; dup && j != i {
				return nil, fmt.Errorf("%q names both %s and %s", alias, cfg.Institutions[j].Name, inst.Name)
			}
			r.index[key] = i
		}
	}
	for i, rule := range cfg.Rules {
		if rule.Name == "" {
			return nil, fmt.Errorf("rule #%d has no name", i+1)
		}
		if len(rule.Flags) == 0 && len(rule.Products) == 0 && !rule.UnknownInstitution {
			return nil, fmt.Errorf("rule %s matches nothing: give flags, products or unknown_institution", rule.Name)
		}
		if rule.Team == "" && rule.Priority == 0 {
			return nil, fmt.Errorf("rule %s sets neither team nor priority", rule.Name)
		}
		if rule.Priority < 0 || rule.Priority > 9 {
			return nil, fmt.Errorf("rule %s: priority must be 1 (most urgent) to 9", rule.Name)
		}
		for _, f := range rule.Flags {
			if !Valid(Flags, f) {
				return nil, fmt.Errorf("rule %s: unknown flag %q", rule.Name, f)
			}
		}
		for _, p := range rule.Products {
			if !Valid(Products, p) {
				return nil, fmt.Errorf("rule %s: unknown product %q", rule.Name, p)
			}
		}
	}
	return r, nil
}

// Canonical returns the canonical name of an institution and whether the
// routing table knows it. Names the table lacks go through the classifier's
// alias list (NormalizeInstitution); unknown names come back trimmed, as
// written, so nothing the consumer said is lost.
func (r *Routing) Canonical(name string) (string, bool) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", false
	}
	if i, ok := r.index[foldName(name)]; ok {
		return r.cfg.Institutions[i].Name, true
	}
	if norm, known := NormalizeInstitution(name); known && norm != "" {
		if i, ok := r.index[foldName(norm)]; ok {
			return r.cfg.Institutions[i].Name, true
		}
		return norm, false
	}
	return name, false
}

// Route decides the institution, team and priority of a case.
func (r *Routing) Route(institution, product string, flags []string) Route {
	name, known := r.Canonical(institution)
	out := Route{Institution: name, Known: known, Priority: r.cfg.DefaultPriority}
	for _, rule := range r.cfg.Rules {
		match := (rule.UnknownInstitution && !known) || slices.Contains(rule.Products, product)
		for _, f := range rule.Flags {
			match = match || slices.Contains(flags, f)
		}
		if !match {
			continue
		}
		out.Rules = append(out.Rules, rule.Name)
		if out.Team == "" && rule.Team != "" {
			out.Team = rule.Team
		}
		if rule.Priority > 0 && rule.Priority < out.Priority {
			out.Priority = rule.Priority
		}
	}
	if out.Team == "" && known {
		out.Team = r.cfg.Institutions[r.index[foldName(name)]].Team
	}
	if out.Team == "" {
		out.Team = r.cfg.DefaultTeam
	}
	return out
}

// Teams lists every team the routing can assign, for console filters.
func (r *Routing) Teams() []string {
	teams := []string{r.cfg.DefaultTeam}
	for _, inst := range r.cfg.Institutions {
		teams = append(teams, inst.Team)
	}
	for _, rule := range r.cfg.Rules {
		if rule.Team != "" {
			teams = append(teams, rule.Team)
		}
	}
	slices.Sort(teams)
	return slices.Compact(teams)
}

// TeamOf returns the team of a canonical institution name, or "".
func (r *Routing) TeamOf(institution string) string {
	if i, ok := r.index[foldName(institution)]; ok {
		return r.cfg.Institutions[i].Team
	}
	return ""
}

// foldName makes names comparable: trimmed, lower-case, no inner spaces.
func foldName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}
