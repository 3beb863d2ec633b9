// Package migrations holds xiaobao's SQL schema as tern migrations embedded
// in the binary, so every replica and every test migrates from the same files.
package migrations

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/tern/v2/migrate"
)

//go:embed *.sql
var files embed.FS

// VersionTable is the table where tern records the schema version.
const VersionTable = "public.schema_version"

// Migrate brings the schema on conn up to the newest migration. It runs on a
// plain connection rather than a pool because the pool's AfterConnect hook
// registers pgvector types, which only exist once the extension is created.
func Migrate(ctx context.Context, conn *pgx.Conn) error {
	m, err := newMigrator(ctx, conn)
	if err != nil {
		return err
	}
	if err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrating schema: %w", err)
	}
	return nil
}

// Latest is the number of the newest embedded migration.
func Latest() (int32, error) {
	entries, err := fs.Glob(files, "*.sql")
	if err != nil {
		return 0, err
	}
	return int32(len(entries)), nil
}

// Status reports the schema version recorded in the database and the newest
// embedded one; readiness compares the two.
func Status(ctx context.Context, q interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}) (current, latest int32, err error) {
	latest, err = Latest()
	if err != nil {
		return 0, 0, err
	}
	err = q.QueryRow(ctx, "SELECT version FROM "+VersionTable).Scan(&current)
	if err != nil {
		return 0, latest, fmt.Errorf("reading schema version: %w", err)
	}
	return current, latest, nil
}

func newMigrator(ctx context.Context, conn *pgx.Conn) (*migrate.Migrator, error) {
	m, err := migrate.NewMigrator(ctx, conn, VersionTable)
	if err != nil {
		return nil, fmt.Errorf("creating migrator: %w", err)
	}
	if err := m.LoadMigrations(files); err != nil {
		return nil, fmt.Errorf("loading migrations: %w", err)
	}
	return m, nil
}

// Fingerprint is a short hash of all embedded migrations. Test support names
// its template database after it, so a changed schema never reuses a stale one.
func Fingerprint() string {
	h := sha256.New()
	entries, _ := fs.Glob(files, "*.sql")
	for _, name := range entries {
		b, _ := files.ReadFile(name)
		h.Write([]byte(name))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}
