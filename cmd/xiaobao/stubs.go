package main

import (
	"context"
	"errors"
)

// Temporary until the knowledge, triage and evals wiring lands.
func runKB(ctx context.Context, m *Main, args []string) error { return errors.New("kb: not built yet") }
func runClassify(ctx context.Context, m *Main, args []string) error {
	return errors.New("classify: not built yet")
}
func runTriage(ctx context.Context, m *Main, args []string) error {
	return errors.New("triage: not built yet")
}
