package triage

import (
	"context"
	"fmt"
	"strings"
)

// sqlCorrections reads handlers' reclassifications for training. Only
// text, product and reason are read: that is what a correction vouches for.
const sqlCorrections = `SELECT text, product, reason FROM case_corrections ORDER BY created_at, id`

// LoadCorrections reads the handlers' corrections (case_corrections) as
// training examples for the product and reason heads. Rows whose codes
// are not in the taxonomy are skipped and counted in skipped.
func LoadCorrections(ctx context.Context, db DBTX) (examples []Example, skipped int, err error) {
	rows, err := db.Query(ctx, sqlCorrections)
	if err != nil {
		return nil, 0, fmt.Errorf("reading corrections: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var text, product, reason string
		if err := rows.Scan(&text, &product, &reason); err != nil {
			return nil, 0, fmt.Errorf("reading corrections: %w", err)
		}
		text = strings.TrimSpace(text)
		if text == "" || !Valid(Products, product) || !Valid(Reasons, reason) {
			skipped++
			continue
		}
		examples = append(examples, Example{Text: text, Intent: "complaint", Product: product, Reason: reason, Source: "correction", correction: true})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("reading corrections: %w", err)
	}
	return examples, skipped, nil
}
