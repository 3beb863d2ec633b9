package knowledge

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// Neighbor is one chunk found by NearestChunks, with its cosine distance to
// the query computed from the stored full-precision vector (not the
// half-precision one the index compares), so that the lists of an index
// scan and of an exact scan are measured with the same ruler.
type Neighbor struct {
	ID       int64
	Distance float64
}

// NearestChunks returns the k published chunks whose vectors are nearest
// to the query's: through the HNSW index as searches do, or, with exact, by
// scanning every vector. Comparing the two measures the index's recall.
func (s *Store) NearestChunks(ctx context.Context, query string, k int, exact bool) ([]Neighbor, error) {
	p, _, err := s.plan(ctx, query)
	if err != nil {
		return nil, err
	}
	if p.qvec == nil {
		return nil, nil
	}
	args := pgx.NamedArgs{"statuses": []string{string(StatusPublished)}, "kinds": []string{}, "as_of": nil, "n": k, "qvec": *p.qvec}
	var out []Neighbor
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)",
			strconv.Itoa(max(s.cfg.Search.EfSearch, k))); err != nil {
			return err
		}
		q := s.sql.exactChunks
		if !exact {
			q = `WITH a AS (` + s.sql.vecChunks + `)
SELECT a.id, c.embedding::vector <=> @qvec::vector FROM a JOIN kb_chunks c ON c.id = a.id ORDER BY 2, 1`
		}
		rows, err := tx.Query(ctx, q, args)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Neighbor, error) {
			var n Neighbor
			err := r.Scan(&n.ID, &n.Distance)
			return n, err
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("nearest chunks: %w", err)
	}
	return out, nil
}

// CountWithin counts the published chunks of the store's model whose
// vectors lie within distance of the query's (a full scan). At 100,000
// synthetic passages it shows how many chunks tie with the exact tenth.
func (s *Store) CountWithin(ctx context.Context, query string, distance float64) (int, error) {
	p, _, err := s.plan(ctx, query)
	if err != nil || p.qvec == nil {
		return 0, err
	}
	args := pgx.NamedArgs{"statuses": []string{string(StatusPublished)}, "kinds": []string{}, "as_of": nil, "qvec": *p.qvec, "d": distance}
	var n int
	if err := s.db.QueryRow(ctx, s.sql.countWithin, args).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting neighbours: %w", err)
	}
	return n, nil
}
