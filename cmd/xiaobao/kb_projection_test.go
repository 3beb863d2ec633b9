package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

// TestFitProjectionThenReembed is the operator's path for a large
// knowledge base: fit a projection to what is indexed, configure it,
// re-embed; every vector is then of the projected model. A broken file
// stops start-up with one line naming the variable.
func TestFitProjectionThenReembed(t *testing.T) {
	t.Parallel()
	dbURL, pool := dbtest.NewDB(t)
	env := []string{"DATABASE_URL=" + dbURL}
	runChild(t, env, "kb", "seed")
	file := filepath.Join(t.TempDir(), "proj.bin")
	out := runChild(t, env, "kb", "fit-projection", "--components", "48", "--out", file)
	m := regexp.MustCompile(`fitted 1024×48 projection ([0-9a-f]{8})`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("fit-projection printed %q", out)
	}
	// The projection replaces the hashed part; the shipped semantic model
	// still appends its 128 dimensions, unless switched off.
	for _, c := range []struct {
		semantic string
		dims     int
	}{{"", 48 + 128}, {"off", 48}} {
		out = runChild(t, append(env, "XIAOBAO_EMBEDDING_PROJECTION="+file, "XIAOBAO_SEMANTIC_MODEL="+c.semantic), "kb", "reembed")
		mm := regexp.MustCompile(`with (offline-hash-1024-p48-` + m[1] + `\S*) in`).FindStringSubmatch(out)
		if mm == nil || (c.semantic == "off") != !strings.Contains(mm[1], "-s128-") {
			t.Fatalf("reembed (semantic model %q) printed %q, want the projected model", c.semantic, out)
		}
		var other, dims int
		if err := pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE embedding_model <> $1), max(vector_dims(embedding)) FROM kb_chunks`, mm[1]).Scan(&other, &dims); err != nil {
			t.Fatal(err)
		}
		if other != 0 || dims != c.dims {
			t.Fatalf("after reembed (semantic model %q): %d passages of another model, %d dimensions; want 0 and %d", c.semantic, other, dims, c.dims)
		}
	}

	bad := filepath.Join(t.TempDir(), "bad.bin")
	if err := os.WriteFile(bad, []byte("not a projection"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file, want string
		more       []string
	}{
		{bad, "not a projection", nil},
		{filepath.Join(t.TempDir(), "missing.bin"), "no such file", nil},
		// A projection with a remote embedding model would be ignored.
		{file, "OPENAI_EMBEDDING_MODEL", []string{"OPENAI_BASE_URL=http://127.0.0.1:1/v1", "OPENAI_API_KEY=k", "OPENAI_EMBEDDING_MODEL=text-embedding-3-small"}},
	} {
		cmd := childCmd(append(append(env, c.more...), "XIAOBAO_EMBEDDING_PROJECTION="+c.file), "kb", "reembed")
		b, err := cmd.CombinedOutput()
		if s := string(b); err == nil || !strings.Contains(s, "XIAOBAO_EMBEDDING_PROJECTION") || !strings.Contains(s, c.want) || strings.Contains(s, "goroutine ") {
			t.Errorf("reembed with %s: err %v, printed %q; want one line naming the variable and %q", c.file, err, s, c.want)
		}
	}
}
