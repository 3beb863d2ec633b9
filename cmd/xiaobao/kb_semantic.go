package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/xiaobao-cn/xiaobao/evals"
	"github.com/xiaobao-cn/xiaobao/knowledge"
)

// kbTrainSemantic trains the offline engine's semantic model from the
// paraphrase corpus. It first trains on all but a held-out tenth of the
// groups and prints how well that model matches the held-out ones, then
// trains on every group and writes the model to ship.
func kbTrainSemantic(ctx context.Context, m *Main, args []string) error {
	fs := newFlagSet(m, "kb train-semantic")
	corpus := fs.String("corpus", "knowledge/paraphrases", "folder of paraphrase groups (*.jsonl: {\"topic\",\"questions\":[…]} per line)")
	out := fs.String("out", "knowledge/model/semantic.gz", "file to write (empty: only measure)")
	every := fs.Int("holdout", 10, "hold out one group in this many to measure (0: no measurement)")
	dim := fs.Int("dim", 0, "vector dimension (default 128)")
	epochs := fs.Int("epochs", 0, "passes over the corpus (default 40)")
	batch := fs.Int("batch", 0, "groups per step (default 256)")
	lr := fs.Float64("lr", 0, "AdaGrad learning rate (default 0.2)")
	temp := fs.Float64("temperature", 0, "softmax temperature (default 0.1)")
	verbose := fs.Bool("v", false, "print each epoch's loss")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	dir, err := filepath.Abs(*corpus)
	if err != nil {
		return err
	}
	groups, err := knowledge.ReadParaphrases(os.DirFS(dir), ".")
	if err != nil {
		return fmt.Errorf("kb train-semantic: %w", err)
	}
	cfg := knowledge.SemanticTrainConfig{Dim: *dim, Epochs: *epochs, Batch: *batch, LearningRate: *lr, Temperature: *temp}
	if *verbose {
		cfg.Progress = func(epoch int, loss float64) { fmt.Fprintf(m.Stderr, "epoch %d: loss %.4f\n", epoch, loss) }
	}
	if *every > 0 {
		train, held := knowledge.SplitParaphrases(groups, *every)
		if len(held) == 0 {
			return errors.New("kb train-semantic: no group is held out; use a smaller --holdout")
		}
		start := time.Now()
		model, err := knowledge.TrainSemantic(ctx, knowledge.Questions(train), cfg)
		if err != nil {
			return fmt.Errorf("kb train-semantic: %w", err)
		}
		fmt.Fprintf(m.Stdout, "trained on %d groups (%d features) in %s; held out %d groups\n",
			len(train), model.Vocabulary(), time.Since(start).Round(time.Millisecond), len(held))
		rs, err := evals.ParaphraseRecall(ctx, model, held, []float64{0.5, 1, 1.5, 100})
		if err != nil {
			return err
		}
		evals.PrintParaphrase(m.Stdout, rs)
	}
	if *out == "" {
		return nil
	}
	start := time.Now()
	model, err := knowledge.TrainSemantic(ctx, knowledge.Questions(groups), cfg)
	if err != nil {
		return fmt.Errorf("kb train-semantic: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	if err := writeTrained(*out, model); err != nil {
		return fmt.Errorf("kb train-semantic: %w", err)
	}
	fmt.Fprintf(m.Stdout, "trained %s on all %d groups (%d features) in %s and wrote %s\n",
		model.ID(), len(groups), model.Vocabulary(), time.Since(start).Round(time.Millisecond), *out)
	return nil
}
