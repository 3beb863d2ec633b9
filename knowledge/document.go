package knowledge

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Status is a document's publication state. Only published documents are
// searched for consumers; drafts are visible to staff hit testing.
type Status string

// Document statuses.
const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusArchived  Status = "archived"
)

// Valid reports whether st is one of the statuses.
func (st Status) Valid() bool {
	return st == StatusDraft || st == StatusPublished || st == StatusArchived
}

// Document is a knowledge-base document at its current version.
type Document struct {
	ID          int64      `json:"id" db:"id"`
	Slug        string     `json:"slug" db:"slug"`
	Kind        Kind       `json:"kind" db:"kind"`
	Title       string     `json:"title" db:"title"`
	SourceTitle string     `json:"source_title" db:"source_title"`
	Issuer      string     `json:"issuer" db:"issuer"`
	DocNumber   string     `json:"doc_number" db:"doc_number"`
	Published   string     `json:"published" db:"published"`
	Effective   string     `json:"effective" db:"effective"`
	Status      Status     `json:"status" db:"status"`
	Version     int        `json:"version" db:"version"`
	ContentHash string     `json:"content_hash" db:"content_hash"`
	Author      string     `json:"author" db:"author"`
	CreatedAt   time.Time  `json:"created_at" db:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at" db:"updated_at"`
	PublishedAt *time.Time `json:"published_at" db:"published_at"`
	ArchivedAt  *time.Time `json:"archived_at" db:"archived_at"`
	Chunks      int        `json:"chunks" db:"chunks"`
	// Body and Questions are filled by GetDocument only.
	Body      string   `json:"body,omitempty" db:"-"`
	Questions []string `json:"questions,omitempty" db:"-"`
}

// DocumentInput is a document written by staff in the console.
type DocumentInput struct {
	Slug        string   `json:"slug"`
	Kind        Kind     `json:"kind"`
	Title       string   `json:"title"`
	SourceTitle string   `json:"source_title"`
	Issuer      string   `json:"issuer"`
	DocNumber   string   `json:"doc_number"`
	Published   string   `json:"published"`
	Effective   string   `json:"effective"`
	Body        string   `json:"body"`
	Questions   []string `json:"questions"`
	// Status of a new document: draft (the default) or published. On update
	// an empty Status keeps the current one.
	Status Status `json:"status"`
}

func (in DocumentInput) source(slug string) Source {
	return Source{
		Slug: slug, Kind: in.Kind, Title: strings.TrimSpace(in.Title),
		SourceTitle: strings.Trim(strings.TrimSpace(in.SourceTitle), "《》"),
		Issuer:      strings.TrimSpace(in.Issuer), DocNumber: strings.TrimSpace(in.DocNumber),
		Published: strings.TrimSpace(in.Published), Effective: strings.TrimSpace(in.Effective),
		Questions: cleanQuestions(in.Questions), Body: in.Body, Format: formatMarkdown,
	}
}

// Version is one stored version of a document.
type Version struct {
	Version     int       `json:"version" db:"version"`
	ContentHash string    `json:"content_hash" db:"content_hash"`
	FileName    string    `json:"file_name" db:"file_name"`
	Author      string    `json:"author" db:"author"`
	CreatedAt   time.Time `json:"created_at" db:"created_at"`
	Source      string    `json:"source,omitempty" db:"source"`
}

// DocumentFilter selects documents to list. Empty fields do not filter.
type DocumentFilter struct {
	Status Status
	Kind   Kind
	Query  string // part of the title or slug
	Limit  int    // Defaults to 50, at most 500.
	Offset int
}

// ListDocuments lists documents, newest change first.
func (s *Store) ListDocuments(ctx context.Context, f DocumentFilter) ([]Document, int, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.db.Query(ctx, sqlListDocuments, string(f.Status), string(f.Kind), strings.TrimSpace(f.Query), limit, max(f.Offset, 0))
	if err != nil {
		return nil, 0, fmt.Errorf("listing documents: %w", err)
	}
	docs, err := pgx.CollectRows(rows, pgx.RowToStructByNameLax[Document])
	if err != nil {
		return nil, 0, fmt.Errorf("listing documents: %w", err)
	}
	var total int
	if err := s.db.QueryRow(ctx, sqlCountDocuments, string(f.Status), string(f.Kind), strings.TrimSpace(f.Query)).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("counting documents: %w", err)
	}
	return docs, total, nil
}

// GetDocument returns a document with its current body and questions.
func (s *Store) GetDocument(ctx context.Context, id int64) (Document, error) {
	d, err := getDocument(ctx, s.db, id)
	if err != nil {
		return d, err
	}
	var src string
	if err := s.db.QueryRow(ctx, sqlVersionSource, id, d.Version).Scan(&src); err != nil {
		return d, fmt.Errorf("reading document %d: %w", id, interpretError(err))
	}
	d.Body = stripFrontMatter(src)
	if err := s.db.QueryRow(ctx, sqlDocumentQuestions, id).Scan(&d.Questions); err != nil {
		return d, fmt.Errorf("reading document %d questions: %w", id, interpretError(err))
	}
	return d, nil
}

func getDocument(ctx context.Context, db DBTX, id int64) (Document, error) {
	rows, err := db.Query(ctx, sqlGetDocument, id)
	if err != nil {
		return Document{}, fmt.Errorf("reading document %d: %w", id, err)
	}
	d, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByNameLax[Document])
	if err != nil {
		return d, fmt.Errorf("reading document %d: %w", id, interpretError(err))
	}
	return d, nil
}

