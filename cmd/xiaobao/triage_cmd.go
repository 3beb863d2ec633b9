package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xiaobao-cn/xiaobao/triage"
)

// Where `triage train` looks when run from the repository root.
const (
	repoCorpusDir = "triage/corpus"
	repoModelDir  = "triage/model"
	modelFileName = "triage.model.gz"
)

// runTriage dispatches `xiaobao triage <tool>`.
func runTriage(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return errors.New("triage: say what to do: `xiaobao triage train [--corpus dir] [--out file] [--with-corrections]`")
	}
	switch args[0] {
	case "train":
		return triageTrain(ctx, m, args[1:])
	}
	return fmt.Errorf("triage: unknown tool %q (use train)", args[0])
}

// triageTrain trains the offline model on the train split of the corpus
// (and, if asked, the handlers' corrections) and writes the model file.
// The test split is never used: `xiaobao eval triage` reports on it.
func triageTrain(ctx context.Context, m *Main, args []string) error {
	fset := newFlagSet(m, "triage train")
	corpusDir := fset.String("corpus", "", "directory of labelled *.jsonl files (default: "+repoCorpusDir+" if it exists, else the corpus built into the binary)")
	out := fset.String("out", "", "model file to write (default: "+filepath.Join(repoModelDir, modelFileName)+" if that directory exists, else ./"+modelFileName+")")
	withCorrections := fset.Bool("with-corrections", false, "also learn product and reason from handlers' corrections in the database (needs DATABASE_URL)")
	folds := fset.Int("folds", 5, "cross-validation folds for choosing the L2 strength and calibrating (2 to 10; the shipped model uses 5)")
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	if err := m.loadConfig(); err != nil {
		return err
	}
	if *folds < 2 || *folds > 10 {
		return fmt.Errorf("triage train: --folds %d must be between 2 and 10", *folds)
	}
	all, source, err := loadCorpus(*corpusDir)
	if err != nil {
		return err
	}
	train, test := triage.SplitCorpus(all)
	fmt.Fprintf(m.Stderr, "corpus %s: %d lines, training on %d, holding out %d for `xiaobao eval triage`\n", source, len(all), len(train), len(test))

	opts := triage.TrainOptions{Logger: m.Logger, Folds: *folds}
	if *withCorrections {
		if err := m.openDB(ctx, false); err != nil {
			return err
		}
		corr, skipped, err := triage.LoadCorrections(ctx, m.Pool)
		if err != nil {
			if strings.Contains(err.Error(), "case_corrections") && strings.Contains(err.Error(), "does not exist") {
				return fmt.Errorf("the database has no case_corrections table yet: run `xiaobao migrate` first")
			}
			return err
		}
		fmt.Fprintf(m.Stderr, "corrections: %d used, %d skipped (codes outside the taxonomy)\n", len(corr), skipped)
		train = append(train, corr...)
		opts.Corrections = len(corr)
	}

	start := time.Now()
	model, err := triage.Train(ctx, train, opts)
	if err != nil {
		return err
	}
	path := *out
	if path == "" {
		path = modelFileName
		if st, err := os.Stat(repoModelDir); err == nil && st.IsDir() {
			path = filepath.Join(repoModelDir, modelFileName)
		}
	}
	if err := writeModel(path, model); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote %s: %d examples (%d corrections), %d features, %d heads, corpus %s, in %s\n",
		path, model.Examples, model.Corrections, len(model.Keys), len(model.Heads), model.CorpusHash[:12], time.Since(start).Round(time.Second))
	for _, h := range model.Heads {
		fmt.Fprintf(m.Stdout, "  %-24s lambda %-7g temperature %.3f  cv score %.3f", h.Name, h.Lambda, h.Temperature, h.CVScore)
		if h.Binary {
			fmt.Fprintf(m.Stdout, "  threshold %.3f", h.Threshold)
		} else {
			fmt.Fprintf(m.Stdout, "  naive Bayes weight %g", h.NBWeight)
		}
		if h.IDF {
			fmt.Fprint(m.Stdout, "  (idf features)")
		}
		fmt.Fprintln(m.Stdout)
	}
	if model.Corrections > 0 {
		fmt.Fprintln(m.Stdout, "this model includes corrections: serve it with XIAOBAO_TRIAGE_MODEL=<file> (or --model for classify/eval)")
	} else if filepath.Clean(path) == filepath.Join(repoModelDir, modelFileName) {
		fmt.Fprintln(m.Stdout, "rebuild the binary to ship it (it is embedded with go:embed)")
	}
	return nil
}

// loadCorpus reads the corpus from dir, or from the repository checkout,
// or from the copy built into the binary.
func loadCorpus(dir string) ([]triage.Example, string, error) {
	var fsys fs.FS
	source := dir
	switch {
	case dir != "":
		// One file is read alone: a holdout set scored whole with --all.
		if st, err := os.Stat(dir); err == nil && st.Mode().IsRegular() {
			f, err := os.Open(dir)
			if err != nil {
				return nil, "", fmt.Errorf("corpus %s: %w", dir, err)
			}
			defer f.Close()
			all, err := triage.ReadCorpus(f, filepath.Base(dir))
			if err != nil {
				return nil, "", fmt.Errorf("corpus %s: %w", dir, err)
			}
			return all, dir, nil
		}
		fsys = os.DirFS(dir)
	default:
		if st, err := os.Stat(repoCorpusDir); err == nil && st.IsDir() {
			fsys, source = os.DirFS(repoCorpusDir), repoCorpusDir
		} else {
			fsys, source = triage.CorpusFS(), "(built in)"
		}
	}
	all, err := triage.LoadCorpus(fsys)
	if err != nil {
		return nil, "", fmt.Errorf("corpus %s: %w", source, err)
	}
	return all, source, nil
}

// writeModel writes the model next to its final path and renames it into
// place, so a crash never leaves half a model behind.
func writeModel(path string, model *triage.Model) error {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("writing model: %w", err)
		}
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".triage-model-*")
	if err != nil {
		return fmt.Errorf("writing model: %w", err)
	}
	defer os.Remove(f.Name())
	if err := model.Encode(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing model: %w", err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return fmt.Errorf("writing model: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("writing model: %w", err)
	}
	return nil
}
