package knowledge

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
)

// FAQ is a curated entry: a standard question (标准问), similar questions
// (相似问) and the document that answers it. An entry written with its own
// answer owns a document of kind faq holding that answer.
type FAQ struct {
	ID            int64     `json:"id" db:"id"`
	DocumentID    int64     `json:"document_id" db:"document_id"`
	DocumentTitle string    `json:"document_title" db:"document_title"`
	Question      string    `json:"question" db:"question"`
	Similar       []string  `json:"similar" db:"similar_questions"`
	Citations     []string  `json:"citations" db:"citations"`
	OwnsDocument  bool      `json:"owns_document" db:"owns_document"`
	Answer        string    `json:"answer" db:"-"`
	Status        Status    `json:"status" db:"status"`
	SourceKey     *string   `json:"source_key" db:"source_key"`
	Author        string    `json:"author" db:"author"`
	CreatedAt     time.Time `json:"created_at" db:"created_at"`
	UpdatedAt     time.Time `json:"updated_at" db:"updated_at"`
}

// FAQInput creates or replaces an FAQ entry. Give either Answer (the entry
// then owns a document of kind faq with that text) or DocumentID (an
// existing document answers it, optionally at the chunks named in
// Citations).
type FAQInput struct {
	Question   string   `json:"question"`
	Similar    []string `json:"similar"`
	Answer     string   `json:"answer"`
	DocumentID int64    `json:"document_id"`
	Citations  []string `json:"citations"`
	// Status of an owned answer document: published (the default for FAQ
	// entries, which are short and reviewed in place) or draft.
	Status Status `json:"status"`
}

const faqColumns = `f.id, f.document_id, d.title AS document_title, f.question, f.similar_questions, f.citations,
	f.owns_document, d.status, f.source_key, f.author, f.created_at, f.updated_at`