func stripFrontMatter(src string) string {
	if rest, ok := strings.CutPrefix(src, "---\n"); ok {
		if end := strings.Index(rest, "\n---"); end >= 0 {
			return strings.TrimLeft(strings.TrimPrefix(rest[end+len("\n---"):], "-"), "\n")
		}
	}
	return src
}

// DocumentVersions lists a document's versions, newest first, with sources.
func (s *Store) DocumentVersions(ctx context.Context, id int64) ([]Version, error) {
	if _, err := getDocument(ctx, s.db, id); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, sqlListVersions, id)
	if err != nil {
		return nil, fmt.Errorf("listing versions: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Version])
}

// DocumentChunks returns the chunks of a document's current version.
func (s *Store) DocumentChunks(ctx context.Context, id int64) ([]Chunk, error) {
	rows, err := s.db.Query(ctx, sqlDocumentChunks, id)
	if err != nil {
		return nil, fmt.Errorf("listing chunks: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Chunk, error) {
		var c Chunk
		err := r.Scan(&c.Position, &c.HeadingPath, &c.Citation, &c.Text)
		return c, err
	})
}

// CreateDocument stores a new document written by staff.
func (s *Store) CreateDocument(ctx context.Context, in DocumentInput, author string) (Document, error) {
	slug := strings.TrimSpace(in.Slug)
	if slug == "" {
		slug = slugFor(in.Kind, in.Title)
	}
	status := in.Status
	if status == "" {
		status = StatusDraft
	}
	if status != StatusDraft && status != StatusPublished {
		return Document{}, invalidf("新文档的状态只能是 draft 或 published")
	}
	src := in.source(slug)
	if err := src.validate(); err != nil {
		return Document{}, err
	}
	text := src.render()
	res, err := s.save(ctx, src, text, "", saveOptions{status: status, author: author, mustBeNew: true})
	if err != nil {
		return Document{}, err
	}
	return s.GetDocument(ctx, res.DocumentID)
}

// UpdateDocument stores a new version of a document when its content
// changed; the old version stays searchable until the new one is committed.
func (s *Store) UpdateDocument(ctx context.Context, id int64, in DocumentInput, author string) (Document, error) {
	cur, err := getDocument(ctx, s.db, id)
	if err != nil {
		return cur, err
	}
	if in.Status != "" && !in.Status.Valid() {
		return cur, invalidf("状态 %q 无效", in.Status)
	}
	src := in.source(cur.Slug)
	if src.Kind == "" {
		src.Kind = cur.Kind
	}
	if err := src.validate(); err != nil {
		return cur, err
	}
	if _, err := s.save(ctx, src, src.render(), "", saveOptions{status: in.Status, author: author, mustExist: id}); err != nil {
		return cur, err
	}
	return s.GetDocument(ctx, id)
}

// SetStatus publishes, archives or returns a document to draft. Its chunks
// and questions follow in the same transaction.
func (s *Store) SetStatus(ctx context.Context, id int64, st Status, actor string) (Document, error) {
	if !st.Valid() {
		return Document{}, invalidf("状态 %q 无效", st)
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var from string
		if err := tx.QueryRow(ctx, sqlLockDocument, id).Scan(&from); err != nil {
			return interpretError(err)
		}
		if from == string(st) {
			return nil
		}
		if err := setStatus(ctx, tx, id, st); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "kb."+string(st), id, from, string(st))
	})
	if err != nil {
		return Document{}, fmt.Errorf("setting document %d to %s: %w", id, st, err)
	}
	return getDocument(ctx, s.db, id)
}

func setStatus(ctx context.Context, db DBTX, id int64, st Status) error {
	if _, err := db.Exec(ctx, sqlSetDocumentStatus, id, string(st)); err != nil {
		return err
	}
	if _, err := db.Exec(ctx, sqlSetChunkStatus, id, string(st)); err != nil {
		return err
	}
	_, err := db.Exec(ctx, sqlSetQuestionStatus, id, string(st))
	return err
}

// DeleteDocument removes a document with its versions, chunks and the FAQ
// entries that point at it.
func (s *Store) DeleteDocument(ctx context.Context, id int64, actor string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var from string
		if err := tx.QueryRow(ctx, sqlLockDocument, id).Scan(&from); err != nil {
			return interpretError(err)
		}
		if _, err := tx.Exec(ctx, sqlDeleteDocument, id); err != nil {
			return fmt.Errorf("deleting document %d: %w", id, err)
		}
		return audit(ctx, tx, actor, "kb.delete", id, from, "deleted")
	})
}

// audit appends to the shared audit log.
func audit(ctx context.Context, db DBTX, actor, action string, docID int64, from, to string) error {
	if actor == "" {
		actor = "system"
	}
	_, err := db.Exec(ctx, sqlAudit, actor, action, "kb_document", fmt.Sprint(docID), from, to)
	if err != nil {
		return fmt.Errorf("writing audit event: %w", err)
	}
	return nil
}

func cleanQuestions(qs []string) []string {
	seen := map[string]bool{}
	out := []string{} // never nil: it is stored in NOT NULL array columns
	for _, q := range qs {
		q = strings.TrimSpace(q)
		if q == "" || seen[q] {
			continue
		}
		seen[q] = true
		out = append(out, q)
	}
	return out
}
