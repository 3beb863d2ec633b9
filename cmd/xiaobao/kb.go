package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/xiaobao-cn/xiaobao/knowledge"
)

// runKB dispatches `xiaobao kb import|seed|reembed|fit-projection|train-semantic`.
func runKB(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return errors.New("kb: say what to do: import PATH…, seed, reembed, fit-projection or train-semantic")
	}
	switch args[0] {
	case "import":
		return kbImport(ctx, m, args[1:])
	case "seed":
		return kbSeed(ctx, m, args[1:])
	case "reembed":
		return kbReembed(ctx, m, args[1:])
	case "fit-projection":
		return kbFitProjection(ctx, m, args[1:])
	case "train-semantic":
		return kbTrainSemantic(ctx, m, args[1:])
	}
	return fmt.Errorf("kb: unknown action %q (use import, seed, reembed, fit-projection or train-semantic)", args[0])
}

// openKnowledge loads the configuration, migrates and opens the store.
func (m *Main) openKnowledge(ctx context.Context) (*knowledge.Store, error) {
	if err := m.loadConfig(); err != nil {
		return nil, err
	}
	if err := m.openDB(ctx, true); err != nil {
		return nil, err
	}
	return m.newKnowledge(ctx)
}

// importable are the file types `kb import` picks up inside folders.
var importable = map[string]bool{".md": true, ".markdown": true, ".txt": true, ".text": true, ".html": true, ".htm": true}

func kbImport(ctx context.Context, m *Main, args []string) error {
	fs := newFlagSet(m, "kb import")
	kind := fs.String("kind", "", "document kind for every file: regulation, literacy, guide or faq (default: front matter, else guessed)")
	publish := fs.Bool("publish", false, "publish the imported documents (default: new documents are drafts)")
	author := fs.String("author", "cli", "author recorded on the new versions")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("kb import: give one or more files or folders (Markdown, plain text or HTML)")
	}
	files, err := collectFiles(fs.Args())
	if err != nil {
		return err
	}
	kb, err := m.openKnowledge(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	bar := m.progress(len(files), "importing")
	var counts = map[string]int{}
	var failed []error
	for _, f := range files {
		res, err := importFile(ctx, kb, f, knowledge.ImportOptions{Kind: knowledge.Kind(*kind), Publish: *publish, Author: *author})
		if err != nil {
			failed = append(failed, err)
		} else {
			counts[res.Outcome]++
		}
		_ = bar.Add(1)
	}
	_ = bar.Finish()
	fmt.Fprintf(m.Stdout, "imported %d files in %s: %d created, %d updated, %d unchanged, %d failed\n",
		len(files), time.Since(start).Round(time.Millisecond), counts[knowledge.OutcomeCreated],
		counts[knowledge.OutcomeUpdated], counts[knowledge.OutcomeUnchanged], len(failed))
	if err := m.refreshIfStale(ctx, kb); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "done in %s\n", time.Since(start).Round(time.Millisecond))
	for _, e := range failed {
		fmt.Fprintln(m.Stderr, "  "+e.Error())
	}
	if len(failed) > 0 {
		return fmt.Errorf("kb import: %d of %d files failed (listed above); nothing of them was imported", len(failed), len(files))
	}
	return nil
}

func importFile(ctx context.Context, kb *knowledge.Store, path string, o knowledge.ImportOptions) (knowledge.ImportResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return knowledge.ImportResult{}, fmt.Errorf("文件 %q 无法打开：%w", path, err)
	}
	defer f.Close()
	return kb.ImportReader(ctx, path, f, o)
}

// collectFiles expands folders into the importable files inside them.
func collectFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("kb import: %w", err)
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && importable[strings.ToLower(filepath.Ext(path))] {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("kb import: %w", err)
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, errors.New("kb import: no Markdown, text or HTML files found")
	}
	return out, nil
}

func kbSeed(ctx context.Context, m *Main, args []string) error {
	fs := newFlagSet(m, "kb seed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	kb, err := m.openKnowledge(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	files, err := knowledge.SeedFiles()
	if err != nil {
		return err
	}
	bar := m.progress(len(files), "seeding")
	res, err := kb.Seed(ctx, func(done, total int) { _ = bar.Set(done) })
	_ = bar.Finish()
	if err != nil {
		return fmt.Errorf("kb seed: %w", err)
	}
	if err := m.refreshIfStale(ctx, kb); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "seeded %d documents (%d new or changed) and %d new synonym groups in %s\n",
		len(res.Documents), res.Changed(), res.SynonymsAdded, time.Since(start).Round(time.Millisecond))
	return nil
}