const (
	sqlListFAQs = `SELECT ` + faqColumns + ` FROM kb_faqs f JOIN kb_documents d ON d.id = f.document_id
WHERE ($1 = '' OR strpos(f.question, $1) > 0 OR strpos(array_to_string(f.similar_questions, ' '), $1) > 0)
ORDER BY f.updated_at DESC, f.id DESC LIMIT $2 OFFSET $3`
	sqlGetFAQ       = `SELECT ` + faqColumns + ` FROM kb_faqs f JOIN kb_documents d ON d.id = f.document_id WHERE f.id = $1`
	sqlInsertFAQ    = `INSERT INTO kb_faqs (document_id, question, similar_questions, citations, owns_document, author) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
	sqlUpdateFAQ    = `UPDATE kb_faqs SET document_id = $2, question = $3, similar_questions = $4, citations = $5, author = $6, updated_at = now() WHERE id = $1`
	sqlLockFAQ      = `SELECT document_id, owns_document, question, similar_questions FROM kb_faqs WHERE id = $1 FOR UPDATE`
	sqlDeleteFAQ    = `DELETE FROM kb_faqs WHERE id = $1`
	sqlFAQQuestions = `SELECT question FROM kb_faq_questions WHERE faq_id = $1`
	sqlDropQuestion = `DELETE FROM kb_faq_questions WHERE faq_id = $1 AND question <> ALL($2::text[])`
	sqlDocMeta      = `SELECT id, version, kind, status, coalesce(to_char(effective_on, 'YYYY-MM-DD'), ''), title FROM kb_documents WHERE id = $1`
)

func (in *FAQInput) clean() error {
	in.Question = strings.TrimSpace(in.Question)
	in.Answer = strings.TrimSpace(in.Answer)
	in.Similar = slices.DeleteFunc(cleanQuestions(in.Similar), func(q string) bool { return q == in.Question })
	in.Citations = cleanQuestions(in.Citations)
	switch {
	case in.Question == "":
		return invalidf("标准问不能为空")
	case utf8.RuneCountInString(in.Question) > 500:
		return invalidf("标准问太长（最多 500 字）")
	case len(in.Similar) > 200:
		return invalidf("相似问最多 200 条")
	case in.Answer == "" && in.DocumentID == 0:
		return invalidf("请填写答案，或选择回答它的文档")
	case in.Answer != "" && utf8.RuneCountInString(in.Answer) > 5000:
		return invalidf("答案太长（最多 5000 字），长内容请写成文档")
	case in.Status != "" && in.Status != StatusDraft && in.Status != StatusPublished:
		return invalidf("状态只能是 draft 或 published")
	}
	for _, q := range in.Similar {
		if utf8.RuneCountInString(q) > 500 {
			return invalidf("相似问太长（最多 500 字）")
		}
	}
	return nil
}

// ListFAQs lists entries, newest change first; query filters by question.
func (s *Store) ListFAQs(ctx context.Context, query string, limit, offset int) ([]FAQ, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.db.Query(ctx, sqlListFAQs, strings.TrimSpace(query), limit, max(offset, 0))
	if err != nil {
		return nil, fmt.Errorf("listing FAQ entries: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByNameLax[FAQ])
}

// GetFAQ returns one entry, with the answer text when it owns its document.
func (s *Store) GetFAQ(ctx context.Context, id int64) (FAQ, error) {
	rows, err := s.db.Query(ctx, sqlGetFAQ, id)
	if err != nil {
		return FAQ{}, fmt.Errorf("reading FAQ %d: %w", id, err)
	}
	f, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByNameLax[FAQ])
	if err != nil {
		return f, fmt.Errorf("reading FAQ %d: %w", id, interpretError(err))
	}
	if f.OwnsDocument {
		d, err := s.GetDocument(ctx, f.DocumentID)
		if err != nil {
			return f, err
		}
		f.Answer = strings.TrimSpace(d.Body)
	}
	return f, nil
}

// CreateFAQ adds an entry.
func (s *Store) CreateFAQ(ctx context.Context, in FAQInput, author string) (FAQ, error) {
	if err := in.clean(); err != nil {
		return FAQ{}, err
	}
	docID := in.DocumentID
	owns := false
	if in.Answer != "" {
		doc, err := s.saveFAQAnswer(ctx, 0, in, author)
		if err != nil {
			return FAQ{}, err
		}
		docID, owns = doc, true
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, sqlInsertFAQ, docID, in.Question, in.Similar, in.Citations, owns, author).Scan(&id); err != nil {
			return interpretFAQError(err)
		}
		return s.syncQuestions(ctx, tx, id, docID, append([]string{in.Question}, in.Similar...))
	})
	if err != nil {
		if owns {
			_ = s.DeleteDocument(context.WithoutCancel(ctx), docID, author)
		}
		return FAQ{}, fmt.Errorf("creating FAQ: %w", err)
	}
	return s.GetFAQ(ctx, id)
}

// UpdateFAQ replaces an entry's questions, answer and links.
func (s *Store) UpdateFAQ(ctx context.Context, id int64, in FAQInput, author string) (FAQ, error) {
	if err := in.clean(); err != nil {
		return FAQ{}, err
	}
	cur, err := s.GetFAQ(ctx, id)
	if err != nil {
		return cur, err
	}
	docID := in.DocumentID
	if in.Answer != "" {
		existing := int64(0)
		if cur.OwnsDocument {
			existing = cur.DocumentID
		}
		if docID, err = s.saveFAQAnswer(ctx, existing, in, author); err != nil {
			return cur, err
		}
	} else if cur.OwnsDocument && docID == cur.DocumentID {
		return cur, invalidf("这个条目的答案不能为空")
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sqlUpdateFAQ, id, docID, in.Question, in.Similar, in.Citations, author); err != nil {
			return interpretFAQError(err)
		}
		if in.Answer == "" && cur.OwnsDocument {
			// Now answered by another document: the old answer goes.
			if _, err := tx.Exec(ctx, `UPDATE kb_faqs SET owns_document = false WHERE id = $1`, id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, sqlDeleteDocument, cur.DocumentID); err != nil {
				return err
			}
		}
		if docID != cur.DocumentID {
			if _, err := tx.Exec(ctx, `DELETE FROM kb_faq_questions WHERE faq_id = $1`, id); err != nil {
				return err
			}
		}
		return s.syncQuestions(ctx, tx, id, docID, append([]string{in.Question}, in.Similar...))
	})
	if err != nil {
		return cur, fmt.Errorf("updating FAQ %d: %w", id, err)
	}
	return s.GetFAQ(ctx, id)
}

// saveFAQAnswer writes the answer document of an entry (a new version of
// it when it exists) and returns its id.
func (s *Store) saveFAQAnswer(ctx context.Context, docID int64, in FAQInput, author string) (int64, error) {
	status := in.Status
	if status == "" {
		status = StatusPublished
	}
	if docID == 0 {
		src := Source{Slug: slugFor(KindFAQ, in.Question), Kind: KindFAQ, Title: truncateRunes(in.Question, 200), Body: in.Answer, Format: formatMarkdown}
		res, err := s.save(ctx, src, src.render(), "", saveOptions{status: status, author: author, mustBeNew: true})
		return res.DocumentID, err
	}
	d, err := getDocument(ctx, s.db, docID)
	if err != nil {
		return 0, err
	}
	src := Source{Slug: d.Slug, Kind: KindFAQ, Title: truncateRunes(in.Question, 200), Body: in.Answer, Format: formatMarkdown}
	_, err = s.save(ctx, src, src.render(), "", saveOptions{status: in.Status, author: author, mustExist: docID})
	return docID, err
}

// DeleteFAQ removes an entry and the answer document it owns.
func (s *Store) DeleteFAQ(ctx context.Context, id int64, actor string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var docID int64
		var owns bool
		var q string
		var sim []string
		if err := tx.QueryRow(ctx, sqlLockFAQ, id).Scan(&docID, &owns, &q, &sim); err != nil {
			return interpretError(err)
		}
		if _, err := tx.Exec(ctx, sqlDeleteFAQ, id); err != nil {
			return err
		}
		if owns {
			if _, err := tx.Exec(ctx, sqlDeleteDocument, docID); err != nil {
				return err
			}
			return audit(ctx, tx, actor, "kb.delete", docID, "faq", "deleted")
		}
		return nil
	})
}

// AddSimilarQuestion appends a question to an entry's similar questions,
// typically one the bot could not answer, and marks the unanswered and
// feedback records with the same question as resolved.
func (s *Store) AddSimilarQuestion(ctx context.Context, faqID int64, question, actor string) (FAQ, error) {
	question = strings.TrimSpace(question)
	if question == "" || utf8.RuneCountInString(question) > 500 {
		return FAQ{}, invalidf("相似问不能为空，最多 500 字")
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var docID int64
		var owns bool
		var q string
		var sim []string
		if err := tx.QueryRow(ctx, sqlLockFAQ, faqID).Scan(&docID, &owns, &q, &sim); err != nil {
			return interpretError(err)
		}
		if q != question && !slices.Contains(sim, question) {
			sim = append(sim, question)
			if _, err := tx.Exec(ctx, `UPDATE kb_faqs SET similar_questions = $2, updated_at = now() WHERE id = $1`, faqID, sim); err != nil {
				return err
			}
		}
		if err := s.syncQuestions(ctx, tx, faqID, docID, append([]string{q}, sim...)); err != nil {
			return err
		}
		return resolveQuestion(ctx, tx, question, faqID)
	})
	if err != nil {
		return FAQ{}, fmt.Errorf("adding similar question to FAQ %d: %w", faqID, err)
	}
	return s.GetFAQ(ctx, faqID)
}

// syncQuestions makes the searchable questions of an entry exactly qs.
func (s *Store) syncQuestions(ctx context.Context, tx pgx.Tx, faqID, docID int64, qs []string) error {
	qs = cleanQuestions(qs)
	if _, err := tx.Exec(ctx, sqlDropQuestion, faqID, qs); err != nil {
		return fmt.Errorf("removing questions: %w", err)
	}
	rows, err := tx.Query(ctx, sqlFAQQuestions, faqID)
	if err != nil {
		return err
	}
	have, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	var add []string
	for _, q := range qs {
		if !slices.Contains(have, q) {
			add = append(add, q)
		}
	}
	if len(add) == 0 {
		return nil
	}
	var d docMeta
	var kind, status string
	if err := tx.QueryRow(ctx, sqlDocMeta, docID).Scan(&d.id, &d.version, &kind, &status, &d.effective, &d.title); err != nil {
		if errors.Is(interpretError(err), ErrNotFound) {
			return invalidf("文档 %d 不存在", docID)
		}
		return err
	}
	d.kind, d.status = Kind(kind), Status(status)
	st, err := s.currentStats(ctx)
	if err != nil {
		return err
	}
	prep, err := s.prepare(ctx, add, true, st)
	if err != nil {
		return err
	}
	return s.insertQuestions(ctx, tx, faqID, d, add, prep, st.Generation)
}

func interpretFAQError(err error) error {
	err = interpretError(err)
	if errors.Is(err, ErrNotFound) {
		return err
	}
	if strings.Contains(err.Error(), "kb_faqs_document_id_fkey") {
		return invalidf("回答它的文档不存在")
	}
	return err
}
