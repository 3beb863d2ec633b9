package knowledge

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// NearestChunks returns the ids of the k published chunks whose vectors are
// nearest to the query's: through the HNSW index as searches do, or, with
// exact, by scanning every vector. Comparing the two measures the index's
// recall.
func (s *Store) NearestChunks(ctx context.Context, query string, k int, exact bool) ([]int64, error) {
	p, _, err := s.plan(ctx, query)
	if err != nil {
		return nil, err
	}
	if p.qvec == nil {
		return nil, nil
	}
	args := pgx.NamedArgs{"statuses": []string{string(StatusPublished)}, "kinds": []string{}, "as_of": nil, "n": k, "qvec": *p.qvec}
	var ids []int64
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)",
			strconv.Itoa(max(s.cfg.Search.EfSearch, k))); err != nil {
			return err
		}
		q := s.sql.vecChunks
		if exact {
			q = s.sql.exactChunks
		}
		rows, err := tx.Query(ctx, q, args)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if exact {
				err = rows.Scan(&id)
			} else {
				var sim float64
				err = rows.Scan(&id, &sim)
			}
			if err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("nearest chunks: %w", err)
	}
	return ids, nil
}