// kbFitProjection writes a projection of the offline vectors fitted to the
// knowledge base. It changes nothing in the database: the operator
// configures the file (XIAOBAO_EMBEDDING_PROJECTION) and re-embeds, so a
// running service keeps its vectors until then.
func kbFitProjection(ctx context.Context, m *Main, args []string) error {
	fs := newFlagSet(m, "kb fit-projection")
	out := fs.String("out", "", "file to write (required)")
	components := fs.Int("components", 128, "dimensions of the projected vectors (128: at 100,000 passages the HNSW index finds 98% of the exact top 10 at ef_search 200 within 15 ms; see docs/evaluation.md)")
	sample := fs.Int("sample", 30000, "fit on at most this many passages and questions, evenly spread (0: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("kb fit-projection: --out FILE is required")
	}
	if *components < 8 || *components > 2000 || *sample < 0 {
		return errors.New("kb fit-projection: --components must be 8..2000 and --sample at least 0")
	}
	if err := m.loadConfig(); err != nil {
		return err
	}
	if err := m.openDB(ctx, true); err != nil {
		return err
	}
	// Fit on the plain hashed vectors, whatever projection is configured now.
	m.Config.EmbeddingProjection = ""
	kb, err := m.knowledgeStore()
	if err != nil {
		return err
	}
	start := time.Now()
	p, err := kb.FitProjection(ctx, *components, *sample)
	if err != nil {
		return fmt.Errorf("kb fit-projection: %w", err)
	}
	if err := writeTrained(*out, p); err != nil {
		return fmt.Errorf("kb fit-projection: %w", err)
	}
	fmt.Fprintf(m.Stdout, "fitted %d×%d projection %s in %s and wrote %s\nto use it: XIAOBAO_EMBEDDING_PROJECTION=%s xiaobao kb reembed\n",
		p.In, p.Out, p.ID(), time.Since(start).Round(time.Millisecond), *out, *out)
	return nil
}

func kbReembed(ctx context.Context, m *Main, args []string) error {
	fs := newFlagSet(m, "kb reembed")
	all := fs.Bool("all", false, "re-embed every passage and question, not only stale ones")
	reindex := fs.Bool("reindex", false, "also segment every text again (after synonyms changed)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	kb, err := m.openKnowledge(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	n, err := m.reembed(ctx, kb, knowledge.ReembedOptions{All: *all, Retokenize: *reindex})
	if err != nil {
		return fmt.Errorf("kb reembed: %w", err)
	}
	fmt.Fprintf(m.Stdout, "re-embedded %d rows with %s in %s\n", n, kb.EmbeddingModel(), time.Since(start).Round(time.Millisecond))
	return nil
}

// refreshIfStale brings the index up to date after imports or seeding:
// statistics that imports made stale, and vectors of another embedding
// model (XIAOBAO_EMBEDDING_DIM or OPENAI_EMBEDDING_MODEL changed), so that
// `make run` after such a change serves vector search again without a
// manual `kb reembed`. Rows already current are skipped, so this costs one
// query when nothing changed.
func (m *Main) refreshIfStale(ctx context.Context, kb *knowledge.Store) error {
	_, err := m.reembed(ctx, kb, knowledge.ReembedOptions{})
	return err
}

func (m *Main) reembed(ctx context.Context, kb *knowledge.Store, o knowledge.ReembedOptions) (int, error) {
	var bar *progressbar.ProgressBar
	n, err := kb.Reembed(ctx, o, func(done, total int) {
		if bar == nil {
			bar = m.progress(total, "re-embedding")
		}
		_ = bar.Set(done)
	})
	if bar != nil {
		_ = bar.Finish()
	}
	return n, err
}

// progress returns a progress bar on stderr, or a silent one when stderr is
// not a terminal (logs and CI output stay clean).
func (m *Main) progress(total int, what string) *progressbar.ProgressBar {
	w, visible := io.Discard, false
	if f, ok := m.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		w, visible = m.Stderr, true
	}
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetVisibility(visible),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}
