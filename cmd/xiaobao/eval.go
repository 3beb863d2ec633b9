package main

import (
	"context"
	"errors"
	"fmt"
)

// runEval dispatches `xiaobao eval <what>`; each evaluation prints a table
// (or JSON with --json) and never asserts: numbers are for people to read.
func runEval(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return errors.New("eval: say what to evaluate: retrieval, triage, dialogs or load")
	}
	switch args[0] {
	case "retrieval":
		return evalRetrieval(ctx, m, args[1:])
	case "triage":
		return evalTriage(ctx, m, args[1:])
	case "dialogs":
		return evalDialogs(ctx, m, args[1:])
	case "load":
		return evalLoad(ctx, m, args[1:])
	}
	return fmt.Errorf("eval: unknown evaluation %q (use retrieval, triage, dialogs or load)", args[0])
}
