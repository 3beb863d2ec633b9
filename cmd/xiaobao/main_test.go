package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// envChild makes the test binary behave as the xiaobao binary, so tests can
// run real server processes (and kill them) without a separate build.
const envChild = "XIAOBAO_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(envChild) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child is a xiaobao process started by a test.
type child struct {
	cmd  *exec.Cmd
	addr string
	mu   sync.Mutex
	log  strings.Builder
	done chan struct{}
}

// startChild runs `xiaobao args…` with env added, and for `serve` waits
// until /readyz answers 200.
func startChild(t *testing.T, env []string, args ...string) *child {
	t.Helper()
	c := &child{done: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0], args...)
	c.cmd.Env = append(append(os.Environ(), envChild+"=1", "XIAOBAO_LOG_FORMAT=json", "XIAOBAO_LOG_LEVEL=warn"), env...)
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "XIAOBAO_ADDR="); ok {
			c.addr = v
		}
	}
	out, _ := c.cmd.StderrPipe()
	c.cmd.Stdout = io.Discard
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("starting child: %v", err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			c.mu.Lock()
			c.log.WriteString(sc.Text() + "\n")
			c.mu.Unlock()
		}
		_ = c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() { c.kill() })
	if len(args) > 0 && args[0] == "serve" {
		deadline := time.Now().Add(90 * time.Second)
		for {
			resp, err := http.Get("http://" + c.addr + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
			}
			select {
			case <-c.done:
				t.Fatalf("server exited before it was ready:\n%s", c.logs())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("server not ready on %s:\n%s", c.addr, c.logs())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return c
}

func (c *child) logs() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.log.String()
}

func (c *child) wait(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(d):
		t.Fatalf("child did not exit within %s:\n%s", d, c.logs())
	}
}

func (c *child) kill() {
	if c.cmd.Process != nil {
		_ = c.cmd.Process.Kill()
	}
	<-c.done
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// childCmd is `xiaobao args…` as a child process with env added.
func childCmd(env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(context.Background(), os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), envChild+"=1", "XIAOBAO_LOG_LEVEL=warn"), env...)
	return cmd
}

// runChild runs a short-lived subcommand to completion.
func runChild(t *testing.T, env []string, args ...string) string {
	t.Helper()
	out, err := childCmd(env, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("xiaobao %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestBadInputGivesOneClearLine(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		env  []string
		want string
	}{
		{[]string{"bogus"}, nil, "unknown subcommand"},
		{[]string{"serve", "--nope"}, nil, "flag provided but not defined"},
		{[]string{"migrate"}, []string{"DATABASE_URL="}, "DATABASE_URL is not set"},
		{[]string{"migrate"}, []string{"DATABASE_URL=postgres://x:y@127.0.0.1:1/db"}, "cannot reach the database"},
		{[]string{"serve"}, []string{"DATABASE_URL=postgres://x@127.0.0.1:1/db", "XIAOBAO_LLM_TIMEOUT=soon"}, "XIAOBAO_LLM_TIMEOUT"},
		{[]string{"token", "create", "--role", "boss", "--name", "x"}, nil, "unknown role"},
		{[]string{"serve"}, []string{"DATABASE_URL=postgres://x@127.0.0.1:1/db", "XIAOBAO_SEMANTIC_WEIGHT=-1"}, "XIAOBAO_SEMANTIC_WEIGHT"},
		{[]string{"kb", "train-semantic", "--corpus", "/nonexistent", "--out", ""}, nil, "no *.jsonl file"},
	}
	for _, c := range cases {
		cmd := exec.Command(os.Args[0], c.args...)
		cmd.Env = append(append(os.Environ(), envChild+"=1"), c.env...)
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Errorf("xiaobao %v exited 0", c.args)
			continue
		}
		s := string(out)
		if !strings.Contains(s, c.want) || strings.Contains(s, "goroutine ") || strings.Contains(s, "panic") {
			t.Errorf("xiaobao %v printed %q, want one line containing %q and no stack trace", c.args, s, c.want)
		}
	}
}

var _ = fmt.Sprintf
