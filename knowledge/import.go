package knowledge

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
)

// ImportOptions controls an import.
type ImportOptions struct {
	// Kind overrides the kind from the front matter or the guess.
	Kind Kind
	// Publish publishes the document (new or existing). Without it a new
	// document is a draft and an existing one keeps its status.
	Publish bool
	// Author is recorded on the version.
	Author string
}

// Import outcomes.
const (
	OutcomeCreated   = "created"
	OutcomeUpdated   = "updated"
	OutcomeUnchanged = "unchanged"
)

// ImportResult describes what an import did.
type ImportResult struct {
	File       string `json:"file"`
	DocumentID int64  `json:"document_id"`
	Slug       string `json:"slug"`
	Title      string `json:"title"`
	Kind       Kind   `json:"kind"`
	Version    int    `json:"version"`
	Chunks     int    `json:"chunks"`
	Questions  int    `json:"questions"`
	Outcome    string `json:"outcome"`
}

// ImportReader imports a file from r; see ImportBytes.
func (s *Store) ImportReader(ctx context.Context, name string, r io.Reader, opts ImportOptions) (ImportResult, error) {
	data, err := io.ReadAll(io.LimitReader(r, s.cfg.MaxFileBytes+1))
	if err != nil {
		return ImportResult{File: name}, fmt.Errorf("reading %s: %w", name, err)
	}
	return s.ImportBytes(ctx, name, data, opts)
}

// ImportBytes imports one Markdown, plain-text or HTML file (UTF-8, UTF-16
// with a BOM, or GB18030). The file name without extension is the
// document's slug. Re-importing identical content does nothing; changed
// content becomes a new version whose chunks replace the old ones in one
// transaction, so searches see either the old or the new version, never a
// mix. Concurrent imports of one file produce one version. Bad files fail
// with a *FileError naming the file, and nothing is written.
func (s *Store) ImportBytes(ctx context.Context, name string, data []byte, opts ImportOptions) (ImportResult, error) {
	res := ImportResult{File: name}
	if opts.Kind != "" && !opts.Kind.Valid() {
		return res, invalidf("kind %q 无效", opts.Kind)
	}
	text, format, err := decodeFile(name, data, s.cfg.MaxFileBytes)
	if err != nil {
		return res, err
	}
	src, err := parseSource(name, text, format, opts.Kind)
	if err != nil {
		return res, err
	}
	so := saveOptions{author: opts.Author, fileName: name}
	if opts.Publish {
		so.status = StatusPublished
	}
	res, err = s.save(ctx, src, text, name, so)
	res.File = name
	return res, err
}

type saveOptions struct {
	status    Status // new documents: "" means draft; existing: "" keeps theirs
	author    string
	fileName  string
	mustBeNew bool  // fail with ErrDuplicate if the slug exists
	mustExist int64 // fail with ErrNotFound unless the slug belongs to this id
}

