package triage

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ReclassifyInput corrects the classification. Empty fields keep theirs;
// Flags, when not nil, replaces the model's flags.
type ReclassifyInput struct {
	Product string    `json:"product"`
	Reason  string    `json:"reason"`
	Intent  string    `json:"intent"`
	Flags   *[]string `json:"flags"`
	Note    string    `json:"note"`
}

// Reclassify corrects a case's labels. The correction is also stored in
// case_corrections, which `xiaobao triage train --with-corrections` learns
// from. A new urgent flag raises the priority; nothing lowers it.
func (s *Service) Reclassify(ctx context.Context, actor Actor, ref string, in ReclassifyInput) (Case, error) {
	switch {
	case in.Product != "" && !Valid(Products, in.Product):
		return Case{}, invalidf("未知的业务类别 %q", in.Product)
	case in.Reason != "" && !Valid(Reasons, in.Reason):
		return Case{}, invalidf("未知的投诉原因 %q", in.Reason)
	case in.Intent != "" && !Valid(Intents, in.Intent):
		return Case{}, invalidf("未知的意图 %q", in.Intent)
	case in.Product == "" && in.Reason == "" && in.Intent == "" && in.Flags == nil:
		return Case{}, invalidf("请选择新的业务类别、投诉原因或标记")
	}
	if in.Flags != nil {
		for _, f := range *in.Flags {
			if !Valid(Flags, f) {
				return Case{}, invalidf("未知的标记 %q", f)
			}
		}
	}
	note, err := limitText("备注", in.Note, maxShortTextRunes, false)
	if err != nil {
		return Case{}, err
	}
	return s.apply(ctx, actor, ref, ActionReclassify, func(tx pgx.Tx, c *Case, now time.Time) (effect, error) {
		from := map[string]any{"product": c.Product, "reason": c.Reason, "intent": c.Intent, "flags": c.Flags}
		if in.Product != "" {
			c.Product, c.ProductConfidence = in.Product, 1
		}
		if in.Reason != "" {
			c.Reason, c.ReasonConfidence = in.Reason, 1
		}
		if in.Intent != "" {
			c.Intent = in.Intent
		}
		if in.Flags != nil {
			c.Flags = validCodes(Flags, *in.Flags)
			route := s.cfg.Routing.Route(c.Institution, c.Product, c.Flags)
			c.Priority = min(c.Priority, route.Priority)
		}
		c.NeedsReview = false
		if _, err := tx.Exec(ctx, sqlCorrectionInsert, c.ID, c.Description, c.Product, c.Reason, c.Intent, actor.Name, now); err != nil {
			return effect{}, fmt.Errorf("storing correction: %w", err)
		}
		return effect{
			detail: map[string]any{"from": from,
				"to": map[string]any{"product": c.Product, "reason": c.Reason, "intent": c.Intent, "flags": c.Flags}},
			internal: note,
		}, nil
	})
}
