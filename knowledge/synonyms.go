package knowledge

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/xiaobao-cn/xiaobao/segment"
)

// SynonymGroup is a staff-curated set of interchangeable terms, such as
// 催收/催债/讨债/暴力催收. A query containing one term also searches the
// others, and every term is added to jieba's dictionary so it stays whole.
type SynonymGroup struct {
	ID        int64     `json:"id" db:"id"`
	Terms     []string  `json:"terms" db:"terms"`
	Author    string    `json:"author" db:"author"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
	UpdatedAt time.Time `json:"updated_at" db:"updated_at"`
}

const (
	sqlListSynonyms  = `SELECT id, terms, author, created_at, updated_at FROM kb_synonyms ORDER BY id`
	sqlInsertSynonym = `INSERT INTO kb_synonyms (head, terms, author) VALUES ($1, $2, $3)
RETURNING id, terms, author, created_at, updated_at`
	sqlSeedSynonym   = `INSERT INTO kb_synonyms (head, terms, author) VALUES ($1, $2, 'seed') ON CONFLICT (head) DO NOTHING`
	sqlUpdateSynonym = `UPDATE kb_synonyms SET head = $2, terms = $3, author = $4, updated_at = now() WHERE id = $1
RETURNING id, terms, author, created_at, updated_at`
	sqlDeleteSynonym = `DELETE FROM kb_synonyms WHERE id = $1`
)

// cleanTerms validates a group: at least two distinct terms of 1–30
// characters.
func cleanTerms(in []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, t := range in {
		t = strings.TrimSpace(t)
		if t == "" || seen[t] {
			continue
		}
		if utf8.RuneCountInString(t) > 30 {
			return nil, invalidf("同义词 %q 太长（最多 30 字）", truncateRunes(t, 10))
		}
		seen[t] = true
		out = append(out, t)
	}
	if len(out) < 2 {
		return nil, invalidf("一组同义词至少要有两个不同的词")
	}
	if len(out) > 50 {
		return nil, invalidf("一组同义词最多 50 个词")
	}
	return out, nil
}

// ListSynonyms lists every synonym group.
func (s *Store) ListSynonyms(ctx context.Context) ([]SynonymGroup, error) {
	rows, err := s.db.Query(ctx, sqlListSynonyms)
	if err != nil {
		return nil, fmt.Errorf("listing synonyms: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[SynonymGroup])
}

// CreateSynonyms adds a group. Adding words to jieba changes how new text is
// segmented; a re-index applies it to the stored passages too.
func (s *Store) CreateSynonyms(ctx context.Context, ts []string, author string) (SynonymGroup, error) {
	ts, err := cleanTerms(ts)
	if err != nil {
		return SynonymGroup{}, err
	}
	rows, err := s.db.Query(ctx, sqlInsertSynonym, ts[0], ts, author)
	if err != nil {
		return SynonymGroup{}, fmt.Errorf("adding synonyms: %w", err)
	}
	g, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[SynonymGroup])
	if err != nil {
		return g, fmt.Errorf("adding synonyms: %w", interpretError(err))
	}
	s.synonymsChanged(ts)
	return g, nil
}

// UpdateSynonyms replaces a group's terms.
func (s *Store) UpdateSynonyms(ctx context.Context, id int64, ts []string, author string) (SynonymGroup, error) {
	ts, err := cleanTerms(ts)
	if err != nil {
		return SynonymGroup{}, err
	}
	rows, err := s.db.Query(ctx, sqlUpdateSynonym, id, ts[0], ts, author)
	if err != nil {
		return SynonymGroup{}, fmt.Errorf("updating synonyms: %w", err)
	}
	g, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[SynonymGroup])
	if err != nil {
		return g, fmt.Errorf("updating synonyms %d: %w", id, interpretError(err))
	}
	s.synonymsChanged(ts)
	return g, nil
}

// DeleteSynonyms removes a group.
func (s *Store) DeleteSynonyms(ctx context.Context, id int64) error {
	tag, err := s.db.Exec(ctx, sqlDeleteSynonym, id)
	if err != nil {
		return fmt.Errorf("deleting synonyms %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	s.synonymsChanged(nil)
	return nil
}

func (s *Store) synonymsChanged(ts []string) {
	segment.AddWords(ts...)
	s.mu.Lock()
	s.synAt = time.Time{}
	s.mu.Unlock()
}

// synonymIndex answers "which groups does this text mention".
type synonymIndex struct {
	groups [][]string
	// folded holds each term of groups width-folded and lower-cased, done
	// once here rather than for every term on every query.
	folded [][]string
}

// newSynonymIndex indexes groups of synonyms for expand.
func newSynonymIndex(groups [][]string) *synonymIndex {
	x := &synonymIndex{groups: groups, folded: make([][]string, len(groups))}
	for i, g := range groups {
		x.folded[i] = make([]string, len(g))
		for j, t := range g {
			x.folded[i][j] = strings.ToLower(foldText(t))
		}
	}
	return x
}

// expansion is a term added to a query because a synonym of it (from)
// appears in the query.
type expansion struct {
	term, from string
}

// expand returns the other terms of every group one of whose terms appears
// in text. Single-character terms are ignored as triggers: they occur
// inside too many unrelated words.
func (x *synonymIndex) expand(text string) []expansion {
	if x == nil {
		return nil
	}
	norm := strings.ToLower(foldText(text))
	var out []expansion
	for i, g := range x.groups {
		from := ""
		for j, t := range g {
			if utf8.RuneCountInString(t) >= 2 && strings.Contains(norm, x.folded[i][j]) {
				from = t
				break
			}
		}
		if from == "" {
			continue
		}
		for j, t := range g {
			if t != from && !strings.Contains(norm, x.folded[i][j]) {
				out = append(out, expansion{term: t, from: from})
			}
		}
	}
	return out
}

// currentSynonyms returns the cached groups, reloading them after StatsTTL
// so edits made through another process take effect.
func (s *Store) currentSynonyms(ctx context.Context) (*synonymIndex, error) {
	s.mu.Lock()
	x, at := s.synonyms, s.synAt
	s.mu.Unlock()
	if x != nil && time.Since(at) < s.cfg.StatsTTL {
		return x, nil
	}
	rows, err := s.db.Query(ctx, `SELECT terms FROM kb_synonyms ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("loading synonyms: %w", err)
	}
	groups, err := pgx.CollectRows(rows, pgx.RowTo[[]string])
	if err != nil {
		return nil, fmt.Errorf("loading synonyms: %w", err)
	}
	for _, g := range groups {
		segment.AddWords(g...)
	}
	x = newSynonymIndex(groups)
	s.mu.Lock()
	s.synonyms, s.synAt = x, time.Now()
	s.mu.Unlock()
	return x, nil
}

// SeedSynonyms inserts groups whose first term is new; existing groups,
// possibly edited by staff, are left alone. It returns how many it added.
func (s *Store) SeedSynonyms(ctx context.Context, groups [][]string) (int, error) {
	added := 0
	for _, g := range groups {
		ts, err := cleanTerms(g)
		if err != nil {
			return added, fmt.Errorf("seed synonyms %v: %w", g, err)
		}
		tag, err := s.db.Exec(ctx, sqlSeedSynonym, ts[0], ts)
		if err != nil {
			return added, fmt.Errorf("seeding synonyms: %w", err)
		}
		added += int(tag.RowsAffected())
		segment.AddWords(ts...)
	}
	if added > 0 {
		s.synonymsChanged(nil)
	}
	return added, nil
}
