package dbtest

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestSweepOrphansDropsDeadProcessesDatabases(t *testing.T) {
	ctx := context.Background()
	base := BaseURL(t)
	Pool(t) // this process's own database must survive the sweep
	dead := 4_000_000
	for processAlive(dead) {
		dead++
	}
	orphan := fmt.Sprintf("xbt_%d_shared", dead)
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{orphan}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dropDB(context.WithoutCancel(ctx), base, orphan) })

	sweepOrphans(ctx, base)

	exists := func(name string) bool {
		var ok bool
		if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if exists(orphan) {
		t.Errorf("%s of a process that is gone survived the sweep", orphan)
	}
	if own := fmt.Sprintf("xbt_%d_shared", os.Getpid()); !exists(own) {
		t.Errorf("the sweep dropped this process's own database %s", own)
	}
}
