// Package dbtest gives tests a real, migrated PostgreSQL with pgvector.
//
// Every test package process gets its own database cloned from a migrated
// template (CREATE DATABASE … TEMPLATE is a file copy, far cheaper than
// migrating), so packages running in parallel never see each other's rows.
// Tests that can run inside a transaction use TestTx, which is rolled back;
// tests that must commit (queues, LISTEN/NOTIFY, subprocess servers) use
// NewDB for a database of their own.
package dbtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	pgxvec "github.com/pgvector/pgvector-go/pgx"

	"github.com/xiaobao-cn/xiaobao/migrations"
)

// EnvURL names the variable holding the maintenance database URL for tests.
const EnvURL = "TEST_DATABASE_URL"

var (
	templateOnce sync.Once
	templateName string
	templateErr  error

	sharedOnce sync.Once
	sharedPool *pgxpool.Pool
	sharedErr  error

	seq atomic.Int64
)

// BaseURL returns TEST_DATABASE_URL or fails the test with a message that
// says how to get one: tests never skip the real database.
func BaseURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		t.Fatalf("%s is not set: run the tests with `make test`, which starts PostgreSQL with pgvector and sets it", EnvURL)
	}
	return u
}

// Pool returns a pool on this test process's own migrated database.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	// BaseURL fails the test when no server is configured; called inside
	// the Once it would end the goroutine with the Once done and no pool,
	// and every later test would dereference nil instead of failing clearly.
	base := BaseURL(t)
	sharedOnce.Do(func() {
		var dbURL string
		dbURL, sharedErr = cloneDB(context.Background(), base, fmt.Sprintf("xbt_%d_shared", os.Getpid()))
		if sharedErr != nil {
			return
		}
		sharedPool, sharedErr = OpenPool(context.Background(), dbURL)
	})
	if sharedErr != nil {
		t.Fatalf("test database: %v", sharedErr)
	}
	return sharedPool
}

// TestTx returns a transaction on the process's shared database that is
// rolled back when the test ends.
func TestTx(t testing.TB) pgx.Tx {
	t.Helper()
	ctx := context.Background()
	tx, err := Pool(t).Begin(ctx)
	if err != nil {
		t.Fatalf("begin test transaction: %v", err)
	}
	t.Cleanup(func() { _ = tx.Rollback(context.WithoutCancel(ctx)) })
	return tx
}

// NewDB creates a migrated database for one test and drops it afterwards. It
// returns the database URL (for subprocesses and servers) and a pool on it.
func NewDB(t testing.TB) (string, *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	base := BaseURL(t)
	name := fmt.Sprintf("xbt_%d_%d", os.Getpid(), seq.Add(1))
	dbURL, err := cloneDB(ctx, base, name)
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	pool, err := OpenPool(ctx, dbURL)
	if err != nil {
		t.Fatalf("test database pool: %v", err)
	}
	t.Cleanup(func() {
		pool.Close()
		dropDB(context.WithoutCancel(ctx), base, name)
	})
	return dbURL, pool
}

// OpenPool opens a pool that knows the pgvector types.
func OpenPool(ctx context.Context, dbURL string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 16
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error { return pgxvec.RegisterTypes(ctx, c) }
	return pgxpool.NewWithConfig(ctx, cfg)
}

func cloneDB(ctx context.Context, base, name string) (string, error) {
	tpl, err := template(ctx, base)
	if err != nil {
		return "", err
	}
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", fmt.Errorf("connecting to %s: %w", EnvURL, err)
	}
	defer admin.Close(ctx)
	_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	// Concurrent clones of one template can collide on its lock; retry briefly.
	for attempt := 0; ; attempt++ {
		_, err = admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s",
			pgx.Identifier{name}.Sanitize(), pgx.Identifier{tpl}.Sanitize()))
		if err == nil || attempt > 50 || !strings.Contains(err.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		return "", fmt.Errorf("creating database %s: %w", name, err)
	}
	return withDB(base, name)
}

func dropDB(ctx context.Context, base, name string) {
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		return
	}
	defer admin.Close(ctx)
	_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

// template creates, once per schema fingerprint, a migrated template database.
// An advisory lock keeps parallel test processes from building it twice.
func template(ctx context.Context, base string) (string, error) {
	templateOnce.Do(func() {
		templateName = "xbt_tpl_" + migrations.Fingerprint()
		templateErr = buildTemplate(ctx, base, templateName)
		if templateErr == nil {
			sweepOrphans(ctx, base)
		}
	})
	return templateName, templateErr
}

func buildTemplate(ctx context.Context, base, name string) error {
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", EnvURL, err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock(727001)"); err != nil {
		return err
	}
	defer admin.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(727001)")
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	// Templates of older schemas are garbage now; one in use stays.
	if rows, err := admin.Query(ctx, "SELECT datname FROM pg_database WHERE datname LIKE 'xbt\\_tpl\\_%' AND datname <> $1", name); err == nil {
		old, _ := pgx.CollectRows(rows, pgx.RowTo[string])
		for _, o := range old {
			_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{o}.Sanitize())
		}
	}
	building := name + "_build"
	_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{building}.Sanitize()+" WITH (FORCE)")
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{building}.Sanitize()); err != nil {
		return fmt.Errorf("creating template: %w", err)
	}
	u, err := withDB(base, building)
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return err
	}
	if err := migrations.Migrate(ctx, conn); err != nil {
		conn.Close(ctx)
		return err
	}
	conn.Close(ctx)
	_, err = admin.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s",
		pgx.Identifier{building}.Sanitize(), pgx.Identifier{name}.Sanitize()))
	return err
}

// sweepOrphans drops the databases of test processes that are gone. A
// process's shared database lives as long as the process (tests have no
// hook after the last one), and an interrupted run leaves NewDB ones too;
// without this every `go test` would leave one behind for good.
func sweepOrphans(ctx context.Context, base string) {
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		return
	}
	defer admin.Close(ctx)
	rows, err := admin.Query(ctx, `SELECT datname FROM pg_database WHERE datname ~ '^xbt_[0-9]+_'`)
	if err != nil {
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	for _, name := range names {
		pid, err := strconv.Atoi(strings.SplitN(name, "_", 3)[1])
		if err != nil || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	}
}

// processAlive reports whether a process with this id exists on this
// machine (signal 0 checks without signalling; EPERM means it exists).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func withDB(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("parsing %s: %w", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// EmptyDB creates an unmigrated database for one test (migration tests) and
// drops it afterwards.
func EmptyDB(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	base := BaseURL(t)
	name := fmt.Sprintf("xbt_%d_empty_%d", os.Getpid(), seq.Add(1))
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connecting to %s: %v", EnvURL, err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("creating empty database: %v", err)
	}
	t.Cleanup(func() { dropDB(context.WithoutCancel(ctx), base, name) })
	u, err := withDB(base, name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
