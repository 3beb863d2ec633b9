package main

import (
	"context"
	"fmt"

	"github.com/xiaobao-cn/xiaobao/migrations"
)

func runMigrate(ctx context.Context, m *Main, args []string) error {
	fs := newFlagSet(m, "migrate")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := m.loadConfig(); err != nil {
		return err
	}
	if err := m.openDB(ctx, true); err != nil {
		return err
	}
	current, latest, err := migrations.Status(ctx, m.Pool)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "schema at version %d of %d\n", current, latest)
	return nil
}
