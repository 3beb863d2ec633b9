package knowledge

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// JobKind is what a background job does.
type JobKind string

// Job kinds.
const (
	// JobReembed refreshes stale statistics and re-embeds stale rows
	// (after an import changed the corpus, or the embedding model changed).
	JobReembed JobKind = "reembed"
	// JobReindex segments every text again and rebuilds all statistics,
	// BM25 weights and vectors (after synonyms changed jieba's dictionary).
	JobReindex JobKind = "reindex"
)

// Job is a background re-index or re-embed with its progress.
type Job struct {
	ID          int64      `json:"id" db:"id"`
	Kind        JobKind    `json:"kind" db:"kind"`
	Status      string     `json:"status" db:"status"` // running, succeeded, failed
	Total       int        `json:"total" db:"total"`
	Done        int        `json:"done" db:"done"`
	Error       string     `json:"error" db:"error"`
	Actor       string     `json:"actor" db:"actor"`
	CreatedAt   time.Time  `json:"created_at" db:"created_at"`
	HeartbeatAt time.Time  `json:"heartbeat_at" db:"heartbeat_at"`
	FinishedAt  *time.Time `json:"finished_at" db:"finished_at"`
}

// jobStale is how long a running job may go without a heartbeat before it
// counts as dead (its process crashed) and another may start.
const jobStale = 2 * time.Minute

const (
	jobColumns        = `id, kind, status, total, done, error, actor, created_at, heartbeat_at, finished_at`
	sqlFailStaleJobs  = `UPDATE kb_jobs SET status = 'failed', error = 'process stopped', finished_at = now() WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1)`
	sqlInsertJob      = `INSERT INTO kb_jobs (kind, actor) VALUES ($1, $2) RETURNING ` + jobColumns
	sqlJobProgress    = `UPDATE kb_jobs SET total = $2, done = $3, heartbeat_at = now() WHERE id = $1`
	sqlJobFinish      = `UPDATE kb_jobs SET status = $2, error = $3, done = CASE WHEN $2 = 'succeeded' THEN total ELSE done END, finished_at = now(), heartbeat_at = now() WHERE id = $1`
	sqlGetJob         = `SELECT ` + jobColumns + ` FROM kb_jobs WHERE id = $1`
	sqlListJobs       = `SELECT ` + jobColumns + ` FROM kb_jobs ORDER BY id DESC LIMIT $1`
	jobHeartbeatEvery = 5 * time.Second
)

// StartJob starts a re-index or re-embed in the background and returns at
// once; GetJob reports its progress. Only one runs at a time across all
// processes (ErrJobRunning otherwise).
func (s *Store) StartJob(ctx context.Context, kind JobKind, actor string) (Job, error) {
	if kind != JobReembed && kind != JobReindex {
		return Job{}, invalidf("任务类型 %q 无效", kind)
	}
	if _, err := s.db.Exec(ctx, sqlFailStaleJobs, jobStale.Seconds()); err != nil {
		return Job{}, fmt.Errorf("starting job: %w", err)
	}
	rows, err := s.db.Query(ctx, sqlInsertJob, string(kind), actor)
	if err != nil {
		return Job{}, fmt.Errorf("starting job: %w", err)
	}
	job, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Job])
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return Job{}, ErrJobRunning
	}
	if err != nil {
		return Job{}, fmt.Errorf("starting job: %w", err)
	}
	s.stopMu.Lock()
	base := s.base
	s.jobs.Add(1)
	s.stopMu.Unlock()
	go s.runJob(base, job)
	return job, nil
}

// runJob runs a job to the end, recording progress at most every few
// seconds and the outcome when done (also when the store is closing).
func (s *Store) runJob(ctx context.Context, job Job) {
	defer s.jobs.Done()
	var last time.Time
	progress := func(done, total int) {
		if time.Since(last) < jobHeartbeatEvery && done != total && done != 0 {
			return
		}
		last = time.Now()
		if _, err := s.db.Exec(ctx, sqlJobProgress, job.ID, total, done); err != nil {
			s.log.WarnContext(ctx, "recording job progress failed", "job_id", job.ID, "err", err)
		}
	}
	opts := ReembedOptions{Retokenize: job.Kind == JobReindex}
	n, err := s.Reembed(ctx, opts, progress)
	status, msg := "succeeded", ""
	if err != nil {
		status, msg = "failed", err.Error()
		s.log.ErrorContext(ctx, "knowledge job failed", "job_id", job.ID, "kind", job.Kind, "err", err)
	} else {
		s.log.InfoContext(ctx, "knowledge job done", "job_id", job.ID, "kind", job.Kind, "rows", n)
	}
	fin := context.WithoutCancel(ctx)
	if _, err := s.db.Exec(fin, sqlJobFinish, job.ID, status, msg); err != nil {
		s.log.ErrorContext(fin, "recording job outcome failed", "job_id", job.ID, "err", err)
	}
}

// GetJob returns a job and its progress.
func (s *Store) GetJob(ctx context.Context, id int64) (Job, error) {
	rows, err := s.db.Query(ctx, sqlGetJob, id)
	if err != nil {
		return Job{}, fmt.Errorf("reading job %d: %w", id, err)
	}
	j, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Job])
	if err != nil {
		return j, fmt.Errorf("reading job %d: %w", id, interpretError(err))
	}
	return j, nil
}

// ListJobs lists recent jobs, newest first.
func (s *Store) ListJobs(ctx context.Context, limit int) ([]Job, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	rows, err := s.db.Query(ctx, sqlListJobs, limit)
	if err != nil {
		return nil, fmt.Errorf("listing jobs: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Job])
}

// RefreshIfStale starts a background re-embed when imports have moved the
// corpus enough to make the statistics stale. It returns the job, or nil
// when nothing was needed or one is already running.
func (s *Store) RefreshIfStale(ctx context.Context, actor string) (*Job, error) {
	stale, err := s.StatsStale(ctx)
	if err != nil || !stale {
		return nil, err
	}
	job, err := s.StartJob(ctx, JobReembed, actor)
	if errors.Is(err, ErrJobRunning) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &job, nil
}
