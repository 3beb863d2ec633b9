// Command xiaobao runs the 消保 complaint service and its tools.
//
// Wiring only: this package reads flags and the environment, builds the
// pieces from the feature packages and runs them. Nothing else reads env vars.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one subcommand of the binary.
type command struct {
	summary string
	run     func(ctx context.Context, m *Main, args []string) error
}

// commands is the table `xiaobao help` prints.
var commands = map[string]command{
	"serve":    {"run the HTTP, websocket and web server (migrates first unless --no-migrate)", runServe},
	"migrate":  {"apply database migrations and exit", runMigrate},
	"token":    {"create, list or revoke staff API tokens (token create|list|revoke)", runToken},
	"kb":       {"knowledge base: import files, seed, reembed, fit a projection (kb import|seed|reembed|fit-projection)", runKB},
	"classify": {"classify JSON Lines {id,text} from stdin, no database needed", runClassify},
	"triage":   {"triage model tools (triage train [--with-corrections])", runTriage},
	"eval":     {"evaluations that print numbers (eval retrieval|triage|dialogs|load)", runEval},
	"help":     {"list the subcommands", nil},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain(os.Stdout, os.Stderr)
	err := m.Run(ctx, os.Args[1:])
	m.Close()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "xiaobao:", err)
		os.Exit(1)
	}
}

// Run dispatches args to a subcommand.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(m.Stdout)
		return nil
	}
	c, ok := commands[args[0]]
	if !ok || c.run == nil {
		usage(m.Stderr)
		return fmt.Errorf("unknown subcommand %q; see the list above", args[0])
	}
	return c.run(ctx, m, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "xiaobao — 消保 consumer-complaint service\n\nUsage: xiaobao <subcommand> [flags]\n\nSubcommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nEach subcommand takes --help. Settings come from the environment; see README.md.")
}

// newFlagSet returns a flag set whose errors are returned, not printed with
// os.Exit, so bad flags end as one clear line.
func newFlagSet(m *Main, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("xiaobao "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%s: %w", fs.Name(), err)
	}
	if fs.NArg() > 0 && !strings.HasPrefix(fs.Name(), "xiaobao kb") {
		return fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}
