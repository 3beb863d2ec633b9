package triage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/xiaobao-cn/xiaobao/pii"
)

// A consumer's rights over their personal data (个人信息保护法 第四十五条
// access and copy, 第四十七条 deletion), for one person identified by the
// phone number they filed with. An administrator runs both on the person's
// verified request; the api package audits who asked.

// Erased replaces personal text that was deleted on the consumer's request.
const Erased = "[已删除]"

// SQL of the privacy operations. They live here rather than in case_sql.go
// because they are the only statements that rewrite personal fields.
const (
	sqlConsumerCases     = `SELECT ` + caseColumns + ` FROM cases WHERE phone = $1 ORDER BY created_at, id`
	sqlConsumerCasesLock = `SELECT id, extension_reason, pause_reason FROM cases WHERE phone = $1 ORDER BY id FOR UPDATE`
	sqlConsumerRating    = `SELECT score, comment, created_at, updated_at FROM case_ratings WHERE case_id = $1`

	// sqlEraseCases blanks the personal fields and keeps what statistics
	// count: institution, product, reason, flags, dates, status, amount.
	// The phone becomes empty (its CHECK allows only digits), so consumer
	// lookups and repeat detection no longer find the person. Each
	// transcript line keeps its role and time, so the length of the
	// conversation is still known.
	sqlEraseCases = `UPDATE cases SET
    name = CASE WHEN name = '' THEN '' ELSE @erased END,
    phone = '',
    description = @erased,
    request = CASE WHEN request = '' THEN '' ELSE @erased END,
    basis = CASE WHEN basis = '' THEN '' ELSE @erased END,
    transcript = COALESCE((SELECT jsonb_agg(jsonb_set(l, '{text}', to_jsonb(@erased::text)) ORDER BY n)
        FROM jsonb_array_elements(transcript) WITH ORDINALITY AS t(l, n)), '[]'::jsonb),
    updated_at = @now
WHERE id = ANY (@ids)`
	// sqlMaskReasons stores the handler-written reasons masked: they are
	// the record of why the deadline moved, but may quote the consumer's
	// numbers.
	sqlMaskReasons   = `UPDATE cases SET extension_reason = $2, pause_reason = $3 WHERE id = $1`
	sqlEraseMessages = `UPDATE case_messages SET body = @erased WHERE case_id = ANY (@ids) AND body <> @erased`
	sqlEraseRatings  = `UPDATE case_ratings SET comment = @erased, updated_at = @now
WHERE case_id = ANY (@ids) AND comment <> '' AND comment <> @erased`
	// Corrections are the consumer's text paired with a handler's labels,
	// kept only to train the classifier: they go entirely, because a
	// placeholder text would teach the model nonsense.
	sqlEraseCorrections = `DELETE FROM case_corrections WHERE case_id = ANY (@ids)`
	// sqlEraseEvents records the erasure in each case's audit trail.
	sqlEraseEvents = `INSERT INTO case_events (case_id, actor, action, from_state, to_state, detail, at)
SELECT id, @actor, 'privacy.erase', status, status, @detail, @now FROM cases WHERE id = ANY (@ids)`
)

// ConsumerExport is a copy of everything triage holds about one consumer,
// for an administrator to hand over: every case filed with the phone, with
// its unmasked facts and transcript, messages, rating and audit trail.
type ConsumerExport struct {
	Phone      string         `json:"phone"`
	ExportedAt time.Time      `json:"exported_at"`
	Cases      []ConsumerCase `json:"cases"`
}

// ConsumerCase is one case of a ConsumerExport.
type ConsumerCase struct {
	Case     Case      `json:"case"`
	Messages []Message `json:"messages"`
	Events   []Event   `json:"events"`
	Rating   *Rating   `json:"rating,omitempty"`
}

