package knowledge

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// seedFS is the team-written content every installation starts with: the
// Markdown documents and the colloquial synonym groups.
//
//go:embed seed
var seedFS embed.FS

// SeedFiles lists the embedded seed documents, sorted.
func SeedFiles() ([]string, error) {
	var names []string
	err := fs.WalkDir(seedFS, "seed", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	return names, err
}

// SeedSynonymGroups returns the embedded synonym groups.
func SeedSynonymGroups() ([][]string, error) {
	b, err := seedFS.ReadFile("seed/synonyms.yaml")
	if err != nil {
		return nil, fmt.Errorf("reading seed synonyms: %w", err)
	}
	var doc struct {
		Groups [][]string `yaml:"groups"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parsing seed synonyms: %w", err)
	}
	return doc.Groups, nil
}

// SeedResult reports what Seed did.
type SeedResult struct {
	Documents     []ImportResult
	SynonymsAdded int
}

// Changed counts documents created or updated.
func (r SeedResult) Changed() int {
	n := 0
	for _, d := range r.Documents {
		if d.Outcome != OutcomeUnchanged {
			n++
		}
	}
	return n
}

// Seed loads the embedded synonyms (first, so jieba knows the words before
// anything is segmented) and imports and publishes every seed document. It
// is idempotent: a second run finds every document unchanged and every
// synonym group present, and writes nothing.
func (s *Store) Seed(ctx context.Context, progress ProgressFunc) (SeedResult, error) {
	var res SeedResult
	groups, err := SeedSynonymGroups()
	if err != nil {
		return res, err
	}
	if res.SynonymsAdded, err = s.SeedSynonyms(ctx, groups); err != nil {
		return res, err
	}
	if _, err := s.currentSynonyms(ctx); err != nil {
		return res, err
	}
	names, err := SeedFiles()
	if err != nil {
		return res, err
	}
	for i, name := range names {
		data, err := seedFS.ReadFile(name)
		if err != nil {
			return res, err
		}
		r, err := s.ImportBytes(ctx, path.Base(name), data, ImportOptions{Publish: true, Author: "seed"})
		if err != nil {
			return res, err
		}
		res.Documents = append(res.Documents, r)
		if progress != nil {
			progress(i+1, len(names))
		}
	}
	return res, nil
}

// SeedFile returns an embedded seed file by the name SeedFiles gives.
func SeedFile(name string) ([]byte, error) { return seedFS.ReadFile(name) }
