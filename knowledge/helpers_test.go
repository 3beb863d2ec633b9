package knowledge

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// newTestStore returns a store on db (usually dbtest.TestTx) with a
// statistics cache that never goes stale within a test.
func newTestStore(t testing.TB, db DB, mod ...func(*Config)) *Store {
	t.Helper()
	cfg := Config{DB: db, Logger: quietLog}
	for _, m := range mod {
		m(&cfg)
	}
	s, err := NewStore(cfg)
	noErr(t, err)
	t.Cleanup(s.Close)
	return s
}

var (
	seedOnce sync.Once
	seedErr  error
)

// seededTx returns a rolled-back transaction on this process's database,
// in which the seed content has been committed once, published and
// embedded. Tests write freely; nothing they do outlives them.
func seededTx(t *testing.T) DB {
	t.Helper()
	seedOnce.Do(func() {
		ctx := context.Background()
		s, err := NewStore(Config{DB: dbtest.Pool(t), Logger: quietLog})
		if err != nil {
			seedErr = err
			return
		}
		defer s.Close()
		if _, seedErr = s.Seed(ctx, nil); seedErr != nil {
			return
		}
		_, seedErr = s.Reembed(ctx, ReembedOptions{}, nil)
	})
	noErr(t, seedErr)
	return dbtest.TestTx(t)
}

// regulationFiles finds the public law texts in ../shared/evaldata next to
// the checkout (the repository does not copy them). A checkout without that
// folder next to it falls back to the seed's own regulation documents, so
// the tests still chunk and import real law; fromShared says which.
func regulationFiles(t testing.TB) (files []string, fromShared bool) {
	t.Helper()
	dir, _ := os.Getwd()
	for ; filepath.Dir(dir) != dir; dir = filepath.Dir(dir) {
		cand := filepath.Join(dir, "shared", "evaldata", "cn_regulations")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			entries, err := os.ReadDir(cand)
			noErr(t, err)
			var out []string
			for _, e := range entries {
				n := e.Name()
				if n != "SOURCE.md" && (strings.HasSuffix(n, ".md") || strings.HasSuffix(n, ".txt")) {
					out = append(out, filepath.Join(cand, n))
				}
			}
			sort.Strings(out)
			eq(t, 12, len(out))
			return out, true
		}
	}
	out, err := filepath.Glob(filepath.Join("seed", "reg-*.md"))
	noErr(t, err)
	isTrue(t, len(out) >= 10, "seed regulations: %v", out)
	return out, false
}