// Rating is the consumer's satisfaction with a case.
type Rating struct {
	Score     int       `json:"score" db:"score"`
	Comment   string    `json:"comment" db:"comment"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
	UpdatedAt time.Time `json:"updated_at" db:"updated_at"`
}

// consumerPhone validates the phone an administrator typed. It must be a
// real number: an empty phone would match every handoff case filed before
// the consumer gave one.
func consumerPhone(phone string) (string, error) {
	if strings.TrimSpace(phone) == "" {
		return "", invalidf("请填写消费者投诉时留的手机号码")
	}
	return NormalizePhone(phone)
}

// ExportConsumer returns every case filed with phone, unmasked, with its
// messages, rating and audit trail, oldest first. No case is not an error:
// the export is then empty. A malformed phone is ErrInvalidInput.
func (s *Service) ExportConsumer(ctx context.Context, phone string) (ConsumerExport, error) {
	phone, err := consumerPhone(phone)
	if err != nil {
		return ConsumerExport{}, err
	}
	out := ConsumerExport{Phone: phone, ExportedAt: s.now(), Cases: []ConsumerCase{}}
	err = s.tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sqlConsumerCases, phone)
		if err != nil {
			return err
		}
		cases, err := pgx.CollectRows(rows, pgx.RowToStructByName[Case])
		if err != nil {
			return err
		}
		for _, c := range cases {
			cc := ConsumerCase{Case: c}
			if cc.Messages, err = listMessages(ctx, tx, c.ID); err != nil {
				return err
			}
			if rows, err = tx.Query(ctx, sqlEventList, c.ID); err != nil {
				return err
			}
			if cc.Events, err = pgx.CollectRows(rows, pgx.RowToStructByName[Event]); err != nil {
				return err
			}
			rows, err = tx.Query(ctx, sqlConsumerRating, c.ID)
			if err != nil {
				return err
			}
			r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Rating])
			switch {
			case err == nil:
				cc.Rating = &r
			case !errors.Is(err, pgx.ErrNoRows):
				return err
			}
			out.Cases = append(out.Cases, cc)
		}
		return nil
	})
	if err != nil {
		return ConsumerExport{}, fmt.Errorf("exporting consumer data: %w", err)
	}
	return out, nil
}

// DeleteConsumer erases the personal data of every case filed with phone,
// in one transaction, and returns how many cases it touched: name, phone,
// facts, transcript, message bodies and rating comments become Erased (or
// stay empty); identifiers the handlers quoted in extension and pause
// reasons are masked; the classifier's training copies of the text are
// deleted. What statistics and the statutory record need stays:
// institution, product, reason, flags, amount, dates, status and the
// number of messages. The append-only audit trail cannot change: its
// details are handlers' words, never the consumer's text (the api masks
// any identifier quoted in them when it shows them); it gains a
// privacy.erase event per case naming actor and reason. Running it again
// finds nothing and returns 0.
func (s *Service) DeleteConsumer(ctx context.Context, phone, actor, reason string) (int, error) {
	var n int
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		n, err = s.DeleteConsumerTx(ctx, tx, phone, actor, reason)
		return err
	})
	return n, err
}

// DeleteConsumerTx is DeleteConsumer inside the caller's transaction, so
// the caller can erase the consumer's chat sessions and write its own
// audit record atomically with it.
func (s *Service) DeleteConsumerTx(ctx context.Context, tx pgx.Tx, phone, actor, reason string) (int, error) {
	phone, err := consumerPhone(phone)
	if err != nil {
		return 0, err
	}
	if strings.TrimSpace(actor) == "" {
		return 0, errors.New("triage: deleting consumer data needs an actor")
	}
	if reason, err = limitText("删除原因", reason, maxShortTextRunes, true); err != nil {
		return 0, err
	}
	rows, err := tx.Query(ctx, sqlConsumerCasesLock, phone)
	if err != nil {
		return 0, fmt.Errorf("deleting consumer data: %w", err)
	}
	type locked struct {
		ID              int64  `db:"id"`
		ExtensionReason string `db:"extension_reason"`
		PauseReason     string `db:"pause_reason"`
	}
	cases, err := pgx.CollectRows(rows, pgx.RowToStructByName[locked])
	if err != nil {
		return 0, fmt.Errorf("deleting consumer data: %w", err)
	}
	if len(cases) == 0 {
		return 0, nil
	}
	ids := make([]int64, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
		ext, pause := pii.Mask(c.ExtensionReason), pii.Mask(c.PauseReason)
		if ext == c.ExtensionReason && pause == c.PauseReason {
			continue
		}
		if _, err := tx.Exec(ctx, sqlMaskReasons, c.ID, ext, pause); err != nil {
			return 0, fmt.Errorf("deleting consumer data: %w", err)
		}
	}
	args := pgx.NamedArgs{
		"ids": ids, "erased": Erased, "now": s.now(), "actor": actor,
		// The reason is the administrator's words; mask it anyway, since it
		// may quote the request, and the audit trail must stay free of
		// personal data.
		"detail": map[string]any{"reason": pii.Mask(reason), "phone": pii.MaskPhone(phone)},
	}
	for _, q := range []string{sqlEraseCases, sqlEraseMessages, sqlEraseRatings, sqlEraseCorrections, sqlEraseEvents} {
		if _, err := tx.Exec(ctx, q, args); err != nil {
			return 0, fmt.Errorf("deleting consumer data: %w", err)
		}
	}
	s.log.InfoContext(ctx, "consumer data erased", "cases", len(ids), "actor", actor)
	return len(ids), nil
}
