package knowledge

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

// TestSeedIsIdempotent seeds twice into a database of its own: the second
// run must not write anything.
func TestSeedIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, pool := dbtest.NewDB(t)
	s := newTestStore(t, pool)
	first, err := s.Seed(ctx, nil)
	noErr(t, err)
	names, err := SeedFiles()
	noErr(t, err)
	isTrue(t, len(names) >= 40, "at least 40 seed documents, got %d", len(names))
	eq(t, len(names), first.Changed())
	groups, err := SeedSynonymGroups()
	noErr(t, err)
	isTrue(t, len(groups) >= 300, "about 350 synonym groups")
	eq(t, len(groups), first.SynonymsAdded)
	_, err = s.Reembed(ctx, ReembedOptions{}, nil)
	noErr(t, err)

	snapshot := func() [6]int {
		var out [6]int
		noErr(t, pool.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM kb_documents), (SELECT count(*) FROM kb_document_versions),
			(SELECT count(*) FROM kb_faq_questions), (SELECT count(*) FROM audit_events),
			(SELECT count(*) FROM kb_synonyms), (SELECT coalesce(max(generation), 0) FROM kb_stats)`).
			Scan(&out[0], &out[1], &out[2], &out[3], &out[4], &out[5]))
		return out
	}
	var lastUpdate time.Time
	noErr(t, pool.QueryRow(ctx, `SELECT max(updated_at) FROM kb_documents`).Scan(&lastUpdate))
	before := snapshot()
	second, err := s.Seed(ctx, nil)
	noErr(t, err)
	eq(t, 0, second.Changed())
	eq(t, 0, second.SynonymsAdded)
	stale, err := s.StatsStale(ctx)
	noErr(t, err)
	isTrue(t, !stale, "statistics stay fresh")
	eq(t, before, snapshot(), "nothing written")
	var after time.Time
	noErr(t, pool.QueryRow(ctx, `SELECT max(updated_at) FROM kb_documents`).Scan(&after))
	eq(t, lastUpdate, after)
	eq(t, len(names), countRows(t, pool, `SELECT count(*) FROM kb_documents WHERE status = 'published'`))
}

func TestDocumentCRUD(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := dbtest.TestTx(t)
	s := newTestStore(t, tx)
	in := DocumentInput{Kind: KindGuide, Title: "如何查询投诉进度", Body: "## 查询\n输入投诉编号和手机尾号即可查询。", Questions: []string{"投诉进度怎么查"}}
	d, err := s.CreateDocument(ctx, in, "staff:a")
	noErr(t, err)
	eq(t, StatusDraft, d.Status)
	eq(t, 1, d.Version)
	eq(t, []string{"投诉进度怎么查"}, d.Questions)
	has(t, d.Body, "投诉编号")

	_, err = s.CreateDocument(ctx, DocumentInput{Slug: d.Slug, Kind: KindGuide, Title: "重名", Body: "正文"}, "staff:a")
	isTrue(t, errors.Is(err, ErrDuplicate), "slugs are unique: %v", err)
	_, err = s.CreateDocument(ctx, DocumentInput{Kind: "blog", Title: "x", Body: "y"}, "staff:a")
	isTrue(t, errors.Is(err, ErrInvalid), "kind is validated")
	_, err = s.CreateDocument(ctx, DocumentInput{Kind: KindGuide, Title: "x", Body: "y", Effective: "明年"}, "staff:a")
	isTrue(t, errors.Is(err, ErrInvalid), "dates are validated")

	same, err := s.UpdateDocument(ctx, d.ID, in, "staff:b")
	noErr(t, err)
	eq(t, 1, same.Version, "saving unchanged content is not a new version")
	in.Body = "## 查询\n输入投诉编号和手机号后四位即可查询进度。"
	d, err = s.UpdateDocument(ctx, d.ID, in, "staff:b")
	noErr(t, err)
	eq(t, 2, d.Version)
	vs, err := s.DocumentVersions(ctx, d.ID)
	noErr(t, err)
	eq(t, 2, len(vs))
	eq(t, 2, vs[0].Version)

	d, err = s.SetStatus(ctx, d.ID, StatusPublished, "staff:b")
	noErr(t, err)
	eq(t, StatusPublished, d.Status)
	isTrue(t, d.PublishedAt != nil, "published_at set")
	eq(t, 0, countRows(t, tx, `SELECT count(*) FROM kb_chunks WHERE document_id = $1 AND status <> 'published'`, d.ID), "chunks follow the status")
	eq(t, 0, countRows(t, tx, `SELECT count(*) FROM kb_faq_questions WHERE document_id = $1 AND status <> 'published'`, d.ID), "questions too")
	isTrue(t, countRows(t, tx, `SELECT count(*) FROM audit_events WHERE subject_type = 'kb_document' AND subject_id = $1::bigint::text`, d.ID) >= 3, "audited")

	docs, total, err := s.ListDocuments(ctx, DocumentFilter{Status: StatusPublished, Kind: KindGuide, Query: "投诉进度"})
	noErr(t, err)
	eq(t, 1, total)
	eq(t, d.ID, docs[0].ID)
	isTrue(t, docs[0].Chunks > 0, "chunk count listed")

	noErr(t, s.DeleteDocument(ctx, d.ID, "staff:b"))
	_, err = s.GetDocument(ctx, d.ID)
	isTrue(t, errors.Is(err, ErrNotFound), "deleted")
	eq(t, 0, countRows(t, tx, `SELECT count(*) FROM kb_chunks WHERE document_id = $1`, d.ID))
}

// TestJobsReembed commits (a job runs in the background on the pool).
func TestJobsReembed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, pool := dbtest.NewDB(t)
	s := newTestStore(t, pool)
	for _, name := range []string{"a.md", "b.md", "c.md"} {
		_, err := s.ImportBytes(ctx, name, []byte("# 标题"+name+"\n\n## 小节\n信用卡年费和违约金的规则说明。"), ImportOptions{Publish: true})
		noErr(t, err)
	}
	stale, err := s.StatsStale(ctx)
	noErr(t, err)
	isTrue(t, stale, "no statistics yet")
	job, err := s.StartJob(ctx, JobReindex, "staff:a")
	noErr(t, err)
	_, err = s.StartJob(ctx, JobReembed, "staff:a")
	isTrue(t, errors.Is(err, ErrJobRunning) || err == nil, "at most one job runs: %v", err)
	deadline := time.Now().Add(30 * time.Second)
	for {
		j, err := s.GetJob(ctx, job.ID)
		noErr(t, err)
		if j.Status != "running" {
			eq(t, "succeeded", j.Status, j.Error)
			eq(t, j.Total, j.Done)
			isTrue(t, j.Total >= 3, "every chunk re-embedded")
			break
		}
		isTrue(t, time.Now().Before(deadline), "job finished in time")
		time.Sleep(50 * time.Millisecond)
	}
	s.Close() // waits for any second job
	eq(t, 0, countRows(t, pool, `SELECT count(*) FROM kb_chunks WHERE stats_generation = 0`), "nothing left stale")
	jobs, err := s.ListJobs(ctx, 10)
	noErr(t, err)
	isTrue(t, len(jobs) >= 1, "jobs listed")
	_, err = s.StartJob(ctx, "defrag", "x")
	isTrue(t, errors.Is(err, ErrInvalid), "unknown kinds rejected")
}
