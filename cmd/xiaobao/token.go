package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/xiaobao-cn/xiaobao/api"
)

func runToken(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return errors.New("token: say create, list or revoke (e.g. xiaobao token create --role handler --name 张三)")
	}
	if err := m.loadConfig(); err != nil {
		return err
	}
	switch args[0] {
	case "create":
		fs := newFlagSet(m, "token create")
		role := fs.String("role", "", "handler, staff, supervisor or admin")
		name := fs.String("name", "", "who holds the token")
		inst := fs.String("institution", "", "for handlers: the institution they may see (empty = all)")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		r, err := api.ParseRole(*role)
		if err != nil {
			return err
		}
		if err := m.openDB(ctx, true); err != nil {
			return err
		}
		secret, t, err := api.CreateToken(ctx, m.Pool, *name, r, *inst)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "created token #%d for %s (%s); it is shown once, keep it safe:\n", t.ID, t.Name, t.Role)
		fmt.Fprintln(m.Stdout, secret)
		return nil
	case "list":
		if err := m.openDB(ctx, true); err != nil {
			return err
		}
		tokens, err := api.ListTokens(ctx, m.Pool)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tROLE\tINSTITUTION\tCREATED\tSTATE")
		for _, t := range tokens {
			state := "active"
			if t.RevokedAt != nil {
				state = "revoked " + t.RevokedAt.Format("2006-01-02")
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, t.Institution, t.CreatedAt.Format("2006-01-02 15:04"), state)
		}
		return tw.Flush()
	case "revoke":
		if len(args) != 2 {
			return errors.New("token revoke: give the token id from `xiaobao token list`")
		}
		id, err := strconv.ParseInt(args[1], 10, 64)
		if err != nil {
			return fmt.Errorf("token revoke: %q is not a token id", args[1])
		}
		if err := m.openDB(ctx, true); err != nil {
			return err
		}
		if err := api.RevokeToken(ctx, m.Pool, id, "cli"); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "revoked token #%d\n", id)
		return nil
	}
	return fmt.Errorf("token: unknown action %q (use create, list or revoke)", args[0])
}
