package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	pgxvec "github.com/pgvector/pgvector-go/pgx"
	"golang.org/x/term"

	"github.com/xiaobao-cn/xiaobao/migrations"
	"github.com/xiaobao-cn/xiaobao/pii"
)

// Main holds the wiring of one process, so end-to-end tests can run the same
// code as the binary (the wtf `Main` pattern).
type Main struct {
	Stdout, Stderr io.Writer
	// Getenv reads settings; tests replace it.
	Getenv func(string) string

	Config Config
	Logger *slog.Logger
	Pool   *pgxpool.Pool

	closers []func()
}

// NewMain returns a Main writing to the given streams.
func NewMain(stdout, stderr io.Writer) *Main {
	return &Main{Stdout: stdout, Stderr: stderr, Getenv: os.Getenv}
}

// Close releases whatever Open and the subcommand built, newest first.
func (m *Main) Close() {
	for i := len(m.closers) - 1; i >= 0; i-- {
		m.closers[i]()
	}
	m.closers = nil
}

func (m *Main) onClose(f func()) { m.closers = append(m.closers, f) }

// loadConfig reads the configuration and builds the logger.
func (m *Main) loadConfig() error {
	c, err := loadConfig(m.Getenv)
	if err != nil {
		return err
	}
	m.Config = c
	m.Logger = newLogger(m.Stderr, c.LogFormat, c.LogLevel)
	return nil
}

func newLogger(w io.Writer, format, level string) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lvl}
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = "text"
		}
	}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if format == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(pii.NewHandler(h))
}

// openDB migrates (unless told not to) on a plain connection, then opens the
// pool whose connections know the pgvector types.
func (m *Main) openDB(ctx context.Context, migrate bool) error {
	if err := m.Config.requireDB(); err != nil {
		return err
	}
	if migrate {
		conn, err := pgx.Connect(ctx, m.Config.DatabaseURL)
		if err != nil {
			return explainDBError(err)
		}
		err = migrations.Migrate(ctx, conn)
		conn.Close(context.WithoutCancel(ctx))
		if err != nil {
			return explainDBError(err)
		}
	}
	cfg, err := pgxpool.ParseConfig(m.Config.DatabaseURL)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	if cfg.MaxConns < 20 {
		cfg.MaxConns = 20
	}
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error { return pgxvec.RegisterTypes(ctx, c) }
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return explainDBError(err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return explainDBError(err)
	}
	m.Pool = pool
	m.onClose(pool.Close)
	return nil
}

// explainDBError turns connection failures into one line that says what to do.
func explainDBError(err error) error {
	var pgErr *pgconn.PgError
	msg := err.Error()
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "28P01":
		return fmt.Errorf("database refused the password in DATABASE_URL (%s)", pgErr.Message)
	case errors.As(err, &pgErr) && pgErr.Code == "3D000":
		return fmt.Errorf("database in DATABASE_URL does not exist (%s); create it or run scripts/dev-db.sh", pgErr.Message)
	case strings.Contains(msg, `extension "vector" is not available`), strings.Contains(msg, "vector.control"):
		return fmt.Errorf("the pgvector extension is not installed on the database server: run scripts/dev-db.sh (builds it) or install postgresql-15-pgvector")
	case strings.Contains(msg, "connection refused"), strings.Contains(msg, "no such host"), strings.Contains(msg, "i/o timeout"):
		return fmt.Errorf("cannot reach the database in DATABASE_URL (is PostgreSQL running? `make run` starts one): %s", msg)
	}
	return fmt.Errorf("database: %w", err)
}