// save indexes src outside the transaction (segmentation and embedding are
// the slow part) and then, under a per-slug advisory lock, writes the new
// version, its chunks and its questions and removes the old chunks.
func (s *Store) save(ctx context.Context, src Source, text, fileName string, o saveOptions) (ImportResult, error) {
	res := ImportResult{Slug: src.Slug, Title: src.Title, Kind: src.Kind}
	chunks := chunkSource(src)
	if len(chunks) == 0 {
		return res, &FileError{Name: cmpName(fileName, src.Slug), Err: ErrEmptyFile, Detail: "没有可以索引的段落"}
	}
	st, err := s.currentStats(ctx)
	if err != nil {
		return res, err
	}
	texts := make([]string, len(chunks))
	for i, c := range chunks {
		texts[i] = indexText(src.Title, c.HeadingPath, c.Text)
	}
	prep, err := s.prepare(ctx, texts, false, st)
	if err != nil {
		return res, err
	}
	questions := cleanQuestions(src.Questions)
	qprep, err := s.prepare(ctx, questions, true, st)
	if err != nil {
		return res, err
	}
	hash := contentHash(text)
	res.Chunks, res.Questions = len(chunks), len(questions)

	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sqlLockSlug, src.Slug); err != nil {
			return err
		}
		var (
			cur       docMeta
			curHash   string
			curStatus string
		)
		err := tx.QueryRow(ctx, sqlDocumentBySlug, src.Slug).Scan(&cur.id, &cur.version, &curHash, &curStatus)
		exists := err == nil
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		switch {
		case o.mustBeNew && exists:
			return fmt.Errorf("%w: slug %q", ErrDuplicate, src.Slug)
		case o.mustExist != 0 && (!exists || cur.id != o.mustExist):
			return ErrNotFound
		}
		if exists && curHash == hash {
			res.Outcome, res.DocumentID, res.Version = OutcomeUnchanged, cur.id, cur.version
			if o.status != "" && string(o.status) != curStatus {
				if err := setStatus(ctx, tx, cur.id, o.status); err != nil {
					return err
				}
				return audit(ctx, tx, o.author, "kb."+string(o.status), cur.id, curStatus, string(o.status))
			}
			return nil
		}
		d := docMeta{kind: src.Kind, effective: src.Effective, title: src.Title, status: o.status}
		if exists {
			d.id, d.version = cur.id, cur.version+1
			if d.status == "" {
				d.status = Status(curStatus)
			}
			if _, err := tx.Exec(ctx, sqlUpdateDocumentVersion, d.id, d.version, string(src.Kind), src.Title,
				src.SourceTitle, src.Issuer, src.DocNumber, nullDate(src.Published), nullDate(src.Effective),
				string(d.status), hash, o.author); err != nil {
				return fmt.Errorf("updating document: %w", err)
			}
			if _, err := tx.Exec(ctx, sqlDeleteChunks, d.id); err != nil {
				return fmt.Errorf("removing old chunks: %w", err)
			}
			res.Outcome = OutcomeUpdated
		} else {
			if d.status == "" {
				d.status = StatusDraft
			}
			d.version = 1
			if err := tx.QueryRow(ctx, sqlInsertDocument, src.Slug, string(src.Kind), src.Title,
				src.SourceTitle, src.Issuer, src.DocNumber, nullDate(src.Published), nullDate(src.Effective),
				string(d.status), hash, o.author).Scan(&d.id); err != nil {
				return fmt.Errorf("creating document: %w", interpretError(err))
			}
			res.Outcome = OutcomeCreated
		}
		res.DocumentID, res.Version = d.id, d.version
		if _, err := tx.Exec(ctx, sqlInsertVersion, d.id, d.version, hash, text, o.fileName, o.author); err != nil {
			return fmt.Errorf("storing version: %w", err)
		}
		if err := s.insertChunks(ctx, tx, d, chunks, prep, st.Generation); err != nil {
			return err
		}
		if len(questions) > 0 {
			var faqID int64
			if err := tx.QueryRow(ctx, sqlUpsertDocFAQ, d.id, "doc:"+src.Slug, questions[0], questions[1:], o.author).Scan(&faqID); err != nil {
				return fmt.Errorf("storing questions: %w", err)
			}
			if err := s.insertQuestions(ctx, tx, faqID, d, questions, qprep, st.Generation); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, sqlSyncQuestionMeta, d.id, string(d.kind), string(d.status), nullDate(d.effective)); err != nil {
			return fmt.Errorf("updating questions: %w", err)
		}
		from := ""
		if exists {
			from = fmt.Sprintf("v%d", cur.version)
		}
		return audit(ctx, tx, o.author, "kb.import", d.id, from, fmt.Sprintf("v%d", d.version))
	})
	if err != nil {
		return res, fmt.Errorf("saving %s: %w", cmpName(fileName, src.Slug), err)
	}
	return res, nil
}

func cmpName(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
