package migrations_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
	"github.com/xiaobao-cn/xiaobao/migrations"
)

func TestMigrateFromEmpty(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbtest.EmptyDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := migrations.Migrate(ctx, conn); err != nil {
		t.Fatalf("migrating an empty database: %v", err)
	}
	current, latest, err := migrations.Status(ctx, conn)
	if err != nil || current != latest || latest < 4 {
		t.Fatalf("Status = %d/%d, %v; want current == latest ≥ 4", current, latest, err)
	}
	for _, table := range []string{"api_tokens", "audit_events", "chat_sessions", "chat_messages"} {
		var ok bool
		if err := conn.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", table).Scan(&ok); err != nil || !ok {
			t.Errorf("table %s missing after migration (%v)", table, err)
		}
	}
	var ext string
	if err := conn.QueryRow(ctx, "SELECT extversion FROM pg_extension WHERE extname = 'vector'").Scan(&ext); err != nil {
		t.Fatalf("vector extension not created: %v", err)
	}
	// A second run is a no-op, as on every `serve` start.
	if err := migrations.Migrate(ctx, conn); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
}

func TestFingerprintIsStable(t *testing.T) {
	t.Parallel()
	if a, b := migrations.Fingerprint(), migrations.Fingerprint(); a != b || len(a) != 12 {
		t.Fatalf("Fingerprint() = %q then %q", a, b)
	}
}
