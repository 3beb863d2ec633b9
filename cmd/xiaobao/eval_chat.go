package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/xiaobao-cn/xiaobao/evals"
)

// evalServer is a `xiaobao serve` child process on a database of its own,
// so evaluations never touch real cases and memory is the server's alone.
type evalServer struct {
	wsURL string
	cmd   *exec.Cmd
	close func()
}

// startEvalServer creates a scratch database next to DATABASE_URL, seeds the
// knowledge base into it and starts the server binary on a free port.
func (m *Main) startEvalServer(ctx context.Context, extraEnv ...string) (*evalServer, error) {
	if err := m.Config.requireDB(); err != nil {
		return nil, err
	}
	name := fmt.Sprintf("xiaobao_eval_%d", time.Now().UnixNano())
	admin, err := pgx.Connect(ctx, m.Config.DatabaseURL)
	if err != nil {
		return nil, explainDBError(err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return nil, fmt.Errorf("creating scratch database: %w", err)
	}
	drop := func() {
		c, err := pgx.Connect(context.Background(), m.Config.DatabaseURL)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
			c.Close(context.Background())
		}
	}
	u, _ := url.Parse(m.Config.DatabaseURL)
	u.Path = "/" + name
	exe, err := os.Executable()
	if err != nil {
		drop()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		drop()
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	env := append(os.Environ(), "DATABASE_URL="+u.String(), "XIAOBAO_ADDR="+addr, "XIAOBAO_LOG_LEVEL=warn",
		"XIAOBAO_WS_CONNS_PER_IP=1000000", "XIAOBAO_WS_MSGS_PER_MIN=1000000", "XIAOBAO_WS_IP_MSGS_PER_MIN=100000000")
	env = append(env, extraEnv...)
	seed := exec.CommandContext(ctx, exe, "kb", "seed")
	seed.Env = env
	if out, err := seed.CombinedOutput(); err != nil {
		drop()
		return nil, fmt.Errorf("seeding scratch knowledge base: %v: %s", err, out)
	}
	cmd := exec.Command(exe, "serve")
	cmd.Env = env
	cmd.Stdout = os.Stderr
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		drop()
		return nil, err
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if line := sc.Text(); strings.Contains(line, `"level":"ERROR"`) || strings.Contains(line, "panic") {
				fmt.Fprintln(m.Stderr, "  server:", line)
			}
		}
	}()
	s := &evalServer{wsURL: "ws://" + addr + "/ws/chat", cmd: cmd}
	s.close = func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
		}
		drop()
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.close()
			return nil, fmt.Errorf("eval server did not become ready on %s", addr)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// rss reads the child's resident memory from /proc.
func (s *evalServer) rss() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", s.cmd.Process.Pid)
}

func evalDialogs(ctx context.Context, m *Main, args []string) error {
	fs := newFlagSet(m, "eval dialogs")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	parallel := fs.Int("parallel", 4, "personas run at once")
	wsURL := fs.String("url", "", "websocket URL of a running server (default: start one on a scratch database)")
	verbose := fs.Bool("v", false, "print the transcript of every failed persona")
	file := fs.String("personas", "", "JSON Lines personas to run instead of the built-in set (e.g. evals/testdata/personas_report.jsonl, written apart and never tuned on)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := m.loadConfig(); err != nil {
		return err
	}
	personas, err := evals.Personas()
	if *file != "" {
		personas, err = evals.ReadPersonas(*file)
	}
	if err != nil {
		return fmt.Errorf("eval dialogs: %w", err)
	}
	target := *wsURL
	if target == "" {
		srv, err := m.startEvalServer(ctx)
		if err != nil {
			return err
		}
		defer srv.close()
		target = srv.wsURL
	}
	rep := evals.RunDialogs(ctx, target, personas, *parallel)
	if *asJSON {
		return rep.JSON(m.Stdout)
	}
	rep.Print(m.Stdout)
	if *verbose {
		for _, r := range rep.Results {
			if !r.Correct() {
				fmt.Fprintf(m.Stdout, "\n--- %s\n%s\n", r.Persona, strings.Join(r.Transcript, "\n"))
			}
		}
	}
	return nil
}

func evalLoad(ctx context.Context, m *Main, args []string) error {
	fs := newFlagSet(m, "eval load")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	sessions := fs.Int("sessions", 500, "concurrent websocket consumers")
	duration := fs.Duration("duration", 0, "keep consumers busy this long (0 = one conversation each)")
	idle := fs.Int("idle", 1000, "idle connections opened to measure memory per connection (0 to skip)")
	think := fs.Duration("think", 3*time.Second, "a consumer's pause before each message (0 = saturation test)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := m.loadConfig(); err != nil {
		return err
	}
	personas, err := evals.Personas()
	if err != nil {
		return err
	}
	srv, err := m.startEvalServer(ctx)
	if err != nil {
		return err
	}
	defer srv.close()
	cfg := evals.LoadConfig{URL: srv.wsURL, Sessions: *sessions, Duration: *duration, Personas: personas, RSS: srv.rss, Progress: m.Stderr, Think: *think}
	var perConn, before int64
	if *idle > 0 {
		fmt.Fprintf(m.Stderr, "opening %d idle connections…\n", *idle)
		perConn, before, err = evals.MeasureIdle(ctx, cfg, *idle)
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(m.Stderr, "running %d concurrent consumers…\n", *sessions)
	rep := evals.RunLoad(ctx, cfg)
	rep.IdleConns, rep.IdleBytesPerConn, rep.RSSBeforeMB = *idle, perConn, float64(before)/(1<<20)
	if resp, err := http.Get(strings.Replace(strings.Replace(srv.wsURL, "ws://", "http://", 1), "/ws/chat", "/metrics", 1)); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		q := evals.ServerQuantiles(string(b), 0.5, 0.95, 0.99)
		rep.ServerP50ms, rep.ServerP95ms, rep.ServerP99ms = q[0], q[1], q[2]
	}
	if *asJSON {
		return rep.JSON(m.Stdout)
	}
	rep.Print(m.Stdout)
	return nil
}
