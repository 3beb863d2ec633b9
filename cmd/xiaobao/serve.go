package main

import (
	"context"
	"fmt"
	"net"

	"github.com/xiaobao-cn/xiaobao/api"
)

func runServe(ctx context.Context, m *Main, args []string) error {
	fs := newFlagSet(m, "serve")
	noMigrate := fs.Bool("no-migrate", false, "do not migrate the schema on start (readiness stays 503 until it is current)")
	addr := fs.String("addr", "", "listen address (overrides XIAOBAO_ADDR)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := m.loadConfig(); err != nil {
		return err
	}
	if *addr != "" {
		m.Config.Addr = *addr
	}
	if err := m.openDB(ctx, !*noMigrate); err != nil {
		return err
	}
	srv, err := m.buildServer(ctx)
	if err != nil {
		return err
	}
	if err := srv.Open(); err != nil {
		return err
	}
	base := m.Config.PublicURL
	if base == "" {
		_, port, _ := net.SplitHostPort(srv.Addr())
		base = "http://localhost:" + port
	}
	m.Logger.Info("xiaobao serving", "addr", srv.Addr(), "llm", m.Config.LLMEnabled())
	fmt.Fprintf(m.Stderr, "\nxiaobao is up:\n  consumer demo   %s/\n  handler console %s/console/\n  knowledge       %s/kb/\n  dashboard       %s/dashboard/\n  readiness       %s/readyz\n\n",
		base, base, base, base, base)
	<-ctx.Done()
	m.Logger.Info("shutting down: draining requests and closing websockets")
	if err := srv.Close(); err != nil {
		return err
	}
	m.Logger.Info("stopped")
	return nil
}

// buildServer wires the feature packages into the HTTP server.
func (m *Main) buildServer(ctx context.Context) (*api.Server, error) {
	kb, err := m.newKnowledge(ctx)
	if err != nil {
		return nil, err
	}
	// The first consumer should not wait for statistics and dictionaries.
	if err := kb.Warm(ctx); err != nil {
		m.Logger.Warn("knowledge base not warmed; the first search will load it", "err", err)
	}
	tri, err := m.newTriage(ctx)
	if err != nil {
		return nil, err
	}
	if err := m.startSweeper(ctx, tri); err != nil {
		return nil, err
	}
	m.startChatRetention(ctx)
	reg := api.NewRegistry()
	hub, err := m.newChat(kb, tri, reg)
	if err != nil {
		return nil, err
	}
	// Handler replies reach the consumer's websocket on whichever replica
	// holds it: every replica listens and delivers to its own connections.
	listenCtx, stopListen := context.WithCancel(context.WithoutCancel(ctx))
	m.onClose(stopListen)
	go func() { _ = tri.Listen(listenCtx, nil, hub.DeliverUpdate) }()
	cfg := api.Config{
		Addr:      m.Config.Addr,
		Logger:    m.Logger,
		Pool:      m.Pool,
		Knowledge: kb,
		Triage:    tri,
		Chat:      hub,
		Registry:  reg,
	}
	srv, err := api.NewServer(cfg)
	if err != nil {
		return nil, fmt.Errorf("building server: %w", err)
	}
	return srv, nil
}
